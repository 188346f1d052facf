public import Foundation
import GRDB

/// Online time per camera and local day (in the group's zone), kept up to date as `run` records status samples,
/// so that uptime today and this month is a read of at most 31 rows per camera instead of a month of samples
/// (1.25 million rows for 29 cameras at one a minute: 25 s for the camera page before this).
///
/// It counts as ``CameraCoverage`` does: the state of a sample holds until the next one, but at most
/// ``uptimeMaxGap`` (a process that was not running wrote no samples, and that time counts as not watched).
/// Samples stored before this table existed are not in it.
public struct CameraUptime: Sendable, Hashable {
    /// The longest gap between two samples that still counts as watched (as ``CameraCoverage``'s `maxGap`).
    public static let maxGap: TimeInterval = 300

    /// Seconds online in the days asked for, up to the latest sample.
    public var onlineSeconds: Double
    /// The first sample in those days.
    public var since: Date

    /// Online share of the time from ``since`` to `now`, counting the latest sample's state up to `now`.
    public func rate(now: Date, latest: CameraStatusSample?) -> Double? {
        let total = now.timeIntervalSince(since)
        guard total > 0 else { return nil }
        var online = onlineSeconds
        if let latest, latest.state == .online {
            online += min(Self.maxGap, max(0, now.timeIntervalSince(latest.at)))
        }
        return min(1, online / total)
    }
}

extension SQLiteCaseStore {
    /// ``CameraUptime/maxGap``.
    public static let uptimeMaxGap: TimeInterval = CameraUptime.maxGap

    /// Adds the time since the camera's previous sample to that sample's day, when it was online; the sample's own
    /// day starts here if it had no sample yet. Runs in the transaction that stores `sample`, before it.
    static func addUptime(_ db: Database, _ sample: CameraStatusSample, timeZone: TimeZone) throws {
        let at = sample.at.timeIntervalSince1970
        try db.execute(sql: """
            INSERT INTO camera_uptime_days (camera_id, day, first_at, online_seconds) VALUES (?, ?, ?, 0)
            ON CONFLICT (camera_id, day) DO UPDATE SET first_at = min(first_at, excluded.first_at)
            """, arguments: [sample.camera, dayKey(sample.at, timeZone: timeZone), at])
        guard let previous = try Row.fetchOne(db, sql: """
            SELECT at, state FROM camera_status WHERE camera_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1
            """, arguments: [sample.camera, at]), previous["state"] as String == CameraStatusSample.State.online.rawValue
        else { return }
        let previousAt: Double = previous["at"]
        try db.execute(sql: """
            UPDATE camera_uptime_days SET online_seconds = online_seconds + ? WHERE camera_id = ? AND day = ?
            """, arguments: [min(uptimeMaxGap, at - previousAt), sample.camera,
                             dayKey(Date(timeIntervalSince1970: previousAt), timeZone: timeZone)])
    }

    /// Online time per camera over the local days from `first` to `last` (inclusive), in ``timeZone``.
    public func uptime(from first: Date, through last: Date) async throws -> [String: CameraUptime] {
        try await pool.read { db in
            var result: [String: CameraUptime] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT camera_id, sum(online_seconds) AS online, min(first_at) AS since FROM camera_uptime_days
                WHERE day >= ? AND day <= ? GROUP BY camera_id
                """, arguments: [dayKey(first, timeZone: timeZone), dayKey(last, timeZone: timeZone)]) {
                result[row["camera_id"]] = CameraUptime(onlineSeconds: row["online"],
                                                        since: Date(timeIntervalSince1970: row["since"]))
            }
            return result
        }
    }

    /// The latest status sample of every camera that has one.
    public func latestSamples() async throws -> [String: CameraStatusSample] {
        try await pool.read { db in
            var result: [String: CameraStatusSample] = [:]
            // One index seek per camera (the camera_status_by_camera index), not a scan of all samples.
            for camera in try String.fetchAll(db, sql: """
                WITH RECURSIVE c(id) AS (
                    SELECT min(camera_id) FROM camera_status
                    UNION ALL SELECT (SELECT min(camera_id) FROM camera_status WHERE camera_id > c.id) FROM c WHERE c.id IS NOT NULL
                ) SELECT id FROM c WHERE id IS NOT NULL
                """) {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT at, state, fps_analysed, drops, fps_configured FROM camera_status WHERE camera_id = ?
                    ORDER BY at DESC, id DESC LIMIT 1
                    """, arguments: [camera]), let state = CameraStatusSample.State(rawValue: row["state"]) else { continue }
                result[camera] = CameraStatusSample(camera: camera, at: Date(timeIntervalSince1970: row["at"]), state: state,
                                                    fpsAnalysed: row["fps_analysed"], drops: row["drops"],
                                                    configuredFPS: row["fps_configured"])
            }
            return result
        }
    }

    /// Registers `v9-camera-uptime-days`.
    static func registerUptimeTable(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-camera-uptime-days") { db in
            try db.execute(sql: """
                CREATE TABLE camera_uptime_days (
                    camera_id TEXT NOT NULL,
                    day TEXT NOT NULL,
                    first_at REAL NOT NULL,
                    online_seconds REAL NOT NULL,
                    PRIMARY KEY (camera_id, day)
                );
                """)
        }
    }
}

/// `yyyy-MM-dd` of `date` in `timeZone`.
func dayKey(_ date: Date, timeZone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    // `!`: a Gregorian calendar always yields year, month and day when asked for them.
    return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
}
