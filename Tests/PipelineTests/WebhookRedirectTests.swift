import Foundation
import TestSupport
import Testing
@testable import Pipeline

/// A webhook that answers with a redirect gets neither the token elsewhere nor a GET counted as delivered.
@Suite("webhook redirects", .serialized)
struct WebhookRedirectTests {
    @Test func aRedirectIsAFailureAndNothingFollowsIt() async throws {
        let push = WebhookPushTests()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await push.makeStore(in: folder)
        // "Elsewhere": another server the token must never reach.
        try FileManager.default.createDirectory(atPath: folder + "/elsewhere", withIntermediateDirectories: true)
        let (elsewhere, elsewherePort, elsewhereLog) = try push.startReceiver(in: folder + "/elsewhere")
        defer { elsewhere.kill() }
        let (moved, port, log) = try push.startReceiver(in: folder, ["--redirect", "http://127.0.0.1:\(elsewherePort)/other"])
        defer { moved.kill() }

        let summary = try await push.pusher("http://127.0.0.1:\(port)/hook", token: "tok-123", sleeps: WebhookPushTests.Sleeps())
            .push(Array(seeded.cases.prefix(1)))
        let outcome = try #require(summary.outcomes.first)
        #expect(!outcome.isDelivered, "a 302 was counted as delivered")
        #expect(outcome.attempts == 1)
        #expect(outcome.failureReason?.contains("HTTP 302") == true, "\(outcome.failureReason ?? "")")
        #expect(outcome.failureReason?.contains("/other") == true)
        #expect(try push.requests(log).count == 1)
        let followed = try push.requests(elsewhereLog)
        #expect(followed.isEmpty, "the redirect was followed: \(followed)")
    }
}
