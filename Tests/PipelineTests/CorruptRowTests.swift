import Foundation
import GRDB
import Pipeline
import ReviewFixtures
import Testing

/// A row that cannot be read (edited by hand, damaged) is an error naming the row, never a crash.
@Suite("corrupt rows")
struct CorruptRowTests {
    @Test func aCorruptCaseRowIsAnErrorNotACrash() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        // SQLite keeps text in a REAL column when it does not look like a number.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE cases SET dwell = 'long' WHERE case_number = ?", arguments: [numbers[0]])
        }
        await #expect(throws: CaseStoreError.self) { try await store.case(number: numbers[0]) }
        await #expect(throws: CaseStoreError.self) { try await store.cases(CaseQuery()) }
        // The other cases are still readable one by one.
        #expect(try await store.case(number: numbers[1])?.caseNumber == numbers[1])
    }

    @Test func corruptStatusAuditAndRecordRowsAreErrors() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops) VALUES ('gs-east-03', 'noon', 'online', 5, 0)
                """)
            try db.execute(sql: """
                INSERT INTO audit_log (at, actor, case_number, action, status_before, status_after)
                VALUES ('yesterday', 'lina', ?, 'confirm', 'draft', 'confirmed')
                """, arguments: [numbers[0]])
            try db.execute(sql: "UPDATE cases SET created_at = 'soon' WHERE case_number = ?", arguments: [numbers[2]])
        }
        await #expect(throws: CaseStoreError.self) { try await store.statusSamples(camera: "gs-east-03", since: .distantPast) }
        await #expect(throws: CaseStoreError.self) { try await store.auditLog() }
        let year = try YearlyReport.yearRange(ReviewSeed.year, timeZone: ReviewSeed.timeZone)
        await #expect(throws: CaseStoreError.self) { try await store.reviewRecords(firstSeenIn: year) }
    }
}
