public import Foundation
import GRDB

/// Notes on where a case's evidence came from when it is not what the camera's config asked for, e.g. a main
/// stream that could not be opened, so the after picture and the clip are the analysed sub-stream's. A reviewer
/// reads them beside the pictures; they are never shown with a password (callers redact).
extension SQLiteCaseStore {
    /// Registers `v12-evidence-notes`. Never edit it once shipped; add a new step.
    static func registerEvidenceNotes(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-evidence-notes") { db in
            try db.execute(sql: """
                CREATE TABLE evidence_notes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                    at REAL NOT NULL,
                    note TEXT NOT NULL
                );
                CREATE INDEX evidence_notes_by_case ON evidence_notes(case_id, id);
                """)
        }
    }

    public func noteEvidence(_ note: String, toIncident incidentKey: String, at date: Date) async throws {
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE incident_key = ?",
                                              arguments: [incidentKey]) else {
                throw CaseStoreError.noSuchCase(incidentKey)
            }
            try db.execute(sql: "INSERT INTO evidence_notes (case_id, at, note) VALUES (?, ?, ?)",
                           arguments: [id, date.timeIntervalSince1970, note])
        }
    }

    public func evidenceNotes(caseNumber: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT n.note FROM evidence_notes n JOIN cases c ON c.id = n.case_id
                WHERE c.case_number = ? ORDER BY n.id
                """, arguments: [caseNumber])
        }
    }
}
