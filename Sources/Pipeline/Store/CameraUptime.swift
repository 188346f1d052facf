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
        let online = sample.state == .online
        try db.execute(sql: """
            INSERT INTO camera_uptime_days (camera_id, day, first_at, online_seconds, last_at, online_samples, fps_sum,
                                            configured_fps)
            VALUES (?, ?, ?, 0, ?, ?, ?, ?)
            ON CONFLICT (camera_id, day) DO UPDATE SET first_at = min(first_at, excluded.first_at),
                last_at = max(coalesce(last_at, excluded.last_at), excluded.last_at),
                online_samples = online_samples + excluded.online_samples, fps_sum = fps_sum + excluded.fps_sum,
                configured_fps = coalesce(excluded.configured_fps, configured_fps)
            """, arguments: [sample.camera, dayKey(sample.at, timeZone: timeZone), at, at, online ? 1 : 0,
                             online ? sample.fpsAnalysed : 0, sample.configuredFPS])
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

    /// The daily rollup summed per camera over the local days `period` touches (in ``timeZone``), for the yearly
    /// report; reads a row per camera and day, never raw samples.
    public func uptimeTotals(in period: Range<Date>) async throws -> [CameraUptimeTotals] {
        let (first, last) = (dayKey(period.lowerBound, timeZone: timeZone),
                             dayKey(period.upperBound.addingTimeInterval(-1), timeZone: timeZone))
        return try await pool.read { db in
            try Row.fetchAll(db, sql: CameraUptimeTotals.sql(placeholder: { _ in "?" }),
                             arguments: [first, last, first, last]).map { row in
                CameraUptimeTotals(camera: row["camera_id"], onlineSeconds: row["online"],
                                   firstAt: Date(timeIntervalSince1970: row["first_at"]),
                                   lastAt: Date(timeIntervalSince1970: row["last_at"]), onlineSamples: row["online_samples"],
                                   fpsSum: row["fps_sum"], configuredFPS: row["configured_fps"])
            }
        }
    }

    /// Deletes the camera's raw status samples taken before `cutoff`, except its latest sample (the camera page's
    /// state and the next sample's uptime read it); the daily rollup keeps what the pages and the report need.
    /// - Returns: how many samples were deleted.
    @discardableResult
    public func pruneStatusSamples(camera: String, before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                DELETE FROM camera_status WHERE camera_id = ? AND at < ? AND id <> (
                    SELECT id FROM camera_status WHERE camera_id = ? ORDER BY at DESC, id DESC LIMIT 1)
                """, arguments: [camera, cutoff.timeIntervalSince1970, camera])
            return db.changesCount
        }
    }

    /// Registers `v11-uptime-day-stats`: the rollup also keeps each day's last sample time, online samples, their
    /// summed analysed fps and the configured fps, so the yearly report needs no raw samples. The rollup is rebuilt
    /// from every stored sample, since samples from before `v9-camera-uptime-days` were never in it and the report
    /// now reads only the rollup.
    static func registerUptimeStats(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-uptime-day-stats") { db in
            try db.execute(sql: """
                ALTER TABLE camera_uptime_days ADD COLUMN last_at REAL;
                ALTER TABLE camera_uptime_days ADD COLUMN online_samples INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE camera_uptime_days ADD COLUMN fps_sum REAL NOT NULL DEFAULT 0;
                ALTER TABLE camera_uptime_days ADD COLUMN configured_fps REAL;
                """)
            try rebuildUptime(db)
        }
    }

    /// Replaces the rollup with one computed from every stored sample, counting as ``addUptime(_:_:timeZone:)``
    /// does, in the zone of the group registered last (as ``init(path:timeZone:busyTimeout:)`` defaults to), else UTC.
    static func rebuildUptime(_ db: Database) throws {
        // `!`: zero seconds from GMT is always a valid zone.
        let zone = try String.fetchOne(db, sql: "SELECT utc_offset FROM camera_groups ORDER BY updated_at DESC LIMIT 1")
            .flatMap { fixedTimeZone(utcOffset: $0) } ?? TimeZone(secondsFromGMT: 0)!
        struct Day { var firstAt: Double, lastAt: Double, online = 0.0, onlineSamples = 0, fpsSum = 0.0, configured: Double? }
        var days: [String: [String: Day]] = [:]
        var previous: (camera: String, at: Double, day: String, online: Bool)?
        let samples = try Row.fetchCursor(db, sql: """
            SELECT camera_id, at, state, fps_analysed, fps_configured FROM camera_status ORDER BY camera_id, at, id
            """)
        while let row = try samples.next() {
            let (camera, at): (String, Double) = (row["camera_id"], row["at"])
            let online = (row["state"] as String) == CameraStatusSample.State.online.rawValue
            let day = dayKey(Date(timeIntervalSince1970: at), timeZone: zone)
            var entry = days[camera, default: [:]][day] ?? Day(firstAt: at, lastAt: at, configured: nil)
            entry.firstAt = min(entry.firstAt, at)
            entry.lastAt = max(entry.lastAt, at)
            if online {
                entry.onlineSamples += 1
                entry.fpsSum += row["fps_analysed"] as Double
            }
            if let configured = row["fps_configured"] as Double? { entry.configured = configured }
            days[camera, default: [:]][day] = entry
            if let previous, previous.camera == camera, previous.online {
                days[camera, default: [:]][previous.day]?.online += min(uptimeMaxGap, at - previous.at)
            }
            previous = (camera, at, day, online)
        }
        try db.execute(sql: "DELETE FROM camera_uptime_days")
        for (camera, byDay) in days {
            for (day, d) in byDay {
                try db.execute(sql: """
                    INSERT INTO camera_uptime_days (camera_id, day, first_at, online_seconds, last_at, online_samples,
                                                    fps_sum, configured_fps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [camera, day, d.firstAt, d.online, d.lastAt, d.onlineSamples, d.fpsSum, d.configured])
            }
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

/// One camera's daily rollup rows summed over a period: what the yearly report's coverage needs, so that it never
/// reads raw samples (2,000 cameras sampled each minute make a billion samples a year; the rollup a row per camera
/// and day). Rows written before `v11-uptime-day-stats` (`v6-uptime-day-stats` on PostgreSQL) count their online
/// time but no samples.
public struct CameraUptimeTotals: Sendable, Hashable {
    /// Camera id.
    public var camera: String
    /// Seconds online, as ``CameraUptime`` counts them.
    public var onlineSeconds: Double
    /// The first sample in the period.
    public var firstAt: Date
    /// The last sample in the period (``firstAt`` when no row recorded it).
    public var lastAt: Date
    /// Samples that found the camera online, and the sum of their analysed fps.
    public var onlineSamples: Int
    /// Sum of ``CameraStatusSample/fpsAnalysed`` over the online samples.
    public var fpsSum: Double
    /// The configured analysis rate the latest day recorded.
    public var configuredFPS: Double?

    /// Creates totals.
    public init(camera: String, onlineSeconds: Double, firstAt: Date, lastAt: Date, onlineSamples: Int, fpsSum: Double,
                configuredFPS: Double?) {
        self.camera = camera
        self.onlineSeconds = onlineSeconds
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.onlineSamples = onlineSamples
        self.fpsSum = fpsSum
        self.configuredFPS = configuredFPS
    }
}

extension CameraUptimeTotals {
    /// The rollup's sum per camera over days `$1`…`$2`, with the latest configured fps of days `$3`…`$4`; the
    /// same text for both stores but for how a parameter is written.
    static func sql(placeholder: (Int) -> String) -> String {
        """
        SELECT d.camera_id, sum(d.online_seconds) AS online, min(d.first_at) AS first_at,
            max(coalesce(d.last_at, d.first_at)) AS last_at, CAST(sum(d.online_samples) AS bigint) AS online_samples,
            sum(d.fps_sum) AS fps_sum,
            (SELECT l.configured_fps FROM camera_uptime_days l WHERE l.camera_id = d.camera_id
                AND l.day >= \(placeholder(3)) AND l.day <= \(placeholder(4)) AND l.configured_fps IS NOT NULL
                ORDER BY l.day DESC LIMIT 1) AS configured_fps
        FROM camera_uptime_days d WHERE d.day >= \(placeholder(1)) AND d.day <= \(placeholder(2))
        GROUP BY d.camera_id ORDER BY d.camera_id
        """
    }
}

extension CameraCoverage {
    /// Coverage from the daily rollup (``CameraStatusReading``'s days summed over `period`).
    ///
    /// It counts as ``init(camera:samples:period:configuredFPS:maxGap:)`` does, except that the latest sample's
    /// state is not carried forward: online time is added when the next sample arrives, so a camera's total can be
    /// up to one sampling interval (a minute) short of the samples' count.
    /// - Parameters:
    ///   - configuredFPS: given, else the rollup's latest.
    ///   - now: the current time (a period still running is scheduled up to now).
    public init(totals: CameraUptimeTotals, period: Range<Date>, configuredFPS: Double? = nil, now: Date = Date()) {
        self.init(camera: totals.camera, samples: [], period: period)
        self.configuredFPS = configuredFPS ?? totals.configuredFPS
        onlineHours = totals.onlineSeconds / 3600
        let end = max(min(period.upperBound, totals.lastAt), min(period.upperBound, now))
        scheduledHours = max(0, end.timeIntervalSince(totals.firstAt)) / 3600
        meanAnalysedFPS = totals.onlineSamples > 0 ? totals.fpsSum / Double(totals.onlineSamples) : nil
    }
}
