public import Foundation
import Logging
import PostgresNIO

/// Verdicts and the audit log. A verdict is `UPDATE … WHERE status = 'draft' RETURNING`: of two reviewers deciding
/// one draft at once, the second waits on the row lock, then matches no row and is told who was first.
extension PostgresCaseStore {
    @discardableResult
    public func review(caseNumber: String, verdict: ReviewVerdict, reviewer: String, at now: Date) async throws -> AuditEntry {
        let (status, action, reason): (CaseStatus, AuditEntry.Action, ReviewReason) = switch verdict {
        case .confirm(let note): (.confirmed, .confirm, ReviewReason(reason: nil, note: note))
        case .reject(let why, let note): (.rejected, .reject, ReviewReason(reason: why, note: note))
        }
        if case .reject(.other, _) = verdict, reason.note == nil { throw ReviewError.noteRequired }
        let t = now.timeIntervalSince1970
        return try await transaction { db in
            if try await db.rows("SELECT 1 FROM users WHERE name = \(reviewer)", logger).isEmpty {
                throw ReviewError.noSuchReviewer(reviewer)
            }
            let updated = try await db.rows("""
                UPDATE cases SET status = \(status.rawValue), status_reason = \(reason.stored), reviewer = \(reviewer),
                    decided_at = \(t), updated_at = \(t)
                WHERE case_number = \(caseNumber) AND status = 'draft' RETURNING id
                """, logger)
            if updated.isEmpty {
                throw ReviewError.alreadyDecided(caseNumber, try await Self.status(db, caseNumber, logger))
            }
            return try await Self.appendAudit(db, logger, at: now, actor: reviewer, caseNumber: caseNumber, action: action,
                                              before: .draft, after: status, reason: reason.stored, undoes: nil)
        }
    }

    @discardableResult
    public func undo(caseNumber: String, by user: User, at now: Date) async throws -> AuditEntry {
        try await transaction { db in
            // FOR UPDATE: an undo and a second undo (or a verdict) on the same case run one after the other.
            guard let text = try await db.rows("SELECT status FROM cases WHERE case_number = \(caseNumber) FOR UPDATE", logger)
                .first?.decode(String.self) else { throw ReviewError.noSuchCase(caseNumber) }
            guard let current = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(caseNumber)") }
            guard current != .draft, let last = try await Self.audit(db, logger, caseNumber: caseNumber).last,
                  last.action != .undo else {
                throw ReviewError.cannotUndo("case \(caseNumber) has no verdict")
            }
            if user.role != .admin {
                guard last.actor == user.name else {
                    throw ReviewError.cannotUndo("the verdict on \(caseNumber) is \(last.actor)'s")
                }
                guard now.timeIntervalSince(last.at) <= reviewUndoWindow else {
                    throw ReviewError.cannotUndo("the \(Int(reviewUndoWindow / 60))-minute window has passed")
                }
            }
            let t = now.timeIntervalSince1970
            try await db.rows("""
                UPDATE cases SET status = 'draft', status_reason = NULL, reviewer = NULL, decided_at = NULL,
                    updated_at = \(t) WHERE case_number = \(caseNumber)
                """, logger)
            return try await Self.appendAudit(db, logger, at: now, actor: user.name, caseNumber: caseNumber, action: .undo,
                                              before: current, after: .draft, reason: last.reason, undoes: last.id)
        }
    }

    public func decide(caseNumber: String, status: CaseStatus, decision: CaseDecision?) async throws {
        try await transaction { db in
            guard let text = try await db.rows("SELECT status FROM cases WHERE case_number = \(caseNumber) FOR UPDATE", logger)
                .first?.decode(String.self) else { throw CaseStoreError.noSuchCase(caseNumber) }
            guard let before = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(caseNumber)") }
            let now = Date()
            try await db.rows("""
                UPDATE cases SET status = \(status.rawValue), status_reason = \(decision?.reason),
                    reviewer = \(decision?.reviewer), decided_at = \(decision?.decidedAt.timeIntervalSince1970),
                    updated_at = \(now.timeIntervalSince1970)
                WHERE case_number = \(caseNumber)
                """, logger)
            let action: AuditEntry.Action = switch status {
            case .confirmed: .confirm
            case .rejected: .reject
            case .draft: .undo
            }
            try await Self.appendAudit(db, logger, at: decision?.decidedAt ?? now, actor: decision?.reviewer ?? "system",
                                       caseNumber: caseNumber, action: action, before: before, after: status,
                                       reason: decision?.reason, undoes: nil)
        }
    }

    public func auditLog(caseNumber: String?) async throws -> [AuditEntry] {
        try await transaction { db in try await Self.audit(db, logger, caseNumber: caseNumber) }
    }

    public func reviewRecords(firstSeenIn period: Range<Date>) async throws -> [ReviewRecord] {
        try await query("""
            SELECT case_number, camera_id, rule_id, category_code, category_name, first_seen_at, created_at,
                   status, status_reason, decided_at
            FROM cases WHERE first_seen_at >= \(period.lowerBound.timeIntervalSince1970)
                AND first_seen_at < \(period.upperBound.timeIntervalSince1970) ORDER BY first_seen_at, id
            """).map { row in
            let r = PostgresRowReader(row, "cases")
            guard let status = CaseStatus(rawValue: try r("status")) else {
                throw CaseStoreError.corruptRow("status of \(try r("case_number") as String)")
            }
            let decided: Double? = try r("decided_at")
            return ReviewRecord(caseNumber: try r("case_number"), camera: try r("camera_id"), rule: try r("rule_id"),
                                category: "\(try r("category_code") as String) \(try r("category_name") as String)",
                                firstSeen: Date(timeIntervalSince1970: try r("first_seen_at")),
                                createdAt: Date(timeIntervalSince1970: try r("created_at")), status: status,
                                reason: ReviewReason(stored: try r("status_reason")),
                                decidedAt: decided.map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func uptimeTotals(in period: Range<Date>) async throws -> [CameraUptimeTotals] {
        let zone = timeZone
        var sql = BoundSQL()
        let (first, last) = (dayKey(period.lowerBound, timeZone: zone), dayKey(period.upperBound.addingTimeInterval(-1), timeZone: zone))
        for day in [first, last, first, last] { _ = sql.bind(day) }
        sql.sql = CameraUptimeTotals.sql(placeholder: { "$\($0)" })
        return try await query(sql.query).map { row in
            let r = PostgresRowReader(row, "camera_uptime_days")
            return CameraUptimeTotals(camera: try r("camera_id"), onlineSeconds: try r("online"),
                                      firstAt: Date(timeIntervalSince1970: try r("first_at")),
                                      lastAt: Date(timeIntervalSince1970: try r("last_at")),
                                      onlineSamples: try r("online_samples"), fpsSum: try r("fps_sum"),
                                      configuredFPS: try r("configured_fps"))
        }
    }

    private static func status(_ db: PostgresConnection, _ caseNumber: String, _ logger: Logger) async throws -> CaseStatus {
        guard let text = try await db.rows("SELECT status FROM cases WHERE case_number = \(caseNumber)", logger)
            .first?.decode(String.self) else { throw ReviewError.noSuchCase(caseNumber) }
        guard let status = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(caseNumber)") }
        return status
    }

    /// Appends one line to the audit log (inside the caller's transaction) and returns it.
    @discardableResult
    static func appendAudit(_ db: PostgresConnection, _ logger: Logger, at: Date, actor: String, caseNumber: String,
                            action: AuditEntry.Action, before: CaseStatus, after: CaseStatus,
                            reason: String?, undoes: Int64?) async throws -> AuditEntry {
        let id = try await db.rows("""
            INSERT INTO audit_log (at, actor, case_number, action, status_before, status_after, reason, undoes)
            VALUES (\(at.timeIntervalSince1970), \(actor), \(caseNumber), \(action.rawValue), \(before.rawValue),
                    \(after.rawValue), \(reason), \(undoes))
            RETURNING id
            """, logger).first?.decode(Int64.self)
        // `!`: INSERT … RETURNING returns the one row it inserted.
        return AuditEntry(id: id!, at: at, actor: actor, caseNumber: caseNumber, action: action,
                          before: before.rawValue, after: after.rawValue, reason: reason, undoes: undoes)
    }

    private static func audit(_ db: PostgresConnection, _ logger: Logger, caseNumber: String?) async throws -> [AuditEntry] {
        let columns = "id, at, actor, case_number, action, status_before, status_after, reason, undoes"
        let rows = if let caseNumber {
            try await db.rows("SELECT \(unescaped: columns) FROM audit_log WHERE case_number = \(caseNumber) ORDER BY id", logger)
        } else {
            try await db.rows("SELECT \(unescaped: columns) FROM audit_log ORDER BY id", logger)
        }
        return try rows.map { row in
            let r = PostgresRowReader(row, "audit_log")
            guard let action = AuditEntry.Action(rawValue: try r("action")) else {
                throw CaseStoreError.corruptRow("audit_log.action #\(try r("id") as Int64)")
            }
            return AuditEntry(id: try r("id"), at: Date(timeIntervalSince1970: try r("at")), actor: try r("actor"),
                              caseNumber: try r("case_number"), action: action, before: try r("status_before"),
                              after: try r("status_after"), reason: try r("reason"), undoes: try r("undoes"))
        }
    }
}
