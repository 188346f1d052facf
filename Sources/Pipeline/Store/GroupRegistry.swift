public import Foundation
import GRDB

/// The camera group a store belongs to: its name, `utc_offset` and cameras, written by `run` and `scan` when they
/// open the store, so that `serve`, `cases`, `export` and `report` (which get only `--db`) show times and date case
/// numbers in the group's own time, and the camera page can list cameras that never wrote a status sample.
///
/// Camera URLs are not stored: they may carry passwords.
public struct RegisteredCamera: Sendable, Hashable {
    /// Camera id.
    public var id: String
    /// Display name.
    public var name: String
    /// Group id.
    public var group: String
    /// Group display name.
    public var groupName: String
    /// The analysis rate the camera is configured for.
    public var configuredFPS: Double

    /// Creates a camera entry.
    public init(id: String, name: String, group: String, groupName: String, configuredFPS: Double) {
        self.id = id
        self.name = name
        self.group = group
        self.groupName = groupName
        self.configuredFPS = configuredFPS
    }
}

extension GroupConfig {
    /// The fixed offset of `defaults.utc_offset` (validated at load, so it always parses).
    public var timeZone: TimeZone { fixedTimeZone(utcOffset: defaults.utcOffset) ?? TimeZone(secondsFromGMT: 0)! }
    // `!`: zero seconds from GMT is always a valid zone.
}

/// `+08:00` as a fixed-offset zone, or `nil` when `text` is not `±HH:MM`.
public func fixedTimeZone(utcOffset text: String) -> TimeZone? {
    guard utcOffsetProblem(text) == nil, let h = Int(text.dropFirst().prefix(2)), let m = Int(text.suffix(2)) else {
        return nil
    }
    return TimeZone(secondsFromGMT: (text.hasPrefix("-") ? -1 : 1) * (h * 3600 + m * 60))
}

extension SQLiteCaseStore {
    /// Opens the group's store with the group's time zone and records the group and its cameras in it.
    /// - Throws: a `DatabaseError` when the file cannot be opened, migrated or written.
    public convenience init(path: String, group: GroupConfig) throws {
        try self.init(path: path, timeZone: group.timeZone)
        try register(group: group.group.id, name: group.group.name, utcOffset: group.defaults.utcOffset,
                     cameras: group.cameras.map {
                         RegisteredCamera(id: $0.id, name: $0.name, group: group.group.id, groupName: group.group.name,
                                          configuredFPS: $0.analysisFPS ?? group.defaults.analysisFPS)
                     })
    }

    /// Records (or updates) a group, its `utc_offset` (`±HH:MM`) and its cameras.
    /// - Throws: a database error.
    public func register(group: String, name: String, utcOffset: String, cameras: [RegisteredCamera]) throws {
        try pool.write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO camera_groups (id, name, utc_offset, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, utc_offset = excluded.utc_offset,
                    updated_at = excluded.updated_at
                """, arguments: [group, name, utcOffset, now])
            for camera in cameras {
                try db.execute(sql: """
                    INSERT INTO cameras (id, group_id, name, configured_fps, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET group_id = excluded.group_id, name = excluded.name,
                        configured_fps = excluded.configured_fps, updated_at = excluded.updated_at
                    """, arguments: [camera.id, group, camera.name, camera.configuredFPS, now])
            }
        }
    }

    /// The `utc_offset` of the group that registered itself last, or `nil` for a store no group has opened.
    static func registeredOffset(_ pool: DatabasePool) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT utc_offset FROM camera_groups ORDER BY updated_at DESC LIMIT 1")
        }
    }

    /// Every registered camera, by group and id.
    public func registeredCameras() async throws -> [RegisteredCamera] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.name, c.group_id, g.name AS group_name, c.configured_fps
                FROM cameras c JOIN camera_groups g ON g.id = c.group_id ORDER BY c.group_id, c.id
                """).map {
                RegisteredCamera(id: $0["id"], name: $0["name"], group: $0["group_id"], groupName: $0["group_name"],
                                 configuredFPS: $0["configured_fps"])
            }
        }
    }

    /// Keeps `jpeg` as the camera's latest analysed picture (one per camera, replaced each time).
    public func recordPicture(_ jpeg: [UInt8], camera: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO camera_pictures (camera_id, at, jpeg) VALUES (?, ?, ?)
                ON CONFLICT (camera_id) DO UPDATE SET at = excluded.at, jpeg = excluded.jpeg
                """, arguments: [camera, at.timeIntervalSince1970, Data(jpeg)])
        }
    }

    /// The camera's latest analysed picture and when it was taken, or `nil`.
    public func picture(camera: String) async throws -> (jpeg: Data, at: Date)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT jpeg, at FROM camera_pictures WHERE camera_id = ?", arguments: [camera])
                .map { ($0["jpeg"], Date(timeIntervalSince1970: $0["at"])) }
        }
    }

    /// When each camera's latest picture was taken (the page links a picture only when there is one).
    public func pictureTimes() async throws -> [String: Date] {
        try await pool.read { db in
            var times: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT camera_id, at FROM camera_pictures") {
                times[row["camera_id"]] = Date(timeIntervalSince1970: row["at"])
            }
            return times
        }
    }

    /// Drafts first seen in `period`, counted per camera.
    public func draftCounts(firstSeenIn period: Range<Date>) async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT camera_id, count(*) AS n FROM cases WHERE first_seen_at >= ? AND first_seen_at < ? GROUP BY camera_id
                """, arguments: [period.lowerBound.timeIntervalSince1970, period.upperBound.timeIntervalSince1970]) {
                counts[row["camera_id"]] = row["n"]
            }
            return counts
        }
    }

    /// Registers the group tables: `v7-camera-groups`.
    static func registerGroupTables(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-camera-groups") { db in
            try db.execute(sql: """
                CREATE TABLE camera_groups (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    utc_offset TEXT NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE cameras (
                    id TEXT PRIMARY KEY,
                    group_id TEXT NOT NULL REFERENCES camera_groups(id),
                    name TEXT NOT NULL,
                    configured_fps REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE camera_pictures (
                    camera_id TEXT PRIMARY KEY,
                    at REAL NOT NULL,
                    jpeg BLOB NOT NULL
                );
                """)
        }
    }
}
