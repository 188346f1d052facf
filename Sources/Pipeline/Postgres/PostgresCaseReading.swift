public import Foundation
import Detector
import Logging
import PostgresNIO

/// Case reads: lists, one case, a camera's samples.
extension PostgresCaseStore {
    public func cases(_ query: CaseQuery) async throws -> [DraftCase] {
        var select = BoundSQL()
        var conditions: [String] = []
        if let status = query.status { conditions.append("status = \(select.bind(status.rawValue))") }
        if let camera = query.camera { conditions.append("camera_id = \(select.bind(camera))") }
        if let from = query.firstSeenFrom { conditions.append("first_seen_at >= \(select.bind(from.timeIntervalSince1970))") }
        if let until = query.firstSeenUntil { conditions.append("first_seen_at < \(select.bind(until.timeIntervalSince1970))") }
        if let from = query.decidedFrom { conditions.append("decided_at >= \(select.bind(from.timeIntervalSince1970))") }
        select.sql = "SELECT id FROM cases"
        if !conditions.isEmpty { select.sql += " WHERE " + conditions.joined(separator: " AND ") }
        select.sql += " ORDER BY first_seen_at, id"
        if let limit = query.limit { select.sql += " LIMIT \(select.bind(max(0, limit)))" }
        let statement = select.query
        return try await transaction { db in
            var drafts: [DraftCase] = []
            for id in try await db.rows(statement, logger).map({ try $0.decode(Int64.self) }) {
                drafts.append(try await Self.fetchCase(db, id: id, logger))
            }
            return drafts
        }
    }

    public func `case`(number caseNumber: String) async throws -> DraftCase? {
        try await transaction { db in
            guard let id = try await db.rows("SELECT id FROM cases WHERE case_number = \(caseNumber)", logger)
                .first?.decode(Int64.self) else { return nil }
            return try await Self.fetchCase(db, id: id, logger)
        }
    }

    public func evidenceNotes(caseNumber: String) async throws -> [String] {
        try await query("""
            SELECT n.note FROM evidence_notes n JOIN cases c ON c.id = n.case_id
            WHERE c.case_number = \(caseNumber) ORDER BY n.id
            """).map { try $0.decode(String.self) }
    }

    public func statusSamples(camera: String, since: Date) async throws -> [CameraStatusSample] {
        try await query("""
            SELECT camera_id, at, state, fps_analysed, drops, fps_configured FROM camera_status
            WHERE camera_id = \(camera) AND at >= \(since.timeIntervalSince1970) ORDER BY at, id
            """).map(Self.sample)
    }

    /// A `camera_status` row (camera_id, at, state, fps_analysed, drops, fps_configured) as a sample.
    static func sample(_ row: PostgresRow) throws -> CameraStatusSample {
        let r = PostgresRowReader(row, "camera_status")
        guard let state = CameraStatusSample.State(rawValue: try r("state")) else {
            throw CaseStoreError.corruptRow("camera_status.state of \(try r("camera_id") as String)")
        }
        return CameraStatusSample(camera: try r("camera_id"), at: Date(timeIntervalSince1970: try r("at")), state: state,
                                  fpsAnalysed: try r("fps_analysed"), drops: try r("drops"),
                                  configuredFPS: try r("fps_configured"))
    }

    /// The case with row id `id` and its evidence, read on `db` (inside the caller's transaction).
    static func fetchCase(_ db: PostgresConnection, id: Int64, _ logger: Logger) async throws -> DraftCase {
        guard let row = try await db.rows("SELECT * FROM cases WHERE id = \(id)", logger).first else {
            throw CaseStoreError.noSuchCase("#\(id)")
        }
        var evidence: [EvidenceRole: EvidenceRef] = [:]
        for e in try await db.rows("""
            SELECT role, sha256, relative_path, byte_count, media_type FROM evidence WHERE case_id = \(id)
            """, logger) {
            let re = PostgresRowReader(e, "evidence of case #\(id)")
            guard let role = EvidenceRole(rawValue: try re("role")) else {
                throw CaseStoreError.corruptRow("evidence.role of case #\(id)")
            }
            evidence[role] = EvidenceRef(sha256: try re("sha256"), relativePath: try re("relative_path"),
                                         byteCount: try re("byte_count"), mediaType: try re("media_type"))
        }
        return try draft(from: PostgresRowReader(row, "cases #\(id)"), evidence: evidence)
    }

    private static func draft(from r: PostgresRowReader, evidence: [EvidenceRole: EvidenceRef]) throws -> DraftCase {
        let number: String = try r("case_number")
        guard let kind = CaseKind(rawValue: try r("kind")),
              let status = CaseStatus(rawValue: try r("status")),
              let state = IncidentState(rawValue: try r("incident_state")) else {
            throw CaseStoreError.corruptRow("kind, status or incident_state of \(number)")
        }
        let factsText: String = try r("facts_json")
        guard let values = try? JSONDecoder().decode([String: Double].self, from: Data(factsText.utf8)) else {
            throw CaseStoreError.corruptRow("facts_json of \(number)")
        }
        var frameBox: PixelBox?
        if let x0: Int = try r("frame_x0"), let y0: Int = try r("frame_y0"), let x1: Int = try r("frame_x1"),
           let y1: Int = try r("frame_y1") {
            frameBox = PixelBox(x0: x0, y0: y0, x1: x1, y1: y1)
        }
        var decision: CaseDecision?
        if let decidedAt: Double = try r("decided_at") {
            decision = CaseDecision(reason: try r("status_reason"), reviewer: try r("reviewer"),
                                    decidedAt: Date(timeIntervalSince1970: decidedAt))
        }
        let category = CaseCategory(code: try r("category_code"), name: try r("category_name"),
                                    code2013: try r("category_code_2013"))
        return DraftCase(
            incidentKey: try r("incident_key"), caseNumber: number, source: try r("source"), kind: kind,
            category: category, categoryStandard: try r("category_standard"), divisionCode: try r("division_code"),
            description: try r("description"),
            location: CaseLocation(address: try r("address"), longitude: try r("longitude"), latitude: try r("latitude"),
                                   crs: try r("crs"), gridCode: try r("grid_code")),
            camera: CameraRef(id: try r("camera_id"), name: try r("camera_name"), gb28181ID: try r("camera_gb28181_id")),
            firstSeen: Date(timeIntervalSince1970: try r("first_seen_at")),
            lastSeen: Date(timeIntervalSince1970: try r("last_seen_at")),
            firstSeenStream: try r("first_seen_stream"), lastSeenStream: try r("last_seen_stream"),
            box: NormalizedBox(x0: try r("box_x0"), y0: try r("box_y0"), x1: try r("box_x1"), y1: try r("box_y1")),
            analysisBox: PixelBox(x0: try r("px_x0"), y0: try r("px_y0"), x1: try r("px_x1"), y1: try r("px_y1")),
            frameBox: frameBox,
            facts: DetectorFacts(ruleID: try r("rule_id"), ruleVersion: try r("rule_version"), zoneID: try r("zone_id"),
                                 dwell: try r("dwell"), area: try r("area"), areaFraction: try r("area_fraction"),
                                 score: try r("score"), values: values),
            evidence: evidence, status: status, decision: decision, incidentState: state)
    }
}
