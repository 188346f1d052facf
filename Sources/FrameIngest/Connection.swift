import Foundation
import Synchronization

/// One attempt at reading an input: a thread of its own that owns every C object of the attempt and
/// hands its events to an async consumer through a ``Channel``.
///
/// This is GStreamer's streaming thread, or Frigate's `capture_frames`: `av_read_frame` blocks, so it
/// must not run on the cooperative pool.
final class Connection: Sendable {
    /// What the thread reports, in order.
    enum Message: Sendable {
        /// The input is open and decoding; sent once, before any event.
        case opened(StreamInfo)
        /// A frame or a discontinuity.
        case event(IngestEvent)
    }

    private let channel: Channel<Message>
    private let interrupt: Interrupt
    private let clips = Mutex(ClipMailbox())
    private let latestCounters = Mutex(ReaderCounters())

    /// Starts the reading thread.
    /// - Parameters:
    ///   - name: thread name for debuggers and `top -H`, e.g. `ingest:door-1`.
    ///   - now: microseconds on the clock the open and stall timeouts run on; `nil` for FFmpeg's monotonic clock.
    ///   - hold: the consumer's hold on decoding every frame (adaptive decoding).
    init(url: String, options: IngestOptions, policy: OverflowPolicy, name: String, now: (@Sendable () -> Int64)? = nil,
         hold: DecodeHold? = nil) {
        interrupt = Interrupt(now: now)
        channel = Channel(policy: policy) { message in
            // Only pictures may be dropped: losing `.opened` or a discontinuity would hide a state change.
            if case .event(.frame) = message { return true }
            return false
        }
        // The thread keeps the connection alive until it has finished reading.
        let thread = Thread { [self] in run(url: url, options: options, hold: hold) }
        thread.name = name
        thread.start()
    }

    /// Stops the thread: the blocking FFmpeg call returns `AVERROR_EXIT`, buffered items are dropped.
    func cancel() {
        interrupt.raise()
        channel.close()
    }

    /// The next message; `nil` when the input ended; throws ``FFmpegError`` when reading failed.
    func next() async throws -> Message? {
        try await withTaskCancellationHandler {
            try await channel.receive()
        } onCancel: {
            cancel()
        }
    }

    /// Items dropped by a `dropOldest` policy.
    var dropped: Int { channel.dropped }

    /// The reader's counters as of its latest event.
    var counters: ReaderCounters { latestCounters.withLock { $0 } }

    /// Asks the thread to write an evidence clip; see ``PacketRing/record(preRoll:postRoll:to:done:)``.
    ///
    /// The request is queued before this returns, so the clip's pre-roll is measured from now even if the
    /// caller awaits the result much later. Once the thread has ended, the promise fails at once.
    func startClip(preRoll: Double, postRoll: Double, to path: String) -> ClipPromise {
        let promise = ClipPromise()
        let request = ClipRequest(preRoll: preRoll, postRoll: postRoll, path: path, done: promise.fulfil)
        let queued = clips.withLock { mailbox in
            guard !mailbox.closed else { return false }
            mailbox.requests.append(request)
            return true
        }
        if !queued {
            promise.fulfil(.failure(FFmpegError(code: FFmpegError.endOfFileCode, function: "recordClip",
                                                detail: "the input has ended")))
        }
        return promise
    }

    private func run(url: String, options: IngestOptions, hold: DecodeHold?) {
        var failure: FFmpegError?
        do throws(FFmpegError) {
            let reader = try FrameReader(url: url, options: options, interrupt: interrupt, hold: hold)
            guard channel.send(.opened(reader.info)) else { return }
            defer { failPendingClips(reader: reader, url: url) }
            while let event = try reader.next() {
                for request in clips.withLock({ $0.take() }) {
                    guard let ring = reader.clipBuffer else {
                        request.done(Result.failure(FFmpegError(code: FFmpegError.invalidArgumentCode, function: "recordClip",
                                                          detail: "clip buffer is off (clipBufferSeconds = 0)")))
                        continue
                    }
                    ring.record(preRoll: request.preRoll, postRoll: request.postRoll, to: request.path, done: request.done)
                }
                latestCounters.withLock { $0 = reader.counters }
                guard channel.send(.event(event)) else { return }
            }
            latestCounters.withLock { $0 = reader.counters }
        } catch {
            failure = error
        }
        channel.finish(throwing: failure)
    }

    /// Writes clips still gathering post-roll with what they have, and fails requests that never started.
    private func failPendingClips(reader: FrameReader, url: String) {
        reader.clipBuffer?.finishAll()
        let unserved = clips.withLock { mailbox in
            mailbox.closed = true
            return mailbox.take()
        }
        for request in unserved {
            request.done(Result.failure(FFmpegError(code: FFmpegError.endOfFileCode, function: "recordClip",
                                                    detail: "\(redactingCredentials(in: url)) ended before the clip started")))
        }
    }
}

/// Clip requests waiting for the reading thread.
struct ClipMailbox {
    var requests: [ClipRequest] = []
    /// The thread has stopped serving requests.
    var closed = false

    mutating func take() -> [ClipRequest] {
        defer { requests = [] }
        return requests
    }
}

/// The result of a clip request, available once the post-roll has been read and the file written.
public final class ClipPromise: Sendable {
    private enum State {
        case pending([CheckedContinuation<Result<ClipInfo, FFmpegError>, Never>])
        case done(Result<ClipInfo, FFmpegError>)
    }
    private let state = Mutex(State.pending([]))

    init() {}

    /// Settles the promise; later calls are ignored.
    func fulfil(_ result: Result<ClipInfo, FFmpegError>) {
        let waiting: [CheckedContinuation<Result<ClipInfo, FFmpegError>, Never>] = state.withLock { state in
            guard case .pending(let waiting) = state else { return [] }
            state = .done(result)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: result) }
    }

    /// Waits for the clip.
    /// - Returns: where it was written and what it holds.
    /// - Throws: ``FFmpegError`` when the input ended before the clip began, the buffer is off, or writing failed.
    public func value() async throws(FFmpegError) -> ClipInfo {
        let result = await withCheckedContinuation { continuation in
            let ready: Result<ClipInfo, FFmpegError>? = state.withLock { state in
                switch state {
                case .done(let result): return result
                case .pending(let waiting):
                    state = .pending(waiting + [continuation])
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}

/// A clip asked for from another thread, served by the reading thread.
struct ClipRequest: Sendable {
    let preRoll: Double
    let postRoll: Double
    let path: String
    let done: @Sendable (Result<ClipInfo, FFmpegError>) -> Void
}

/// Reads one input on a thread of its own and hands out its events; no reconnecting (see
/// ``ReconnectingSource`` for live cameras).
///
/// ```swift
/// for try await event in FrameSource(url: "clip.mp4", options: .init(), policy: .block) { ... }
/// ```
/// Leaving the loop or cancelling the task stops the thread, even inside a blocking FFmpeg call.
public struct FrameSource: AsyncSequence, Sendable {
    public typealias Element = IngestEvent
    /// The input.
    public let url: String
    /// How it is read.
    public let options: IngestOptions
    /// What happens when the consumer falls behind.
    public let policy: OverflowPolicy

    /// Describes a source; reading starts when iteration does.
    public init(url: String, options: IngestOptions = IngestOptions(), policy: OverflowPolicy = .block) {
        self.url = url
        self.options = options
        self.policy = policy
    }

    /// Starts the reading thread.
    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: Connection(url: url, options: options, policy: policy, name: "ingest"))
    }

    /// Iterates the events of one reading thread.
    public struct Iterator: AsyncIteratorProtocol {
        let stopper: Stopper

        fileprivate init(connection: Connection) { stopper = Stopper(connection) }

        /// The next event; `nil` at the end of the input.
        /// - Throws: ``FFmpegError`` when opening or reading fails.
        public mutating func next() async throws -> IngestEvent? {
            while let message = try await stopper.connection.next() {
                if case .event(let event) = message { return event }
            }
            return nil
        }
    }
}

/// Cancels a connection when its last iterator copy goes away (a `break` out of a `for await` loop).
final class Stopper: Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
    deinit { connection.cancel() }
}
