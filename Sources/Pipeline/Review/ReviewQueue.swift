public import Detector
public import Foundation
import GRDB

/// What the review queue shows: a status, optional filters and an order.
public struct QueueQuery: Sendable, Hashable {
    /// Only this status; `nil` for every status.
    public var status: CaseStatus?
    /// Only this camera id.
    public var camera: String?
    /// Only this rule id.
    public var rule: String?
    /// Only this category code.
    public var category: String?
    /// Newest first (by first-seen time) or oldest first.
    public var newestFirst: Bool

    /// Creates a query; by default the drafts, newest first.
    public init(status: CaseStatus? = .draft, camera: String? = nil, rule: String? = nil, category: String? = nil,
                newestFirst: Bool = true) {
        self.status = status
        self.camera = camera
        self.rule = rule
        self.category = category
        self.newestFirst = newestFirst
    }
}

extension QueueQuery {
    /// The query's filters as SQL conditions on `cases c`, with their bound arguments.
    var conditions: ([String], [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status { conditions.append("c.status = ?"); arguments.append(status.rawValue) }
        if let camera { conditions.append("c.camera_id = ?"); arguments.append(camera) }
        if let rule { conditions.append("c.rule_id = ?"); arguments.append(rule) }
        if let category { conditions.append("c.category_code = ?"); arguments.append(category) }
        return (conditions, arguments)
    }
}

/// A place in the queue's order (first-seen time, then row id): pages start after one, so paging costs the same
/// on page 1 and page 2,000 (no `OFFSET`).
public struct QueueCursor: Sendable, Hashable, LosslessStringConvertible {
    /// First-seen time, seconds since 1970.
    public var firstSeen: Double
    /// Row id, which breaks ties.
    public var id: Int64

    /// Creates a cursor.
    public init(firstSeen: Double, id: Int64) {
        self.firstSeen = firstSeen
        self.id = id
    }

    /// `<first seen>_<id>`, as put in links.
    public var description: String { "\(firstSeen)_\(id)" }

    /// Parses ``description``; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let t = Double(parts[0]), t.isFinite, let id = Int64(parts[1]) else { return nil }
        self.init(firstSeen: t, id: id)
    }
}

/// One line of the queue: what a reviewer needs to judge a case without opening it.
public struct QueueRow: Sendable, Hashable {
    /// Where the row sits in the order.
    public var cursor: QueueCursor
    /// 案卷号.
    public var caseNumber: String
    /// Review status.
    public var status: CaseStatus
    /// Camera id and name.
    public var camera: CameraRef
    /// Rule id.
    public var rule: String
    /// Category code and name.
    public var category: CaseCategory
    /// Seconds the object stayed.
    public var dwell: Double
    /// When the problem was first seen.
    public var firstSeen: Date
    /// The box in the picture, fractions of its size.
    public var box: NormalizedBox
    /// SHA-256 of the "after" picture, when there is one.
    public var afterPicture: String?
    /// SHA-256 of the "before" picture, when there is one.
    public var beforePicture: String?
}

extension SQLiteCaseStore {
    /// At most `limit` rows of the queue strictly after `cursor` in the query's order (`backward`: strictly before
    /// it, still returned in the query's order), from indexes only: a page takes the same time at any depth.
    public func queue(_ query: QueueQuery, after cursor: QueueCursor?, backward: Bool,
                      limit: Int) async throws -> [QueueRow] {
        try await pool.read { db in
            var (conditions, arguments) = query.conditions
            // Reading towards newer rows: forward in oldest-first order, backward in newest-first order.
            let ascending = query.newestFirst == backward
            if let cursor {
                conditions.append("(c.first_seen_at, c.id) \(ascending ? ">" : "<") (?, ?)")
                arguments += [cursor.firstSeen, cursor.id]
            }
            let direction = ascending ? "ASC" : "DESC"
            let sql = """
                SELECT c.id, c.case_number, c.status, c.camera_id, c.camera_name, c.rule_id, c.category_code,
                       c.category_name, c.category_code_2013, c.dwell, c.first_seen_at,
                       c.box_x0, c.box_y0, c.box_x1, c.box_y1, e.sha256 AS after_hash, b.sha256 AS before_hash
                FROM cases c LEFT JOIN evidence e ON e.case_id = c.id AND e.role = 'after'
                LEFT JOIN evidence b ON b.case_id = c.id AND b.role = 'before'
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY c.first_seen_at \(direction), c.id \(direction) LIMIT ?
                """
            arguments.append(max(0, limit))
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                guard let status = CaseStatus(rawValue: row["status"]) else {
                    throw CaseStoreError.corruptRow("status of \(row["case_number"] as String)")
                }
                return QueueRow(
                    cursor: QueueCursor(firstSeen: row["first_seen_at"], id: row["id"]), caseNumber: row["case_number"],
                    status: status, camera: CameraRef(id: row["camera_id"], name: row["camera_name"]), rule: row["rule_id"],
                    category: CaseCategory(code: row["category_code"], name: row["category_name"],
                                           code2013: row["category_code_2013"]),
                    dwell: row["dwell"], firstSeen: Date(timeIntervalSince1970: row["first_seen_at"]),
                    box: NormalizedBox(x0: row["box_x0"], y0: row["box_y0"], x1: row["box_x1"], y1: row["box_y1"]),
                    afterPicture: row["after_hash"], beforePicture: row["before_hash"])
            }
            return backward ? rows.reversed() : rows
        }
    }

    /// The cursor of the case numbered `caseNumber`, or `nil`.
    public func queueCursor(caseNumber: String) async throws -> QueueCursor? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT first_seen_at, id FROM cases WHERE case_number = ?", arguments: [caseNumber])
                .map { QueueCursor(firstSeen: $0["first_seen_at"], id: $0["id"]) }
        }
    }

    /// How many cases the query matches (an index count).
    public func queueCount(_ query: QueueQuery) async throws -> Int {
        try await pool.read { db in
            let (conditions, arguments) = query.conditions
            let sql = "SELECT count(*) FROM cases c" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            return try Int.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) ?? 0
        }
    }

    /// The distinct camera ids, rule ids and category codes of every case, for the queue's filter lists.
    public func queueChoices() async throws -> (cameras: [String], rules: [String], categories: [String]) {
        try await pool.read { db in
            // A skip scan: one index seek per distinct value instead of reading every row's value.
            func distinct(_ column: String) throws -> [String] {
                try String.fetchAll(db, sql: """
                    WITH RECURSIVE v(x) AS (
                        SELECT min(\(column)) FROM cases
                        UNION ALL SELECT (SELECT min(\(column)) FROM cases WHERE \(column) > v.x) FROM v WHERE v.x IS NOT NULL
                    ) SELECT x FROM v WHERE x IS NOT NULL
                    """)
            }
            return (try distinct("camera_id"), try distinct("rule_id"), try distinct("category_code"))
        }
    }

    /// Registers `v8-queue-indexes`: each queue filter (and no filter) has an index ending in the queue's order.
    static func registerQueueIndexes(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-queue-indexes") { db in
            try db.execute(sql: """
                CREATE INDEX cases_queue_camera ON cases(camera_id, status, first_seen_at);
                CREATE INDEX cases_queue_rule ON cases(rule_id, status, first_seen_at);
                CREATE INDEX cases_queue_category ON cases(category_code, status, first_seen_at);
                CREATE INDEX cases_by_first_seen ON cases(first_seen_at);
                """)
        }
    }
}
