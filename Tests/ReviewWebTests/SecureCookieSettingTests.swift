import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Pipeline
import ReviewFixtures
import TestSupport
import Testing

/// Behind a TLS proxy the server listens on loopback, yet the browser talks HTTPS: a setting turns `Secure` on.
@Suite("secure cookie setting", .serialized)
struct SecureCookieSettingTests {
    /// The `Set-Cookie` of `GET /login` from `streetwatch serve` with `arguments`.
    func loginCookie(_ arguments: [String]) async throws -> String {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try await ReviewSeed.store(in: folder)
        let port = freePort()
        let server = try ServerProcess(streetwatchBinary, ["serve", "--db", folder + "/cases.sqlite",
                                                           "--listen", "127.0.0.1:\(port)"] + arguments)
        defer { server.kill() }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/login"))
        let (_, response) = try await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 5))
        return try #require((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Set-Cookie"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func serveMarksCookiesSecureWhenAskedEvenOnLoopback() async throws {
        #expect(try await loginCookie([]).contains("Secure") == false)
        #expect(try await loginCookie(["--secure-cookies"]).contains("Secure"))
    }
}
