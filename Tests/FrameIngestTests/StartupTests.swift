import Foundation
import FrameIngest
import Synchronization
import TestSupport
import Testing

/// How a group's sources start: a few opens at a time (``OpenLimiter``), a random delay before the first open and
/// a first-open timeout of its own (``StartupPolicy``), every wait on the injected clock.
@Suite("Start-up", .serialized, .timeLimit(.minutes(2)))
struct StartupTests {
    @Test func aLimiterGrantsItsLimitAndHandsTurnsOnInOrder() async throws {
        let limiter = OpenLimiter(limit: 2)
        let first = try await limiter.acquire()
        let second = try await limiter.acquire()
        #expect(limiter.inUse == 2)
        let order = OrderLog()
        let third = Task { let turn = try await limiter.acquire(); order.append(3); return turn }
        #expect(try await eventually(5) { limiter.waiting == 1 })
        let fourth = Task { let turn = try await limiter.acquire(); order.append(4); return turn }
        #expect(try await eventually(5) { limiter.waiting == 2 })
        #expect(order.values.isEmpty, "a turn beyond the limit was granted")

        first.release()
        let thirdTurn = try await third.value
        #expect(order.values == [3])
        #expect(limiter.inUse == 2 && limiter.waiting == 1)
        first.release() // a second release of the same turn gives nothing back
        #expect(limiter.inUse == 2 && limiter.waiting == 1)

        second.release()
        let fourthTurn = try await fourth.value
        #expect(order.values == [3, 4])
        thirdTurn.release()
        fourthTurn.release()
        #expect(limiter.inUse == 0 && limiter.waiting == 0)
    }

    @Test func aWaiterCancelledTakesNoTurn() async throws {
        let limiter = OpenLimiter(limit: 1)
        let held = try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        #expect(try await eventually(5) { limiter.waiting == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
        #expect(limiter.waiting == 0)
        held.release()
        #expect(limiter.inUse == 0)
    }

    @Test func theFirstOpenWaitsForItsRandomDelayOnTheInjectedClock() async throws {
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let clock = ManualClock()
        let source = ReconnectingSource(url: "rtsp://127.0.0.1:\(port)/cam", options: IngestOptions(analysisFPS: 5),
                                        startup: StartupPolicy(jitter: 30), clock: clock)
        let reading = Task {
            for try await event in source.events() where event.frame != nil { return true }
            return false
        }
        defer { reading.cancel() }
        #expect(try await eventually(5) { clock.sleeping == 1 }, "the first open did not wait on the clock")
        let delay = try #require(source.status.retryIn)
        #expect(delay >= 0 && delay <= 30)
        // The server is up, but nothing is opened until the clock has moved past the drawn delay.
        try await Task.sleep(for: .seconds(2))
        #expect(source.status.state == .connecting && source.status.stream == nil && source.status.framesDelivered == 0)
        clock.advance(by: .seconds(30))
        #expect(try await reading.value)
        #expect(source.status.state == .online)
    }

    @Test func opensBeyondTheLimitWaitAndAFirstOpenHasItsOwnTimeout() async throws {
        let server = try startSilentServer()
        defer { server.kill() }
        let clock = ManualClock()
        let limiter = OpenLimiter(limit: 1)
        // The first-open timeout (60 s) is what a silent camera meets before it ever connected, not the open
        // timeout (250 s); both are far beyond the test's real time, so only the manual clock can end them.
        func source(_ name: String) -> ReconnectingSource<ManualClock> {
            ReconnectingSource(url: "rtsp://127.0.0.1:\(server.readyValue)/\(name)",
                               options: IngestOptions(openTimeout: 250), backoff: Backoff(initial: 100, maximum: 100),
                               startup: StartupPolicy(firstOpenTimeout: 60), openLimiter: limiter, clock: clock)
        }
        let opening = source("a"), waiting = source("b")
        let first = Task { for try await _ in opening.events() {} }
        defer { first.cancel() }
        #expect(try await eventually(10) { limiter.inUse == 1 })
        let second = Task { for try await _ in waiting.events() {} }
        defer { second.cancel() }
        #expect(try await eventually(10) { limiter.waiting == 1 }, "the second open did not wait for a turn")

        clock.advance(by: .seconds(61))
        #expect(try await eventually(10) { opening.status.state == .offline }, "\(opening.status)")
        #expect(opening.status.reason?.contains("no data for 60 s") == true, "\(opening.status)")
        // The turn passed on; the 61 s the other source waited for it are not held against its open.
        #expect(try await eventually(10) { limiter.waiting == 0 && limiter.inUse == 1 })
        try await Task.sleep(for: .seconds(1))
        #expect(waiting.status.state == .connecting && waiting.status.reason == nil, "\(waiting.status)")
        clock.advance(by: .seconds(61))
        #expect(try await eventually(10) { waiting.status.state == .offline }, "\(waiting.status)")
        #expect(waiting.status.reason?.contains("no data for 60 s") == true, "\(waiting.status)")
        // Both wait out their back-off now, holding no turn.
        #expect(limiter.inUse == 0)
    }
}

/// Values appended from several tasks, in order.
final class OrderLog: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}
