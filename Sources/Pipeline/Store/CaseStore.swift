public import Foundation

/// Where draft cases, their evidence references and camera status samples live.
///
/// ``SQLiteCaseStore`` is the one-group implementation; the protocol leaves room for a PostgreSQL store shared
/// by many groups. Every method is one transaction.
public protocol CaseStore: Sendable {
    /// Evidence files beside the database.
    var evidence: EvidenceStore { get }

    /// Inserts the event's draft, or updates the existing case with the same ``DraftCase/incidentKey``.
    ///
    /// An insert assigns the case number. An update changes only what the tracker owns (last seen, dwell, box,
    /// facts, description, incident state); case number, evidence, status and decision stay. Applying the same
    /// event twice leaves one row, unchanged by the second.
    /// - Returns: the stored case, with its case number and evidence.
    /// - Throws: a database error; nothing is written then.
    @discardableResult
    func apply(_ event: CaseEvent) async throws -> DraftCase

    /// Records evidence for a case, replacing an earlier file of the same role.
    /// - Throws: ``CaseStoreError/noSuchCase(_:)`` when no case has `incidentKey`, or a database error.
    func attach(_ ref: EvidenceRef, role: EvidenceRole, toIncident incidentKey: String) async throws

    /// Sets a case's review status and appends the change to the audit log in the same transaction (actor: the
    /// decision's reviewer, else `system`; a change back to draft is logged as an undo). The review UI uses
    /// ``SQLiteCaseStore/review(caseNumber:verdict:reviewer:at:)`` instead, which also checks who may decide.
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error; nothing is written then.
    func decide(caseNumber: String, status: CaseStatus, decision: CaseDecision?) async throws

    /// Evidence the camera's cases still await (``DueEvidence/missingReason`` `nil`) or were given up on; a new
    /// case awaits before, after and clip until each is attached or marked missing.
    func evidenceDue(camera: String) async throws -> [DueEvidence]

    /// Gives up on `role` of a case, with the reason a reviewer sees (a file attached later still counts).
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error.
    func markEvidenceMissing(_ role: EvidenceRole, toIncident incidentKey: String, reason: String) async throws

    /// Adds a note on where a case's evidence came from (e.g. the main stream failed and the sub-stream's is kept).
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error.
    func noteEvidence(_ note: String, toIncident incidentKey: String, at date: Date) async throws

    /// The evidence notes of a case, oldest first.
    func evidenceNotes(caseNumber: String) async throws -> [String]

    /// Drafts whose incident is not closed, for ``IncidentTracker/resume(from:at:)``; oldest first.
    func openIncidents(camera: String) async throws -> [DraftCase]

    /// Cases matching `query`, ordered by first-seen time (oldest first).
    func cases(_ query: CaseQuery) async throws -> [DraftCase]

    /// The case with `caseNumber`, or `nil`.
    func `case`(number caseNumber: String) async throws -> DraftCase?

    /// Appends a camera status sample (for uptime reports, 探头考评).
    func record(_ sample: CameraStatusSample) async throws

    /// Status samples of `camera` at or after `since`, oldest first.
    func statusSamples(camera: String, since: Date) async throws -> [CameraStatusSample]

    /// Keeps `jpeg` as the camera's latest analysed picture, replacing the one before.
    func recordPicture(_ jpeg: [UInt8], camera: String, at: Date) async throws
}

extension CaseStore {
    /// Stores `bytes` as evidence (atomically, by content hash) and attaches them to the case.
    ///
    /// The file is written before the row: a crash in between leaves an unreferenced file, never a row that
    /// points at nothing.
    /// - Parameters:
    ///   - bytes: e.g. a JPEG from `FullFrame.jpeg(boxes:)`.
    ///   - fileExtension: `jpg`, `mp4`…, without the dot.
    ///   - role: before, after or clip.
    ///   - incidentKey: the case's ``DraftCase/incidentKey``.
    /// - Returns: the reference stored.
    @discardableResult
    public func attachEvidence(_ bytes: [UInt8], fileExtension: String, role: EvidenceRole,
                               toIncident incidentKey: String) async throws -> EvidenceRef {
        let ref = try evidence.put(bytes, fileExtension: fileExtension)
        try await attach(ref, role: role, toIncident: incidentKey)
        return ref
    }

    /// Copies the file at `path` (e.g. a clip that `PacketRing` wrote) into evidence and attaches it; the source
    /// is removed afterwards when `removingSource` is true.
    @discardableResult
    public func attachEvidence(fileAt path: String, role: EvidenceRole, toIncident incidentKey: String,
                               removingSource: Bool = false) async throws -> EvidenceRef {
        let ref = try evidence.put(fileAt: path)
        try await attach(ref, role: role, toIncident: incidentKey)
        if removingSource { try? FileManager.default.removeItem(atPath: path) }
        return ref
    }
}

/// A filter for ``CaseStore/cases(_:)``; `nil` fields match everything.
public struct CaseQuery: Sendable, Hashable {
    /// Only cases with this status.
    public var status: CaseStatus?
    /// Only this camera's cases.
    public var camera: String?
    /// Only cases first seen at or after this time.
    public var firstSeenFrom: Date?
    /// Only cases first seen before this time.
    public var firstSeenUntil: Date?
    /// Only cases decided at or after this time (for export of confirmations since a moment).
    public var decidedFrom: Date?
    /// At most this many cases.
    public var limit: Int?

    /// Creates a query.
    public init(status: CaseStatus? = nil, camera: String? = nil, firstSeenFrom: Date? = nil,
                firstSeenUntil: Date? = nil, decidedFrom: Date? = nil, limit: Int? = nil) {
        self.status = status
        self.camera = camera
        self.firstSeenFrom = firstSeenFrom
        self.firstSeenUntil = firstSeenUntil
        self.decidedFrom = decidedFrom
        self.limit = limit
    }
}

/// One observation of a camera's health.
public struct CameraStatusSample: Sendable, Hashable {
    /// What a camera was doing.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Frames arrive and are analysed.
        case online
        /// Connecting or reconnecting.
        case connecting
        /// No frames (dead address, stalled stream).
        case offline
    }

    /// Camera id.
    public var camera: String
    /// When the sample was taken (wall clock).
    public var at: Date
    /// The state then.
    public var state: State
    /// Frames analysed per second over the sample period.
    public var fpsAnalysed: Double
    /// Frames dropped (drop-oldest) over the sample period.
    public var drops: Int
    /// The analysis rate the camera was configured for then (`nil` in samples stored before it was recorded).
    public var configuredFPS: Double?

    /// Creates a sample.
    public init(camera: String, at: Date, state: State, fpsAnalysed: Double, drops: Int, configuredFPS: Double? = nil) {
        self.camera = camera
        self.at = at
        self.state = state
        self.fpsAnalysed = fpsAnalysed
        self.drops = drops
        self.configuredFPS = configuredFPS
    }
}

/// Failures of a case store that are not plain database errors.
public enum CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No case has this incident key or case number.
    case noSuchCase(String)
    /// A stored row could not be read back (a value outside its enum, bad JSON).
    case corruptRow(String)

    public var description: String {
        switch self {
        case .noSuchCase(let key): "no case '\(key)'"
        case .corruptRow(let detail): "unreadable case row: \(detail)"
        }
    }
}
