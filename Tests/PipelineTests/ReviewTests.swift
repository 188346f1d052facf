import Foundation
import GRDB
import Pipeline
import ReviewFixtures
import Testing

/// Accounts, verdicts, undo and the audit log on a real SQLite store.
@Suite("review")
struct ReviewTests {
    @Test func passwordsAreBcryptHashesAndSessionsCarryACSRFToken() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, _) = try await ReviewSeed.store(in: folder)
        let hash = try await store.pool.read { try String.fetchOne($0, sql: "SELECT password_hash FROM users WHERE name = ?", arguments: [ReviewSeed.reviewer]) }
        #expect(hash?.hasPrefix("$2b$04$") == true)
        #expect(try await store.verifyPassword(name: ReviewSeed.reviewer, password: ReviewSeed.password)?.role == .reviewer)
        #expect(try await store.verifyPassword(name: ReviewSeed.reviewer, password: "wrong password") == nil)
        #expect(try await store.verifyPassword(name: "nobody", password: ReviewSeed.password) == nil)
        await #expect(throws: AccountError.exists(ReviewSeed.reviewer)) {
            try await store.addUser(name: ReviewSeed.reviewer, role: .admin, password: "another password", cost: 4)
        }
        await #expect(throws: AccountError.weakPassword("shorter than 8 characters")) {
            try await store.addUser(name: "bob", role: .reviewer, password: "short", cost: 4)
        }

        let user = try #require(try await store.user(named: ReviewSeed.reviewer))
        let (token, session) = try await store.createSession(for: user)
        #expect(session.csrfToken.count == 64 && token.count == 64 && token != session.csrfToken)
        #expect(try await store.session(token: token)?.user == user)
        #expect(try await store.session(token: token, now: Date().addingTimeInterval(13 * 3600)) == nil)
        #expect(try await store.session(token: "../../etc/passwd") == nil)
        // A new password ends every session of the account.
        try await store.setPassword(name: ReviewSeed.reviewer, password: "a new long password", cost: 4)
        #expect(try await store.session(token: token) == nil)
        #expect(try await store.verifyPassword(name: ReviewSeed.reviewer, password: "a new long password") != nil)
    }

    @Test func verdictsAreLoggedAndUndoIsLimitedToTheWindow() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let t0 = Date()
        try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer, at: t0)
        try await store.review(caseNumber: numbers[1], verdict: .reject(.duplicate, note: "同 \(numbers[0])"),
                               reviewer: ReviewSeed.reviewer, at: t0)
        let rejected = try #require(try await store.case(number: numbers[1]))
        #expect(rejected.status == .rejected)
        #expect(rejected.decision?.reason == "duplicate: 同 \(numbers[0])")
        #expect(ReviewReason(stored: rejected.decision?.reason)?.label() == "重复：同 \(numbers[0])")

        await #expect(throws: ReviewError.alreadyDecided(numbers[0], .confirmed)) {
            try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
        }
        await #expect(throws: ReviewError.noteRequired) {
            try await store.review(caseNumber: numbers[2], verdict: .reject(.other, note: "  "), reviewer: ReviewSeed.reviewer)
        }
        await #expect(throws: ReviewError.noSuchReviewer("mallory")) {
            try await store.review(caseNumber: numbers[2], verdict: .confirm(), reviewer: "mallory")
        }

        let reviewer = try #require(try await store.user(named: ReviewSeed.reviewer))
        let admin = try #require(try await store.user(named: ReviewSeed.admin))
        // Within the window the reviewer takes back their own verdict.
        try await store.undo(caseNumber: numbers[0], by: reviewer, at: t0.addingTimeInterval(60))
        #expect(try await store.case(number: numbers[0])?.status == .draft)
        #expect(try await store.case(number: numbers[0])?.decision == nil)
        // Past it they cannot; an admin can.
        await #expect(throws: ReviewError.cannotUndo("the 5-minute window has passed")) {
            try await store.undo(caseNumber: numbers[1], by: reviewer, at: t0.addingTimeInterval(301))
        }
        try await store.undo(caseNumber: numbers[1], by: admin, at: t0.addingTimeInterval(301))
        await #expect(throws: ReviewError.cannotUndo("case \(numbers[1]) has no verdict")) {
            try await store.undo(caseNumber: numbers[1], by: admin)
        }

        let log = try await store.auditLog()
        #expect(log.map(\.action) == [.confirm, .reject, .undo, .undo])
        #expect(log.map(\.actor) == [ReviewSeed.reviewer, ReviewSeed.reviewer, ReviewSeed.reviewer, ReviewSeed.admin])
        #expect(log.map { "\($0.before)→\($0.after)" } == ["draft→confirmed", "draft→rejected", "confirmed→draft", "rejected→draft"])
        #expect(log[2].undoes == log[0].id && log[3].undoes == log[1].id)
        // The log is append-only in the database itself.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'x'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { try $0.execute(sql: "DELETE FROM audit_log") }
        }
    }

    @Test func wilsonIntervalMatchesTheTextbook() throws {
        let interval = try #require(wilsonInterval(successes: 18, trials: 20))
        #expect(abs(interval.lowerBound - 0.69897) < 1e-4)
        #expect(abs(interval.upperBound - 0.97213) < 1e-4)
        #expect(wilsonInterval(successes: 0, trials: 0) == nil)
        #expect(wilsonInterval(successes: 0, trials: 10)?.lowerBound == 0)
        #expect(try #require(wilsonInterval(successes: 10, trials: 10)).upperBound > 0.99999)
    }
}

/// The yearly report: 20 drafts, 18 confirmed and 2 rejected, in every format.
@Suite("yearly report")
struct YearlyReportTests {
    func reviewedStore() async throws -> (String, SQLiteCaseStore, [String]) {
        let folder = try ReviewSeed.folder()
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let created = Date()
        for (i, number) in numbers.enumerated() {
            let verdict: ReviewVerdict = switch i {
            case 3: .reject(.lightOrShadow)
            case 15: .reject(.other, note: "施工围挡")
            default: .confirm()
            }
            try await store.review(caseNumber: number, verdict: verdict, reviewer: ReviewSeed.reviewer,
                                   at: created.addingTimeInterval(Double(60 * (i + 1))))
        }
        return (folder, store, numbers)
    }

    @Test func eighteenOfTwentyIsNinetyPercentInEveryFormat() async throws {
        let (folder, store, _) = try await reviewedStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try await YearlyReport.build(year: ReviewSeed.year, store: store, timeZone: ReviewSeed.timeZone)
        let total = report.accuracy.total
        #expect((total.flagged, total.confirmed, total.rejected, total.pending) == (20, 18, 2, 0))
        #expect(total.precision == 0.9)

        let markdown = report.markdown()
        #expect(markdown.contains("| 视频自动识别问题数 | 20 |"))
        #expect(markdown.contains("| 立案数 | 18 |"))
        #expect(markdown.contains("| 准确率 | 90.0 % |"))
        #expect(markdown.contains("| 准确率 95 % 置信区间 (Wilson) | 69.9 %–97.2 % |"))
        #expect(markdown.contains("| 不予立案-误报-光线/阴影 | 1 |"))
        #expect(markdown.contains("| 不予立案-其他 | 1 |"))

        let csv = report.csv()
        #expect(csv.hasPrefix("section,key,flagged,filed,rejected,pending,precision_pct,wilson_low_pct,wilson_high_pct,online_rate_pct\r\n"))
        #expect(csv.contains("\r\nyear,2026,20,18,2,0,90.0,69.9,97.2,"))
        #expect(csv.contains("\r\nrejected_reason,重复,,,0,,,,,\r\n"))

        let json = try report.json()
        #expect(json.contains("\"准确率\" : \"90.0 %\""))
        #expect(json.contains("\"准确率 95 % 置信区间 (Wilson)\" : \"69.9 %–97.2 %\""))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let reportData = try JSONSerialization.data(withJSONObject: try #require(object["report"]))
        let decoded = try JSONDecoder().decode(YearlyReport.self, from: reportData)
        #expect(decoded.accuracy.total.precision == 0.9)
        #expect(abs((decoded.accuracy.total.wilsonLow ?? 0) - 0.69897) < 1e-4)

        let html = report.html()
        #expect(html.contains("<td>准确率</td><td>90.0 %</td>"))
        #expect(html.contains("<td>准确率 95 % 置信区间 (Wilson)</td><td>69.9 %–97.2 %</td>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func cameraRuleCategoryAndMonthRowsAddUpToTheTotal() async throws {
        let (folder, store, _) = try await reviewedStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try await YearlyReport.build(year: ReviewSeed.year, store: store, timeZone: ReviewSeed.timeZone)
        let a = report.accuracy
        for rows in [a.byCamera, a.byRule, a.byCategory, a.byMonth] {
            #expect(rows.reduce(0) { $0 + $1.flagged } == a.total.flagged)
            #expect(rows.reduce(0) { $0 + $1.confirmed } == a.total.confirmed)
            #expect(rows.reduce(0) { $0 + $1.rejected } == a.total.rejected)
        }
        #expect(a.byCamera.map(\.key) == ["gs-east-03", "old-town-07"])
        #expect(a.byCamera.map(\.flagged) == [12, 8])
        #expect(a.byRule.map(\.flagged) == [14, 6])
        #expect(a.byMonth.count == 12 && a.byMonth[10].flagged == 0)
        #expect(a.rejectedByReason.reduce(0) { $0 + $1.count } == 2)
        // Latency: verdicts came 1 to 20 minutes after the drafts were stored.
        #expect((a.total.medianLatency ?? 0) > 60 && (a.total.medianLatency ?? 0) < 1260)
        // Coverage: two hours of samples; one camera online throughout, the other for one hour. From the daily
        // rollup, which counts a sample's state when the next one comes: the last minute is not counted.
        let east = try #require(report.coverage.first { $0.camera == "gs-east-03" })
        let old = try #require(report.coverage.first { $0.camera == "old-town-07" })
        #expect(abs(east.onlineHours - 119.0 / 60) < 0.001)
        #expect(abs(old.onlineHours - 1) < 0.01)
        #expect(east.meanAnalysedFPS == 5)
        #expect(east.configuredFPS == 5 && east.fpsRatio == 1)
        #expect(old.meanAnalysedFPS == 4 && old.configuredFPS == nil && old.fpsRatio == nil)
    }
}
