public import Foundation
import NIOCore
import PostgresNIO

/// Case writing for camera workers on many hosts at once.
extension PostgresCaseStore {
    public func register(group: String, name: String, utcOffset: String, cameras: [RegisteredCamera]) async throws {
        try await transaction { db in
            let now = Date().timeIntervalSince1970
            try await db.rows("""
                INSERT INTO camera_groups (id, name, utc_offset, updated_at) VALUES (\(group), \(name), \(utcOffset), \(now))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, utc_offset = excluded.utc_offset,
                    updated_at = excluded.updated_at
                """, logger)
            for camera in cameras {
                try await db.rows("""
                    INSERT INTO cameras (id, group_id, name, configured_fps, updated_at)
                    VALUES (\(camera.id), \(group), \(camera.name), \(camera.configuredFPS), \(now))
                    ON CONFLICT (id) DO UPDATE SET group_id = excluded.group_id, name = excluded.name,
                        configured_fps = excluded.configured_fps, updated_at = excluded.updated_at
                    """, logger)
            }
        }
    }

    @discardableResult
    public func apply(_ event: CaseEvent) async throws -> DraftCase {
        // Another host may insert the same incident between our look and our insert; its row wins and this one
        // is rolled back (giving its number back), then the update path runs against the winner.
        for _ in 0..<3 {
            if let stored = try await applyOnce(event) { return stored }
        }
        throw PostgresStoreError(message: "incident \(event.draft.incidentKey) kept changing under concurrent writers")
    }

    /// One try of ``apply(_:)``: `nil` when another writer inserted the incident first.
    private func applyOnce(_ event: CaseEvent) async throws -> DraftCase? {
        let draft = event.draft
        let prefix = caseNumberPrefix(camera: draft.camera.id, firstSeen: draft.firstSeen, timeZone: timeZone)
        let facts = try factsJSON(draft.facts.values)
        do {
            return try await transaction { db in
                let now = Date().timeIntervalSince1970
                if let id = try await db.rows("SELECT id FROM cases WHERE incident_key = \(draft.incidentKey) FOR UPDATE", logger)
                    .first?.decode(Int64.self) {
                    let last = draft.lastSeen.timeIntervalSince1970
                    // Only what the tracker owns; last seen never moves back, so replaying old events changes nothing.
                    try await db.rows("""
                        UPDATE cases SET
                            description = \(draft.description),
                            last_seen_stream = CASE WHEN \(last) >= last_seen_at THEN \(draft.lastSeenStream) ELSE last_seen_stream END,
                            last_seen_at = greatest(last_seen_at, \(last)), dwell = greatest(dwell, \(draft.facts.dwell)),
                            area = \(draft.facts.area), area_fraction = \(draft.facts.areaFraction),
                            score = greatest(score, \(draft.facts.score)), facts_json = \(facts),
                            box_x0 = \(draft.box.x0), box_y0 = \(draft.box.y0), box_x1 = \(draft.box.x1), box_y1 = \(draft.box.y1),
                            px_x0 = \(draft.analysisBox.x0), px_y0 = \(draft.analysisBox.y0),
                            px_x1 = \(draft.analysisBox.x1), px_y1 = \(draft.analysisBox.y1),
                            frame_x0 = coalesce(\(draft.frameBox?.x0), frame_x0), frame_y0 = coalesce(\(draft.frameBox?.y0), frame_y0),
                            frame_x1 = coalesce(\(draft.frameBox?.x1), frame_x1), frame_y1 = coalesce(\(draft.frameBox?.y1), frame_y1),
                            incident_state = \(draft.incidentState.rawValue), updated_at = \(now)
                        WHERE id = \(id)
                        """, logger)
                    return try await Self.fetchCase(db, id: id, logger)
                }
                // The prefix's row stays locked until commit, so numbers are taken one writer at a time.
                let seq = try await db.rows("""
                    INSERT INTO case_numbers (prefix, last_seq) VALUES (\(prefix), 1)
                    ON CONFLICT (prefix) DO UPDATE SET last_seq = case_numbers.last_seq + 1 RETURNING last_seq
                    """, logger).first?.decode(Int64.self) ?? 1
                let number = prefix + "-" + String(format: "%04d", seq)
                var insert = BoundSQL()
                var columns: [String] = [], values: [String] = []
                func set<V: PostgresDynamicTypeEncodable>(_ column: String, _ value: V?) {
                    columns.append(column)
                    values.append(insert.bind(value))
                }
                set("incident_key", draft.incidentKey); set("case_number", number)
                set("number_prefix", prefix); set("number_seq", seq)
                set("source", draft.source); set("kind", draft.kind.rawValue)
                set("category_standard", draft.categoryStandard); set("category_code", draft.category.code)
                set("category_name", draft.category.name); set("category_code_2013", draft.category.code2013)
                set("division_code", draft.divisionCode); set("description", draft.description)
                set("address", draft.location.address); set("longitude", draft.location.longitude)
                set("latitude", draft.location.latitude); set("crs", draft.location.crs)
                set("grid_code", draft.location.gridCode)
                set("camera_id", draft.camera.id); set("camera_name", draft.camera.name)
                set("camera_gb28181_id", draft.camera.gb28181ID)
                set("rule_id", draft.facts.ruleID); set("rule_version", draft.facts.ruleVersion)
                set("zone_id", draft.facts.zoneID)
                set("first_seen_at", draft.firstSeen.timeIntervalSince1970)
                set("last_seen_at", draft.lastSeen.timeIntervalSince1970)
                set("first_seen_stream", draft.firstSeenStream); set("last_seen_stream", draft.lastSeenStream)
                set("dwell", draft.facts.dwell); set("area", draft.facts.area)
                set("area_fraction", draft.facts.areaFraction); set("score", draft.facts.score)
                set("facts_json", facts)
                set("box_x0", draft.box.x0); set("box_y0", draft.box.y0)
                set("box_x1", draft.box.x1); set("box_y1", draft.box.y1)
                set("px_x0", draft.analysisBox.x0); set("px_y0", draft.analysisBox.y0)
                set("px_x1", draft.analysisBox.x1); set("px_y1", draft.analysisBox.y1)
                set("frame_x0", draft.frameBox?.x0); set("frame_y0", draft.frameBox?.y0)
                set("frame_x1", draft.frameBox?.x1); set("frame_y1", draft.frameBox?.y1)
                set("incident_state", draft.incidentState.rawValue)
                set("status", CaseStatus.draft.rawValue)
                set("created_at", now); set("updated_at", now)
                insert.sql = """
                    INSERT INTO cases (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))
                    ON CONFLICT (incident_key) DO NOTHING RETURNING id
                    """
                guard let id = try await db.rows(insert.query, logger).first?.decode(Int64.self) else {
                    throw LostInsertRace()
                }
                // A new case owes every file, in the transaction that inserts it.
                for role in EvidenceRole.allCases {
                    try await db.rows("""
                        INSERT INTO evidence_due (case_id, role, since) VALUES (\(id), \(role.rawValue), \(now))
                        ON CONFLICT (case_id, role) DO NOTHING
                        """, logger)
                }
                return try await Self.fetchCase(db, id: id, logger)
            }
        } catch is LostInsertRace {
            return nil
        }
    }

    public func attach(_ ref: EvidenceRef, role: EvidenceRole, toIncident incidentKey: String) async throws {
        let now = Date().timeIntervalSince1970
        try await transaction { db in
            let rows = try await db.rows("""
                INSERT INTO evidence (case_id, role, sha256, relative_path, byte_count, media_type, added_at)
                SELECT id, \(role.rawValue), \(ref.sha256), \(ref.relativePath), \(ref.byteCount), \(ref.mediaType), \(now)
                FROM cases WHERE incident_key = \(incidentKey)
                ON CONFLICT (case_id, role) DO UPDATE SET sha256 = excluded.sha256,
                    relative_path = excluded.relative_path, byte_count = excluded.byte_count,
                    media_type = excluded.media_type, added_at = excluded.added_at
                RETURNING case_id
                """, logger)
            guard let caseID = try rows.first?.decode(Int64.self) else { throw CaseStoreError.noSuchCase(incidentKey) }
            // Paid, in the same transaction, whether it was awaited or already given up.
            try await db.rows("DELETE FROM evidence_due WHERE case_id = \(caseID) AND role = \(role.rawValue)", logger)
        }
    }

    public func evidenceDue(camera: String) async throws -> [DueEvidence] {
        // Roles compare byte-wise (as in SQLite), whatever the database's collation.
        let rows = try await query("""
            SELECT c.case_number, c.incident_key, c.incident_state, d.role, d.missing_reason
            FROM evidence_due d JOIN cases c ON c.id = d.case_id
            WHERE c.camera_id = \(camera) ORDER BY c.first_seen_at, c.id, d.role COLLATE "C"
            """)
        return try rows.map { row in
            let (caseNumber, incidentKey, state, role, reason) = try row.decode((String, String, String, String, String?).self)
            guard let parsed = EvidenceRole(rawValue: role) else {
                throw CaseStoreError.corruptRow("evidence_due.role holds '\(role)'")
            }
            return DueEvidence(caseNumber: caseNumber, incidentKey: incidentKey, role: parsed,
                               incidentOpen: state != "closed", missingReason: reason)
        }
    }

    public func markEvidenceMissing(_ role: EvidenceRole, toIncident incidentKey: String, reason: String) async throws {
        try await transaction { db in
            guard let id = try await db.rows("SELECT id FROM cases WHERE incident_key = \(incidentKey)", logger)
                .first?.decode(Int64.self) else {
                throw CaseStoreError.noSuchCase(incidentKey)
            }
            // Only a debt still recorded: a file attached meanwhile (its row deleted) wins over the reason.
            try await db.rows("""
                UPDATE evidence_due SET missing_reason = \(reason) WHERE case_id = \(id) AND role = \(role.rawValue)
                """, logger)
        }
    }

    public func noteEvidence(_ note: String, toIncident incidentKey: String, at date: Date) async throws {
        try await transaction { db in
            guard let id = try await db.rows("SELECT id FROM cases WHERE incident_key = \(incidentKey)", logger)
                .first?.decode(Int64.self) else {
                throw CaseStoreError.noSuchCase(incidentKey)
            }
            try await db.rows("""
                INSERT INTO evidence_notes (case_id, at, note) VALUES (\(id), \(date.timeIntervalSince1970), \(note))
                """, logger)
        }
    }

    public func openIncidents(camera: String) async throws -> [DraftCase] {
        try await transaction { db in
            let ids = try await db.rows("""
                SELECT id FROM cases WHERE camera_id = \(camera) AND incident_state <> 'closed' ORDER BY first_seen_at, id
                """, logger).map { try $0.decode(Int64.self) }
            var drafts: [DraftCase] = []
            for id in ids { drafts.append(try await Self.fetchCase(db, id: id, logger)) }
            return drafts
        }
    }

    public func record(_ sample: CameraStatusSample) async throws {
        let zone = timeZone
        try await transaction { db in
            let at = sample.at.timeIntervalSince1970
            let online = sample.state == .online
            try await db.rows("""
                INSERT INTO camera_uptime_days (camera_id, day, first_at, online_seconds, last_at, online_samples, fps_sum,
                                                configured_fps)
                VALUES (\(sample.camera), \(dayKey(sample.at, timeZone: zone)), \(at), 0, \(at), \(online ? 1 : 0),
                        \(online ? sample.fpsAnalysed : 0), \(sample.configuredFPS))
                ON CONFLICT (camera_id, day) DO UPDATE SET first_at = least(camera_uptime_days.first_at, excluded.first_at),
                    last_at = greatest(camera_uptime_days.last_at, excluded.last_at),
                    online_samples = camera_uptime_days.online_samples + excluded.online_samples,
                    fps_sum = camera_uptime_days.fps_sum + excluded.fps_sum,
                    configured_fps = coalesce(excluded.configured_fps, camera_uptime_days.configured_fps)
                """, logger)
            if let previous = try await db.rows("""
                SELECT at, state FROM camera_status WHERE camera_id = \(sample.camera) AND at <= \(at)
                ORDER BY at DESC, id DESC LIMIT 1
                """, logger).first {
                let (previousAt, state) = try previous.decode((Double, String).self)
                if state == CameraStatusSample.State.online.rawValue {
                    let day = dayKey(Date(timeIntervalSince1970: previousAt), timeZone: zone)
                    try await db.rows("""
                        UPDATE camera_uptime_days SET online_seconds = online_seconds + \(min(CameraUptime.maxGap, at - previousAt))
                        WHERE camera_id = \(sample.camera) AND day = \(day)
                        """, logger)
                }
            }
            try await db.rows("""
                INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops, fps_configured)
                VALUES (\(sample.camera), \(at), \(sample.state.rawValue), \(sample.fpsAnalysed), \(sample.drops), \(sample.configuredFPS))
                """, logger)
        }
    }

    @discardableResult
    public func pruneStatusSamples(camera: String, before cutoff: Date) async throws -> Int {
        let rows = try await query("""
            DELETE FROM camera_status WHERE camera_id = \(camera) AND at < \(cutoff.timeIntervalSince1970) AND id <> (
                SELECT id FROM camera_status WHERE camera_id = \(camera) ORDER BY at DESC, id DESC LIMIT 1)
            RETURNING id
            """)
        return rows.count
    }

    public func recordPicture(_ jpeg: [UInt8], camera: String, at: Date) async throws {
        try await query("""
            INSERT INTO camera_pictures (camera_id, at, jpeg) VALUES (\(camera), \(at.timeIntervalSince1970), \(ByteBuffer(bytes: jpeg)))
            ON CONFLICT (camera_id) DO UPDATE SET at = excluded.at, jpeg = excluded.jpeg
            """)
    }
}

/// Another writer inserted the incident first (thrown inside the transaction so that it rolls back).
private struct LostInsertRace: Error {}
