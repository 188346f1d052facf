public import Foundation

/// Slows password guessing: after `maxFailures` wrong passwords for one user name within `window`, that name
/// cannot log in (even with the right password) until `window` has passed since its latest failure.
///
/// Kept in memory: a restart forgets it, which costs an attacker a restart of the server they cannot cause.
/// Locking by name means a guesser can lock a reviewer out for a while; that is the price of not letting one
/// name be guessed at bcrypt speed from many addresses.
public actor LoginThrottle {
    /// Wrong passwords allowed per name within ``window`` before the name is locked.
    public let maxFailures: Int
    /// How far back failures count, and how long a lock lasts after the latest failure.
    public let window: TimeInterval
    private let now: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]

    /// Creates a throttle; `now` is injectable so tests need not wait out the window.
    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60, now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(maxFailures > 0 && window > 0)
        self.maxFailures = maxFailures
        self.window = window
        self.now = now
    }

    /// Seconds until `name` may try again, or `nil` when it may try now.
    public func lockedFor(_ name: String) -> TimeInterval? {
        let recent = prune(Self.key(name))
        guard recent.count >= maxFailures, let latest = recent.last else { return nil }
        return latest.addingTimeInterval(window).timeIntervalSince(now())
    }

    /// Notes a wrong password for `name`.
    public func recordFailure(_ name: String) {
        let key = Self.key(name)
        failures[key] = prune(key) + [now()]
        // Names are attacker input: forget stale ones so the table cannot grow without bound.
        if failures.count > 10_000 { for key in failures.keys { _ = prune(key) } }
    }

    /// Forgets the failures of `name` after a successful login.
    public func recordSuccess(_ name: String) {
        failures[Self.key(name)] = nil
    }

    /// The failures of `key` inside the window, stored back without the older ones.
    private func prune(_ key: String) -> [Date] {
        let cutoff = now().addingTimeInterval(-window)
        let recent = (failures[key] ?? []).filter { $0 > cutoff }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }

    private static func key(_ name: String) -> String { name.lowercased() }
}
