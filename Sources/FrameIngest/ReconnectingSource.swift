import Foundation
import Synchronization

/// Exponential back-off with jitter between reconnect attempts.
public struct Backoff: Sendable, Equatable {
    /// Delay before the first retry, in seconds. Default 1.
    public var initial: Double = 1
    /// Upper bound of the delay, in seconds. Default 60.
    public var maximum: Double = 60
    /// Growth per failed attempt. Default 2.
    public var multiplier: Double = 2
    /// Fraction of the delay drawn at random (±), so a camera group does not reconnect in lockstep. Default 0.2.
    public var jitter: Double = 0.2

    /// Creates a policy; every parameter has the default documented on its property.
    public init(initial: Double = 1, maximum: Double = 60, multiplier: Double = 2, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// Seconds to wait before attempt number `failures` + 1, after `failures` consecutive failures (≥ 1).
    /// Never more than ``maximum`` × (1 + ``jitter``), never negative.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let exponent = Double(max(0, failures - 1))
        let base = min(maximum, initial * pow(multiplier, exponent))
        let spread = base * jitter
        return max(0, base + (spread > 0 ? Double.random(in: -spread...spread, using: &generator) : 0))
    }
}

/// What a source is doing now, with its running totals; published on ``ReconnectingSource/statuses``.
public struct SourceStatus: Sendable, Equatable {
    /// Connection state.
    public enum State: String, Sendable {
        /// Opening the input (first time or after a failure).
        case connecting
        /// Frames are flowing.
        case online
        /// No packet arrived within the stall timeout; a reconnect follows.
        case stalled
        /// The last attempt failed; waiting to retry.
        case offline
        /// The input ended (files) or the consumer stopped.
        case finished
    }

    /// Current state.
    public var state: State = .connecting
    /// Why the source is offline or stalled (credentials removed).
    public var reason: String?
    /// Successful reconnects after the first connection.
    public var reconnects = 0
    /// Failed attempts in a row (0 while online).
    public var consecutiveFailures = 0
    /// Analysis frames delivered in total.
    public var framesDelivered = 0
    /// Frames dropped because the consumer fell behind (`dropOldest`).
    public var framesDropped = 0
    /// Frames discarded as warm-up after a reconnect.
    public var warmUpFramesDiscarded = 0
    /// Adaptive decoding: switches between keyframes only and every frame, both ways, over all connections.
    public var decodeSwitches = 0
    /// Adaptive decoding: whether every frame is decoded now (`false`: keyframes only).
    public var decodingEveryFrame = true
    /// Stalls detected.
    public var stalls = 0
    /// Seconds until the next attempt while offline.
    public var retryIn: Double?
    /// What the input carries, once open.
    public var stream: StreamInfo?

    /// A source that has not connected yet.
    public init() {}
}

/// A live source that keeps reading through network trouble: it reconnects with back-off, reports its
/// state on a status stream (like a GstBus), and marks every reconnect in-band with a `.discontinuity`
/// so rules reset.
///
/// Files end normally; live inputs (RTSP, HTTP, UDP) are reopened whenever they end or fail, until the
/// consuming task is cancelled. Back-off sleeps on the injected clock, and the open and stall timeouts are
/// measured on it. Sources sharing an ``OpenLimiter`` open a few at a time, and a ``StartupPolicy`` spreads and
/// times their first opens.
public final class ReconnectingSource<C: Clock>: Sendable where C.Duration == Duration {
    /// The input (may carry credentials; never printed as is).
    public let url: String
    /// How it is read.
    public let options: IngestOptions
    /// What happens when the consumer falls behind.
    public let policy: OverflowPolicy
    /// Delays between attempts.
    public let backoff: Backoff
    /// Frames discarded after each reconnect while the decoder settles (joining a live stream mid-GOP
    /// smears the first pictures on some cameras).
    public let warmUpFrames: Int
    /// Status changes, newest kept when nobody reads.
    public let statuses: AsyncStream<SourceStatus>
    /// Delay and timeout of the first open.
    public let startup: StartupPolicy
    /// Shared with the other sources of the process: how many may open at once; `nil` = no limit.
    public let openLimiter: OpenLimiter?
    /// With ``IngestOptions/adaptive``: on while the consumer needs every frame (see ``DecodeHold``).
    public let decodeHold = DecodeHold()

    private let clock: C
    private let statusContinuation: AsyncStream<SourceStatus>.Continuation
    private let state = Mutex(SharedState())
    private let isLive: Bool

    private struct SharedState {
        var status = SourceStatus()
        var connection: Connection?
        var droppedBefore = 0
        var switchesBefore = 0
    }

    /// Describes a source; nothing is opened until ``events()`` is iterated.
    /// - Parameters:
    ///   - url: file path or camera URL.
    ///   - options: analysis size, rate, timeouts.
    ///   - policy: `dropOldest` for live cameras, `block` for files.
    ///   - backoff: delays between attempts.
    ///   - warmUpFrames: analysis frames discarded after each reconnect. Default 0.
    ///   - startup: delay and timeout of the first open. Default: none, ``IngestOptions/openTimeout``.
    ///   - openLimiter: shared by the sources that may not all open at once. Default: no limit.
    ///   - clock: the clock back-off and the start-up delay sleep on and the open and stall timeouts are measured on (FFmpeg's own
    ///     socket timeout of the same length stays on real time, so a clock slower than real time cannot delay a
    ///     stall past it).
    public init(url: String, options: IngestOptions, policy: OverflowPolicy = .dropOldest,
                backoff: Backoff = Backoff(), warmUpFrames: Int = 0, startup: StartupPolicy = StartupPolicy(),
                openLimiter: OpenLimiter? = nil, clock: C) {
        self.url = url
        self.startup = startup
        self.openLimiter = openLimiter
        self.options = options
        self.policy = policy
        self.backoff = backoff
        self.warmUpFrames = warmUpFrames
        self.clock = clock
        self.isLive = InputKind(url: url).isLive
        (statuses, statusContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(32))
    }

    deinit { statusContinuation.finish() }

    /// The latest status.
    public var status: SourceStatus { state.withLock { $0.status } }

    /// The events; iterate once. Throws only `CancellationError` (or the error of a file that fails).
    public func events() -> Events { Events(source: self) }

    /// Starts an evidence clip from the current connection's packet buffer (see
    /// ``IngestOptions/clipBufferSeconds``): `preRoll` seconds before now to `postRoll` after. The request is
    /// queued before this returns; await ``ClipPromise/value()`` for the file, while frames keep flowing.
    /// - Throws: ``FFmpegError`` when no connection is open.
    public func startClip(preRoll: Double, postRoll: Double, to path: String) throws(FFmpegError) -> ClipPromise {
        guard let connection = state.withLock({ $0.connection }) else {
            throw FFmpegError(code: FFmpegError.invalidArgumentCode, function: "startClip",
                              detail: "\(redactingCredentials(in: url)) is not connected")
        }
        return connection.startClip(preRoll: preRoll, postRoll: postRoll, to: path)
    }

    private func update(_ change: (inout SourceStatus) -> Void) {
        let status = state.withLock { shared in
            change(&shared.status)
            if let connection = shared.connection {
                shared.status.framesDropped = shared.droppedBefore + connection.dropped
                let counters = connection.counters
                shared.status.decodeSwitches = shared.switchesBefore + counters.decodeSwitches
                shared.status.decodingEveryFrame = counters.decodingEveryFrame
            }
            return shared.status
        }
        statusContinuation.yield(status)
    }

    /// Microseconds elapsed on the injected clock since this call, for a connection's timeouts.
    private func microseconds() -> @Sendable () -> Int64 {
        let clock = self.clock
        let origin = clock.now
        return {
            let elapsed = origin.duration(to: clock.now).components
            return elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000
        }
    }

    private func setConnection(_ connection: Connection?) {
        state.withLock { shared in
            if let old = shared.connection {
                shared.droppedBefore += old.dropped
                shared.switchesBefore += old.counters.decodeSwitches
            }
            shared.connection = connection
        }
    }

    /// The event sequence of a ``ReconnectingSource``.
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = IngestEvent
        let source: ReconnectingSource

        /// Starts pulling.
        public func makeAsyncIterator() -> Iterator { Iterator(source: source) }

        /// Pulls events, reconnecting as needed.
        public struct Iterator: AsyncIteratorProtocol {
            let source: ReconnectingSource
            private var stopper: Stopper?
            private var failures = 0
            private var everConnected = false
            private var pendingDiscontinuity: FFmpegError?
            private var warmUpLeft = 0
            private var started = false
            /// Held from the start of an open until it succeeded or failed.
            private var turn: OpenTurn?
            private var generator = SystemRandomNumberGenerator()

            init(source: ReconnectingSource) { self.source = source }

            /// The next event; `nil` when a file ends or the task is cancelled.
            public mutating func next() async throws -> IngestEvent? {
                while !Task.isCancelled {
                    if stopper == nil {
                        var delay = 0.0
                        if !started {
                            started = true
                            let jitter = source.startup.jitter
                            delay = jitter > 0 ? Double.random(in: 0...jitter, using: &generator) : 0
                        } else if failures > 0 {
                            delay = source.backoff.delay(afterFailures: failures, using: &generator)
                        }
                        if delay > 0 {
                            source.update { $0.retryIn = delay }
                            do {
                                try await source.clock.sleep(for: .milliseconds(Int64(delay * 1000)))
                            } catch {
                                break
                            }
                        }
                        source.update { $0.retryIn = nil }
                        if let limiter = source.openLimiter {
                            do {
                                turn = try await limiter.acquire()
                            } catch {
                                break
                            }
                        }
                        source.update { $0.state = .connecting }
                        var options = source.options
                        if !everConnected, let first = source.startup.firstOpenTimeout { options.openTimeout = first }
                        let connection = Connection(url: source.url, options: options, policy: source.policy,
                                                    name: "ingest", now: source.microseconds(), hold: source.decodeHold)
                        stopper = Stopper(connection)
                        source.setConnection(connection)
                    }
                    do {
                        guard let message = try await stopper!.connection.next() else { // set above
                            if !source.isLive || Task.isCancelled {
                                finish()
                                return nil
                            }
                            throw FFmpegError(code: FFmpegError.endOfFileCode, function: "av_read_frame",
                                              detail: "\(redactingCredentials(in: source.url)) ended")
                        }
                        switch message {
                        case .opened(let info):
                            releaseTurn()
                            if everConnected { warmUpLeft = source.warmUpFrames }
                            let reconnected = everConnected
                            everConnected = true
                            failures = 0
                            source.update {
                                $0.state = .online
                                $0.reason = nil
                                $0.consecutiveFailures = 0
                                $0.stream = info
                                if reconnected { $0.reconnects += 1 }
                            }
                            if let pending = pendingDiscontinuity {
                                pendingDiscontinuity = nil
                                return .discontinuity(pending)
                            }
                        case .event(let event):
                            if case .frame = event {
                                if warmUpLeft > 0 {
                                    warmUpLeft -= 1
                                    source.update { $0.warmUpFramesDiscarded += 1 }
                                    continue
                                }
                                source.update { $0.framesDelivered += 1 }
                            }
                            return event
                        }
                    } catch let error as FFmpegError where !error.isCancellation || !Task.isCancelled {
                        if !source.isLive {
                            finish()
                            throw error
                        }
                        stopper = nil
                        releaseTurn()
                        source.setConnection(nil)
                        failures += 1
                        if everConnected { pendingDiscontinuity = pendingDiscontinuity ?? error }
                        let count = failures
                        source.update {
                            $0.state = error.isTimeout && everConnected ? .stalled : .offline
                            if error.isTimeout && everConnected { $0.stalls += 1 }
                            $0.reason = error.description
                            $0.consecutiveFailures = count
                        }
                        if error.isTimeout && everConnected {
                            // A stall is reported as such, then the source waits like any offline one.
                            source.update { $0.state = .offline }
                        }
                    }
                }
                finish()
                return nil
            }

            private mutating func releaseTurn() {
                turn?.release()
                turn = nil
            }

            private mutating func finish() {
                releaseTurn()
                stopper = nil
                source.setConnection(nil)
                source.update { $0.state = .finished }
            }
        }
    }
}

extension ReconnectingSource where C == ContinuousClock {
    /// A source that backs off on the system's continuous clock.
    public convenience init(url: String, options: IngestOptions, policy: OverflowPolicy = .dropOldest,
                            backoff: Backoff = Backoff(), warmUpFrames: Int = 0, startup: StartupPolicy = StartupPolicy(),
                            openLimiter: OpenLimiter? = nil) {
        self.init(url: url, options: options, policy: policy, backoff: backoff, warmUpFrames: warmUpFrames,
                  startup: startup, openLimiter: openLimiter, clock: ContinuousClock())
    }
}
