import Foundation
import FrameIngest
import Synchronization
import TestSupport
import Testing
@testable import Pipeline

/// The webhook push against a real HTTP receiver (`scripts/webhook-receiver.py`), in process with an instant
/// sleep, and as the built `streetwatch push` binary.
@Suite("webhook push", .serialized)
struct WebhookPushTests {
    /// Case numbers of a store made by `makeStore`.
    struct Seeded {
        var db: String
        var confirmed: [String]
        var draft: String
        var rejected: String
        var cases: [DraftCase]
    }

    /// A store with three confirmed cases, one draft and one rejected.
    func makeStore(in folder: String) async throws -> Seeded {
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        var numbers: [String] = []
        for track in 1...5 {
            let x = Double(track - 1) * 0.19
            let event = t.ingest(CaseFixture.finding(.start, track: track, box: (x, 0.1, x + 0.1, 0.2),
                                                     first: Double(track * 10), last: Double(track * 10 + 60)),
                                 context: CaseFixture.context(), clock: CaseFixture.origin)[0]
            numbers.append(try #require(try await store.apply(event).caseNumber))
        }
        let decided = Date(timeIntervalSince1970: 1_795_400_000)
        for number in numbers[0..<3] {
            try await store.decide(caseNumber: number, status: .confirmed,
                                   decision: CaseDecision(reviewer: "r1", decidedAt: decided))
        }
        try await store.decide(caseNumber: numbers[4], status: .rejected,
                               decision: CaseDecision(reason: "阴影", reviewer: "r1", decidedAt: decided))
        return Seeded(db: folder + "/cases.sqlite", confirmed: Array(numbers[0..<3]), draft: numbers[3],
                      rejected: numbers[4], cases: try await store.cases(CaseQuery()))
    }

    /// Starts the receiver; its requests go to `folder/requests.jsonl`.
    func startReceiver(in folder: String, _ options: [String] = []) throws -> (ServerProcess, Int, String) {
        let log = folder + "/requests.jsonl"
        let server = try ServerProcess(systemPython, [packageRoot.appendingPathComponent("scripts/webhook-receiver.py").path,
                                                      "--port", "0", "--log", log, "--lifetime", "60"] + options)
        return (server, try #require(Int(server.readyValue)), log)
    }

    /// The requests the receiver recorded, oldest first.
    func requests(_ log: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func header(_ request: [String: Any], _ name: String) -> String? {
        let headers = request["headers"] as? [String: String] ?? [:]
        return headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// A sleep that returns at once and records what it was asked to wait.
    final class Sleeps: Sendable {
        let delays = Mutex<[Duration]>([])
        var sleep: WebhookPusher.Sleep { { [self] d in delays.withLock { $0.append(d) } } }
        var recorded: [Duration] { delays.withLock { $0 } }
    }

    func pusher(_ url: String, token: String? = nil, attempts: Int = 4, timeout: Double = 5,
                sleeps: Sleeps) throws -> WebhookPusher {
        WebhookPusher(.init(url: try #require(URL(string: url)), bearerToken: token, attempts: attempts,
                            backoff: Backoff(initial: 0.5, maximum: 4, multiplier: 2, jitter: 0.2),
                            requestTimeout: timeout, timeZone: TimeZone(identifier: "Asia/Shanghai")!),
                      sleep: sleeps.sleep)
    }

    @Test func everyConfirmedCaseIsDeliveredOnceWithItsKeyAndPlatformFields() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        let (server, port, log) = try startReceiver(in: folder)
        defer { server.kill() }
        let sleeps = Sleeps()

        let summary = try await pusher("http://127.0.0.1:\(port)/hook", token: "tok-123", sleeps: sleeps)
            .push(seeded.cases)

        #expect(summary.delivered.map(\.caseNumber) == seeded.confirmed)
        #expect(summary.failed.isEmpty)
        #expect(Set(summary.skipped) == [seeded.draft, seeded.rejected])
        #expect(summary.outcomes.allSatisfy { $0.attempts == 1 && $0.result == .delivered(status: 200) })
        #expect(sleeps.recorded.isEmpty)

        let received = try requests(log)
        #expect(received.count == 3)
        #expect(received.map { header($0, "Idempotency-Key") } == seeded.confirmed)
        for request in received {
            #expect(request["method"] as? String == "POST")
            #expect(request["path"] as? String == "/hook")
            #expect(header(request, "Content-Type") == "application/json")
            #expect(header(request, "Authorization") == "Bearer tok-123")
            let body = try #require(request["body"] as? [String: Any])
            #expect(body["caseNumber"] as? String == header(request, "Idempotency-Key"))
            #expect(body["status"] as? String == "confirmed")
            #expect(body["eventSrc"] as? String == "视频智能识别")
            #expect(body["subType"] as? String == "06010")
            #expect(body["cellId"] as? String == "320102001001001")
            #expect(body["coordinateX"] as? Double == 118.7969)
            #expect(body["address"] as? String == "东门路12号垃圾站")
            #expect((body["discoverTime"] as? String)?.hasSuffix("+08:00") == true)
        }
        // The body is exactly what `export` writes for the case.
        let first = try #require(seeded.cases.first { $0.caseNumber == seeded.confirmed[0] })
        let exported = try JSONSerialization.jsonObject(
            with: Data(try PlatformCase(first, timeZone: TimeZone(identifier: "Asia/Shanghai")!).jsonLine().utf8))
        #expect(NSDictionary(dictionary: try #require(exported as? [String: Any]))
            .isEqual(to: try #require(received[0]["body"] as? [String: Any])))
    }

    @Test func fiveHundredThreeTwiceThenOKIsDeliveredAfterRetries() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        let (server, port, log) = try startReceiver(in: folder, ["--fail-first", "2"])
        defer { server.kill() }
        let sleeps = Sleeps()
        let events = Mutex<[WebhookPusher.Event]>([])

        let summary = try await pusher("http://127.0.0.1:\(port)/hook", sleeps: sleeps)
            .push(seeded.cases) { event in events.withLock { $0.append(event) } }

        #expect(summary.delivered.map(\.caseNumber) == seeded.confirmed)
        #expect(summary.outcomes.map(\.attempts) == [3, 1, 1])
        // Two back-offs, the second about twice the first: 0.5 s and 1 s, ±20 %.
        let delays = sleeps.recorded
        #expect(delays.count == 2)
        if delays.count == 2 {
            #expect(delays[0] >= .milliseconds(400) && delays[0] <= .milliseconds(600))
            #expect(delays[1] >= .milliseconds(800) && delays[1] <= .milliseconds(1200))
        }
        let retries = events.withLock { $0 }.compactMap { event -> String? in
            if case .retrying(_, _, let reason, _) = event { reason } else { nil }
        }
        #expect(retries.count == 2)
        #expect(retries.allSatisfy { $0.hasPrefix("HTTP 503 from http://127.0.0.1:\(port)/hook: try again later") })

        let received = try requests(log)
        #expect(received.map { $0["status"] as? Int } == [503, 503, 200, 200, 200])
        // The same case, with the same key, three times: at least once, never under another key.
        #expect(received.prefix(3).map { header($0, "Idempotency-Key") } == Array(repeating: seeded.confirmed[0], count: 3))
    }

    @Test func fourHundredFailsThatCaseAtOnceAndTheOthersGoOn() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        let (server, port, log) = try startReceiver(in: folder, ["--reject", seeded.confirmed[1]])
        defer { server.kill() }
        let sleeps = Sleeps()

        let summary = try await pusher("http://hook:s3cret-pw@127.0.0.1:\(port)/hook", sleeps: sleeps)
            .push(seeded.cases)

        #expect(summary.delivered.map(\.caseNumber) == [seeded.confirmed[0], seeded.confirmed[2]])
        let failed = try #require(summary.failed.first)
        #expect(summary.failed.count == 1)
        #expect(failed.caseNumber == seeded.confirmed[1])
        #expect(failed.attempts == 1)
        #expect(failed.failureReason
            == "HTTP 400 from http://hook:***@127.0.0.1:\(port)/hook: invalid case \(seeded.confirmed[1])")
        #expect(sleeps.recorded.isEmpty)
        #expect(try requests(log).count == 3)
    }

    @Test func connectionErrorsAreRetriedThenReportedWithoutThePassword() async throws {
        let port = freePort()  // nothing listens there
        let sleeps = Sleeps()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)

        let summary = try await pusher("http://ops:hunter2-secret@127.0.0.1:\(port)/hook", token: "tok-secret-9",
                                       attempts: 3, sleeps: sleeps).push(Array(seeded.cases.prefix(1)))

        let outcome = try #require(summary.outcomes.first)
        #expect(outcome.attempts == 3)
        #expect(sleeps.recorded.count == 2)
        let reason = try #require(outcome.failureReason)
        #expect(reason.hasPrefix("gave up after 3 attempt(s): cannot connect"))
        #expect(reason.contains("http://ops:***@127.0.0.1:\(port)/hook"))
        #expect(!reason.contains("hunter2") && !reason.contains("tok-secret"))
    }

    @Test func aSilentServerTimesOutAndIsRetried() async throws {
        let silent = try startSilentServer(lifetime: 30)
        defer { silent.kill() }
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        let sleeps = Sleeps()

        let start = ContinuousClock.now
        let summary = try await pusher("http://127.0.0.1:\(silent.readyValue)/hook", attempts: 2, timeout: 1,
                                       sleeps: sleeps).push(Array(seeded.cases.prefix(1)))
        let elapsed = ContinuousClock.now - start

        let outcome = try #require(summary.outcomes.first)
        #expect(outcome.attempts == 2)
        // Two real 1 s timeouts (the back-off sleep is instant); the upper bound only proves it did not hang,
        // with room for a busy CI machine.
        #expect(elapsed >= .milliseconds(1800) && elapsed < .seconds(30), "\(elapsed)")
        #expect(sleeps.recorded.count == 1)
        #expect(outcome.failureReason?.hasPrefix("gave up after 2 attempt(s): timed out") == true)
    }

    // MARK: the command

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func pushCommandDeliversConfirmedCasesAndFailsOnARejectedOne() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        let (server, port, log) = try startReceiver(in: folder, ["--reject", seeded.confirmed[2]])
        defer { server.kill() }
        var environment = ProcessInfo.processInfo.environment
        environment["HOOK_TOKEN"] = "env-token-77"

        let result = try runCommand(streetwatchBinary, [
            "push", "--db", seeded.db, "--since", "2026-11-01T00:00:00Z",
            "--url", "http://sw:pa55word@127.0.0.1:\(port)/hook", "--token-env", "HOOK_TOKEN", "--attempts", "2",
        ], environment: environment)

        #expect(result.status == 1)
        #expect(result.stdout.contains("delivered \(seeded.confirmed[0]) (HTTP 200, 1 attempt(s))"))
        #expect(result.stdout.contains("delivered \(seeded.confirmed[1]) (HTTP 200, 1 attempt(s))"))
        #expect(result.stdout.contains("failed \(seeded.confirmed[2]): HTTP 400 from http://sw:***@127.0.0.1:\(port)/hook"))
        #expect(result.stderr.contains("2 delivered, 1 failed of 3 confirmed case(s) to http://sw:***@127.0.0.1:\(port)/hook"))
        #expect(!result.output.contains("pa55word") && !result.output.contains("env-token-77"))

        let received = try requests(log)
        #expect(received.map { header($0, "Idempotency-Key") } == seeded.confirmed)
        #expect(received.allSatisfy { header($0, "Authorization") == "Bearer env-token-77" })
        #expect(!received.contains { [seeded.draft, seeded.rejected].contains(header($0, "Idempotency-Key")) })

        // A later --since selects nothing: nothing is sent, and that is success.
        let none = try runCommand(streetwatchBinary, ["push", "--db", seeded.db, "--since", "1795400001",
                                                      "--url", "http://127.0.0.1:\(port)/hook"])
        #expect(none.status == 0)
        #expect(none.stderr.contains("0 delivered, 0 failed of 0 confirmed case(s)"))
        #expect(try requests(log).count == 3)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func pushCommandRejectsAMissingTokenVariableAndABadURL() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let seeded = try await makeStore(in: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_SUCH_TOKEN_VAR"] = nil

        let noToken = try runCommand(streetwatchBinary, [
            "push", "--db", seeded.db, "--since", "2026-11-01", "--url", "http://127.0.0.1:9/hook",
            "--token-env", "NO_SUCH_TOKEN_VAR",
        ], environment: environment)
        #expect(noToken.status == 1)
        #expect(noToken.stderr.contains("Error: --token-env: environment variable NO_SUCH_TOKEN_VAR is not set or empty"))

        let badURL = try runCommand(streetwatchBinary, [
            "push", "--db", seeded.db, "--since", "2026-11-01", "--url", "ftp://u:topsecret@host/x",
        ])
        #expect(badURL.status == 1)
        #expect(badURL.stderr.contains("Error: --url: 'ftp://u:***@host/x' is not an http or https URL"))
        #expect(!badURL.output.contains("topsecret"))

        let noAttempts = try runCommand(streetwatchBinary, [
            "push", "--db", seeded.db, "--since", "2026-11-01", "--url", "http://127.0.0.1:9/hook", "--attempts", "0",
        ])
        #expect(noAttempts.status == 64)
        #expect(noAttempts.stderr.contains("Error: --attempts: value 0 out of range [1 - 20]"))
    }
}
