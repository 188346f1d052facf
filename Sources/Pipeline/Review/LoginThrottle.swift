public import Foundation

/// Where wrong passwords are counted: ``LoginThrottle`` in memory, or a table every desk on a shared store reads.
public protocol LoginThrottling: Sendable {
    /// Starts a try of `name` from `address`: refuses it while locked, else counts it as a failure until
    /// ``succeeded(_:from:)`` takes it back. Check and count are one step, so parallel tries cannot slip past.
    func begin(_ name: String, from address: String) async throws -> LoginThrottle.Decision

    /// The password was right: forgets the failures of `name` from `address` (those from elsewhere stay).
    func succeeded(_ name: String, from address: String) async throws
}

/// Slows password guessing without handing anyone a way to lock a reviewer out.
///
/// Wrong passwords count per (user name, client address): after ``maxFailures`` within ``window`` that pair must
/// wait until ``window`` has passed since its latest failure. Other addresses can still log in as that name, so
/// a guesser locks out only themselves. A ceiling per name over all addresses, ``maxFailuresPerName``, stops a
/// guesser who spreads over many addresses; reaching it takes that many addresses' worth of guesses
/// (``maxFailuresPerName`` ÷ ``maxFailures``) within one window.
///
/// A try is counted when it starts (``begin(_:from:)``), before the password is checked, and taken back on success:
/// so a burst of parallel requests gets at most ``maxFailures`` checks, not one per request.
///
/// Behind a reverse proxy every client has the proxy's address; the per-name ceiling still holds then, and the
/// per-address limit becomes a per-name one. Kept in memory: a restart forgets it.
public actor LoginThrottle: LoginThrottling {
    /// Wrong passwords allowed per (name, address) within ``window``.
    public let maxFailures: Int
    /// Wrong passwords allowed per name over all addresses within ``window``.
    public let maxFailuresPerName: Int
    /// How far back failures count, and how long a lock lasts after the latest failure.
    public let window: TimeInterval
    private let now: @Sendable () -> Date
    /// Name (lowercased) → address → times of failures (and of tries still being checked).
    private var failures: [String: [String: [Date]]] = [:]

    /// What ``begin(_:from:)`` decided.
    public enum Decision: Sendable, Equatable {
        /// Check the password, then call ``LoginThrottle/succeeded(_:from:)`` if it was right.
        case allowed
        /// Refused for this many seconds.
        case locked(TimeInterval)
    }

    /// Creates a throttle; `now` is injectable so tests need not wait out the window.
    public init(maxFailures: Int = 5, maxFailuresPerName: Int = 100, window: TimeInterval = 15 * 60,
                now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(maxFailures > 0 && maxFailuresPerName >= maxFailures && window > 0,
                     "throttle limits must be positive, the per-name one at least the per-address one")
        self.maxFailures = maxFailures
        self.maxFailuresPerName = maxFailuresPerName
        self.window = window
        self.now = now
    }

    /// Starts a try of `name` from `address`: refuses it while locked, else counts it as a failure until
    /// ``succeeded(_:from:)`` takes it back. Check and count are one step, so parallel tries cannot slip past.
    public func begin(_ name: String, from address: String) -> Decision {
        let key = name.lowercased()
        let byAddress = prune(key)
        let mine = byAddress[address] ?? []
        let all = byAddress.values.flatMap { $0 }
        if mine.count >= maxFailures, let latest = mine.max() { return .locked(wait(since: latest)) }
        if all.count >= maxFailuresPerName, let latest = all.max() { return .locked(wait(since: latest)) }
        failures[key, default: [:]][address, default: []].append(now())
        // Names and addresses are attacker input: forget stale ones so the table cannot grow without bound.
        if failures.count > 10_000 { for key in failures.keys { _ = prune(key) } }
        return .allowed
    }

    /// The password was right: forgets the failures of `name` from `address` (those from elsewhere stay).
    public func succeeded(_ name: String, from address: String) {
        let key = name.lowercased()
        failures[key]?[address] = nil
        if failures[key]?.isEmpty == true { failures[key] = nil }
    }

    private func wait(since latest: Date) -> TimeInterval {
        max(1, latest.addingTimeInterval(window).timeIntervalSince(now()))
    }

    /// The failures of `key` inside the window, stored back without the older ones.
    private func prune(_ key: String) -> [String: [Date]] {
        let cutoff = now().addingTimeInterval(-window)
        var recent: [String: [Date]] = [:]
        for (address, times) in failures[key] ?? [:] {
            let kept = times.filter { $0 > cutoff }
            if !kept.isEmpty { recent[address] = kept }
        }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
