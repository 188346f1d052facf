import Foundation
import GRDB
import Pipeline
import ReviewFixtures
import Testing

/// The audit log is append-only in the database itself.
@Suite("audit log")
struct AuditLogTests {
    @Test func replaceIntoCannotRewriteHistory() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let entry = try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
        for verb in ["REPLACE", "INSERT OR REPLACE"] {
            await #expect(throws: DatabaseError.self, "\(verb) INTO audit_log went through") {
                try await store.pool.write { db in
                    try db.execute(sql: """
                        \(verb) INTO audit_log (id, at, actor, case_number, action, status_before, status_after)
                        VALUES (?, 0, 'mallory', ?, 'reject', 'draft', 'rejected')
                        """, arguments: [entry.id, numbers[0]])
                }
            }
        }
        // UPSERT is the other way an INSERT can change an existing row.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO audit_log (id, at, actor, case_number, action, status_before, status_after)
                    VALUES (?, 0, 'mallory', ?, 'reject', 'draft', 'rejected') ON CONFLICT (id) DO UPDATE SET actor = 'mallory'
                    """, arguments: [entry.id, numbers[0]])
            }
        }
        let log = try await store.auditLog()
        #expect(log.map(\.id) == [entry.id] && log.map(\.actor) == [ReviewSeed.reviewer] && log.map(\.action) == [.confirm],
                "history changed: \(log)")
        // New lines are still welcome.
        try await store.review(caseNumber: numbers[1], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
        #expect(try await store.auditLog().count == 2)
    }
}
