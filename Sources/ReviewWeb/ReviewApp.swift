public import Foundation
public import Hummingbird
import Mustache
public import Pipeline

/// What the review desk needs of a store: verdicts and the queue (live too), camera status, accounts and sessions.
public typealias ReviewDeskStore = CaseReviewing & CameraStatusReading & AccountStore & QueueWatching

/// The review web UI and its JSON API on one router.
///
/// Every page but `/login` needs a session; every form carries the session's CSRF token and every API write the
/// `X-CSRF-Token` header with it. Evidence is served only by content hash, looked up in the store.
public struct ReviewApp: Sendable {
    /// The case store.
    public let store: any ReviewDeskStore
    /// Whether cookies get `Secure`: always off loopback, and on loopback when asked (`--secure-cookies`, config
    /// `server.secure_cookies`) because a TLS proxy is in front.
    public let secureCookies: Bool
    /// Times in pages and API answers are shown in this zone (by default the group's, from the store).
    public let timeZone: TimeZone
    /// Locks a user name after repeated wrong passwords.
    public let loginThrottle: any LoginThrottling
    /// Rows per queue page.
    public var pageSize = 50

    /// Creates the app; `loginThrottle` defaults to the store's own (shared by every desk on a PostgreSQL store).
    public init(store: any ReviewDeskStore, secureCookies: Bool, timeZone: TimeZone? = nil,
                loginThrottle: (any LoginThrottling)? = nil) {
        self.store = store
        self.secureCookies = secureCookies
        self.timeZone = timeZone ?? store.timeZone
        self.loginThrottle = loginThrottle ?? store.loginThrottle
    }

    /// Whether `host` is a loopback address, where cookies may go without `Secure`.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// A router with the review routes; `publicPaths` lists extra paths that need no login (e.g. `/health`).
    public func router(publicPaths: Set<String> = []) -> Router<ReviewContext> {
        let router = Router(context: ReviewContext.self)
        router.add(middleware: ServerTimingMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(store: store, publicPaths: publicPaths.union(["/login"]).union(Assets.paths)))
        Assets.add(to: router)
        addPages(to: router)
        addAPI(to: router)
        router.get("evidence/:hash") { _, context in try await self.evidence(context.parameters.require("hash")) }
        router.get("cameras/:camera/picture") { _, context in
            _ = try requireSession(context)
            return try await self.cameraPicture(context.parameters.require("camera"))
        }
        return router
    }

    // MARK: - Pages

    func addPages(to router: Router<ReviewContext>) {
        router.get("login") { request, _ in
            // Reuse a well-formed token the browser already holds: a second load of this page (the favicon's
            // redirect, another tab) must not invalidate the form that is already on screen.
            let held = request.cookies[CookieName.loginCSRF]?.value
            let token = held.flatMap { isToken($0) ? $0 : nil } ?? randomToken()
            var response = self.page("login", request: request, session: nil, values: ["csrf": token, "error": request.uri.queryParameters.get("error") != nil])
            response.setCookie(Cookie(name: CookieName.loginCSRF, value: token, path: "/login", secure: secureCookies,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("login") { request, context in
            let form = try await URLEncodedFormDecoder().decode(LoginForm.self, from: request, context: context)
            // Double submit: the login form has no session, so its token is checked against its own cookie.
            guard let cookie = request.cookies[CookieName.loginCSRF]?.value, constantTimeEqual(cookie, form.csrf ?? "") else {
                return forbidden("CSRF token missing or wrong")
            }
            let name = form.username ?? ""
            if case .locked(let wait) = try await loginThrottle.begin(name, from: context.clientAddress) {
                let minutes = Int((wait / 60).rounded(.up))
                var response = self.page("login", request: request, session: nil,
                                         values: ["csrf": cookie, "locked": "\(max(1, minutes))"])
                response.status = .tooManyRequests
                response.headers[.retryAfter] = "\(Int(wait.rounded(.up)))"
                return response
            }
            // The try was counted by `begin`; a right password takes it back.
            guard let user = try await store.verifyPassword(name: name, password: form.password ?? "") else {
                return Response(status: .seeOther, headers: [.location: "/login?error=1"])
            }
            try await loginThrottle.succeeded(name, from: context.clientAddress)
            let (token, _) = try await store.createSession(for: user)
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(Cookie(name: CookieName.session, value: token, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("logout") { request, context in
            let session = try requireSession(context)
            try await checkForm(request, context: context, session: session)
            if let token = request.cookies[CookieName.session]?.value { try await store.endSession(token: token) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: CookieName.session, value: "", maxAge: 0, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/") { request, context in
            try await queuePage(request, session: requireSession(context))
        }
        router.get("cameras") { request, context in
            try await cameraPage(request, session: requireSession(context))
        }
        router.get("report") { request, context in
            try await reportPage(request, session: requireSession(context))
        }
        router.get("cases/:number") { request, context in
            try await casePage(request, number: context.parameters.require("number"), session: requireSession(context))
        }
        router.post("cases/:number/:action") { request, context in
            let session = try requireSession(context)
            let form = try await checkForm(request, context: context, session: session)
            let number = try context.parameters.require("number")
            do {
                try await act(context.parameters.require("action"), on: number, reason: form.reason, note: form.note,
                              session: session)
            } catch let error as ReviewError {
                return Response(status: .conflict, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "\(error)\n")))
            }
            // A verdict moves on to the next draft; an undo stays on the case, a draft again.
            let action = try context.parameters.require("action")
            let location = action == "undo" ? "/cases/\(percentEncoded(number))?\(QueueFilter(request).queryString)"
                : try await afterVerdict(on: number, request)
            return Response(status: .seeOther, headers: [.location: location])
        }
    }

    /// Applies `confirm`, `reject` or `undo` for the session's user.
    func act(_ action: String, on number: String, reason: String?, note: String?, session: ReviewSession) async throws {
        switch action {
        case "confirm":
            try await store.review(caseNumber: number, verdict: .confirm(note: note), reviewer: session.user.name)
        case "reject":
            guard let why = reason.flatMap(RejectReason.init(idOrLabel:)) else {
                throw HTTPError(.badRequest, message: "choose a reason")
            }
            try await store.review(caseNumber: number, verdict: .reject(why, note: note), reviewer: session.user.name)
        case "undo":
            try await store.undo(caseNumber: number, by: session.user)
        default:
            throw HTTPError(.notFound)
        }
    }

    // MARK: - Evidence

    /// The file whose SHA-256 is `hash`, if a case references it and its bytes still have that hash. The path
    /// comes from the store, never the request; on a shared evidence folder another host wrote the file, so what
    /// is read is checked before it is served.
    func evidence(_ hash: String) async throws -> Response {
        guard isToken(hash) else {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "evidence is addressed by its SHA-256\n")))
        }
        guard let ref = try await store.evidence(sha256: hash),
              let data = FileManager.default.contents(atPath: store.evidence.path(of: ref)) else { return notFound() }
        guard SHA256.hex(of: data) == ref.sha256 else {
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "evidence file does not match its SHA-256; not served\n")))
        }
        return Response(status: .ok, headers: [.contentType: ref.mediaType, .cacheControl: "private, max-age=86400"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Helpers

    func page(_ template: String, request: Request, session: ReviewSession?, values: [String: Any]) -> Response {
        let strings = strings(request)
        var values = values
        values["t"] = strings.all
        values["lang"] = strings.english ? "en" : "zh-CN"
        values["utcOffset"] = offsetText(timeZone)
        if let session {
            values["user"] = session.user.name
            values["csrf"] = session.csrfToken
        }
        var response = html(Templates.library.render(values, withTemplate: template) ?? "")
        if let lang = request.uri.queryParameters.get("lang"), lang == "en" || lang == "zh" {
            response.setCookie(Cookie(name: CookieName.language, value: lang, path: "/", secure: secureCookies,
                                      httpOnly: true, sameSite: .strict))
        }
        return response
    }

    func strings(_ request: Request) -> Strings {
        let lang = request.uri.queryParameters.get("lang") ?? request.cookies[CookieName.language]?.value
        return Strings(english: lang == "en")
    }

    /// Checks the form's CSRF token against the session's and returns the form.
    @discardableResult
    func checkForm(_ request: Request, context: ReviewContext, session: ReviewSession) async throws -> ActionForm {
        let form = try await URLEncodedFormDecoder().decode(ActionForm.self, from: request, context: context)
        guard constantTimeEqual(form.csrf ?? "", session.csrfToken) else {
            throw HTTPError(.forbidden, message: "CSRF token missing or wrong")
        }
        return form
    }

    /// `2026-11-21 00:30:00` in ``timeZone``.
    func timeText(_ date: Date) -> String {
        // Plain arithmetic instead of a DateFormatter per call: the queue shows a hundred times, and making a
        // formatter costs more than the page's database reads.
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(timeZone.secondsFromGMT(for: date))
        var t = tm()
        gmtime_r(&seconds, &t)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                      t.tm_min, t.tm_sec)
    }

    /// `UTC+08:00`: said once on every page, since the times on it carry no offset.
    func offsetText(_ zone: TimeZone) -> String {
        let seconds = zone.secondsFromGMT()
        return String(format: "UTC%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
    }

    func currentYear() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.component(.year, from: Date())
    }
}

/// The session, or a 401 (the middleware already refuses requests without one; this keeps handlers honest).
func requireSession(_ context: ReviewContext) throws -> ReviewSession {
    guard let session = context.session else { throw HTTPError(.unauthorized) }
    return session
}

func html(_ text: String) -> Response {
    Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
}

func notFound() -> Response {
    Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
}

func forbidden(_ message: String) -> Response {
    Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
}

/// Whether `text` looks like a ``randomToken()``: 64 lowercase hex digits.
func isToken(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}

/// 32 random bytes as hex (the OS CSPRNG).
func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
}

struct LoginForm: Decodable {
    var csrf: String?
    var username: String?
    var password: String?
}

struct ActionForm: Decodable {
    var csrf: String?
    var reason: String?
    var note: String?
}
