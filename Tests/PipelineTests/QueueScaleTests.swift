import Foundation
import GRDB
import Testing
@testable import Pipeline

/// The review queue at 100,000 cases: every filter and both orders read from an index (no sort of the matches),
/// and a page costs the same at the start and deep in the queue.
@Suite("queue at 100,000 cases", .serialized)
struct QueueScaleTests {
    static let count = 100_000

    /// A store with `count` cases over 29 cameras, two rules and three categories, one case every 25 s, every
    /// tenth confirmed, each with an "after" picture row.
    static func bigStore(in folder: String) throws -> SQLiteCaseStore {
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: TimeZone(secondsFromGMT: 8 * 3600))
        try store.pool.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO cases (incident_key, case_number, number_prefix, number_seq, source, kind, category_standard,
                    category_code, category_name, description, address, longitude, latitude, crs, grid_code, camera_id,
                    camera_name, rule_id, rule_version, zone_id, first_seen_at, last_seen_at, first_seen_stream,
                    last_seen_stream, dwell, area, area_fraction, score, facts_json, box_x0, box_y0, box_x1, box_y1,
                    px_x0, px_y0, px_x1, px_y1, incident_state, status, created_at, updated_at)
                SELECT 'k' || i, 'SW-2026-' || i, 'SW-2026', i, '视频智能识别', 'matter', 'GB/T 47678.5-2026',
                    CASE i % 3 WHEN 0 THEN '06010' WHEN 1 THEN '06036' ELSE '09006' END, '类别', '描述', '地址',
                    116.4, 39.9, 'WGS84', '110101001001001', 'cam-' || (i % 29), '探头 ' || (i % 29),
                    CASE WHEN i % 4 = 0 THEN 'stationary-occupancy' ELSE 'abandoned-object' END, 1, 'zone',
                    1793000000 + i * 25, 1793000000 + i * 25 + 300, 0, 300, 300, 100, 0.01, 0.8, '{}',
                    0.4, 0.5, 0.5, 0.7, 10, 10, 20, 20, 'closed', CASE WHEN i % 10 = 0 THEN 'confirmed' ELSE 'draft' END,
                    1793000000 + i * 25, 1793000000 + i * 25
                FROM n
                """, arguments: [count])
            try db.execute(sql: """
                INSERT INTO evidence (case_id, role, sha256, relative_path, byte_count, media_type, added_at)
                SELECT id, 'after', printf('%064d', id), 'evidence/x.jpg', 1, 'image/jpeg', 0 FROM cases
                """)
        }
        return store
    }

    /// The fastest of 15 reads must stay under 100 ms (the whole budget of a decision): the least disturbed by other
    /// work on the machine, so the test measures the query and not the neighbours. Alone, on this 2-core machine in
    /// a debug build, a page takes about 3 ms (median and p95 are printed).
    @Test func everyQueueViewIsAnIndexedKeysetReadUnder100ms() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-queue-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Self.bigStore(in: folder)
        let deep = try #require(try await store.queue(QueueQuery(), limit: 50_000).last?.cursor)
        let views: [(String, QueueQuery, QueueCursor?)] = [
            ("drafts newest first", QueueQuery(), nil),
            ("drafts newest first, page 1,000", QueueQuery(), deep),
            ("drafts oldest first, page 1,000", QueueQuery(newestFirst: false), deep),
            ("one camera", QueueQuery(camera: "cam-7"), nil),
            ("one camera, deep", QueueQuery(camera: "cam-7"), deep),
            ("one rule", QueueQuery(rule: "stationary-occupancy"), deep),
            ("one category", QueueQuery(category: "06036", newestFirst: false), deep),
            ("camera and rule", QueueQuery(camera: "cam-3", rule: "abandoned-object"), nil),
            ("every status", QueueQuery(status: nil), deep),
            ("confirmed", QueueQuery(status: .confirmed), nil),
        ]
        var report: [String] = []
        _ = try await store.queueCount(QueueQuery(status: nil))  // warm the page cache: the rows were just written
        for (name, query, cursor) in views {
            var times: [Double] = []
            var rows: [QueueRow] = []
            for _ in 0..<15 {
                let start = ContinuousClock.now
                rows = try await store.queue(query, after: cursor, limit: 51)
                times.append(milliseconds(ContinuousClock.now - start))
            }
            #expect(rows.count == 51, "\(name)")
            // Keyset order holds: each row after the cursor, in the view's order.
            let keys = rows.map { ($0.cursor.firstSeen, $0.cursor.id) }
            #expect(zip(keys, keys.dropFirst()).allSatisfy { query.newestFirst ? $0 > $1 : $0 < $1 }, "\(name)")
            times.sort()
            let p95 = times[Int(Double(times.count - 1) * 0.95)]
            report.append(String(format: "%@: min %.2f ms, median %.2f ms, p95 %.2f ms", name, times[0], times[times.count / 2], p95))
            #expect(times[0] < 100, "\(name): \(times)")
        }
        for (name, body) in [("count drafts", { _ = try await store.queueCount(QueueQuery()) }),
                             ("filter choices", { _ = try await store.queueChoices() })] as [(String, () async throws -> Void)] {
            var ms = Double.infinity
            for _ in 0..<5 {
                let start = ContinuousClock.now
                try await body()
                ms = min(ms, milliseconds(ContinuousClock.now - start))
            }
            report.append(String(format: "%@: min of 5 %.2f ms", name, ms))
            #expect(ms < 100, "\(name)")
        }
        print("queue at \(Self.count) cases:\n  " + report.joined(separator: "\n  "))
        let choices = try await store.queueChoices()
        #expect(choices.cameras.count == 29 && choices.rules == ["abandoned-object", "stationary-occupancy"])
        #expect(choices.categories == ["06010", "06036", "09006"])
    }

    /// Each filter is an equality in the index searched (so rare values are not found by scanning), and no view
    /// sorts its matches.
    @Test func noQueueViewSortsOrScansItsMatches() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-plan-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        for (filter, values, searched) in [("", [], "status=?"), ("c.camera_id = ? AND", ["x"], "camera_id=?"),
                                           ("c.rule_id = ? AND", ["x"], "rule_id=?"),
                                           ("c.category_code = ? AND", ["x"], "category_code=?")] as [(String, [String], String)] {
            for status in ["c.status = 'draft' AND", ""] {
                let plan = try await store.pool.read { db in
                    try Row.fetchAll(db, sql: """
                        EXPLAIN QUERY PLAN SELECT c.id FROM cases c LEFT JOIN evidence e ON e.case_id = c.id AND e.role = 'after'
                        LEFT JOIN evidence b ON b.case_id = c.id AND b.role = 'before'
                        WHERE \(filter) \(status) (c.first_seen_at, c.id) < (1, 1) ORDER BY c.first_seen_at DESC, c.id DESC LIMIT 51
                        """, arguments: StatementArguments(values)).map { $0["detail"] as String }.joined(separator: " | ")
                }
                // "every status" with a filter has no status column to skip, so only the draft views are held to it.
                if !status.isEmpty || filter.isEmpty {
                    #expect(!plan.contains("TEMP B-TREE"), "\(filter) \(status): \(plan)")
                }
                if !status.isEmpty {
                    #expect(plan.contains("SEARCH c USING") && plan.contains(searched), "\(filter) \(status): \(plan)")
                }
            }
        }
    }
}

private func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
