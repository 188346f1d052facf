import ArgumentParser
import FrameIngest
import Foundation
import Pipeline

/// `streetwatch push`: confirmed cases to the city platform's webhook, at least once, with an idempotency key.
struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "POST confirmed cases to a webhook (platform field names; retried; idempotency key).",
        discussion: """
            Selects cases confirmed at or after --since (as `export` does) and POSTs each one's JSON, the same \
            object `export` writes, with `Idempotency-Key: <caseNumber>`. Connection errors, timeouts, 408, 429 \
            and 5xx are retried with exponential back-off; any other non-2xx answer fails that case at once. \
            Every case is tried; the exit status is 1 when any case failed. Delivery is at least once: run it \
            again with the same --since after a failure, and the receiver keeps one copy per key. What was \
            delivered is stored in the database: a later push skips cases whose verdict was already delivered \
            (--again sends them anyway). Redirects are not followed (the token would go along): a 3xx fails the \
            case. A delivered confirmation that was undone since is reported once, as `withdrawn <case>`, for \
            an operator to withdraw on the platform; the exit status is 1 then too.
            """)

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db: String

    @Option(help: "Push cases confirmed at or after this time (ISO 8601, a date, or Unix seconds).")
    var since: String

    @Option(help: "The webhook URL (http or https). A password in it is never printed.")
    var url: String

    @Option(name: .customLong("token-env"), help: ArgumentHelp(
        "Send `Authorization: Bearer <token>`, the token read from this environment variable.",
        valueName: "name"))
    var tokenEnv: String?

    @Option(help: "Tries per case, the first included (1-20).")
    var attempts: Int = 5

    @Option(help: "Seconds one request may take before it is retried (1-300).")
    var timeout: Int = 10

    @Flag(help: "Send cases whose verdict was already delivered, too.")
    var again = false

    func validate() throws {
        guard (1...20).contains(attempts) else {
            throw ValidationError("--attempts: value \(attempts) out of range [1 - 20]")
        }
        guard (1...300).contains(timeout) else {
            throw ValidationError("--timeout: value \(timeout) out of range [1 - 300]")
        }
    }

    func run() async throws {
        guard let webhook = URL(string: url), let scheme = webhook.scheme?.lowercased(),
              ["http", "https"].contains(scheme), webhook.host != nil else {
            throw CommandFailure("--url: '\(url)' is not an http or https URL")
        }
        var token: String?
        if let tokenEnv {
            guard let value = ProcessInfo.processInfo.environment[tokenEnv], !value.isEmpty else {
                throw CommandFailure("--token-env: environment variable \(tokenEnv) is not set or empty")
            }
            token = value
        }
        try await openExistingStore(db).withReady { store in
            let from = try parseTime(since, timeZone: store.timeZone)
            let selected = try await store.cases(CaseQuery(status: .confirmed, decidedFrom: from))
            let delivered = again ? [] : try await store.alreadyDelivered()
            let cases = selected.filter { !delivered.contains($0.caseNumber ?? "") }
            if cases.count < selected.count {
                printError("\(selected.count - cases.count) case(s) already delivered, not sent again (--again sends them)")
            }
            let pusher = WebhookPusher(.init(url: webhook, bearerToken: token, attempts: attempts,
                                             requestTimeout: Double(timeout), timeZone: store.timeZone))
            let summary = await pusher.push(cases) { event in
                switch event {
                case .retrying(let number, let attempt, let reason, let delay):
                    let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                    printError("\(number): attempt \(attempt) failed: \(reason); retrying in "
                               + String(format: "%.1f", seconds) + " s")
                case .finished(let outcome):
                    switch outcome.result {
                    case .delivered(let status):
                        print("delivered \(outcome.caseNumber) (HTTP \(status), \(outcome.attempts) attempt(s))")
                    case .failed(let reason):
                        print("failed \(outcome.caseNumber): \(reason)")
                    }
                }
            }
            let byNumber = Dictionary(cases.map { ($0.caseNumber ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            for outcome in summary.delivered {
                if let draft = byNumber[outcome.caseNumber] { try await store.recordDelivery(of: draft) }
            }
            let failed = summary.failed.count
            printError("\(summary.delivered.count) delivered, \(failed) failed of \(summary.outcomes.count) confirmed "
                       + "case(s) to \(redactingCredentials(in: url))")
            let withdrawn = try await store.takeWithdrawnVerdicts()
            for verdict in withdrawn {
                print("withdrawn \(verdict.caseNumber): delivered \(verdict.deliveredAt.ISO8601Format()), now \(verdict.status.rawValue); "
                      + "withdraw it on the platform")
            }
            if failed > 0 || !withdrawn.isEmpty { throw ExitCode(1) }
        }
    }

    private func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
