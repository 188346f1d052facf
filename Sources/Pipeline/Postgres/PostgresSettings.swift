public import Foundation
import NIOSSL
public import PostgresNIO

/// Where and as whom a ``PostgresCaseStore`` connects, from a `postgres://` URL and the environment.
///
/// The URL never carries the password (it would end up in configs, process lists and logs): the password is read
/// from an environment variable, `PGPASSWORD` unless the config names another. Forms:
/// - `postgres://streetwatch@db.city.local:5432/cases?sslmode=require` (TCP; `sslmode` `disable`, `prefer`
///   (default) or `require`);
/// - `postgres://streetwatch@/cases?host=/var/run/postgresql` (a unix socket in that folder, no TLS).
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
    /// How TCP connections use TLS.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// Host name or address; `nil` with a socket folder.
    public var host: String?
    /// The folder holding the server's socket (`.s.PGSQL.<port>`); `nil` for TCP.
    public var socketFolder: String?
    /// The server port (also names the socket file).
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The database.
    public var database: String
    /// From the environment; never printed.
    public var password: String?
    /// TLS for TCP.
    public var tls: TLSMode

    /// Whether `text` is a PostgreSQL URL rather than a file path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `url`, taking the password from `environment[passwordVariable]`.
    /// - Throws: ``PostgresSettingsError`` saying what is wrong with the URL.
    public init(url: String, passwordVariable: String = "PGPASSWORD",
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresSettingsError) {
        guard Self.isURL(url), let parts = URLComponents(string: url) else {
            throw PostgresSettingsError("'\(Self.redacted(url))' is not a postgres:// URL")
        }
        if parts.password != nil {
            throw PostgresSettingsError("the URL must not carry a password: put it in the environment variable \(passwordVariable)")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw PostgresSettingsError("'\(url)' names no user: postgres://USER@HOST/DATABASE")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresSettingsError("'\(url)' names no database: postgres://USER@HOST/DATABASE")
        }
        var socketFolder: String?
        var tls = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("host", let folder) where folder.hasPrefix("/"): socketFolder = folder
            case ("sslmode", let mode):
                guard let parsed = TLSMode(rawValue: mode) else {
                    throw PostgresSettingsError("sslmode '\(mode)' is not one of disable, prefer, require")
                }
                tls = parsed
            default:
                throw PostgresSettingsError("unknown URL parameter '\(item.name)' (known: host=/socket/folder, sslmode)")
            }
        }
        let host = parts.host.flatMap { $0.isEmpty ? nil : $0 }
        guard (host == nil) != (socketFolder == nil) else {
            throw PostgresSettingsError("'\(url)' needs either a host or ?host=/socket/folder, not both or neither")
        }
        self.host = host
        self.socketFolder = socketFolder
        port = parts.port ?? 5432
        self.user = user
        self.database = database
        password = environment[passwordVariable]
        self.tls = tls
    }

    /// The URL with any password replaced by `***` (for messages about a URL that was refused).
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? "postgres://***"
    }

    /// The server's unix socket, when connecting through one.
    var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The pool's configuration.
    var clientConfiguration: PostgresClient.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        // `!`: set above when there is no socket folder.
        return .init(host: host!, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// A single connection's configuration (the session that holds camera locks).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        // `!`: set above when there is no socket folder.
        return .init(host: host!, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// ``displayURL``: printing settings never shows the password.
    public var description: String { displayURL }

    /// `postgres://user@host:port/database` (no password), for logs.
    public var displayURL: String {
        if let socketFolder { return "postgres://\(user)@/\(database)?host=\(socketFolder)" }
        return "postgres://\(user)@\(host ?? ""):\(port)/\(database)"
    }
}

/// A `postgres://` URL that cannot be used, and why.
public struct PostgresSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}
