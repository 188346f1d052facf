public import Foundation
import GRDB

/// A snapshot or clip a draft case is still owed, or was owed and will never get.
public struct DueEvidence: Sendable, Hashable {
    /// The case.
    public var caseNumber: String
    /// The case's incident, for ``CaseWriting/attach(_:role:toIncident:)``.
    public var incidentKey: String
    /// Which file.
    public var role: EvidenceRole
    /// Whether the incident is still open (its object may still be in view).
    public var incidentOpen: Bool
    /// `nil` while the file is awaited; why it is missing once given up.
    public var missingReason: String?
}

/// What evidence each draft still awaits, so that a process killed between writing a draft and its files leaves
/// a record the next start can act on (a clip takes its post-roll, seconds, to be written).
///
/// A new case owes a before picture, an after picture and a clip, in the same transaction that inserts it; an
/// attached file pays its debt. A debt given up stays as a row with the reason, so a reviewer and a check of the
/// store can tell "missing, and why" from "forgotten".
extension SQLiteCaseStore {
    /// Registers `v10-evidence-due`. Never edit it once shipped; add a new step.
    static func registerEvidenceDue(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-evidence-due") { db in
            try db.execute(sql: """
                CREATE TABLE evidence_due (
                    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('before', 'after', 'clip')),
                    since REAL NOT NULL,
                    missing_reason TEXT,
                    PRIMARY KEY (case_id, role)
                );
                """)
        }
    }

    /// Inside the transaction that inserts case `id`: it owes every role.
    static func owe(_ db: Database, caseID id: Int64, at now: TimeInterval) throws {
        for role in EvidenceRole.allCases {
            try db.execute(sql: "INSERT OR IGNORE INTO evidence_due (case_id, role, since) VALUES (?, ?, ?)",
                           arguments: [id, role.rawValue, now])
        }
    }

    /// Inside the transaction that attaches `role` to case `id`: paid.
    static func paid(_ db: Database, caseID id: Int64, role: EvidenceRole) throws {
        try db.execute(sql: "DELETE FROM evidence_due WHERE case_id = ? AND role = ?", arguments: [id, role.rawValue])
    }

    public func evidenceDue(camera: String) async throws -> [DueEvidence] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.case_number, c.incident_key, c.incident_state, d.role, d.missing_reason
                FROM evidence_due d JOIN cases c ON c.id = d.case_id
                WHERE c.camera_id = ? ORDER BY c.first_seen_at, c.id, d.role
                """, arguments: [camera]).map { row in
                let read = RowReader(row, "evidence_due")
                let role: String = try read("role")
                guard let parsed = EvidenceRole(rawValue: role) else {
                    throw CaseStoreError.corruptRow("evidence_due.role holds '\(role)'")
                }
                let state: String = try read("incident_state")
                return DueEvidence(caseNumber: try read("case_number"), incidentKey: try read("incident_key"),
                                   role: parsed, incidentOpen: state != "closed", missingReason: try read("missing_reason"))
            }
        }
    }

    public func markEvidenceMissing(_ role: EvidenceRole, toIncident incidentKey: String, reason: String) async throws {
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE incident_key = ?",
                                              arguments: [incidentKey]) else {
                throw CaseStoreError.noSuchCase(incidentKey)
            }
            // Only a debt still open: a file attached meanwhile wins over the reason.
            try db.execute(sql: "UPDATE evidence_due SET missing_reason = ? WHERE case_id = ? AND role = ?",
                           arguments: [reason, id, role.rawValue])
        }
    }
}
