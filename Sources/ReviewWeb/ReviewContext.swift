public import Hummingbird
public import NIOCore
public import Pipeline

/// The request context of the review server: Hummingbird's core, the client's address and the logged-in session,
/// if any.
public struct ReviewContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (`nil` in router tests, which have no socket).
    public let remoteAddress: SocketAddress?
    /// Set by ``SessionMiddleware`` when the request carries a live session cookie.
    public var session: ReviewSession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        session = nil
    }

    /// The client's IP address as text, for per-address login limits; `unknown` without a socket.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
