import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Pipeline
import ReviewWeb
import ServiceLifecycle

/// `streetwatch serve`: the review web UI and JSON API on a case store, without analysing cameras.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the review web UI and JSON API (login with accounts from `streetwatch user add`).")

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db = "streetwatch.sqlite"

    @Option(help: "The folder holding evidence/ for a postgres:// store (the shared directory the groups write).")
    var evidence: String?

    @Option(help: "Listen address host:port. Cookies are marked Secure unless the host is loopback; put HTTPS in front then.")
    var listen = "127.0.0.1:8080"

    @Option(help: "Time zone for times shown and the report's months (tz name); default the group's utc_offset recorded in the store.")
    var timeZone: String?

    @Flag(help: "Mark cookies Secure on a loopback address too (HTTPS terminated by a proxy in front).")
    var secureCookies = false

    @Option(help: "Seconds a connection may go without a complete request head, and a request body may take, before it is closed (1-3600).")
    var idleTimeout: Double = ServerLimits().idleTimeout

    @Option(help: "Connections served at once; a new one beyond them closes the one that has waited longest without finishing a request (1-100000).")
    var maxConnections: Int = ServerLimits().maxConnections

    func validate() throws {
        guard (1...3600).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout: value \(idleTimeout) out of range [1 - 3600]")
        }
        guard (1...100_000).contains(maxConnections) else {
            throw ValidationError("--max-connections: value \(maxConnections) out of range [1 - 100000]")
        }
    }

    func run() async throws {
        let opened = try openExistingStore(db, evidence: evidence)
        let (host, port) = try parseListenAddress(listen)
        let named = try namedTimeZone(timeZone)
        let secure = secureCookies || !ReviewApp.isLoopback(host)
        let limits = ServerLimits(idleTimeout: idleTimeout, maxConnections: maxConnections)
        let logger = Logger(label: "streetwatch")
        try await opened.runServices(logger: logger) { store in
            let app = ReviewApp(store: store, secureCookies: secure, timeZone: named ?? store.timeZone)
            let router = app.router(publicPaths: ["/health"])
            router.get("health") { _, _ in "ok\n" }
            let web = Application(router: router, server: limits.server,
                                  configuration: limits.configuration(address: .hostname(host, port: port), serverName: "streetwatch"),
                                  onServerRunning: { _ in FileHandle.standardOutput.write(Data("ready http://\(host):\(port)\n".utf8)) },
                                  logger: logger)
            return [.init(service: web)]
        }
    }
}

/// `host:port` (IPv6 hosts in brackets) → host and port.
func parseListenAddress(_ text: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
        throw ValidationError("--listen '\(text)' is not host:port")
    }
    return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
}

/// The time zone named by a `--time-zone` option (a tz name such as `Asia/Shanghai`), or `nil` without one.
func namedTimeZone(_ name: String?) throws -> TimeZone? {
    guard let name else { return nil }
    guard let zone = TimeZone(identifier: name) else { throw ValidationError("unknown time zone '\(name)'") }
    return zone
}
