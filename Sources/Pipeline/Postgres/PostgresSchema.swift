import Logging
import PostgresNIO

/// The PostgreSQL schema, as named steps like the SQLite migrator's. Never edit a step that has shipped; add one.
///
/// Times are seconds since 1970 (`double precision`), as in the SQLite store, so both decode the same way.
enum PostgresSchema {
    /// The key of the transaction-level advisory lock that serialises migrations across processes and hosts.
    static let migrationLock: Int64 = 0x5357_4d49_4752  // "SWMIGR"

    /// Each step: an identifier and its statements (postgres-nio sends one statement per query).
    static let steps: [(id: String, statements: [String])] = [
        ("v1-cases", [
            """
            CREATE TABLE cases (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                incident_key text NOT NULL UNIQUE,
                case_number text NOT NULL UNIQUE,
                number_prefix text NOT NULL,
                number_seq bigint NOT NULL,
                source text NOT NULL, kind text NOT NULL,
                category_standard text NOT NULL, category_code text NOT NULL, category_name text NOT NULL,
                category_code_2013 text, division_code text,
                description text NOT NULL, address text NOT NULL,
                longitude double precision NOT NULL, latitude double precision NOT NULL, crs text NOT NULL,
                grid_code text NOT NULL,
                camera_id text NOT NULL, camera_name text NOT NULL, camera_gb28181_id text,
                rule_id text NOT NULL, rule_version bigint NOT NULL, zone_id text NOT NULL,
                first_seen_at double precision NOT NULL, last_seen_at double precision NOT NULL,
                first_seen_stream double precision NOT NULL, last_seen_stream double precision NOT NULL,
                dwell double precision NOT NULL, area bigint NOT NULL, area_fraction double precision NOT NULL,
                score double precision NOT NULL, facts_json text NOT NULL,
                box_x0 double precision NOT NULL, box_y0 double precision NOT NULL,
                box_x1 double precision NOT NULL, box_y1 double precision NOT NULL,
                px_x0 bigint NOT NULL, px_y0 bigint NOT NULL, px_x1 bigint NOT NULL, px_y1 bigint NOT NULL,
                frame_x0 bigint, frame_y0 bigint, frame_x1 bigint, frame_y1 bigint,
                incident_state text NOT NULL CHECK (incident_state IN ('active', 'lingering', 'closed')),
                status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed', 'rejected')),
                status_reason text, reviewer text, decided_at double precision,
                created_at double precision NOT NULL, updated_at double precision NOT NULL,
                UNIQUE (number_prefix, number_seq)
            )
            """,
            // One row per prefix: taking a number locks it until commit, and a rollback gives the number back, so
            // numbers stay unique and gap-free across hosts.
            "CREATE TABLE case_numbers (prefix text PRIMARY KEY, last_seq bigint NOT NULL)",
            "CREATE INDEX cases_by_status ON cases (status, first_seen_at, id)",
            "CREATE INDEX cases_open ON cases (camera_id, incident_state)",
            "CREATE INDEX cases_queue_camera ON cases (camera_id, status, first_seen_at, id)",
            "CREATE INDEX cases_queue_rule ON cases (rule_id, status, first_seen_at, id)",
            "CREATE INDEX cases_queue_category ON cases (category_code, status, first_seen_at, id)",
            "CREATE INDEX cases_by_first_seen ON cases (first_seen_at, id)",
            """
            CREATE TABLE evidence (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
                role text NOT NULL CHECK (role IN ('before', 'after', 'clip')),
                sha256 text NOT NULL CHECK (length(sha256) = 64),
                relative_path text NOT NULL, byte_count bigint NOT NULL, media_type text NOT NULL,
                added_at double precision NOT NULL,
                UNIQUE (case_id, role)
            )
            """,
            "CREATE INDEX evidence_by_hash ON evidence (sha256)",
        ]),
        ("v2-camera-status", [
            """
            CREATE TABLE camera_status (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                camera_id text NOT NULL, at double precision NOT NULL,
                state text NOT NULL CHECK (state IN ('online', 'connecting', 'offline')),
                fps_analysed double precision NOT NULL, drops bigint NOT NULL, fps_configured double precision
            )
            """,
            "CREATE INDEX camera_status_by_camera ON camera_status (camera_id, at, id)",
            """
            CREATE TABLE camera_uptime_days (
                camera_id text NOT NULL, day text NOT NULL, first_at double precision NOT NULL,
                online_seconds double precision NOT NULL, PRIMARY KEY (camera_id, day)
            )
            """,
            "CREATE TABLE camera_groups (id text PRIMARY KEY, name text NOT NULL, utc_offset text NOT NULL, updated_at double precision NOT NULL)",
            """
            CREATE TABLE cameras (
                id text PRIMARY KEY, group_id text NOT NULL REFERENCES camera_groups (id), name text NOT NULL,
                configured_fps double precision NOT NULL, updated_at double precision NOT NULL
            )
            """,
            "CREATE TABLE camera_pictures (camera_id text PRIMARY KEY, at double precision NOT NULL, jpeg bytea NOT NULL)",
        ]),
        ("v3-review", [
            """
            CREATE TABLE users (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE,
                role text NOT NULL CHECK (role IN ('reviewer', 'admin')), password_hash text NOT NULL,
                created_at double precision NOT NULL, updated_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                token_hash text PRIMARY KEY CHECK (length(token_hash) = 64),
                user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                csrf_token text NOT NULL, created_at double precision NOT NULL, expires_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE login_failures (
                name text NOT NULL, address text NOT NULL, at double precision NOT NULL
            )
            """,
            "CREATE INDEX login_failures_by_name ON login_failures (name, at)",
            """
            CREATE TABLE audit_log (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at double precision NOT NULL,
                actor text NOT NULL, case_number text NOT NULL,
                action text NOT NULL CHECK (action IN ('confirm', 'reject', 'undo')),
                status_before text NOT NULL, status_after text NOT NULL, reason text,
                undoes bigint REFERENCES audit_log (id)
            )
            """,
            "CREATE INDEX audit_log_by_case ON audit_log (case_number, id)",
            // Append-only in the database itself: no UPDATE, DELETE or TRUNCATE gets past these triggers,
            // whichever client sends it (only a superuser dropping the trigger can).
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
            """,
            """
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
            """,
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
            """,
            """
            CREATE TABLE push_state (
                case_number text PRIMARY KEY REFERENCES cases (case_number) ON DELETE CASCADE,
                decided_at double precision, delivered_at double precision NOT NULL,
                withdrawn_reported_at double precision
            )
            """,
        ]),
        ("v4-queue-notify", [
            // Payloads stay far under NOTIFY's 8000 bytes: a case number, a status and a camera id.
            """
            CREATE FUNCTION cases_notify_queue() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('streetwatch_queue',
                    json_build_object('case', NEW.case_number, 'status', NEW.status, 'camera', NEW.camera_id)::text);
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER cases_notify_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION cases_notify_queue()",
            """
            CREATE TRIGGER cases_notify_status AFTER UPDATE OF status ON cases FOR EACH ROW
                WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION cases_notify_queue()
            """,
        ]),
        ("v5-evidence-due", [
            // What each draft still awaits (SQLite's v10-evidence-due): a row per role from the case's insert until
            // a file is attached; a debt given up keeps its row with the reason.
            """
            CREATE TABLE evidence_due (
                case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
                role text NOT NULL CHECK (role IN ('before', 'after', 'clip')),
                since double precision NOT NULL,
                missing_reason text,
                PRIMARY KEY (case_id, role)
            )
            """,
        ]),
        ("v6-uptime-day-stats", [
            // SQLite's v11-uptime-day-stats: the rollup also keeps each day's last sample time, online samples, their
            // summed analysed fps and the configured fps, so the yearly report needs no raw samples.
            "ALTER TABLE camera_uptime_days ADD COLUMN last_at double precision",
            "ALTER TABLE camera_uptime_days ADD COLUMN online_samples integer NOT NULL DEFAULT 0",
            "ALTER TABLE camera_uptime_days ADD COLUMN fps_sum double precision NOT NULL DEFAULT 0",
            "ALTER TABLE camera_uptime_days ADD COLUMN configured_fps double precision",
        ]),
        ("v7-evidence-notes", [
            // SQLite's v12-evidence-notes: where a case's evidence came from when not as configured.
            """
            CREATE TABLE evidence_notes (
                id bigserial PRIMARY KEY,
                case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
                at double precision NOT NULL,
                note text NOT NULL
            )
            """,
            "CREATE INDEX evidence_notes_by_case ON evidence_notes (case_id, id)",
        ]),
    ]

    /// Applies the steps not applied yet, all in one transaction under ``migrationLock``: a process that starts
    /// while another migrates waits for it, then finds nothing left to do.
    static func migrate(_ store: PostgresCaseStore) async throws {
        try await store.transaction { db in
            try await db.rows("SELECT pg_advisory_xact_lock(\(migrationLock))", store.logger)
            try await db.rows("""
                CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, store.logger)
            var applied: Set<String> = []
            for try await id in try await db.query("SELECT id FROM schema_migrations", logger: store.logger).decode(String.self) {
                applied.insert(id)
            }
            for step in steps where !applied.contains(step.id) {
                for statement in step.statements {
                    try await db.rows(PostgresQuery(unsafeSQL: statement), store.logger)
                }
                try await db.rows("INSERT INTO schema_migrations (id) VALUES (\(step.id))", store.logger)
            }
        }
    }

    /// The identifiers of the applied steps, in order.
    static func applied(_ store: PostgresCaseStore) async throws -> [String] {
        try await store.query("SELECT id FROM schema_migrations ORDER BY id").map { try $0.decode(String.self) }
    }
}
