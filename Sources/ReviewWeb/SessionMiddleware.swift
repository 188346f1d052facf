import Foundation
public import Hummingbird
import Pipeline

/// Names of the cookies the review server sets.
enum CookieName {
    /// The session token (HttpOnly, SameSite=Strict).
    static let session = "sw_session"
    /// The double-submit token of the login form, which has no session yet.
    static let loginCSRF = "sw_login_csrf"
    /// `en` or `zh`.
    static let language = "sw_lang"
}

/// Looks up the session cookie and puts the session into the context; refuses anything outside the public paths
/// without one: `401` for the JSON API and evidence, a redirect to `/login` for pages.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ReviewContext
    let store: any AccountStore
    /// Paths that work without a session (the login page and the app's own health endpoints).
    let publicPaths: Set<String>

    func handle(_ request: Request, context: ReviewContext,
                next: (Request, ReviewContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[CookieName.session]?.value {
            context.session = try await store.session(token: token)
        }
        let path = request.uri.path
        if context.session == nil && !publicPaths.contains(path) {
            if path.hasPrefix("/api/") || path.hasPrefix("/evidence/") || request.method != .get {
                return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "login required\n")))
            }
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        return try await next(request, context)
    }
}

/// Security headers on every answer: no framing, no sniffing, scripts and media only from this server.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Scripts only from this server's own file; inline styles stay allowed for the box drawn over each picture.
        response.headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// Constant-time comparison, so a CSRF token cannot be guessed byte by byte from response times.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count, !x.isEmpty else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
