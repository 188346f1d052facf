import Foundation
import Hummingbird
import HummingbirdTesting
import Pipeline
import ReviewFixtures
import ReviewWeb
import TestSupport
import Testing

/// The review desk: no placeholders anywhere, the group's time, the queue with pictures and keyset paging, the
/// verdict flow from case to case, and the camera page.
extension ReviewWebTests {
    /// What no page or answer may contain: Swift's rendering of a missing value, or a field left empty.
    static let placeholders = ["nil", "Optional(", "<td></td>", "<dd></dd>", "()", "( ,", "(, ", "href=\"/cases/\"",
                               "href=\"/cases/?", "src=\"/evidence/\"", "{{", "\"\"", "null", "undefined", "NaN"]

    /// The placeholders found in `body`; `nil` counts only as a word, `""` only outside HTML attributes.
    static func placeholdersIn(_ body: String, html: Bool) -> [String] {
        placeholders.filter { marker in
            switch marker {
            case "nil": body.range(of: #"\bnil\b"#, options: .regularExpression) != nil
            case "\"\"": !html && body.contains(":\"\"")
            default: body.contains(marker)
            }
        }
    }

    @Test func noPageOrAnswerShowsAPlaceholderInEitherLanguage() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await ReviewSeed.recordLiveCameras(in: f.store)
        try await f.app.test(.router) { client in
            let (cookie, token) = try await login(client)
            var headers = formType
            headers[.cookie] = cookie
            // Decided cases show reviewer, time and reason; one with a note, one undone.
            _ = try await client.execute(uri: "/cases/\(f.numbers[0])/confirm", method: .post, headers: headers, body: form(["csrf": token]))
            _ = try await client.execute(uri: "/cases/\(f.numbers[1])/reject", method: .post, headers: headers,
                                         body: form(["csrf": token, "reason": "other", "note": "施工围挡"]))
            _ = try await client.execute(uri: "/cases/\(f.numbers[2])/reject", method: .post, headers: headers,
                                         body: form(["csrf": token, "reason": "duplicate"]))
            _ = try await client.execute(uri: "/cases/\(f.numbers[2])/undo", method: .post, headers: headers, body: form(["csrf": token]))
            let newest = try #require(f.numbers.last)
            var pages = ["/login", "/", "/?status=all", "/?status=confirmed", "/?status=rejected&order=oldest", "/?camera=nobody",
                         "/cameras", "/report", "/report?year=2025", "/?done=\(f.numbers[0])", "/cases/\(f.numbers[3])?done=\(f.numbers[1])",
                         "/cases/\(newest)", "/cases/\(f.numbers[0])?status=all&order=oldest"]
            pages += f.numbers.map { "/cases/\($0)" }
            let answers = ["/api/me", "/api/cases?status=all", "/api/cases?status=all&limit=3", "/api/audit", "/api/report?year=2026",
                           "/api/cases/\(f.numbers[0])", "/api/cases/\(f.numbers[1])", "/api/cases/\(newest)"]
            var checked = 0
            for lang in ["zh", "en"] {
                for path in pages + answers {
                    let uri = path + (path.contains("?") ? "&" : "?") + "lang=\(lang)"
                    let response = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie])
                    #expect(response.status == .ok, "\(uri): \(response.status)")
                    let body = String(buffer: response.body)
                    #expect(Self.placeholdersIn(body, html: !path.hasPrefix("/api/")) == [], "\(uri)")
                    if !path.hasPrefix("/api/") {
                        #expect(body.contains(lang == "en" ? "lang=\"en\"" : "lang=\"zh-CN\""), "\(uri)")
                    }
                    checked += 1
                }
            }
            #expect(checked == 2 * (pages.count + answers.count))
        }
    }

    @Test func thePlaceholderCheckFindsWhatTheIssueSaw() {
        // The lines the issue quotes, as the old pages rendered them.
        #expect(Self.placeholdersIn("<p>状态: 待审 — nil (审核人 nil, nil)</p>", html: true) == ["nil"])
        #expect(Self.placeholdersIn("<a id=\"next\" href=\"/cases/nil\">", html: true) == ["nil"])
        #expect(Self.placeholdersIn("<td>Optional(\"x\")</td>", html: true).contains("Optional("))
        #expect(Self.placeholdersIn("{\"reviewer\":\"\"}", html: false) == ["\"\""])
        #expect(Self.placeholdersIn("<p>nilpotent 审核人 lina</p>", html: true) == [])
    }

    @Test func aPlus8GroupsCaseAtHalfPastMidnightIsNumberedAndShownWithItsLocalDate() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var group = try GroupConfig.load(file: packageRoot.appendingPathComponent("samples/groups/demo.yaml").path)
        group.store = StoreConfig(databasePath: folder + "/cases.sqlite")
        #expect(group.defaults.utcOffset == "+08:00")
        let store = try SQLiteCaseStore(path: group.store.databasePath, group: group)
        // 00:30 on 21 November in the group is 16:30 on 20 November in UTC.
        let local = try #require(ISO8601DateFormatter().date(from: "2026-11-21T00:30:00+08:00"))
        var draft = ReviewSeedDraft.make(camera: "demo-street", firstSeen: local)
        draft.incidentKey = "midnight"
        let stored = try await store.apply(.opened(draft))
        #expect(stored.caseNumber == "SW-20261121-demo-street-0001")
        // A second opening of the store without the group (as `serve` and `cases` do) keeps the group's time.
        let reopened = try SQLiteCaseStore(path: group.store.databasePath)
        #expect(reopened.timeZone.secondsFromGMT() == 8 * 3600)
        try await store.addUser(name: ReviewSeed.reviewer, role: .reviewer, password: ReviewSeed.password, cost: 4)
        let app = Application(router: ReviewApp(store: reopened, secureCookies: false).router())
        try await app.test(.router) { client in
            let (cookie, _) = try await login(client)
            let page = String(buffer: try await client.execute(uri: "/cases/SW-20261121-demo-street-0001", method: .get,
                                                               headers: [.cookie: cookie]).body)
            #expect(page.contains("2026-11-21 00:30:00") && page.contains("UTC+08:00"))
            let queue = String(buffer: try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).body)
            #expect(queue.contains("2026-11-21 00:30:00"))
            let api = String(buffer: try await client.execute(uri: "/api/cases/SW-20261121-demo-street-0001", method: .get,
                                                              headers: [.cookie: cookie]).body)
            #expect(api.contains("\"firstSeen\":\"2026-11-21T00:30:00+08:00\""), "\(api)")
            try await store.review(caseNumber: "SW-20261121-demo-street-0001", verdict: .confirm(), reviewer: ReviewSeed.reviewer,
                                   at: local.addingTimeInterval(60))
            let audit = String(buffer: try await client.execute(uri: "/api/audit", method: .get, headers: [.cookie: cookie]).body)
            #expect(audit.contains("\"at\":\"2026-11-21T00:31:00+08:00\""), "\(audit)")
        }
    }

    @Test func theQueueShowsPicturesAndPagesByKeysetInBothOrders() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        var app = ReviewApp(store: store, secureCookies: false)
        app.pageSize = 7
        try await Application(router: app.router()).test(.router) { client in
            let (cookie, _) = try await login(client)
            func rows(_ page: String) -> [String] {
                page.components(separatedBy: "class=\"case\" href=\"/cases/").dropFirst().map { String($0.prefix { $0 != "?" }) }
            }
            func link(_ id: String, in page: String) -> String? {
                guard let start = page.range(of: "id=\"\(id)\" href=\"") else { return nil }
                return String(page[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            }
            for order in ["newest", "oldest"] {
                var seen: [String] = []
                var uri: String? = "/?order=\(order)"
                var pages: [String] = []
                while let next = uri {
                    let page = String(buffer: try await client.execute(uri: next, method: .get, headers: [.cookie: cookie]).body)
                    pages.append(page)
                    seen += rows(page)
                    uri = link("next-page", in: page)
                }
                #expect(pages.count == 3)
                #expect(seen == (order == "newest" ? numbers.reversed() : numbers), "\(order)")
                // Back from the last page gives the middle page again.
                let back = try #require(link("previous-page", in: pages[2]))
                let middle = String(buffer: try await client.execute(uri: back, method: .get, headers: [.cookie: cookie]).body)
                #expect(rows(middle) == rows(pages[1]))
                #expect(link("previous-page", in: pages[0]) == nil)
            }
            let page = String(buffer: try await client.execute(uri: "/?lang=en", method: .get, headers: [.cookie: cookie]).body)
            // Each row: the after-picture with its box, camera name, rule, category, dwell and age.
            let first = try #require(page.components(separatedBy: "<tr>").dropFirst(2).first)
            let after = try #require(try await store.case(number: numbers.last!)?.evidence[.after]?.sha256)
            #expect(first.contains("src=\"/evidence/\(after)\"") && first.contains("class=\"box\" style=\"left:40.0%;top:50.0%;width:10.0%;height:20.0%\""))
            #expect(first.contains("老街 7号") && first.contains("stationary-occupancy") && first.contains("09006 占道经营"))
            #expect(first.contains("<td>5 min</td>"))
            #expect(page.contains("id=\"count\">20 cases"))
            // Filters narrow the rows and the count.
            let filtered = String(buffer: try await client.execute(uri: "/?camera=old-town-07&rule=stationary-occupancy",
                                                                   method: .get, headers: [.cookie: cookie]).body)
            #expect(rows(filtered).count == 3 && filtered.contains("id=\"count\">3 "))
        }
    }

    @Test func aVerdictMovesToTheNextDraftAndUndoComesBack() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            let (cookie, token) = try await login(client)
            var headers = formType
            headers[.cookie] = cookie
            let ctx = "status=draft&order=oldest"
            let page = String(buffer: try await client.execute(uri: "/cases/\(f.numbers[0])?\(ctx)", method: .get,
                                                               headers: [.cookie: cookie]).body)
            #expect(page.contains("id=\"next\" href=\"/cases/\(f.numbers[1])?\(ctx.replacingOccurrences(of: "&", with: "&amp;"))\""))
            #expect(!page.contains("id=\"previous\""))
            // The next case's pictures are prefetched.
            let nextAfter = try #require(try await f.store.case(number: f.numbers[1])?.evidence[.after]?.sha256)
            #expect(page.contains("<link rel=\"prefetch\" href=\"/evidence/\(nextAfter)\">"))

            let confirmed = try await client.execute(uri: "/cases/\(f.numbers[0])/confirm?\(ctx)", method: .post,
                                                     headers: headers, body: form(["csrf": token]))
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers[.location] == "/cases/\(f.numbers[1])?\(ctx)&done=\(f.numbers[0])")
            let next = String(buffer: try await client.execute(uri: try #require(confirmed.headers[.location]), method: .get,
                                                               headers: [.cookie: cookie]).body)
            #expect(next.contains("id=\"done\"") && next.contains("action=\"/cases/\(f.numbers[0])/undo?"))
            // Previous from the next draft skips the decided case: the view is of drafts.
            #expect(!next.contains("id=\"previous\""))

            let undone = try await client.execute(uri: "/cases/\(f.numbers[0])/undo?\(ctx)", method: .post, headers: headers,
                                                  body: form(["csrf": token]))
            #expect(undone.headers[.location] == "/cases/\(f.numbers[0])?\(ctx)")
            #expect(try await f.store.case(number: f.numbers[0])?.status == .draft)

            // The last draft's verdict goes back to the queue.
            let last = try #require(f.numbers.last)
            let end = try await client.execute(uri: "/cases/\(last)/reject?\(ctx)", method: .post, headers: headers,
                                               body: form(["csrf": token, "reason": "duplicate"]))
            #expect(end.headers[.location] == "/?\(ctx)&done=\(last)")
        }
    }

    @Test func theCameraPageShowsEachCameraOfItsGroup() async throws {
        let f = try await fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let now = Date()
        try await ReviewSeed.recordLiveCameras(in: f.store, now: now)
        try await f.app.test(.router) { client in
            let (cookie, _) = try await login(client)
            let page = String(buffer: try await client.execute(uri: "/cameras?lang=en", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("<h2>垃圾站 <small>gs</small></h2>"))
            func card(_ id: String) throws -> String {
                let start = try #require(page.range(of: "id=\"cam-\(id)\""))
                return String(page[start.upperBound...].prefix { $0 != "§" }.components(separatedBy: "</article>")[0])
            }
            let one = try card("gs-east-03"), two = try card("old-town-07")
            #expect(one.contains("class=\"dot on\"") && one.contains("<dd class=\"state\">Online"))
            #expect(one.contains("src=\"/cameras/gs-east-03/picture\"") && one.contains("<dd class=\"fps\">4.9 / 5.0</dd>"))
            #expect(two.contains("class=\"dot off\"") && two.contains("Offline") && two.contains("No picture"))
            // Uptime this month: camera one was online for all its samples, camera two for 90 of 120 minutes.
            #expect(one.contains("<dd class=\"uptime-month\">100.0 %</dd>"))
            #expect(two.contains("<dd class=\"uptime-month\">7"), "\(two)")
            let picture = try await client.execute(uri: "/cameras/gs-east-03/picture", method: .get, headers: [.cookie: cookie])
            #expect(picture.status == .ok && Array(buffer: picture.body) == ReviewSeed.png)
            #expect(try await client.execute(uri: "/cameras/old-town-07/picture", method: .get, headers: [.cookie: cookie]).status == .notFound)
            let anonymous = try await client.execute(uri: "/cameras/gs-east-03/picture", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
        }
    }
}

/// A draft with one camera and a first-seen time, for the time-zone test.
enum ReviewSeedDraft {
    static func make(camera: String, firstSeen: Date) -> DraftCase {
        let category = CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10")
        let location = CaseLocation(address: "示例路 1 号", longitude: 116.4, latitude: 39.9, gridCode: "110101001001001")
        return DraftCase(
            incidentKey: "draft", kind: .matter, category: category, divisionCode: "110101", description: "test",
            location: location, camera: CameraRef(id: camera, name: camera), firstSeen: firstSeen,
            lastSeen: firstSeen.addingTimeInterval(60), firstSeenStream: 0, lastSeenStream: 60,
            box: .init(x0: 0.1, y0: 0.1, x1: 0.2, y1: 0.2), analysisBox: .init(x0: 1, y0: 1, x1: 2, y1: 2),
            facts: DetectorFacts(ruleID: "abandoned-object", ruleVersion: 1, zoneID: "sidewalk", dwell: 60, area: 10,
                                 areaFraction: 0.01, score: 0.5, values: [:]),
            incidentState: .active)
    }
}
