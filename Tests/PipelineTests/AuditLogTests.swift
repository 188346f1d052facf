import Foundation
import GRDB
import Pipeline
import ReviewFixtures
import Testing

/// The audit log is append-only in the database itself, and every status change writes a line.
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

    @Test func decideWritesAnAuditLine() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let at = Date(timeIntervalSince1970: 1_795_400_000)
        try await store.decide(caseNumber: numbers[0], status: .confirmed,
                               decision: CaseDecision(reviewer: ReviewSeed.reviewer, decidedAt: at))
        try await store.decide(caseNumber: numbers[1], status: .rejected,
                               decision: CaseDecision(reason: "shadow", reviewer: nil, decidedAt: at))
        try await store.decide(caseNumber: numbers[0], status: .draft, decision: nil)
        let log = try await store.auditLog()
        #expect(log.map(\.caseNumber) == [numbers[0], numbers[1], numbers[0]])
        #expect(log.map(\.action) == [.confirm, .reject, .undo])
        #expect(log.map(\.before) == ["draft", "draft", "confirmed"])
        #expect(log.map(\.after) == ["confirmed", "rejected", "draft"])
        #expect(log.map(\.actor) == [ReviewSeed.reviewer, "system", "system"])
        #expect(log.dropFirst().first?.reason == "shadow")
        // A case that does not exist changes nothing and logs nothing.
        await #expect(throws: CaseStoreError.noSuchCase("SW-nope")) {
            try await store.decide(caseNumber: "SW-nope", status: .confirmed, decision: nil)
        }
        #expect(try await store.auditLog().count == 3)
    }
}
