public import Foundation
public import GRDB
import Detector

/// The case store of one camera group: an SQLite file through GRDB, with evidence files beside it.
///
/// Opens a `DatabasePool` (WAL journal, so `streetwatch cases` can read while a worker writes), with foreign keys
/// on and a busy timeout for the other process's locks, and runs the migrations. Every method is one transaction.
public final class SQLiteCaseStore: CaseStore {
    /// Wrong passwords, counted in this process only (one SQLite file is one desk's store).
    public let loginThrottle: any LoginThrottling = LoginThrottle()
    /// The database connection pool (exposed for tests and tools; the store's methods are the API).
    public let pool: DatabasePool
    /// Evidence files in `<folder of the database>/evidence`.
    public let evidence: EvidenceStore
    /// The group's time zone: the date in case numbers (`SW-<yyyyMMdd>-…`) and, by default, every time shown.
    public let timeZone: TimeZone

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// - Parameters:
    ///   - path: the SQLite file; its folder must exist and holds `evidence/` too.
    ///   - timeZone: for the date in case numbers; default the `utc_offset` of the group registered in the store
    ///     (``init(path:group:)``), else UTC. Never the process's zone: a centre works in its group's time.
    ///   - busyTimeout: seconds to wait for another process's write lock; default 5.
    /// - Throws: a `DatabaseError` when the file cannot be opened or migrated.
    public init(path: String, timeZone: TimeZone? = nil, busyTimeout: TimeInterval = 5) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
        let folder = (path as NSString).deletingLastPathComponent
        evidence = EvidenceStore(baseDirectory: folder.isEmpty ? "." : folder)
        // `!`: zero seconds from GMT is always a valid zone.
        self.timeZone = try timeZone ?? Self.registeredOffset(pool).flatMap { fixedTimeZone(utcOffset: $0) }
            ?? TimeZone(secondsFromGMT: 0)!
    }

    /// The schema, as named steps. Never edit a step that has shipped; add a new one.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-cases") { db in
            try db.execute(sql: """
                CREATE TABLE cases (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    incident_key TEXT NOT NULL UNIQUE,
                    case_number TEXT NOT NULL UNIQUE,
                    number_prefix TEXT NOT NULL,
                    number_seq INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    category_standard TEXT NOT NULL,
                    category_code TEXT NOT NULL,
                    category_name TEXT NOT NULL,
                    category_code_2013 TEXT,
                    division_code TEXT,
                    description TEXT NOT NULL,
                    address TEXT NOT NULL,
                    longitude REAL NOT NULL,
                    latitude REAL NOT NULL,
                    crs TEXT NOT NULL,
                    grid_code TEXT NOT NULL,
                    camera_id TEXT NOT NULL,
                    camera_name TEXT NOT NULL,
                    camera_gb28181_id TEXT,
                    rule_id TEXT NOT NULL,
                    rule_version INTEGER NOT NULL,
                    zone_id TEXT NOT NULL,
                    first_seen_at REAL NOT NULL,
                    last_seen_at REAL NOT NULL,
                    first_seen_stream REAL NOT NULL,
                    last_seen_stream REAL NOT NULL,
                    dwell REAL NOT NULL,
                    area INTEGER NOT NULL,
                    area_fraction REAL NOT NULL,
                    score REAL NOT NULL,
                    facts_json TEXT NOT NULL,
                    box_x0 REAL NOT NULL, box_y0 REAL NOT NULL, box_x1 REAL NOT NULL, box_y1 REAL NOT NULL,
                    px_x0 INTEGER NOT NULL, px_y0 INTEGER NOT NULL, px_x1 INTEGER NOT NULL, px_y1 INTEGER NOT NULL,
                    frame_x0 INTEGER, frame_y0 INTEGER, frame_x1 INTEGER, frame_y1 INTEGER,
                    incident_state TEXT NOT NULL CHECK (incident_state IN ('active', 'lingering', 'closed')),
                    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed', 'rejected')),
                    status_reason TEXT,
                    reviewer TEXT,
                    decided_at REAL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    UNIQUE (number_prefix, number_seq)
                );
                CREATE INDEX cases_by_status ON cases(status, first_seen_at);
                CREATE INDEX cases_by_camera ON cases(camera_id, first_seen_at);
                CREATE INDEX cases_open ON cases(camera_id, incident_state);
                CREATE TABLE evidence (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('before', 'after', 'clip')),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    relative_path TEXT NOT NULL,
                    byte_count INTEGER NOT NULL,
                    media_type TEXT NOT NULL,
                    added_at REAL NOT NULL,
                    UNIQUE (case_id, role)
                );
                CREATE INDEX evidence_by_hash ON evidence(sha256);
                """)
        }
        migrator.registerMigration("v2-camera-status") { db in
            try db.execute(sql: """
                CREATE TABLE camera_status (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    camera_id TEXT NOT NULL,
                    at REAL NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('online', 'connecting', 'offline')),
                    fps_analysed REAL NOT NULL,
                    drops INTEGER NOT NULL
                );
                CREATE INDEX camera_status_by_camera ON camera_status(camera_id, at);
                """)
        }
        ReviewSchema.register(in: &migrator)
        migrator.registerMigration("v4-camera-status-configured-fps") { db in
            try db.execute(sql: "ALTER TABLE camera_status ADD COLUMN fps_configured REAL")
        }
        ReviewSchema.registerNoReplace(in: &migrator)
        registerPushState(in: &migrator)
        registerGroupTables(in: &migrator)
        registerQueueIndexes(in: &migrator)
        registerUptimeTable(in: &migrator)
        registerEvidenceDue(in: &migrator)
        registerUptimeStats(in: &migrator)
        registerEvidenceNotes(in: &migrator)
        return migrator
    }

    // MARK: - Writes

    @discardableResult
    public func apply(_ event: CaseEvent) async throws -> DraftCase {
        let draft = event.draft
        let prefix = caseNumberPrefix(camera: draft.camera.id, firstSeen: draft.firstSeen)
        return try await pool.write { db in
            let now = Date().timeIntervalSince1970
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE incident_key = ?",
                                           arguments: [draft.incidentKey]) {
                // Only what the tracker owns; last seen never moves back, so replaying old events changes nothing.
                try db.execute(sql: """
                    UPDATE cases SET
                        description = ?, last_seen_stream = CASE WHEN ? >= last_seen_at THEN ? ELSE last_seen_stream END,
                        last_seen_at = max(last_seen_at, ?), dwell = max(dwell, ?), area = ?, area_fraction = ?,
                        score = max(score, ?), facts_json = ?,
                        box_x0 = ?, box_y0 = ?, box_x1 = ?, box_y1 = ?, px_x0 = ?, px_y0 = ?, px_x1 = ?, px_y1 = ?,
                        frame_x0 = coalesce(?, frame_x0), frame_y0 = coalesce(?, frame_y0),
                        frame_x1 = coalesce(?, frame_x1), frame_y1 = coalesce(?, frame_y1),
                        incident_state = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    arguments: [
                        draft.description, draft.lastSeen.timeIntervalSince1970, draft.lastSeenStream,
                        draft.lastSeen.timeIntervalSince1970, draft.facts.dwell, draft.facts.area,
                        draft.facts.areaFraction, draft.facts.score, try factsJSON(draft.facts.values),
                        draft.box.x0, draft.box.y0, draft.box.x1, draft.box.y1,
                        draft.analysisBox.x0, draft.analysisBox.y0, draft.analysisBox.x1, draft.analysisBox.y1,
                        draft.frameBox?.x0, draft.frameBox?.y0, draft.frameBox?.x1, draft.frameBox?.y1,
                        draft.incidentState.rawValue, now, id,
                    ])
                return try Self.fetchCase(db, id: id)
            }
            // GRDB begins write transactions IMMEDIATE (Database.swift: `kind ?? (isReadOnly ? .deferred : .immediate)`),
            // so reading the next number and inserting it cannot interleave with another writer, even in another
            // process; the UNIQUE (number_prefix, number_seq) constraint backs that up.
            let seq = try Int.fetchOne(db, sql: "SELECT coalesce(max(number_seq), 0) + 1 FROM cases WHERE number_prefix = ?",
                                       arguments: [prefix]) ?? 1
            let number = prefix + "-" + String(format: "%04d", seq)
            var columns: [String] = []
            var values: [(any DatabaseValueConvertible)?] = []
            func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                columns.append(column)
                values.append(value)
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
            set("facts_json", try factsJSON(draft.facts.values))
            set("box_x0", draft.box.x0); set("box_y0", draft.box.y0)
            set("box_x1", draft.box.x1); set("box_y1", draft.box.y1)
            set("px_x0", draft.analysisBox.x0); set("px_y0", draft.analysisBox.y0)
            set("px_x1", draft.analysisBox.x1); set("px_y1", draft.analysisBox.y1)
            set("frame_x0", draft.frameBox?.x0); set("frame_y0", draft.frameBox?.y0)
            set("frame_x1", draft.frameBox?.x1); set("frame_y1", draft.frameBox?.y1)
            set("incident_state", draft.incidentState.rawValue)
            set("status", CaseStatus.draft.rawValue)
            set("created_at", now); set("updated_at", now)
            let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            try db.execute(sql: "INSERT INTO cases (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                           arguments: StatementArguments(values))
            let id = db.lastInsertedRowID
            try Self.owe(db, caseID: id, at: now)
            return try Self.fetchCase(db, id: id)
        }
    }

    public func attach(_ ref: EvidenceRef, role: EvidenceRole, toIncident incidentKey: String) async throws {
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE incident_key = ?",
                                              arguments: [incidentKey]) else {
                throw CaseStoreError.noSuchCase(incidentKey)
            }
            try db.execute(sql: """
                INSERT INTO evidence (case_id, role, sha256, relative_path, byte_count, media_type, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (case_id, role) DO UPDATE SET sha256 = excluded.sha256,
                    relative_path = excluded.relative_path, byte_count = excluded.byte_count,
                    media_type = excluded.media_type, added_at = excluded.added_at
                """,
                arguments: [id, role.rawValue, ref.sha256, ref.relativePath, ref.byteCount, ref.mediaType,
                            Date().timeIntervalSince1970])
            try Self.paid(db, caseID: id, role: role)
        }
    }

    public func decide(caseNumber: String, status: CaseStatus, decision: CaseDecision?) async throws {
        try await pool.write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT status FROM cases WHERE case_number = ?",
                                                 arguments: [caseNumber]) else {
                throw CaseStoreError.noSuchCase(caseNumber)
            }
            guard let before = CaseStatus(rawValue: text) else { throw CaseStoreError.corruptRow("status of \(caseNumber)") }
            let now = Date()
            try db.execute(sql: """
                UPDATE cases SET status = ?, status_reason = ?, reviewer = ?, decided_at = ?, updated_at = ?
                WHERE case_number = ?
                """,
                arguments: [status.rawValue, decision?.reason, decision?.reviewer,
                            decision?.decidedAt.timeIntervalSince1970, now.timeIntervalSince1970, caseNumber])
            let action: AuditEntry.Action = switch status {
            case .confirmed: .confirm
            case .rejected: .reject
            case .draft: .undo
            }
            try Self.appendAudit(db, at: decision?.decidedAt ?? now, actor: decision?.reviewer ?? "system",
                                 caseNumber: caseNumber, action: action, before: before, after: status,
                                 reason: decision?.reason, undoes: nil)
        }
    }

    public func record(_ sample: CameraStatusSample) async throws {
        try await pool.write { [timeZone] db in
            try Self.addUptime(db, sample, timeZone: timeZone)
            try db.execute(sql: """
                INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops, fps_configured) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [sample.camera, sample.at.timeIntervalSince1970, sample.state.rawValue,
                                 sample.fpsAnalysed, sample.drops, sample.configuredFPS])
        }
    }

    // MARK: - Reads

    public func openIncidents(camera: String) async throws -> [DraftCase] {
        try await pool.read { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM cases WHERE camera_id = ? AND incident_state != 'closed' ORDER BY first_seen_at, id
                """, arguments: [camera])
            return try ids.map { try Self.fetchCase(db, id: $0) }
        }
    }

    public func cases(_ query: CaseQuery) async throws -> [DraftCase] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let status = query.status { conditions.append("status = ?"); arguments.append(status.rawValue) }
            if let camera = query.camera { conditions.append("camera_id = ?"); arguments.append(camera) }
            if let from = query.firstSeenFrom {
                conditions.append("first_seen_at >= ?"); arguments.append(from.timeIntervalSince1970)
            }
            if let until = query.firstSeenUntil {
                conditions.append("first_seen_at < ?"); arguments.append(until.timeIntervalSince1970)
            }
            if let from = query.decidedFrom {
                conditions.append("decided_at >= ?"); arguments.append(from.timeIntervalSince1970)
            }
            var sql = "SELECT id FROM cases"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY first_seen_at, id"
            if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
            let ids = try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            return try ids.map { try Self.fetchCase(db, id: $0) }
        }
    }

    public func `case`(number caseNumber: String) async throws -> DraftCase? {
        try await pool.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE case_number = ?",
                                              arguments: [caseNumber]) else { return nil }
            return try Self.fetchCase(db, id: id)
        }
    }

    public func statusSamples(camera: String, since: Date) async throws -> [CameraStatusSample] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT camera_id, at, state, fps_analysed, drops, fps_configured FROM camera_status
                WHERE camera_id = ? AND at >= ? ORDER BY at, id
                """, arguments: [camera, since.timeIntervalSince1970]).map { row in
                let r = RowReader(row, "camera_status of \(camera)")
                guard let state = CameraStatusSample.State(rawValue: try r("state")) else {
                    throw CaseStoreError.corruptRow("camera_status.state '\(String(describing: try r("state") as String?))'")
                }
                return CameraStatusSample(camera: try r("camera_id"), at: Date(timeIntervalSince1970: try r("at")),
                                          state: state, fpsAnalysed: try r("fps_analysed"), drops: try r("drops"),
                                          configuredFPS: try r("fps_configured"))
            }
        }
    }

    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    // MARK: - Helpers

    /// `SW-<yyyyMMdd of first seen>-<camera id with anything but letters, digits and '-' as '_'>`.
    func caseNumberPrefix(camera: String, firstSeen: Date) -> String {
        Pipeline.caseNumberPrefix(camera: camera, firstSeen: firstSeen, timeZone: timeZone)
    }

    private static func fetchCase(_ db: Database, id: Int64) throws -> DraftCase {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [id]) else {
            throw CaseStoreError.noSuchCase("#\(id)")
        }
        var evidence: [EvidenceRole: EvidenceRef] = [:]
        for e in try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE case_id = ?", arguments: [id]) {
            let re = RowReader(e, "evidence of case #\(id)")
            guard let role = EvidenceRole(rawValue: try re("role")) else {
                throw CaseStoreError.corruptRow("evidence.role of case #\(id)")
            }
            evidence[role] = EvidenceRef(sha256: try re("sha256"), relativePath: try re("relative_path"),
                                         byteCount: try re("byte_count"), mediaType: try re("media_type"))
        }
        return try draft(from: RowReader(row, "cases #\(id)"), evidence: evidence)
    }

    private static func draft(from r: RowReader, evidence: [EvidenceRole: EvidenceRef]) throws -> DraftCase {
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
            category: category, categoryStandard: try r("category_standard"), divisionCode: try r("division_code"), description: try r("description"),
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

/// Facts as JSON with sorted keys, so equal facts give equal text.
func factsJSON(_ values: [String: Double]) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Non-finite numbers have no JSON form; a rule's fact should never be one, but a case must not be lost to it.
    let finite = values.mapValues { $0.isFinite ? $0 : 0 }
    return String(decoding: try encoder.encode(finite), as: UTF8.self)
}

/// `SW-<yyyyMMdd of first seen in timeZone>-<camera id with anything but letters, digits and '-' as '_'>`; a case
/// number is this prefix, `-` and a four-digit sequence.
func caseNumberPrefix(camera: String, firstSeen: Date, timeZone: TimeZone) -> String {
    let day = dayKey(firstSeen, timeZone: timeZone).replacingOccurrences(of: "-", with: "")
    let safeCamera = String(camera.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    return "SW-\(day)-\(safeCamera)"
}
