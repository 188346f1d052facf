public import Hummingbird
public import Pipeline

/// The request context of the review server: Hummingbird's core plus the logged-in session, if any.
public struct ReviewContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``SessionMiddleware`` when the request carries a live session cookie.
    public var session: ReviewSession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        session = nil
    }
}
