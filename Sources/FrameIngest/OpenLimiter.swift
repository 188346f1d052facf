import Synchronization

/// Bounds how many sources open at once, so a camera group that starts (or a network that comes back) does not
/// send every camera's DESCRIBE, SETUP and probe in the same second; the others wait their turn, first come,
/// first served.
///
/// One limiter is shared by all the sources of a process. A source holds a turn from the moment it starts to
/// open until the input is open and probed, or the attempt failed; the time spent waiting for a turn does not
/// count against the open timeout.
public final class OpenLimiter: Sendable {
    /// Most opens in progress at once.
    public let limit: Int

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var inUse = 0
        var waiting: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    /// A limiter allowing `limit` opens at once.
    /// - Parameter limit: at least 1.
    public init(limit: Int) {
        precondition(limit >= 1, "an open limit of \(limit) would never let a source open")
        self.limit = limit
    }

    /// Opens in progress now.
    public var inUse: Int { state.withLock { $0.inUse } }

    /// Sources waiting for a turn now.
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// Waits for a turn.
    /// - Returns: the turn; give it back with ``OpenTurn/release()`` (dropping it gives it back too).
    /// - Throws: `CancellationError` when the task is cancelled while waiting (no turn is then taken).
    public func acquire() async throws -> OpenTurn {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case granted, cancelled, queued }
                let outcome: Outcome = state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    if state.inUse < limit {
                        state.inUse += 1
                        return .granted
                    }
                    state.waiting.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch outcome {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        return OpenTurn(limiter: self)
    }

    /// Hands the turn to the longest waiting source, or frees it.
    fileprivate func giveBack() {
        let next: Waiter? = state.withLock { state in
            if state.waiting.isEmpty {
                state.inUse -= 1
                return nil
            }
            // The turn passes on as it is: `inUse` stays the same.
            return state.waiting.removeFirst()
        }
        next?.continuation.resume()
    }
}

/// One source's turn to open, from ``OpenLimiter/acquire()``. Given back once: by ``release()`` or when the
/// last reference goes away.
public final class OpenTurn: Sendable {
    private let limiter: OpenLimiter
    private let released = Atomic(false)

    fileprivate init(limiter: OpenLimiter) { self.limiter = limiter }

    /// Gives the turn back; later calls do nothing.
    public func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { limiter.giveBack() }
    }

    deinit { release() }
}

/// How a live source starts: a random delay before its first open and the timeout of the opens before it has
/// ever connected; see ``ReconnectingSource``.
public struct StartupPolicy: Sendable, Equatable {
    /// The first open waits a random delay in [0, `jitter`] seconds, so a group's cameras do not all open in the
    /// same instant. Default 0.
    public var jitter: Double = 0
    /// Timeout in seconds of each open until the source has connected once, in place of
    /// ``IngestOptions/openTimeout``: at a group's start a busy camera or media server may answer slowly, and
    /// the first failure would otherwise put the camera behind a back-off. `nil` (the default) uses
    /// ``IngestOptions/openTimeout``.
    public var firstOpenTimeout: Double?

    /// Creates a policy; every parameter has the default documented on its property.
    public init(jitter: Double = 0, firstOpenTimeout: Double? = nil) {
        self.jitter = jitter
        self.firstOpenTimeout = firstOpenTimeout
    }
}
