public import Foundation
import GRDB

/// A logged-in browser: who, and the CSRF token every form of this session must carry.
public struct ReviewSession: Sendable, Hashable {
    /// The account.
    public var user: User
    /// The session-bound CSRF token (64 hex digits).
    public var csrfToken: String
    /// When the session ends.
    public var expiresAt: Date
}

/// Web sessions, stored so a restart of `serve` keeps people logged in. Only a token's SHA-256 is stored: a
/// copy of the database does not let anyone act as a reviewer.
extension SQLiteCaseStore {
    /// Starts a session for `user`.
    /// - Returns: the cookie token (shown once) and the session.
    public func createSession(for user: User, lifetime: TimeInterval,
                              now: Date) async throws -> (token: String, session: ReviewSession) {
        let token = randomHex(bytes: 32), csrf = randomHex(bytes: 32)
        let expires = now.addingTimeInterval(lifetime)
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            try db.execute(sql: """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [SHA256.hex(of: Array(token.utf8)), user.id, csrf, now.timeIntervalSince1970,
                                 expires.timeIntervalSince1970])
        }
        return (token, ReviewSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    /// The live session for a cookie token, or `nil` (unknown, expired, or not 64 hex digits).
    public func session(token: String, now: Date) async throws -> ReviewSession? {
        guard token.utf8.count == 64, token.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at >= ?
                """, arguments: [SHA256.hex(of: Array(token.utf8)), now.timeIntervalSince1970]) else { return nil }
            let r = RowReader(row, "sessions")
            guard let role = UserRole(rawValue: try r("role")) else { return nil }
            return ReviewSession(user: User(id: try r("id"), name: try r("name"), role: role), csrfToken: try r("csrf_token"),
                                 expiresAt: Date(timeIntervalSince1970: try r("expires_at")))
        }
    }

    /// Ends the session of a cookie token (logout).
    public func endSession(token: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [SHA256.hex(of: Array(token.utf8))])
        }
    }
}

func isHexDigit(_ c: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
}

/// `bytes` random bytes as lowercase hex. `SystemRandomNumberGenerator` is the OS's CSPRNG (getrandom on Linux).
func randomHex(bytes: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
}
