import Foundation
import Pipeline
import ReviewFixtures
import TestSupport
import Testing

/// A real headless Chromium (Debian `chromium`) against `streetwatch serve` on a seeded store: it logs in,
/// confirms one draft with the C key, rejects another with key 2, and the report page's numbers change.
/// Screenshots are kept in `.build/artifacts/chromium-review/`.
@Suite("review in Chromium", .timeLimit(.minutes(3)))
struct ChromiumTests {
    @Test func aReviewerLogsInConfirmsRejectsAndTheReportChanges() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        let port = freePort()
        let server = try ServerProcess(streetwatchBinary, ["serve", "--db", folder + "/cases.sqlite",
                                                           "--listen", "127.0.0.1:\(port)",
                                                           "--time-zone", ReviewSeed.timeZone.identifier], timeout: 30)
        defer { server.kill() }
        #expect(server.readyValue == "http://127.0.0.1:\(port)")

        let artifacts = packageRoot.appendingPathComponent(".build/artifacts/chromium-review").path
        let result = try runCommand(systemPython, [packageRoot.appendingPathComponent("scripts/chromium-review.py").path,
                                                   "http://127.0.0.1:\(port)", ReviewSeed.reviewer, ReviewSeed.password,
                                                   numbers[0], numbers[1], artifacts, String(ReviewSeed.year)])
        #expect(result.status == 0, "\(result.output)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                "\(result.output)")
        #expect(seen["start"] as? String == "/login")
        #expect(seen["afterLogin"] as? String == "/")
        #expect(seen["queueRows"] as? Int == 20)
        let before = try #require(seen["reportBefore"] as? [String: String])
        let after = try #require(seen["reportAfter"] as? [String: String])
        #expect(before["视频自动识别问题数"] == "20" && before["立案数"] == "0" && before["不予立案数"] == "0")
        #expect(before["准确率"] == "—")
        #expect(seen["confirmed"] as? String == "confirmed")
        #expect(seen["rejected"] as? String == "rejected")
        #expect((seen["rejectedText"] as? String)?.contains("误报-行人/车辆") == true)
        #expect(after["立案数"] == "1" && after["不予立案数"] == "1" && after["待审核"] == "18")
        #expect(after["准确率"] == "50.0 %")
        #expect(after["不予立案-误报-行人/车辆"] == "1")
        for name in ["01-login", "02-queue", "03-report-before", "05-confirmed", "06-rejected", "07-report-after"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(artifacts)/\(name).png")[.size] as? Int) ?? 0
            #expect(size > 1000, "screenshot \(name).png")
        }
        // The browser's verdicts are in the audit log under the reviewer's name.
        let log = try await store.auditLog()
        #expect(log.map(\.action) == [.confirm, .reject] && log.allSatisfy { $0.actor == ReviewSeed.reviewer })
    }
}
