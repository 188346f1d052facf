public import Foundation
import PostgresNIO

/// What `push` delivered, per case (see ``DeliveryTracking``).
extension PostgresCaseStore {
    public func recordDelivery(of draft: DraftCase, at now: Date) async throws {
        guard let number = draft.caseNumber else { return }
        try await query("""
            INSERT INTO push_state (case_number, decided_at, delivered_at)
            VALUES (\(number), \(draft.decision?.decidedAt.timeIntervalSince1970), \(now.timeIntervalSince1970))
            ON CONFLICT (case_number) DO UPDATE SET decided_at = excluded.decided_at,
                delivered_at = excluded.delivered_at, withdrawn_reported_at = NULL
            """)
    }

    public func alreadyDelivered() async throws -> Set<String> {
        Set(try await query("""
            SELECT p.case_number FROM push_state p JOIN cases c ON c.case_number = p.case_number
            WHERE c.status = 'confirmed' AND p.decided_at IS NOT DISTINCT FROM c.decided_at
                AND p.withdrawn_reported_at IS NULL
            """).map { try $0.decode(String.self) })
    }

    public func takeWithdrawnVerdicts(at now: Date) async throws -> [WithdrawnVerdict] {
        // One statement: marking and returning together, so each withdrawal is handed out once even with two pushes.
        try await query("""
            UPDATE push_state p SET withdrawn_reported_at = \(now.timeIntervalSince1970)
            FROM cases c
            WHERE c.case_number = p.case_number AND c.status <> 'confirmed' AND p.withdrawn_reported_at IS NULL
            RETURNING p.case_number, p.delivered_at, c.status
            """).map { row in
            let (number, delivered, text) = try row.decode((String, Double, String).self)
            guard let status = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(number)") }
            return WithdrawnVerdict(caseNumber: number, deliveredAt: Date(timeIntervalSince1970: delivered), status: status)
        }.sorted { ($0.deliveredAt, $0.caseNumber) < ($1.deliveredAt, $1.caseNumber) }
    }
}
