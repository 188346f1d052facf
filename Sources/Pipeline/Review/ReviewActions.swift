public import Foundation
import GRDB

/// A reviewer's verdict on a draft.
public enum ReviewVerdict: Sendable, Hashable {
    /// 立案, with an optional note.
    case confirm(note: String? = nil)
    /// 不予立案, with a reason from the fixed list and optional free text (required for ``RejectReason/other``).
    case reject(RejectReason, note: String? = nil)
}

/// One line of the audit log: who did what to which case, and the status before and after.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// What was done.
    public enum Action: String, Sendable, Hashable, Codable {
        /// Confirmed (立案).
        case confirm
        /// Rejected (不予立案).
        case reject
        /// A verdict taken back.
        case undo
    }

    /// Row id (ascending in time).
    public var id: Int64
    /// When.
    public var at: Date
    /// Who (user name).
    public var actor: String
    /// Which case.
    public var caseNumber: String
    /// What.
    public var action: Action
    /// Status before.
    public var before: String
    /// Status after.
    public var after: String
    /// The stored reason text (see ``ReviewReason``).
    public var reason: String?
    /// For an undo: the entry it took back.
    public var undoes: Int64?
}

/// Review failures a person can act on.
public enum ReviewError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No case has this number.
    case noSuchCase(String)
    /// Only drafts take a verdict; undo the earlier one first.
    case alreadyDecided(String, CaseStatus)
    /// ``RejectReason/other`` needs free text.
    case noteRequired
    /// Nothing to undo, or the window has passed, or it was someone else's verdict.
    case cannotUndo(String)
    /// No such reviewer account.
    case noSuchReviewer(String)

    public var description: String {
        switch self {
        case .noSuchCase(let number): "no case '\(number)'"
        case .alreadyDecided(let number, let status): "case \(number) is already \(status.rawValue); undo that first"
        case .noteRequired: "reason 'other' (其他) needs free text saying why"
        case .cannotUndo(let why): "cannot undo: \(why)"
        case .noSuchReviewer(let name): "no user '\(name)' (add one with `streetwatch user add`)"
        }
    }
}

/// Review actions. Each changes the case and appends to the audit log in one transaction, so the log can never
/// miss a verdict.
extension SQLiteCaseStore {
    /// How long a verdict can be taken back by its reviewer.
    public static let undoWindow: TimeInterval = reviewUndoWindow

    /// Confirms or rejects a draft.
    /// - Parameters:
    ///   - reviewer: an existing account's name.
    ///   - now: the decision time (tests pass their own).
    /// - Returns: the audit entry written.
    /// - Throws: ``ReviewError``, or a database error; nothing is written then.
    @discardableResult
    public func review(caseNumber: String, verdict: ReviewVerdict, reviewer: String,
                       at now: Date) async throws -> AuditEntry {
        let (status, action, reason): (CaseStatus, AuditEntry.Action, ReviewReason) = switch verdict {
        case .confirm(let note): (.confirmed, .confirm, ReviewReason(reason: nil, note: note))
        case .reject(let why, let note): (.rejected, .reject, ReviewReason(reason: why, note: note))
        }
        if case .reject(.other, _) = verdict, reason.note == nil { throw ReviewError.noteRequired }
        return try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [reviewer]) == true else {
                throw ReviewError.noSuchReviewer(reviewer)
            }
            let current = try Self.status(db, caseNumber)
            guard current == .draft else { throw ReviewError.alreadyDecided(caseNumber, current) }
            try db.execute(sql: """
                UPDATE cases SET status = ?, status_reason = ?, reviewer = ?, decided_at = ?, updated_at = ?
                WHERE case_number = ?
                """, arguments: [status.rawValue, reason.stored, reviewer, now.timeIntervalSince1970,
                                 now.timeIntervalSince1970, caseNumber])
            return try Self.appendAudit(db, at: now, actor: reviewer, caseNumber: caseNumber, action: action,
                                        before: current, after: status, reason: reason.stored, undoes: nil)
        }
    }

    /// Takes back the latest verdict on a case: the case is a draft again and the log gains an `undo` line.
    ///
    /// A reviewer may undo their own verdict within ``undoWindow``; an admin may undo any verdict at any time.
    /// - Throws: ``ReviewError/cannotUndo(_:)`` when not allowed, or a database error.
    @discardableResult
    public func undo(caseNumber: String, by user: User, at now: Date) async throws -> AuditEntry {
        try await pool.write { db in
            let current = try Self.status(db, caseNumber)
            guard current != .draft,
                  let last = try Self.audit(db, caseNumber: caseNumber).last, last.action != .undo else {
                throw ReviewError.cannotUndo("case \(caseNumber) has no verdict")
            }
            if user.role != .admin {
                guard last.actor == user.name else {
                    throw ReviewError.cannotUndo("the verdict on \(caseNumber) is \(last.actor)'s")
                }
                guard now.timeIntervalSince(last.at) <= Self.undoWindow else {
                    throw ReviewError.cannotUndo("the \(Int(Self.undoWindow / 60))-minute window has passed")
                }
            }
            try db.execute(sql: """
                UPDATE cases SET status = 'draft', status_reason = NULL, reviewer = NULL, decided_at = NULL,
                    updated_at = ? WHERE case_number = ?
                """, arguments: [now.timeIntervalSince1970, caseNumber])
            return try Self.appendAudit(db, at: now, actor: user.name, caseNumber: caseNumber, action: .undo,
                                        before: current, after: .draft, reason: last.reason, undoes: last.id)
        }
    }

    /// The audit log of one case (oldest first), or of every case when `caseNumber` is `nil`.
    public func auditLog(caseNumber: String?) async throws -> [AuditEntry] {
        try await pool.read { db in try Self.audit(db, caseNumber: caseNumber) }
    }

    private static func status(_ db: Database, _ caseNumber: String) throws -> CaseStatus {
        guard let text = try String.fetchOne(db, sql: "SELECT status FROM cases WHERE case_number = ?",
                                             arguments: [caseNumber]) else {
            throw ReviewError.noSuchCase(caseNumber)
        }
        guard let status = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(caseNumber)") }
        return status
    }

    /// Appends one line to the audit log (inside the caller's transaction) and returns it.
    @discardableResult
    static func appendAudit(_ db: Database, at: Date, actor: String, caseNumber: String,
                                    action: AuditEntry.Action, before: CaseStatus, after: CaseStatus,
                                    reason: String?, undoes: Int64?) throws -> AuditEntry {
        try db.execute(sql: """
            INSERT INTO audit_log (at, actor, case_number, action, status_before, status_after, reason, undoes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [at.timeIntervalSince1970, actor, caseNumber, action.rawValue, before.rawValue,
                             after.rawValue, reason, undoes])
        return AuditEntry(id: db.lastInsertedRowID, at: at, actor: actor, caseNumber: caseNumber, action: action,
                          before: before.rawValue, after: after.rawValue, reason: reason, undoes: undoes)
    }

    private static func audit(_ db: Database, caseNumber: String?) throws -> [AuditEntry] {
        let rows = if let caseNumber {
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE case_number = ? ORDER BY id", arguments: [caseNumber])
        } else {
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
        }
        return try rows.map { row in
            let r = RowReader(row, "audit_log")
            guard let action = AuditEntry.Action(rawValue: try r("action")) else {
                throw CaseStoreError.corruptRow("audit_log.action #\(try r("id") as Int64)")
            }
            return AuditEntry(id: try r("id"), at: Date(timeIntervalSince1970: try r("at")), actor: try r("actor"),
                              caseNumber: try r("case_number"), action: action, before: try r("status_before"),
                              after: try r("status_after"), reason: try r("reason"), undoes: try r("undoes"))
        }
    }
}
