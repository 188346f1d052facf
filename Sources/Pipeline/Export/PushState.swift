public import Foundation
import GRDB

/// A confirmation that was delivered to the webhook and is no longer the case's status (the verdict was undone).
public struct WithdrawnVerdict: Sendable, Hashable {
    /// The case.
    public var caseNumber: String
    /// When the confirmation was delivered.
    public var deliveredAt: Date
    /// The case's status now.
    public var status: CaseStatus
}

/// What `push` delivered, per case, so that a later push sends only what is new and reports what was taken back.
///
/// One row per case: the verdict time delivered (a new verdict is a new delivery), when, and whether a push has
/// already reported that the confirmation was withdrawn. The platform has no withdrawal call in this interface, so
/// a withdrawn confirmation is reported (once) for an operator to withdraw on the platform, not retracted.
extension SQLiteCaseStore {
    /// Registers `v6-push-state`. Never edit it once shipped; add a new step.
    static func registerPushState(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-push-state") { db in
            try db.execute(sql: """
                CREATE TABLE push_state (
                    case_number TEXT PRIMARY KEY REFERENCES cases(case_number) ON DELETE CASCADE,
                    decided_at REAL,
                    delivered_at REAL NOT NULL,
                    withdrawn_reported_at REAL
                );
                """)
        }
    }

    /// Notes that the webhook took `draft` with its current verdict.
    public func recordDelivery(of draft: DraftCase, at now: Date) async throws {
        guard let number = draft.caseNumber else { return }
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO push_state (case_number, decided_at, delivered_at) VALUES (?, ?, ?)
                ON CONFLICT (case_number) DO UPDATE SET decided_at = excluded.decided_at,
                    delivered_at = excluded.delivered_at, withdrawn_reported_at = NULL
                """, arguments: [number, draft.decision?.decidedAt.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    /// The numbers of the confirmed cases whose current verdict the webhook already took.
    public func alreadyDelivered() async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT p.case_number FROM push_state p JOIN cases c ON c.case_number = p.case_number
                WHERE c.status = 'confirmed' AND p.decided_at IS c.decided_at AND p.withdrawn_reported_at IS NULL
                """))
        }
    }

    /// Delivered confirmations whose case is no longer confirmed and that no push has reported yet; they are
    /// marked reported in the same transaction, so each is handed out once.
    public func takeWithdrawnVerdicts(at now: Date) async throws -> [WithdrawnVerdict] {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.case_number, p.delivered_at, c.status FROM push_state p JOIN cases c ON c.case_number = p.case_number
                WHERE c.status != 'confirmed' AND p.withdrawn_reported_at IS NULL ORDER BY p.delivered_at, p.case_number
                """)
            let withdrawn = try rows.map { row in
                let r = RowReader(row, "push_state")
                guard let status = CaseStatus(rawValue: try r("status")) else {
                    throw CaseStoreError.corruptRow("status of \(try r("case_number") as String)")
                }
                return WithdrawnVerdict(caseNumber: try r("case_number"),
                                        deliveredAt: Date(timeIntervalSince1970: try r("delivered_at")), status: status)
            }
            for verdict in withdrawn {
                try db.execute(sql: "UPDATE push_state SET withdrawn_reported_at = ? WHERE case_number = ?",
                               arguments: [now.timeIntervalSince1970, verdict.caseNumber])
            }
            return withdrawn
        }
    }
}
