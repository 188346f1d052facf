public import Foundation
import Logging
import PostgresNIO

/// Accounts and sessions in the shared database, so every review desk replica knows every login.
extension PostgresCaseStore {
    @discardableResult
    public func addUser(name: String, role: UserRole, password: String, cost: UInt8) async throws -> User {
        try SQLiteCaseStore.checkName(name)
        try SQLiteCaseStore.checkPassword(password)
        let hash = try await PasswordHashing.shared.hash(password, cost: cost)
        let now = Date().timeIntervalSince1970
        guard let id = try await query("""
            INSERT INTO users (name, role, password_hash, created_at, updated_at)
            VALUES (\(name), \(role.rawValue), \(hash), \(now), \(now))
            ON CONFLICT (name) DO NOTHING RETURNING id
            """).first?.decode(Int64.self) else { throw AccountError.exists(name) }
        return User(id: id, name: name, role: role)
    }

    public func setPassword(name: String, password: String, role: UserRole?, cost: UInt8) async throws {
        try SQLiteCaseStore.checkPassword(password)
        let hash = try await PasswordHashing.shared.hash(password, cost: cost)
        try await transaction { db in
            guard let id = try await db.rows("""
                UPDATE users SET password_hash = \(hash), role = coalesce(\(role?.rawValue), role),
                    updated_at = \(Date().timeIntervalSince1970)
                WHERE name = \(name) RETURNING id
                """, logger).first?.decode(Int64.self) else { throw AccountError.noSuchUser(name) }
            try await db.rows("DELETE FROM sessions WHERE user_id = \(id)", logger)
        }
    }

    public func verifyPassword(name: String, password: String) async throws -> User? {
        let found = try await query("SELECT id, name, role, password_hash FROM users WHERE name = \(name)").first.flatMap {
            row -> (user: User, hash: String)? in
            let r = PostgresRowReader(row, "users")
            guard let role = UserRole(rawValue: try r("role")) else { return nil }
            return (User(id: try r("id"), name: try r("name"), role: role), try r("password_hash"))
        }
        guard let found else {
            // Spend the time of a real check so response time does not tell which names exist.
            _ = try await PasswordHashing.shared.hash(password, cost: defaultBcryptCost)
            return nil
        }
        return try await PasswordHashing.shared.verify(password, hash: found.hash) ? found.user : nil
    }

    public func user(named name: String) async throws -> User? {
        try await query("SELECT id, name, role FROM users WHERE name = \(name)").first.flatMap { row -> User? in
            let r = PostgresRowReader(row, "users")
            guard let role = UserRole(rawValue: try r("role")) else { return nil }
            return User(id: try r("id"), name: try r("name"), role: role)
        }
    }

    public func createSession(for user: User, lifetime: TimeInterval, now: Date) async throws -> (token: String, session: ReviewSession) {
        let token = randomHex(bytes: 32), csrf = randomHex(bytes: 32)
        let expires = now.addingTimeInterval(lifetime)
        try await transaction { db in
            try await db.rows("DELETE FROM sessions WHERE expires_at < \(now.timeIntervalSince1970)", logger)
            try await db.rows("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(SHA256.hex(of: Array(token.utf8))), \(user.id), \(csrf), \(now.timeIntervalSince1970),
                        \(expires.timeIntervalSince1970))
                """, logger)
        }
        return (token, ReviewSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    public func session(token: String, now: Date) async throws -> ReviewSession? {
        guard token.utf8.count == 64, token.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
        return try await query("""
            SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(SHA256.hex(of: Array(token.utf8))) AND s.expires_at >= \(now.timeIntervalSince1970)
            """).first.flatMap { row -> ReviewSession? in
            let r = PostgresRowReader(row, "sessions")
            guard let role = UserRole(rawValue: try r("role")) else { return nil }
            return ReviewSession(user: User(id: try r("id"), name: try r("name"), role: role), csrfToken: try r("csrf_token"),
                                 expiresAt: Date(timeIntervalSince1970: try r("expires_at")))
        }
    }

    public func endSession(token: String) async throws {
        try await query("DELETE FROM sessions WHERE token_hash = \(SHA256.hex(of: Array(token.utf8)))")
    }
}

/// ``LoginThrottle``'s rules over a table, so that every desk replica counts the same tries: wrong passwords per
/// (name, address) and per name over all addresses within the window. A per-name transaction lock makes check and
/// count one step across replicas, as the actor does within one process.
struct PostgresLoginThrottle: LoginThrottling {
    let client: PostgresClient
    let logger: Logger
    var maxFailures = 5
    var maxFailuresPerName = 100
    var window: TimeInterval = 15 * 60

    func begin(_ name: String, from address: String) async throws -> LoginThrottle.Decision {
        let key = name.lowercased()
        let now = Date().timeIntervalSince1970
        let cutoff = now - window
        return try await transaction { db in
            try await db.rows("SELECT pg_advisory_xact_lock(hashtextextended('login:' || \(key), 0))", logger)
            // Names and addresses are attacker input: stale rows go, so the table cannot grow without bound.
            try await db.rows("DELETE FROM login_failures WHERE name = \(key) AND at <= \(cutoff)", logger)
            let row = try await db.rows("""
                SELECT count(*) FILTER (WHERE address = \(address)), max(at) FILTER (WHERE address = \(address)),
                       count(*), max(at)
                FROM login_failures WHERE name = \(key)
                """, logger).first
            let (mine, mineLatest, all, allLatest) = try row?.decode((Int, Double?, Int, Double?).self) ?? (0, nil, 0, nil)
            if mine >= maxFailures, let latest = mineLatest { return .locked(max(1, latest + window - now)) }
            if all >= maxFailuresPerName, let latest = allLatest { return .locked(max(1, latest + window - now)) }
            try await db.rows("INSERT INTO login_failures (name, address, at) VALUES (\(key), \(address), \(now))", logger)
            return .allowed
        }
    }

    func succeeded(_ name: String, from address: String) async throws {
        _ = try await transaction { db in
            try await db.rows("DELETE FROM login_failures WHERE name = \(name.lowercased()) AND address = \(address)", logger)
        }
    }

    private func transaction<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        do {
            return try await client.withTransaction(logger: logger) { db in try await body(db) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? PostgresStoreError(message: "login throttle: \(String(reflecting: error))")
        }
    }
}
