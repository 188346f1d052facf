import Foundation
import Logging
@testable import Pipeline
import Testing
import TestSupport

/// The two store implementations the contract tests run against: the same test, once each.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty store of this backend (an SQLite file in a temporary folder, or a new
    /// database in this process's PostgreSQL cluster, its pool running), evidence in a temporary folder.
    func withStore(timeZone: TimeZone = TimeZone(identifier: "UTC")!,  // `!`: a valid tz database name
                   _ body: (any CaseStore & CameraClaiming) async throws -> Void) async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        switch self {
        case .sqlite:
            try await body(try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: timeZone))
        case .postgres:
            let store = try Self.postgresStore(url: try TestPostgres.shared().createDatabase(), folder: folder,
                                               timeZone: timeZone)
            try await store.withRunning { try await body($0) }
        }
    }

    /// A PostgreSQL store on `url` (not running yet).
    static func postgresStore(url: String, folder: String, timeZone: TimeZone? = TimeZone(identifier: "UTC")) throws
        -> PostgresCaseStore {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        return PostgresCaseStore(settings: try PostgresSettings(url: url, environment: [:]), evidenceDirectory: folder,
                                 timeZone: timeZone, logger: logger)
    }
}
