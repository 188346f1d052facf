import Foundation
import Synchronization

/// What to do when the consumer is slower than the source.
public enum OverflowPolicy: Sendable, Equatable {
    /// The reader waits for room (files, evaluation): nothing is lost. Holds at most `capacity` items.
    case block(capacity: Int)
    /// The oldest waiting item is dropped and counted (live cameras: GstQueue `leaky=downstream`).
    case dropOldest(capacity: Int)

    /// `.block(capacity: 4)`, Hummingbird's request-body high watermark.
    public static let block = OverflowPolicy.block(capacity: 4)
    /// `.dropOldest(capacity: 8)`: under two seconds of analysis frames at 5 fps.
    public static let dropOldest = OverflowPolicy.dropOldest(capacity: 8)
}

/// A bounded hand-over from one producer thread to one async consumer.
///
/// The producer is a real thread, so it may block (on a condition variable) when the policy is `block`;
/// the consumer never blocks a thread: it suspends on a continuation.
final class Channel<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var waiting: CheckedContinuation<Element?, any Error>?
        var finished = false
        var failure: (any Error)?
        var closedByConsumer = false
        var dropped = 0
    }

    private enum Step { case resume(CheckedContinuation<Element?, any Error>), done(Bool), wait }
    private enum Outcome { case value(Element), end, failure(any Error), parked }

    private let policy: OverflowPolicy
    /// Which items `dropOldest` may drop; the others (stream opened, discontinuities) always get through.
    private let isDroppable: @Sendable (Element) -> Bool
    private let state = Mutex(State())
    // Wakes a producer blocked on a full buffer; guarded by its own lock because Mutex has no wait.
    private let room = NSCondition()

    init(policy: OverflowPolicy, isDroppable: @escaping @Sendable (Element) -> Bool = { _ in true }) {
        self.policy = policy
        self.isDroppable = isDroppable
    }

    /// Items dropped by the `dropOldest` policy so far.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Hands `element` to the consumer. Returns `false` once the consumer has gone away.
    @discardableResult
    func send(_ element: Element) -> Bool {
        while true {
            let step: Step = state.withLock { state in
                if state.closedByConsumer { return .done(false) }
                if let waiting = state.waiting {
                    state.waiting = nil
                    return .resume(waiting)
                }
                switch policy {
                case .dropOldest(let capacity):
                    if state.buffer.count >= capacity, let oldest = state.buffer.firstIndex(where: isDroppable) {
                        state.buffer.remove(at: oldest)
                        state.dropped += 1
                    }
                case .block(let capacity):
                    if state.buffer.count >= capacity { return .wait }
                }
                state.buffer.append(element)
                return .done(true)
            }
            switch step {
            case .resume(let continuation):
                continuation.resume(returning: element)
                return true
            case .done(let accepted):
                return accepted
            case .wait:
                room.lock()
                // Re-checked under `room` with a timeout so a wake-up between the check and the wait is
                // never lost for longer than a tenth of a second.
                _ = room.wait(until: Date(timeIntervalSinceNow: 0.1))
                room.unlock()
            }
        }
    }

    /// Ends the stream after the buffered items, with an error if given.
    func finish(throwing error: (any Error)? = nil) {
        let waiting: CheckedContinuation<Element?, any Error>? = state.withLock { state in
            state.finished = true
            state.failure = error
            defer { state.waiting = nil }
            return state.buffer.isEmpty ? state.waiting : nil
        }
        if let waiting {
            if let error { waiting.resume(throwing: error) } else { waiting.resume(returning: nil) }
        }
    }

    /// The consumer is gone: wakes a blocked producer, whose next ``send(_:)`` returns `false`.
    func close() {
        let waiting = state.withLock { state in
            state.closedByConsumer = true
            state.buffer.removeAll()
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(returning: nil)
        room.broadcast()
    }

    /// The next item; `nil` after the end; throws the producer's error after the buffered items.
    func receive() async throws -> Element? {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Outcome = state.withLock { state in
                if !state.buffer.isEmpty { return .value(state.buffer.removeFirst()) }
                if state.closedByConsumer { return .end }
                if state.finished {
                    if let failure = state.failure {
                        state.failure = nil
                        return .failure(failure)
                    }
                    return .end
                }
                state.waiting = continuation
                return .parked
            }
            switch outcome {
            case .value(let element):
                room.broadcast()
                continuation.resume(returning: element)
            case .end: continuation.resume(returning: nil)
            case .failure(let error): continuation.resume(throwing: error)
            case .parked: break
            }
        }
    }
}
