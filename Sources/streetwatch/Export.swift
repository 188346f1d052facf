import ArgumentParser
import Foundation
import Pipeline

/// `streetwatch export`: confirmed cases in the platform's field names, one JSON object per line.
///
/// `streetwatch push` sends the same objects to a webhook, with `caseNumber` as the idempotency key.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write confirmed cases for the city platform (JSON Lines).",
        discussion: """
            Selects cases confirmed (decided) at or after --since, so running it again with the time of the \
            previous run exports only new confirmations. Field names follow the platform interface in DOMAIN.md \
            (eventSrc, recType, mainType, subType, address, coordinateX, coordinateY, cellId, medias).
            """)

    /// Output formats; only JSON Lines for now.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl
    }

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db: String

    @Option(help: "Export cases confirmed at or after this time (ISO 8601, a date, or Unix seconds).")
    var since: String

    @Option(help: "Output format.")
    var format: Format = .jsonl

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() async throws {
        try await openExistingStore(db).withReady { store in
            let from = try parseTime(since, timeZone: store.timeZone)
            let cases = try await store.cases(CaseQuery(status: .confirmed, decidedFrom: from))
            var text = ""
            for c in cases {
                text += try PlatformCase(c, timeZone: store.timeZone).jsonLine() + "\n"
            }
            guard let output else {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(output): \(error)")
            }
            FileHandle.standardError.write(Data("\(cases.count) confirmed case(s) written to \(output)\n".utf8))
        }
    }
}
