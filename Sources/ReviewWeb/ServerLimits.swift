public import Hummingbird
public import HummingbirdCore
import NIOCore

/// What one client may hold of the web server, against slowloris: connections that never finish a request, or
/// too many of them. Hummingbird's idle timeout (`HTTP1Channel.Configuration.idleTimeout`) covers request heads;
/// a ``ConnectionGuard`` per connection covers bodies and makes room when the server is full.
public struct ServerLimits: Sendable, Hashable {
    /// Seconds a connection may go without a complete request head or answer before it is closed, and seconds a
    /// request body may take after its head. The head's clock starts when the connection opens and again after
    /// each answer; header or body bytes dribbled in do not restart either clock. Default 30.
    public var idleTimeout: Double
    /// Connections served at once. A newcomer beyond them closes the connection that has waited longest without
    /// finishing a request (so slow clients cannot lock others out); only when every one is answering a complete
    /// request does it wait in the kernel's accept queue. Default 256.
    public var maxConnections: Int

    /// Creates limits; every parameter has the default documented on its property.
    public init(idleTimeout: Double = 30, maxConnections: Int = 256) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The HTTP/1.1 server with the idle timeout, the body timeout and the connection roster (one per server).
    public var server: HTTPServerBuilder {
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, idleTimeout) * 1_000_000_000))
        let roster = ConnectionRoster(capacity: maxConnections)
        return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(roster: roster, bodyTimeout: timeout)],
                                           idleTimeout: timeout))
    }

    /// The application configuration for `address` with the connection limit.
    public func configuration(address: BindAddress, serverName: String) -> ApplicationConfiguration {
        // One more than served: the newcomer for whom the roster closes a waiting connection must be accepted first.
        ApplicationConfiguration(address: address, serverName: serverName,
                                 availableConnectionsDelegate: MaximumAvailableConnections(max(1, maxConnections) + 1))
    }
}
