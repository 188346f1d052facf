public import Hummingbird
public import HummingbirdCore
import NIOCore

/// What one client may hold of the web server, against slowloris: connections that never finish a request, or
/// too many of them. Both use Hummingbird's own mechanisms (`HTTP1Channel.Configuration.idleTimeout`,
/// `MaximumAvailableConnections`).
public struct ServerLimits: Sendable, Hashable {
    /// Seconds a connection may go without a complete request head or answer before it is closed. The clock
    /// starts when the connection opens and again after each answer; header bytes dribbled in do not restart it.
    /// Default 30.
    public var idleTimeout: Double
    /// Connections served at once; further ones wait in the kernel's accept queue until one closes. Default 256.
    public var maxConnections: Int

    /// Creates limits; every parameter has the default documented on its property.
    public init(idleTimeout: Double = 30, maxConnections: Int = 256) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The HTTP/1.1 server with the idle timeout.
    public var server: HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(max(0.001, idleTimeout) * 1_000_000_000))))
    }

    /// The application configuration for `address` with the connection limit.
    public func configuration(address: BindAddress, serverName: String) -> ApplicationConfiguration {
        ApplicationConfiguration(address: address, serverName: serverName,
                                 availableConnectionsDelegate: MaximumAvailableConnections(max(1, maxConnections)))
    }
}
