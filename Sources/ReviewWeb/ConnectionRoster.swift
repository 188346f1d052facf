import NIOCore
import NIOHTTPTypes
import Synchronization

/// The open connections of one server and what each is doing, so that a full server makes room for a new client
/// by closing the connection that has waited longest without finishing a request (slowloris holds every slot with
/// requests it never ends; a browser's idle keep-alive connection is also fair to close).
///
/// A connection answering a complete request is never closed to make room.
final class ConnectionRoster: Sendable {
    /// What a connection is doing.
    enum Phase {
        /// Waiting for (the rest of) a request head, or idle between requests.
        case waiting
        /// Has sent a request head; its body has not ended.
        case reading
        /// Has sent a whole request that is not answered yet.
        case answering
    }

    private struct Entry {
        var channel: any Channel
        var phase: Phase
        var since: NIODeadline
    }

    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
    }

    /// Connections served at once before the longest-waiting unfinished one is closed for a newcomer.
    let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty roster for at most `capacity` connections.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a new connection; when that makes one too many, closes the one that has waited longest without
    /// finishing a request (not the newcomer). Returns the newcomer's id.
    func opened(_ channel: any Channel) -> Int {
        let (id, victim) = state.withLock { state -> (Int, (any Channel)?) in
            let id = state.next
            state.next += 1
            state.entries[id] = Entry(channel: channel, phase: .waiting, since: .now())
            guard state.entries.count > capacity else { return (id, nil) }
            let oldest = state.entries.filter { $0.key != id && $0.value.phase != .answering }
                .min { $0.value.since < $1.value.since }
            guard let oldest else { return (id, nil) }
            // Taken off at once so that a newcomer on another event loop does not pick the same victim.
            state.entries[oldest.key] = nil
            return (id, oldest.value.channel)
        }
        victim?.close(promise: nil)
        return id
    }

    /// Records what connection `id` is doing now.
    func enter(_ phase: Phase, id: Int) {
        state.withLock { state in
            guard state.entries[id] != nil, state.entries[id]?.phase != phase else { return }
            state.entries[id]?.phase = phase
            state.entries[id]?.since = .now()
        }
    }

    /// Forgets connection `id` (closed).
    func closed(id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.entries.count } }
}

/// Keeps one connection's place in the ``ConnectionRoster`` and closes it when a request body does not end within
/// `bodyTimeout` of its head.
///
/// Hummingbird's idle timeout covers the head (no request part reaches it until the head is complete) but every
/// body part restarts it, so a body trickled a byte at a time after a complete head would hold the connection for
/// ever.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let roster: ConnectionRoster
    private let bodyTimeout: TimeAmount
    private var id: Int?
    private var bodyDeadline: Scheduled<Void>?
    /// Whether the answer to the request being read has been written already (a route that ignored the body).
    private var answeredEarly = false

    init(roster: ConnectionRoster, bodyTimeout: TimeAmount) {
        self.roster = roster
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        id = roster.opened(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            answeredEarly = false
            enter(.reading)
            bodyDeadline?.cancel()
            let channel = context.channel
            bodyDeadline = context.eventLoop.scheduleTask(in: bodyTimeout) { channel.close(promise: nil) }
        case .body:
            break
        case .end:
            bodyDeadline?.cancel()
            bodyDeadline = nil
            enter(answeredEarly ? .waiting : .answering)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An answer given before the body ended (a route that ignores it) leaves the body deadline running.
        if case .end = unwrapOutboundIn(data) {
            if bodyDeadline == nil { enter(.waiting) } else { answeredEarly = true }
        }
        context.write(data, promise: promise)
    }

    private func enter(_ phase: ConnectionRoster.Phase) {
        if let id { roster.enter(phase, id: id) }
    }

    private func leave() {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        if let id { roster.closed(id: id) }
        id = nil
    }
}

@available(*, unavailable) extension ConnectionGuard: Sendable {}
