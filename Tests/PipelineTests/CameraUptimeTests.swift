import Foundation
import GRDB
import Testing
@testable import Pipeline

/// The daily uptime `run`'s samples keep up, against the yearly report's ``CameraCoverage`` on the same samples.
@Suite("camera uptime by day")
struct CameraUptimeTests {
    /// 2026-11-20 22:00 to 2026-11-21 02:00 in a +08:00 group, a sample a minute: offline from 23:30 to 00:15, and
    /// no samples at all from 01:00 to 01:30 (the process was down; at most 5 minutes of that count).
    @Test func onlineTimeIsCountedPerLocalDayAsTheReportCountsIt() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let zone = try #require(TimeZone(secondsFromGMT: 8 * 3600))
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: zone)
        let start = try #require(ISO8601DateFormatter().date(from: "2026-11-20T22:00:00+08:00"))
        let midnight = start.addingTimeInterval(2 * 3600), end = start.addingTimeInterval(4 * 3600)
        var samples: [CameraStatusSample] = []
        for minute in 0...240 {
            let at = start.addingTimeInterval(Double(minute) * 60)
            if minute > 180 && minute < 210 { continue }
            let offline = minute >= 90 && minute < 135
            samples.append(CameraStatusSample(camera: "cam", at: at, state: offline ? .offline : .online,
                                              fpsAnalysed: offline ? 0 : 5, drops: 0))
        }
        for sample in samples { try await store.record(sample) }

        let first = try #require(try await store.uptime(from: start, through: start)["cam"])
        let second = try #require(try await store.uptime(from: midnight, through: end)["cam"])
        let both = try #require(try await store.uptime(from: start, through: end)["cam"])
        #expect(first.onlineSeconds == 90 * 60 && first.since == start)
        #expect(second.onlineSeconds == 45 * 60 + 300 + 30 * 60 && second.since == midnight)
        #expect(both.onlineSeconds == first.onlineSeconds + second.onlineSeconds && both.since == start)
        // The same numbers as the report's coverage over the same days.
        for (days, period) in [(first, start..<midnight), (second, midnight..<end)] {
            let coverage = CameraCoverage(camera: "cam", samples: samples, period: period)
            #expect(abs(coverage.onlineHours * 3600 - days.onlineSeconds) < 1e-6, "\(period)")
        }
        // A rate counts the latest online sample up to now, at most 5 minutes.
        let latest = try #require(try await store.latestSamples()["cam"])
        #expect(latest.at == end && latest.state == .online)
        let rate = try #require(second.rate(now: end.addingTimeInterval(60), latest: latest))
        #expect(abs(rate - (second.onlineSeconds + 60) / (2 * 3600 + 60)) < 1e-9)
    }

    /// A store written before the rollup had its statistics (or before it existed: samples only) gets the same rollup
    /// rows, rebuilt from its samples when it is opened, as a store that recorded them one by one.
    @Test func anOlderStoresRollupIsRebuiltFromItsSamples() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let zone = try #require(TimeZone(secondsFromGMT: 8 * 3600))
        let start = try #require(ISO8601DateFormatter().date(from: "2026-11-20T23:00:00+08:00"))
        let samples = (0...150).map { minute in
            let offline = minute >= 40 && minute < 70
            return CameraStatusSample(camera: minute % 2 == 0 ? "cam-a" : "cam-b", at: start.addingTimeInterval(Double(minute) * 60),
                                      state: offline ? .offline : .online, fpsAnalysed: offline ? 0 : 4.5, drops: 0,
                                      configuredFPS: minute > 100 ? 5 : nil)
        }
        let recorded = try SQLiteCaseStore(path: folder + "/recorded.sqlite", timeZone: zone)
        for sample in samples { try await recorded.record(sample) }
        // The older store: schema up to v10, a group at +08:00, and nothing but raw samples.
        let older = try DatabaseQueue(path: folder + "/older.sqlite")
        try SQLiteCaseStore.migrator.migrate(older, upTo: "v10-evidence-due")
        try await older.write { db in
            try db.execute(sql: "INSERT INTO camera_groups (id, name, utc_offset, updated_at) VALUES ('g', 'G', '+08:00', 0)")
            for s in samples {
                try db.execute(sql: """
                    INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops, fps_configured) VALUES (?, ?, ?, ?, 0, ?)
                    """, arguments: [s.camera, s.at.timeIntervalSince1970, s.state.rawValue, s.fpsAnalysed, s.configuredFPS])
            }
        }
        try older.close()
        let reopened = try SQLiteCaseStore(path: folder + "/older.sqlite")
        func rollup(_ store: SQLiteCaseStore) async throws -> [[String]] {
            try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM camera_uptime_days ORDER BY camera_id, day").map { row in
                    row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }
                }
            }
        }
        let expected = try await rollup(recorded)
        #expect(expected.count == 4)
        #expect(try await rollup(reopened) == expected)
    }
}
