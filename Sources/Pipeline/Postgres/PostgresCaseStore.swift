public import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// The case store shared by many camera groups on many hosts: one PostgreSQL database through postgres-nio's
/// `PostgresClient` (a connection pool), bound parameters only, evidence under a directory every host mounts.
///
/// The client is a `Service`: run the store (``run()``) under the service group, or use
/// ``withRunning(_:)`` for a one-shot command, and call ``prepare()`` before anything else: it migrates once
/// (under `pg_advisory_xact_lock`, so 20 groups starting together migrate once) and reads the group time zone.
/// Every method is one transaction.
public final class PostgresCaseStore: CaseStore, Service {
    /// The connection pool.
    public let client: PostgresClient
    /// Evidence files under the configured directory (a shared filesystem for many hosts).
    public let evidence: EvidenceStore
    /// Wrong passwords, counted in the database so every review desk replica shares them.
    public let loginThrottle: any LoginThrottling
    /// Where and as whom it connects (also for the session connection that holds camera locks).
    public let settings: PostgresSettings
    let logger: Logger
    private let zone: Mutex<TimeZone>
    private let zoneGiven: Bool
    /// The session connection holding this process's camera locks (``claimCameras(_:)``).
    let claimConnection = Mutex<PostgresConnection?>(nil)

    /// Creates the store; nothing connects until ``run()`` runs.
    /// - Parameters:
    ///   - settings: where and as whom to connect.
    ///   - evidenceDirectory: the folder that holds `evidence/`.
    ///   - timeZone: the group's zone; default the `utc_offset` of the group registered last (read by
    ///     ``prepare()``), else UTC.
    ///   - logger: for the client's background messages; never given the password.
    public init(settings: PostgresSettings, evidenceDirectory: String, timeZone: TimeZone? = nil,
                logger: Logger = Logger(label: "streetwatch.postgres")) {
        self.settings = settings
        self.logger = logger
        client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        evidence = EvidenceStore(baseDirectory: evidenceDirectory)
        // `!`: zero seconds from GMT is always a valid zone.
        zone = Mutex(timeZone ?? TimeZone(secondsFromGMT: 0)!)
        zoneGiven = timeZone != nil
        loginThrottle = PostgresLoginThrottle(client: client, logger: logger)
    }

    /// The group's time zone: given, else the registered group's after ``prepare()``, else UTC.
    public var timeZone: TimeZone { zone.withLock { $0 } }

    /// Runs the connection pool until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.client.run() }
        await releaseCameras()
    }

    /// Migrates the schema (once, whoever else starts at the same moment) and reads the group time zone.
    /// - Throws: ``PostgresStoreError`` when the database cannot be reached or migrated.
    public func prepare() async throws {
        // `run()` starts in another task at the same moment; a query that comes first is still served, but
        // postgres-nio logs a warning for it on every start. A moment's wait avoids that in practice (not a
        // guarantee: postgres-nio has no way to ask whether the pool runs yet).
        try await Task.sleep(for: .milliseconds(50))
        try await PostgresSchema.migrate(self)
        guard !zoneGiven else { return }
        let rows = try await query("SELECT utc_offset FROM camera_groups ORDER BY updated_at DESC LIMIT 1")
        if let text = try rows.first?.decode(String.self), let registered = fixedTimeZone(utcOffset: text) {
            zone.withLock { $0 = registered }
        }
    }

    /// Runs `body` with the pool running and the store prepared, then stops the pool: for one-shot commands.
    /// A store runs once (``run()`` or this), as its `PostgresClient` does.
    public func withRunning<R>(_ body: (PostgresCaseStore) async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            do {
                try await prepare()
                let result = try await body(self)
                await releaseCameras()
                group.cancelAll()
                return result
            } catch {
                await releaseCameras()
                group.cancelAll()
                throw error
            }
        }
    }

    // MARK: - Queries

    /// Runs one statement on a pooled connection and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: logger).collect()
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw PostgresStoreError(message: "transaction failed: \(String(reflecting: error))")
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
    }
}

extension PostgresConnection {
    /// Runs one statement inside a transaction and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        do {
            return try await self.query(query, logger: logger).collect()
        } catch let error as PSQLError {
            throw PostgresStoreError(error)
        }
    }
}

/// A PostgreSQL failure, with the server's message and SQLSTATE (postgres-nio's `PSQLError` describes itself only
/// generically, so that query text never leaks into logs by accident).
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    /// The server's or the client's message.
    public var message: String
    /// The SQLSTATE code (`23505` unique violation, `P0001` raised by a trigger), when the server sent one.
    public var sqlState: String?

    /// Wraps a postgres-nio error.
    init(_ error: PSQLError) {
        if let server = error.serverInfo {
            message = server[.message] ?? "server error"
            if let detail = server[.detail] { message += " (\(detail))" }
            sqlState = server[.sqlState]
        } else {
            message = "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
            sqlState = nil
        }
    }

    /// A message of our own.
    init(message: String, sqlState: String? = nil) {
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { "PostgreSQL: \(message)" + (sqlState.map { " [SQLSTATE \($0)]" } ?? "") }
}
