public import Foundation

/// What every store capability shares: where evidence files are and the group's time zone.
public protocol CaseStoreBase: Sendable {
    /// Evidence files (the database's folder, or the configured shared directory).
    var evidence: EvidenceStore { get }

    /// The group's time zone: every time shown, the months of reports and the date in case numbers.
    var timeZone: TimeZone { get }
}

/// What a camera worker needs of a store: draft cases, their evidence, camera status and the group it runs.
///
/// Every method is one transaction. With many writers on one database (a PostgreSQL store shared by many groups)
/// an implementation keeps case numbers unique and gap-free per prefix and one draft per incident key.
public protocol CaseWriting: CaseStoreBase {
    /// Records (or updates) a group, its `utc_offset` (`±HH:MM`) and its cameras. Camera URLs are never stored.
    /// - Throws: a database error.
    func register(group: String, name: String, utcOffset: String, cameras: [RegisteredCamera]) async throws

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

    /// Evidence the camera's cases still await (``DueEvidence/missingReason`` `nil`) or were given up on; a new
    /// case awaits before, after and clip until each is attached or marked missing.
    func evidenceDue(camera: String) async throws -> [DueEvidence]

    /// Gives up on `role` of a case, with the reason a reviewer sees (a file attached later still counts).
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error.
    func markEvidenceMissing(_ role: EvidenceRole, toIncident incidentKey: String, reason: String) async throws

    /// Adds a note on where a case's evidence came from (e.g. the main stream failed and the sub-stream's is kept).
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error.
    func noteEvidence(_ note: String, toIncident incidentKey: String, at date: Date) async throws

    /// Drafts whose incident is not closed, for ``IncidentTracker/resume(from:at:)``; oldest first.
    func openIncidents(camera: String) async throws -> [DraftCase]

    /// Appends a camera status sample (for uptime reports, 探头考评) and adds it to the daily uptime rollup.
    func record(_ sample: CameraStatusSample) async throws

    /// Deletes the camera's raw status samples taken before `cutoff`, except its latest; the daily uptime rollup
    /// keeps what the camera page and the yearly report read.
    /// - Returns: how many samples were deleted.
    @discardableResult
    func pruneStatusSamples(camera: String, before cutoff: Date) async throws -> Int

    /// Keeps `jpeg` as the camera's latest analysed picture, replacing the one before.
    func recordPicture(_ jpeg: [UInt8], camera: String, at: Date) async throws
}

extension CaseWriting {
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

    /// Records the group and its cameras as `run` and `scan` do when they open the store.
    /// - Throws: a database error.
    public func register(_ group: GroupConfig) async throws {
        try await register(group: group.group.id, name: group.group.name, utcOffset: group.defaults.utcOffset,
                           cameras: group.cameras.map {
                               RegisteredCamera(id: $0.id, name: $0.name, group: group.group.id, groupName: group.group.name,
                                                configuredFPS: $0.analysisFPS ?? group.defaults.analysisFPS)
                           })
    }
}
