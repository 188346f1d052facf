import Foundation
import Pipeline
import ReviewWeb
import Testing

/// The lock counts per (name, address), under a per-name ceiling over all addresses.
@Suite("login throttle")
struct LoginThrottleTests {
    @Test func aGuesserLocksOutOnlyTheirOwnAddress() async {
        let clock = ReviewWebTests.TestClock()
        let throttle = LoginThrottle(maxFailures: 5, maxFailuresPerName: 12, window: 600, now: { clock.now })
        for _ in 0..<5 { #expect(await throttle.begin("lina", from: "203.0.113.9") == .allowed) }
        #expect(await throttle.begin("lina", from: "203.0.113.9") == .locked(600))
        #expect(await throttle.begin("LINA", from: "203.0.113.9") == .locked(600), "names are not case-sensitive")
        // Lina, at her desk, is not locked out by the guesser.
        #expect(await throttle.begin("lina", from: "10.1.2.3") == .allowed)
        await throttle.succeeded("lina", from: "10.1.2.3")
        // A success forgets that address's failures only.
        #expect(await throttle.begin("lina", from: "203.0.113.9") == .locked(600))
        clock.advance(601)
        #expect(await throttle.begin("lina", from: "203.0.113.9") == .allowed)
    }

    @Test func guessesSpreadOverManyAddressesHitThePerNameCeiling() async {
        let clock = ReviewWebTests.TestClock()
        let throttle = LoginThrottle(maxFailures: 5, maxFailuresPerName: 12, window: 600, now: { clock.now })
        for i in 0..<12 { #expect(await throttle.begin("lina", from: "198.51.100.\(i)") == .allowed) }
        #expect(await throttle.begin("lina", from: "192.0.2.1") == .locked(600))
        #expect(await throttle.begin("chief", from: "192.0.2.1") == .allowed)
        clock.advance(601)
        #expect(await throttle.begin("lina", from: "192.0.2.1") == .allowed)
    }
}
