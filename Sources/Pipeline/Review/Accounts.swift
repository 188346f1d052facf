import Foundation
import GRDB

/// What an account may do.
public enum UserRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// Confirms and rejects drafts (坐席员); undoes only their own verdicts.
    case reviewer
    /// A reviewer who may also undo anyone's verdict.
    case admin
}

/// A review account (never carries the password hash out of the store).
public struct User: Sendable, Hashable, Codable {
    /// Row id.
    public var id: Int64
    /// Login name.
    public var name: String
    /// Role.
    public var role: UserRole
}

/// Account failures a person can act on.
public enum AccountError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name is taken.
    case exists(String)
    /// No account has this name.
    case noSuchUser(String)
    /// Names are 1–64 letters, digits, `.`, `_` or `-`.
    case badName(String)
    /// Passwords are at least 8 characters and at most 72 bytes (bcrypt reads no further).
    case weakPassword(String)

    public var description: String {
        switch self {
        case .exists(let name): "user '\(name)' already exists"
        case .noSuchUser(let name): "no user '\(name)'"
        case .badName(let name): "'\(name)' is not a user name: use 1-64 letters, digits, '.', '_' or '-'"
        case .weakPassword(let why): "password refused: \(why)"
        }
    }
}

/// Password hashes by bcrypt (HummingbirdBcrypt, OpenBSD's C code) on ``PasswordHashing/shared``'s threads;
/// hashing lives here, beside the table it fills, so the CLI and the web server share one implementation.
extension SQLiteCaseStore {
    /// Creates an account.
    /// - Parameters:
    ///   - cost: bcrypt cost (log2 rounds); 12 by default, lower only in tests.
    /// - Throws: ``AccountError`` for a bad name, weak password or a taken name; a database error.
    @discardableResult
    public func addUser(name: String, role: UserRole, password: String, cost: UInt8) async throws -> User {
        try Self.checkName(name)
        try Self.checkPassword(password)
        let hash = try await PasswordHashing.shared.hash(password, cost: cost)
        return try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == true {
                throw AccountError.exists(name)
            }
            let now = Date().timeIntervalSince1970
            try db.execute(sql: "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [name, role.rawValue, hash, now, now])
            return User(id: db.lastInsertedRowID, name: name, role: role)
        }
    }

    /// Replaces a password (and the role, when given); ends the user's web sessions.
    /// - Throws: ``AccountError/noSuchUser(_:)``, ``AccountError/weakPassword(_:)``, or a database error.
    public func setPassword(name: String, password: String, role: UserRole?, cost: UInt8) async throws {
        try Self.checkPassword(password)
        let hash = try await PasswordHashing.shared.hash(password, cost: cost)
        try await pool.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ?, role = coalesce(?, role), updated_at = ? WHERE name = ?",
                           arguments: [hash, role?.rawValue, Date().timeIntervalSince1970, name])
            if db.changesCount == 0 { throw AccountError.noSuchUser(name) }
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", arguments: [name])
        }
    }

    /// The account if `password` is right, else `nil` (also for an unknown name).
    public func verifyPassword(name: String, password: String) async throws -> User? {
        let found: (user: User, hash: String)? = try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role, password_hash FROM users WHERE name = ?", arguments: [name])
                .flatMap { row -> (user: User, hash: String)? in
                    let r = RowReader(row, "users")
                    guard let role = UserRole(rawValue: try r("role")) else { return nil }
                    return (User(id: try r("id"), name: try r("name"), role: role), try r("password_hash"))
                }
        }
        guard let found else {
            // Spend the same time as a real check (at the default cost) so response time does not tell which
            // names exist; hashing costs what checking does.
            _ = try await PasswordHashing.shared.hash(password, cost: 12)
            return nil
        }
        return try await PasswordHashing.shared.verify(password, hash: found.hash) ? found.user : nil
    }

    /// The account named `name`, or `nil`.
    public func user(named name: String) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role FROM users WHERE name = ?", arguments: [name]).flatMap { row -> User? in
                let r = RowReader(row, "users")
                guard let role = UserRole(rawValue: try r("role")) else { return nil }
                return User(id: try r("id"), name: try r("name"), role: role)
            }
        }
    }

    static func checkName(_ name: String) throws(AccountError) {
        guard (1...64).contains(name.count),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw .badName(name)
        }
    }

    static func checkPassword(_ password: String) throws(AccountError) {
        if password.count < 8 { throw .weakPassword("shorter than 8 characters") }
        if password.utf8.count > 72 { throw .weakPassword("longer than 72 bytes, which bcrypt would silently cut") }
    }
}
