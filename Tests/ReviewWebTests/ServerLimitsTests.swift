import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ReviewFixtures
import TestSupport
import Testing

/// Slowloris: connections that never finish a request are closed, and there are only so many of them.
@Suite("server limits", .serialized)
struct ServerLimitsTests {
    /// A TCP connection to 127.0.0.1 that reads without blocking the test's threads.
    final class RawConnection: Sendable {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw ServerError("connect to port \(port) failed: errno \(errno)") }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }

        deinit { close(fd) }

        /// Sends `text`; a connection the server closed gives an error, not SIGPIPE.
        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Foundation.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// Seconds until the server closed the connection (read returned 0 or reset), or `nil` within `limit`.
        func secondsUntilClosed(limit: Double) async throws -> Double? {
            let start = ContinuousClock.now
            var buffer = [UInt8](repeating: 0, count: 4096)
            while ContinuousClock.now - start < .seconds(limit) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                    let elapsed = ContinuousClock.now - start
                    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
    }

    func serve(_ arguments: [String]) async throws -> (ServerProcess, Int, String) {
        let folder = try ReviewSeed.folder()
        _ = try await ReviewSeed.store(in: folder)
        let port = freePort()
        let server = try ServerProcess(streetwatchBinary, ["serve", "--db", folder + "/cases.sqlite",
                                                           "--listen", "127.0.0.1:\(port)"] + arguments)
        return (server, port, folder)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func aRequestThatNeverEndsItsHeadersIsCutOff() async throws {
        let (server, port, folder) = try await serve(["--idle-timeout", "1"])
        defer { server.kill(); try? FileManager.default.removeItem(atPath: folder) }
        let slow = try RawConnection(port: port)
        slow.send("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        // Dribbling more header bytes does not buy time.
        Task { for i in 0..<20 { try await Task.sleep(for: .milliseconds(200)); slow.send("X-Slow-\(i): 1\r\n") } }
        let closed = try await slow.secondsUntilClosed(limit: 6)
        let seconds = try #require(closed, "a connection with unfinished headers stayed open for 6 s")
        #expect(seconds < 4)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func aBodyTrickledAfterTheHeadersIsCutOff() async throws {
        let (server, port, folder) = try await serve(["--idle-timeout", "1"])
        defer { server.kill(); try? FileManager.default.removeItem(atPath: folder) }
        let slow = try RawConnection(port: port)
        slow.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  + "Content-Length: 1000\r\n\r\n")
        // A byte every 200 ms: each one used to restart Hummingbird's idle timer.
        Task { for _ in 0..<40 { try await Task.sleep(for: .milliseconds(200)); slow.send("a") } }
        let closed = try await slow.secondsUntilClosed(limit: 6)
        let seconds = try #require(closed, "a connection trickling its body stayed open for 6 s")
        #expect(seconds < 4)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func aFullServerClosesTheLongestWaitingUnfinishedConnectionForANewClient() async throws {
        let (server, port, folder) = try await serve(["--idle-timeout", "30", "--max-connections", "2"])
        defer { server.kill(); try? FileManager.default.removeItem(atPath: folder) }
        // One after the other, so that which has waited longest does not depend on which event loop ran first.
        var held: [RawConnection] = []
        for _ in 0..<2 {
            let connection = try RawConnection(port: port)
            connection.send("GET /login HTTP/1.1\r\n")
            held.append(connection)
            try await Task.sleep(for: .milliseconds(200))
        }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/health"))
        let start = ContinuousClock.now
        let (_, response) = try await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 10))
        let waited = ContinuousClock.now - start
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        // At once, not after the 30 s idle timeout freed a slot.
        #expect(waited < .milliseconds(1000), "/health answered after \(waited) beside two held connections")
        let oldest = try await held[0].secondsUntilClosed(limit: 2)
        #expect(oldest != nil, "the connection that waited longest was not closed for the newcomer")
        let younger = try await held[1].secondsUntilClosed(limit: 0.5)
        #expect(younger == nil, "the younger held connection was closed too")
    }
}
