public import Foundation

/// Review accounts, web sessions and the login throttle, shared by every review desk on the store.
///
/// Passwords are bcrypt hashes; a session stores only its token's SHA-256, so a copy of the database does not let
/// anyone act as a reviewer.
public protocol AccountStore: Sendable {
    /// Creates an account.
    /// - Parameters:
    ///   - cost: bcrypt cost (log2 rounds); 12 in production, lower only in tests.
    /// - Throws: ``AccountError`` for a bad name, weak password or a taken name; a database error.
    @discardableResult
    func addUser(name: String, role: UserRole, password: String, cost: UInt8) async throws -> User

    /// Replaces a password (and the role, when given); ends the user's web sessions.
    /// - Throws: ``AccountError/noSuchUser(_:)``, ``AccountError/weakPassword(_:)``, or a database error.
    func setPassword(name: String, password: String, role: UserRole?, cost: UInt8) async throws

    /// The account if `password` is right, else `nil` (also for an unknown name, after the same time).
    func verifyPassword(name: String, password: String) async throws -> User?

    /// The account named `name`, or `nil`.
    func user(named name: String) async throws -> User?

    /// Starts a session for `user` that ends after `lifetime`.
    /// - Returns: the cookie token (shown once) and the session.
    func createSession(for user: User, lifetime: TimeInterval, now: Date) async throws -> (token: String, session: ReviewSession)

    /// The live session for a cookie token at `now`, or `nil` (unknown, expired, or not 64 hex digits).
    func session(token: String, now: Date) async throws -> ReviewSession?

    /// Ends the session of a cookie token (logout).
    func endSession(token: String) async throws

    /// Counts wrong passwords for every desk on this store (in memory for one SQLite file; a table in PostgreSQL,
    /// so that replicas share it).
    var loginThrottle: any LoginThrottling { get }
}

/// The bcrypt cost of accounts made outside tests.
public let defaultBcryptCost: UInt8 = 12

extension AccountStore {
    /// Creates an account with bcrypt cost 12.
    @discardableResult
    public func addUser(name: String, role: UserRole, password: String) async throws -> User {
        try await addUser(name: name, role: role, password: password, cost: defaultBcryptCost)
    }

    /// Replaces a password, and the role when given, with bcrypt cost 12.
    public func setPassword(name: String, password: String, role: UserRole? = nil) async throws {
        try await setPassword(name: name, password: password, role: role, cost: defaultBcryptCost)
    }

    /// Replaces a password with bcrypt cost `cost`, keeping the role.
    public func setPassword(name: String, password: String, cost: UInt8) async throws {
        try await setPassword(name: name, password: password, role: nil, cost: cost)
    }

    /// Starts a 12-hour session for `user` now.
    public func createSession(for user: User) async throws -> (token: String, session: ReviewSession) {
        try await createSession(for: user, lifetime: 12 * 3600, now: Date())
    }

    /// The live session for a cookie token now, or `nil`.
    public func session(token: String) async throws -> ReviewSession? {
        try await session(token: token, now: Date())
    }
}
