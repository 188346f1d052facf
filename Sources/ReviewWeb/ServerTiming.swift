import Foundation
import Hummingbird

/// Puts the server's own time for a request in a `Server-Timing: app;dur=<ms>` header (W3C Server Timing), so a
/// browser test can tell the server's share of a decision from the browser's.
struct ServerTimingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        // `!`: a constant, valid header name.
        response.headers[.init("Server-Timing")!] = String(format: "app;dur=%.2f", ms)
        return response
    }
}
