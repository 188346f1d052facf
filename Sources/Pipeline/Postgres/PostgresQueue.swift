import Detector
import Foundation
import PostgresNIO

/// The review queue, paged by keyset in SQL with its filters, and evidence lookup by hash.
extension PostgresCaseStore {
    public func queue(_ query: QueueQuery, after cursor: QueueCursor?, backward: Bool, limit: Int) async throws -> [QueueRow] {
        var select = BoundSQL()
        var conditions = Self.conditions(query, &select)
        // Reading towards newer rows: forward in oldest-first order, backward in newest-first order.
        let ascending = query.newestFirst == backward
        if let cursor {
            conditions.append("(c.first_seen_at, c.id) \(ascending ? ">" : "<") (\(select.bind(cursor.firstSeen)), \(select.bind(cursor.id)))")
        }
        let direction = ascending ? "ASC" : "DESC"
        select.sql = """
            SELECT c.id, c.case_number, c.status, c.camera_id, c.camera_name, c.rule_id, c.category_code,
                   c.category_name, c.category_code_2013, c.dwell, c.first_seen_at,
                   c.box_x0, c.box_y0, c.box_x1, c.box_y1, e.sha256 AS after_hash, b.sha256 AS before_hash
            FROM cases c LEFT JOIN evidence e ON e.case_id = c.id AND e.role = 'after'
            LEFT JOIN evidence b ON b.case_id = c.id AND b.role = 'before'
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY c.first_seen_at \(direction), c.id \(direction) LIMIT \(select.bind(max(0, limit)))
            """
        let rows = try await self.query(select.query).map { row in
            let r = PostgresRowReader(row, "cases")
            guard let status = CaseStatus(rawValue: try r("status")) else {
                throw CaseStoreError.corruptRow("status of \(try r("case_number") as String)")
            }
            return QueueRow(
                cursor: QueueCursor(firstSeen: try r("first_seen_at"), id: try r("id")), caseNumber: try r("case_number"),
                status: status, camera: CameraRef(id: try r("camera_id"), name: try r("camera_name")), rule: try r("rule_id"),
                category: CaseCategory(code: try r("category_code"), name: try r("category_name"),
                                       code2013: try r("category_code_2013")),
                dwell: try r("dwell"), firstSeen: Date(timeIntervalSince1970: try r("first_seen_at")),
                box: NormalizedBox(x0: try r("box_x0"), y0: try r("box_y0"), x1: try r("box_x1"), y1: try r("box_y1")),
                afterPicture: try r("after_hash"), beforePicture: try r("before_hash"))
        }
        return backward ? rows.reversed() : rows
    }

    public func queueCursor(caseNumber: String) async throws -> QueueCursor? {
        try await query("SELECT first_seen_at, id FROM cases WHERE case_number = \(caseNumber)").first.map {
            let (t, id) = try $0.decode((Double, Int64).self)
            return QueueCursor(firstSeen: t, id: id)
        }
    }

    public func queueCount(_ query: QueueQuery) async throws -> Int {
        var select = BoundSQL()
        let conditions = Self.conditions(query, &select)
        select.sql = "SELECT count(*) FROM cases c" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        return try await self.query(select.query).first?.decode(Int.self) ?? 0
    }

    public func queueChoices() async throws -> (cameras: [String], rules: [String], categories: [String]) {
        // A loose index scan: one index seek per distinct value instead of reading every row's value.
        func distinct(_ column: String) async throws -> [String] {
            try await query("""
                WITH RECURSIVE v(x) AS (
                    (SELECT \(unescaped: column) FROM cases ORDER BY 1 LIMIT 1)
                    UNION ALL SELECT (SELECT \(unescaped: column) FROM cases WHERE \(unescaped: column) > v.x ORDER BY 1 LIMIT 1)
                    FROM v WHERE v.x IS NOT NULL
                ) SELECT x FROM v WHERE x IS NOT NULL
                """).map { try $0.decode(String.self) }
        }
        return (try await distinct("camera_id"), try await distinct("rule_id"), try await distinct("category_code"))
    }

    public func evidence(sha256: String) async throws -> EvidenceRef? {
        try await query("""
            SELECT sha256, relative_path, byte_count, media_type FROM evidence WHERE sha256 = \(sha256) LIMIT 1
            """).first.map { row in
            let r = PostgresRowReader(row, "evidence")
            return EvidenceRef(sha256: try r("sha256"), relativePath: try r("relative_path"), byteCount: try r("byte_count"),
                               mediaType: try r("media_type"))
        }
    }

    /// The query's filters as conditions on `cases c`, their values bound in `select`.
    private static func conditions(_ query: QueueQuery, _ select: inout BoundSQL) -> [String] {
        var conditions: [String] = []
        if let status = query.status { conditions.append("c.status = \(select.bind(status.rawValue))") }
        if let camera = query.camera { conditions.append("c.camera_id = \(select.bind(camera))") }
        if let rule = query.rule { conditions.append("c.rule_id = \(select.bind(rule))") }
        if let category = query.category { conditions.append("c.category_code = \(select.bind(category))") }
        return conditions
    }
}
