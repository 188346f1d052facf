import Foundation
import Logging
import Pipeline
import ServiceLifecycle

/// A store as the commands open it: SQLite at a path (the default), or PostgreSQL at a `postgres://` URL, whose
/// connection pool must run while the store is used.
struct OpenedStore {
    /// Every capability; each command hands on only the protocol a caller needs.
    let store: any CaseStore & CameraClaiming
    /// The PostgreSQL store, whose `run()` (the pool) must run for ``store`` to work; `nil` for SQLite.
    let postgres: PostgresCaseStore?

    /// Runs `body` with the store ready: for PostgreSQL the pool runs beside it and the schema is migrated first.
    func withReady<R>(_ body: (any CaseStore & CameraClaiming) async throws -> R) async throws -> R {
        guard let postgres else { return try await body(store) }
        do {
            return try await postgres.withRunning { _ in try await body(store) }
        } catch let error as PostgresStoreError {
            throw CommandFailure("case store \(postgres.settings.displayURL): \(error)")
        }
    }
}

/// Opens (creating it and its folder if needed) the group's case store, in the group's time zone; the group and
/// its cameras are recorded in it when it is ready (``recordGroup(_:in:)``).
func openStore(_ group: GroupConfig) throws -> OpenedStore {
    let config = group.store
    if config.isPostgres {
        let settings: PostgresSettings
        do { settings = try PostgresSettings(url: config.databasePath, passwordVariable: config.passwordVariable) } catch {
            throw CommandFailure("store.database: \(error)")
        }
        let store = PostgresCaseStore(settings: settings, evidenceDirectory: config.evidenceBase, timeZone: group.timeZone,
                                      logger: Logger(label: "streetwatch.postgres"))
        // Scratch clips are in this host's temporary folder, so their writers' process ids are this host's. The
        // evidence folder is shared by many hosts, whose process ids this host cannot check: its temporary files
        // are left to their own writers (and to a sweep that knows the hosts).
        ScratchClips.removeLeftovers()
        return OpenedStore(store: store, postgres: store)
    }
    let path = config.databasePath
    do {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let store = try SQLiteCaseStore(path: path, group: group)
        // Temporary files of a writer that was killed (kill -9, power loss) are never renamed into place.
        store.evidence.removeLeftoverTemporaryFiles()
        ScratchClips.removeLeftovers()
        return OpenedStore(store: store, postgres: nil)
    } catch {
        throw CommandFailure("cannot open the case store \(path): \(error)")
    }
}

/// Opens the store named by `--db`, refusing to create a new, empty SQLite file (a typo in `--db` should say so).
/// - Parameters:
///   - db: an SQLite path or a `postgres://` URL (password from `passwordVariable`).
///   - evidence: the folder holding `evidence/` (PostgreSQL only; default the current folder).
func openExistingStore(_ db: String, evidence: String? = nil, passwordVariable: String = "PGPASSWORD") throws -> OpenedStore {
    if PostgresSettings.isURL(db) {
        let settings: PostgresSettings
        do { settings = try PostgresSettings(url: db, passwordVariable: passwordVariable) } catch {
            throw CommandFailure("--db: \(error)")
        }
        let store = PostgresCaseStore(settings: settings, evidenceDirectory: evidence ?? ".",
                                      logger: Logger(label: "streetwatch.postgres"))
        return OpenedStore(store: store, postgres: store)
    }
    guard FileManager.default.fileExists(atPath: db) else {
        throw CommandFailure("no case database at \(db) (give --db)")
    }
    do {
        return OpenedStore(store: try SQLiteCaseStore(path: db), postgres: nil)
    } catch {
        throw CommandFailure("cannot open \(db): \(error)")
    }
}

/// Records the group and its cameras in a PostgreSQL store (SQLite records them when it opens).
func recordGroup(_ group: GroupConfig, in opened: OpenedStore) async throws {
    guard opened.postgres != nil else { return }
    try await opened.store.register(group)
}

extension OpenedStore {
    /// Runs the services `build` makes under one service group that shuts down on SIGTERM or SIGINT.
    ///
    /// With PostgreSQL the connection pool is the group's first service, so it starts first and stops last, and
    /// `build` runs once the pool runs and the schema is migrated.
    func runServices(logger: Logger,
                     _ build: @escaping @Sendable (any CaseStore & CameraClaiming) async throws
                         -> [ServiceGroupConfiguration.ServiceConfiguration]) async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration]
        if let postgres {
            services = [.init(service: postgres), .init(service: AfterPrepare(postgres: postgres, build: build, logger: logger))]
        } else {
            services = try await build(store)
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        do {
            try await group.run()
        } catch let error as PostgresStoreError {
            throw CommandFailure("case store \(postgres?.settings.displayURL ?? ""): \(error)")
        } catch let error as CameraClaimError {
            throw CommandFailure("\(error)")
        }
    }
}

/// Migrates a PostgreSQL store once its pool runs, then runs the services that use it as a group of their own,
/// passing the outer group's graceful shutdown on to them.
private struct AfterPrepare: Service {
    let postgres: PostgresCaseStore
    let build: @Sendable (any CaseStore & CameraClaiming) async throws -> [ServiceGroupConfiguration.ServiceConfiguration]
    let logger: Logger

    func run() async throws {
        try await postgres.prepare()
        let inner = ServiceGroup(configuration: .init(services: try await build(postgres), logger: logger))
        try await withGracefulShutdownHandler {
            try await inner.run()
        } onGracefulShutdown: {
            Task { await inner.triggerGracefulShutdown() }
        }
    }
}
