import Foundation
import Logging
import Pipeline
import ReviewFixtures
import TestSupport
import Testing

/// Issue 14 point 4: `serve` on a PostgreSQL store, a reviewer's queue open in headless Chromium, and a draft
/// stored by another process (here: another connection pool, as a `run` on another host would be) shows in the
/// open page by itself within 2 s: NOTIFY at commit → `serve`'s LISTEN → server-sent events → the page.
@Suite("live queue in Chromium", .timeLimit(.minutes(3)))
struct LiveQueueChromiumTests {
    @Test func aDraftStoredElsewhereShowsInAnOpenQueueWithinTwoSeconds() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        // A PostgresClient runs once: one store to seed, another (a process writing elsewhere) for the new draft.
        func store() throws -> PostgresCaseStore {
            PostgresCaseStore(settings: try PostgresSettings(url: url, environment: [:]), evidenceDirectory: folder,
                              timeZone: ReviewSeed.timeZone, logger: logger)
        }
        _ = try await store().withRunning { try await ReviewSeed.seed($0) }

        let port = freePort()
        let server = try ServerProcess(streetwatchBinary, ["serve", "--db", url, "--evidence", folder,
                                                           "--listen", "127.0.0.1:\(port)"], timeout: 30)
        defer { server.kill() }
        let ready = folder + "/chromium-ready"
        let browser = Task.detached {
            try runCommand(systemPython, [packageRoot.appendingPathComponent("scripts/chromium-live-queue.py").path,
                                          "http://127.0.0.1:\(port)", ReviewSeed.reviewer, ReviewSeed.password, ready])
        }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(FileManager.default.fileExists(atPath: ready), "the browser never had the queue open")
        // Timed from before the write (the pool's start, the insert and its evidence count against the page).
        let storedAt = Date()
        let number = try await store().withRunning { try await ReviewSeed.addDrafts(1, to: $0)[0] }
        let result = try await browser.value
        #expect(result.status == 0, "\(result.output)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                "\(result.output)")
        #expect(seen["rows"] as? Int == 20)
        #expect((seen["cases"] as? String)?.contains(number) == true, "\(seen)")
        let seenAt = try #require(seen["seenAt"] as? Double, "the new draft never showed in the open queue")
        let delay = seenAt / 1000 - storedAt.timeIntervalSince1970
        print("live queue: \(number) showed in the open page \(Int(delay * 1000)) ms after the write began")
        #expect(delay < 2, "the new draft took \(delay) s to show")
    }
}
