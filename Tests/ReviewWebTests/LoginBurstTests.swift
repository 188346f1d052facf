import Foundation
import Hummingbird
import HummingbirdTesting
import ReviewFixtures
import ReviewWeb
import Testing

/// Wrong passwords sent all at once get no more tries than sent one by one.
@Suite("login burst")
struct LoginBurstTests {
    @Test func aParallelBurstGetsAtMostFiveTries() async throws {
        let web = ReviewWebTests()
        let f = try await web.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(page.headers[values: .setCookie].first).prefix { $0 != ";" }
            let token = try web.csrf(in: String(buffer: page.body))
            var formHeaders = web.formType
            formHeaders[.cookie] = String(cookie)
            let headers = formHeaders
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<16 {
                    group.addTask {
                        try await client.execute(uri: "/login", method: .post, headers: headers,
                                                 body: web.form(["username": ReviewSeed.reviewer, "password": "guess \(i)",
                                                                 "csrf": token])).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let tried = statuses.filter { $0 != .tooManyRequests }
            #expect(tried.count == 5, "\(tried.count) of 16 parallel guesses were checked")
            #expect(tried.allSatisfy { $0 == .seeOther })
        }
    }
}
