import Foundation
import TestSupport
import Testing
@testable import Pipeline

/// `push` remembers what it delivered: a second run sends nothing new, and an undone confirmation is reported.
@Suite("push state", .serialized)
struct PushStateTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func aSecondPushSkipsDeliveredCasesAndAnUndoneVerdictIsReportedOnce() async throws {
        let push = WebhookPushTests()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await push.makeStore(in: folder)
        let (server, port, log) = try push.startReceiver(in: folder)
        defer { server.kill() }
        let arguments = ["push", "--db", seeded.db, "--since", "2026-11-01T00:00:00Z", "--url", "http://127.0.0.1:\(port)/hook"]

        let first = try runCommand(streetwatchBinary, arguments)
        #expect(first.status == 0, "\(first.output)")
        #expect(try push.requests(log).count == 3)

        let second = try runCommand(streetwatchBinary, arguments)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stderr.contains("3 case(s) already delivered"), "\(second.output)")
        #expect(try push.requests(log).count == 3, "delivered cases were sent again")

        // The first confirmation is undone after delivery.
        let store = try SQLiteCaseStore(path: seeded.db)
        try await store.decide(caseNumber: seeded.confirmed[0], status: .draft, decision: nil)
        let third = try runCommand(streetwatchBinary, arguments)
        #expect(third.status == 1)
        #expect(third.stdout.contains("withdrawn \(seeded.confirmed[0]): delivered "), "\(third.output)")
        #expect(third.stdout.contains("now draft; withdraw it on the platform"))
        let fourth = try runCommand(streetwatchBinary, arguments)
        #expect(fourth.status == 0 && !fourth.stdout.contains("withdrawn"), "\(fourth.output)")

        // Confirmed again with a new verdict: delivered again; --again sends every selected case.
        try await store.decide(caseNumber: seeded.confirmed[0], status: .confirmed,
                               decision: CaseDecision(reviewer: "r2", decidedAt: Date(timeIntervalSince1970: 1_795_500_000)))
        #expect(try runCommand(streetwatchBinary, arguments).status == 0)
        #expect(try push.requests(log).count == 4)
        #expect(try runCommand(streetwatchBinary, arguments + ["--again"]).status == 0)
        #expect(try push.requests(log).count == 7)
    }
}
