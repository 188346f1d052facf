public import Foundation

/// Reads of stored cases, for `cases`, `export` and the review desk.
public protocol CaseReading: CaseStoreBase {
    /// Cases matching `query`, ordered by first-seen time (oldest first).
    func cases(_ query: CaseQuery) async throws -> [DraftCase]

    /// The case with `caseNumber`, or `nil`.
    func `case`(number caseNumber: String) async throws -> DraftCase?

    /// The evidence notes of a case (see ``CaseWriting/noteEvidence(_:toIncident:at:)``), oldest first.
    func evidenceNotes(caseNumber: String) async throws -> [String]

    /// Status samples of `camera` at or after `since`, oldest first.
    func statusSamples(camera: String, since: Date) async throws -> [CameraStatusSample]
}

/// What review needs: verdicts with their audit log, the paged queue, and the reads behind accuracy and the yearly
/// report.
///
/// A verdict changes the case and appends to the audit log in one transaction. Two reviewers deciding one draft at
/// once get one verdict and one audit row; the other gets ``ReviewError/alreadyDecided(_:_:)``.
public protocol CaseReviewing: CaseReading {
    /// Confirms or rejects a draft.
    /// - Parameters:
    ///   - reviewer: an existing account's name.
    ///   - now: the decision time.
    /// - Returns: the audit entry written.
    /// - Throws: ``ReviewError``, or a database error; nothing is written then.
    @discardableResult
    func review(caseNumber: String, verdict: ReviewVerdict, reviewer: String, at now: Date) async throws -> AuditEntry

    /// Takes back the latest verdict on a case: the case is a draft again and the log gains an `undo` line.
    ///
    /// A reviewer may undo their own verdict within ``reviewUndoWindow``; an admin may undo any verdict at any time.
    /// - Throws: ``ReviewError/cannotUndo(_:)`` when not allowed, or a database error.
    @discardableResult
    func undo(caseNumber: String, by user: User, at now: Date) async throws -> AuditEntry

    /// Sets a case's review status and appends the change to the audit log in the same transaction (actor: the
    /// decision's reviewer, else `system`; a change back to draft is logged as an undo). The review UI uses
    /// ``review(caseNumber:verdict:reviewer:at:)`` instead, which also checks who may decide.
    /// - Throws: ``CaseStoreError/noSuchCase(_:)``, or a database error; nothing is written then.
    func decide(caseNumber: String, status: CaseStatus, decision: CaseDecision?) async throws

    /// The audit log of one case (oldest first), or of every case when `caseNumber` is `nil`.
    func auditLog(caseNumber: String?) async throws -> [AuditEntry]

    /// At most `limit` rows of the queue strictly after `cursor` in the query's order (`backward`: strictly before
    /// it, still returned in the query's order), from indexes only: a page takes the same time at any depth.
    func queue(_ query: QueueQuery, after cursor: QueueCursor?, backward: Bool, limit: Int) async throws -> [QueueRow]

    /// The cursor of the case numbered `caseNumber`, or `nil`.
    func queueCursor(caseNumber: String) async throws -> QueueCursor?

    /// How many cases the query matches.
    func queueCount(_ query: QueueQuery) async throws -> Int

    /// The distinct camera ids, rule ids and category codes of every case, for the queue's filter lists.
    func queueChoices() async throws -> (cameras: [String], rules: [String], categories: [String])

    /// The evidence file a case references by this SHA-256, or `nil`; the web server serves evidence only this way,
    /// so a request can never name a path.
    func evidence(sha256: String) async throws -> EvidenceRef?

    /// Every draft first seen in `period`, with its verdict (accuracy, the yearly report).
    func reviewRecords(firstSeenIn period: Range<Date>) async throws -> [ReviewRecord]

    /// The daily uptime rollup summed per camera over the local days `period` touches, in the store's time zone
    /// (the yearly report's coverage; no raw samples are read).
    func uptimeTotals(in period: Range<Date>) async throws -> [CameraUptimeTotals]
}

/// How long a verdict can be taken back by its reviewer.
public let reviewUndoWindow: TimeInterval = 5 * 60

extension CaseReviewing {
    /// Confirms or rejects a draft now.
    @discardableResult
    public func review(caseNumber: String, verdict: ReviewVerdict, reviewer: String) async throws -> AuditEntry {
        try await review(caseNumber: caseNumber, verdict: verdict, reviewer: reviewer, at: Date())
    }

    /// Takes back the latest verdict on a case now.
    @discardableResult
    public func undo(caseNumber: String, by user: User) async throws -> AuditEntry {
        try await undo(caseNumber: caseNumber, by: user, at: Date())
    }

    /// The audit log of every case, oldest first.
    public func auditLog() async throws -> [AuditEntry] { try await auditLog(caseNumber: nil) }

    /// At most `limit` rows of the queue (50 by default) from its start, or strictly after `cursor`.
    public func queue(_ query: QueueQuery, after cursor: QueueCursor? = nil, limit: Int = 50) async throws -> [QueueRow] {
        try await queue(query, after: cursor, backward: false, limit: limit)
    }
}
