import GRDB

/// The review tables: accounts, web sessions and the append-only audit log of verdicts.
enum ReviewSchema {
    /// Registers `v3-review` after the case tables. Never edit it once shipped; add a new step.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-review") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                );
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    case_number TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('confirm', 'reject', 'undo')),
                    status_before TEXT NOT NULL,
                    status_after TEXT NOT NULL,
                    reason TEXT,
                    undoes INTEGER REFERENCES audit_log(id)
                );
                CREATE INDEX audit_log_by_case ON audit_log(case_number, id);
                -- Append-only: the database itself refuses to change or remove history.
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """)
        }
    }

    /// Registers `v5-audit-log-no-replace`: `REPLACE INTO` (and `INSERT OR REPLACE`) deletes the row it collides
    /// with without firing delete triggers (https://www.sqlite.org/lang_conflict.html: "the delete triggers fire if
    /// and only if recursive triggers are enabled"), so an insert that reuses an id is refused before it happens.
    static func registerNoReplace(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-audit-log-no-replace") { db in
            try db.execute(sql: """
                CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
                    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """)
        }
    }
}
