import Foundation
import Hummingbird
import HummingbirdTesting
import Pipeline
import ReviewFixtures
import ReviewWeb
import Testing

/// The review UI and API through Hummingbird's router test client, on a seeded SQLite store.
@Suite("review web")
struct ReviewWebTests {
    struct Fixture {
        let folder: String
        let store: SQLiteCaseStore
        let numbers: [String]
        let app: Application<RouterResponder<ReviewContext>>
    }

    func fixture(secureCookies: Bool = false) async throws -> Fixture {
        let folder = try ReviewSeed.folder()
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let router = ReviewApp(store: store, secureCookies: secureCookies, timeZone: ReviewSeed.timeZone).router()
        return Fixture(folder: folder, store: store, numbers: numbers, app: Application(router: router))
    }

    /// The value of `name="csrf" value="…"` in a page.
    func csrf(in page: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix(64))
    }

    func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        return ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&"))
    }

    let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Logs in; returns the session cookie header value and the session's CSRF token.
    func login(_ client: some TestClientProtocol, user: String = ReviewSeed.reviewer) async throws -> (cookie: String, csrf: String) {
        let page = try await client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("sw_login_csrf=") })
        let token = try csrf(in: String(buffer: page.body))
        var headers = formType
        headers[.cookie] = String(loginCookie.prefix { $0 != ";" })
        let response = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                body: form(["username": user, "password": ReviewSeed.password, "csrf": token]))
        #expect(response.status == .seeOther)
        let session = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("sw_session=") })
        let cookie = String(session.prefix { $0 != ";" })
        let queue = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
        return (cookie, try csrf(in: String(buffer: queue.body)))
    }

    @Test func withoutALoginNothingIsReadOrWritten() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let hash = try #require(try await f.store.case(number: f.numbers[0])?.evidence[.after]?.sha256)
        try await f.app.test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .seeOther && page.headers[.location] == "/login")
            #expect(try await client.execute(uri: "/cases/\(f.numbers[0])", method: .get).status == .seeOther)
            #expect(try await client.execute(uri: "/report", method: .get).status == .seeOther)
            #expect(try await client.execute(uri: "/api/cases", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/report", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/evidence/\(hash)", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/cases/\(f.numbers[0])/confirm", method: .post, headers: formType,
                                             body: form(["csrf": "x"])).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/cases/\(f.numbers[0])/confirm", method: .post,
                                             headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")).status == .unauthorized)
            // A made-up session cookie is no session.
            #expect(try await client.execute(uri: "/api/cases", method: .get,
                                             headers: [.cookie: "sw_session=" + String(repeating: "a", count: 64)]).status == .unauthorized)
        }
        #expect(try await f.store.case(number: f.numbers[0])?.status == .draft)
        #expect(try await f.store.auditLog().isEmpty)
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            // The login form itself: no token, or a token that does not match the cookie.
            let noToken = try await client.execute(uri: "/login", method: .post, headers: formType,
                                                   body: form(["username": ReviewSeed.reviewer, "password": ReviewSeed.password]))
            #expect(noToken.status == .forbidden)
            let (cookie, token) = try await login(client)
            var headers = formType
            headers[.cookie] = cookie
            let forged = try await client.execute(uri: "/cases/\(f.numbers[0])/confirm", method: .post, headers: headers, body: form([:]))
            #expect(forged.status == .forbidden)
            let wrong = try await client.execute(uri: "/cases/\(f.numbers[0])/confirm", method: .post, headers: headers,
                                                 body: form(["csrf": String(repeating: "0", count: 64)]))
            #expect(wrong.status == .forbidden)
            let api = try await client.execute(uri: "/api/cases/\(f.numbers[0])/confirm", method: .post,
                                               headers: [.cookie: cookie, .contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(api.status == .forbidden)
            #expect(try await f.store.case(number: f.numbers[0])?.status == .draft)
            // With the token it goes through.
            let real = try await client.execute(uri: "/cases/\(f.numbers[0])/confirm", method: .post, headers: headers,
                                                body: form(["csrf": token]))
            #expect(real.status == .seeOther)
        }
        #expect(try await f.store.case(number: f.numbers[0])?.status == .confirmed)
    }

    @Test func evidenceIsServedOnlyByAKnownHash() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let ref = try #require(try await f.store.case(number: f.numbers[0])?.evidence[.after])
        try await f.app.test(.router) { client in
            let (cookie, _) = try await login(client)
            let ok = try await client.execute(uri: "/evidence/\(ref.sha256)", method: .get, headers: [.cookie: cookie])
            #expect(ok.status == .ok && ok.headers[.contentType] == "image/png")
            #expect(Array(buffer: ok.body) == ReviewSeed.png + [0, 1])
            for path in ["/evidence/../cases.sqlite", "/evidence/..%2F..%2Fcases.sqlite", "/evidence/..%2Fcases.sqlite",
                         "/evidence/\(ref.relativePath)", "/evidence/" + String(repeating: "a", count: 64)] {
                let response = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie])
                #expect((400..<500).contains(response.status.code), "\(path): \(response.status)")
                #expect(!String(buffer: response.body).contains("SQLite format"))
            }
            // A file changed on disk (a damaged or tampered shared folder) is not served as evidence.
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: f.store.evidence.path(of: ref)))
            let changed = try await client.execute(uri: "/evidence/\(ref.sha256)", method: .get, headers: [.cookie: cookie])
            #expect(changed.status == .internalServerError)
            #expect(String(buffer: changed.body) == "evidence file does not match its SHA-256; not served\n")
        }
    }

    @Test func reviewerConfirmsRejectsAndUndoesThroughPagesAndAPI() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            let (cookie, token) = try await login(client)
            var headers = formType
            headers[.cookie] = cookie
            // Queue: drafts, newest first, Chinese labels.
            let queue = String(buffer: try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).body)
            #expect(queue.contains("待审队列"))
            let newest = try #require(try await f.store.cases(CaseQuery()).last?.caseNumber)
            let firstRow = try #require(queue.range(of: "class=\"case\" href=\"/cases/"))
            #expect(queue[firstRow.upperBound...].hasPrefix(newest))
            let filtered = String(buffer: try await client.execute(uri: "/?camera=old-town-07&rule=stationary-occupancy", method: .get,
                                                                   headers: [.cookie: cookie]).body)
            #expect(filtered.components(separatedBy: "class=\"case\"").count - 1 == 3)  // drafts 17, 18, 19
            let english = String(buffer: try await client.execute(uri: "/?lang=en", method: .get, headers: [.cookie: cookie]).body)
            #expect(english.contains("Queue") && english.contains("lang=\"en\""))

            let casePage = String(buffer: try await client.execute(uri: "/cases/\(f.numbers[1])", method: .get,
                                                                   headers: [.cookie: cookie]).body)
            #expect(casePage.contains("<img alt=\"之前\" src=\"/evidence/") && casePage.contains("<video id=\"clip\" controls"))
            #expect(casePage.contains("误报-光线/阴影") && casePage.contains("东门路"))

            #expect(try await client.execute(uri: "/cases/\(f.numbers[1])/reject", method: .post, headers: headers,
                                             body: form(["csrf": token, "reason": "false-light"])).status == .seeOther)
            #expect(try await client.execute(uri: "/cases/\(f.numbers[1])/undo", method: .post, headers: headers,
                                             body: form(["csrf": token])).status == .seeOther)
            #expect(try await client.execute(uri: "/cases/\(f.numbers[1])/reject", method: .post, headers: headers,
                                             body: form(["csrf": token, "reason": "duplicate", "note": "同一堆"])).status == .seeOther)
            let twice = try await client.execute(uri: "/cases/\(f.numbers[1])/confirm", method: .post, headers: headers, body: form(["csrf": token]))
            #expect(twice.status == .conflict)

            // The API with the header token.
            let me = String(buffer: try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: cookie]).body)
            #expect(me.contains("\"csrfToken\":\"\(token)\"") && me.contains("\"role\":\"reviewer\""))
            let confirmed = try await client.execute(uri: "/api/cases/\(f.numbers[2])/confirm", method: .post,
                                                     headers: [.cookie: cookie, .contentType: "application/json",
                                                               .init("X-CSRF-Token")!: token],
                                                     body: ByteBuffer(string: "{}"))
            #expect(confirmed.status == .ok && String(buffer: confirmed.body).contains("\"status\":\"confirmed\""))
            let list = String(buffer: try await client.execute(uri: "/api/cases?status=all", method: .get, headers: [.cookie: cookie]).body)
            #expect(list.components(separatedBy: "\"caseNumber\"").count - 1 == 20)
            let report = String(buffer: try await client.execute(uri: "/api/report?year=2026", method: .get, headers: [.cookie: cookie]).body)
            #expect(report.contains("\"立案数\" : \"1\"") && report.contains("\"不予立案数\" : \"1\""))
        }
        let log = try await f.store.auditLog()
        #expect(log.map(\.action) == [.reject, .undo, .reject, .confirm])
        #expect(Set(log.map(\.actor)) == [ReviewSeed.reviewer])
    }

    @Test func sessionCookiesAreHttpOnlyStrictAndSecureOffLoopback() async throws {
        for secure in [false, true] {
            let f = try await fixture(secureCookies: secure)
            defer { try? FileManager.default.removeItem(atPath: f.folder) }
            try await f.app.test(.router) { client in
                let page = try await client.execute(uri: "/login", method: .get)
                let loginCookie = try #require(page.headers[values: .setCookie].first)
                var headers = formType
                headers[.cookie] = String(loginCookie.prefix { $0 != ";" })
                let response = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                        body: form(["username": ReviewSeed.reviewer, "password": ReviewSeed.password,
                                                                    "csrf": try csrf(in: String(buffer: page.body))]))
                let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("sw_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                #expect(cookie.contains("Secure") == secure)
                // A wrong password gets no session.
                let bad = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                   body: form(["username": ReviewSeed.reviewer, "password": "wrong password",
                                                               "csrf": try csrf(in: String(buffer: page.body))]))
                #expect(bad.headers[.location] == "/login?error=1" && bad.headers[values: .setCookie].isEmpty)
            }
        }
        #expect(ReviewApp.isLoopback("127.0.0.1") && ReviewApp.isLoopback("::1") && !ReviewApp.isLoopback("0.0.0.0"))
    }
}

extension ReviewWebTests {
    /// Found by the Chromium test: the favicon request redirects to `/login`, and a fresh token there used to
    /// invalidate the form already on screen.
    @Test func aSecondLoadOfTheLoginPageKeepsTheFormsToken() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            let first = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(first.headers[values: .setCookie].first).prefix { $0 != ";" }
            let second = try await client.execute(uri: "/login", method: .get, headers: [.cookie: String(cookie)])
            #expect(try csrf(in: String(buffer: second.body)) == csrf(in: String(buffer: first.body)))
        }
    }
}

extension ReviewWebTests {
    /// A settable clock for the throttle, so the test does not wait out the lock.
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_790_000_000)
        var now: Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    }

    @Test func aNameIsLockedAfterFiveWrongPasswordsAndFreedAfterTheWindow() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, _) = try await ReviewSeed.store(in: folder)
        let clock = TestClock()
        let throttle = LoginThrottle(maxFailures: 5, window: 600, now: { clock.now })
        let app = Application(router: ReviewApp(store: store, secureCookies: false, timeZone: ReviewSeed.timeZone,
                                                 loginThrottle: throttle).router())
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(page.headers[values: .setCookie].first).prefix { $0 != ";" }
            let token = try csrf(in: String(buffer: page.body))
            var headers = formType
            headers[.cookie] = String(cookie)
            func attempt(_ user: String, _ password: String) async throws -> TestResponse {
                try await client.execute(uri: "/login", method: .post, headers: headers,
                                         body: form(["username": user, "password": password, "csrf": token]))
            }
            for _ in 0..<5 {
                let wrong = try await attempt(ReviewSeed.reviewer, "guess")
                #expect(wrong.status == .seeOther && wrong.headers[.location] == "/login?error=1")
            }
            // Locked: even the right password is refused, with how long to wait, and no session is made.
            let locked = try await attempt(ReviewSeed.reviewer, ReviewSeed.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "600")
            #expect(String(buffer: locked.body).contains("id=\"locked\""))
            #expect(!locked.headers[values: .setCookie].contains { $0.hasPrefix("sw_session=") })
            // Another name is not affected.
            #expect(try await attempt(ReviewSeed.admin, ReviewSeed.password).headers[.location] == "/")

            clock.advance(601)
            let after = try await attempt(ReviewSeed.reviewer, ReviewSeed.password)
            #expect(after.status == .seeOther && after.headers[.location] == "/")
        }
    }
}
