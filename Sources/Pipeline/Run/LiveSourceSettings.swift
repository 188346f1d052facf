public import FrameIngest

/// How a live camera's source behaves beyond opening it (see ``GroupConfig/liveSource``).
public struct LiveSourceSettings: Sendable, Equatable {
    /// What happens when analysis falls behind. Default `.dropOldest`.
    public var policy: OverflowPolicy
    /// Waits between reconnects. Default 1 s doubling to 60 s, ±20 % jitter.
    public var backoff: Backoff
    /// Analysis frames discarded after each reconnect. Default 0.
    public var warmUpFrames: Int
    /// Start-up delay (random, up to 1 s by default) and first-open timeout (default 20 s).
    public var startup: StartupPolicy
    /// Most cameras of the group opening at once. Default 8.
    public var openConcurrency: Int

    /// Creates settings; every parameter has the default documented on its property.
    public init(policy: OverflowPolicy = .dropOldest, backoff: Backoff = Backoff(), warmUpFrames: Int = 0,
                startup: StartupPolicy = StartupPolicy(jitter: 1, firstOpenTimeout: 20), openConcurrency: Int = 8) {
        self.policy = policy
        self.backoff = backoff
        self.warmUpFrames = warmUpFrames
        self.startup = startup
        self.openConcurrency = openConcurrency
    }
}
