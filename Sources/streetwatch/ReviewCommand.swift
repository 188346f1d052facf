import ArgumentParser
import Foundation
import Pipeline

/// `streetwatch review <case-no> confirm|reject`: a verdict without the web UI (headless use, scripts).
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Confirm (立案) or reject (不予立案) a draft case; the verdict goes into the audit log.",
        discussion: "Reasons for reject: " + RejectReason.allCases.map { "\($0.rawValue) (\($0.chinese))" }.joined(separator: ", "))

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case confirm, reject
    }

    @Argument(help: "The case number, e.g. SW-20261122-gs-east-03-0001.")
    var caseNumber: String

    @Argument(help: "confirm or reject.")
    var action: Action

    @Option(help: "Reject reason: an id or its Chinese label (see below). Required for reject.")
    var reason: String?

    @Option(help: "Free text (required with reason 'other').")
    var note: String?

    @Option(help: "The reviewer's account name.")
    var reviewer: String

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db = "streetwatch.sqlite"

    func run() async throws {
        let verdict: ReviewVerdict
        switch action {
        case .confirm:
            if reason != nil { throw ValidationError("--reason is for reject; use --note for a remark") }
            verdict = .confirm(note: note)
        case .reject:
            guard let reason else { throw ValidationError("reject needs --reason") }
            guard let why = RejectReason(idOrLabel: reason) else {
                throw ValidationError("unknown reason '\(reason)'; use one of: "
                    + RejectReason.allCases.map { "\($0.rawValue) (\($0.chinese))" }.joined(separator: ", "))
            }
            verdict = .reject(why, note: note)
        }
        try await openExistingStore(db).withReady { store in
            do {
                let entry = try await store.review(caseNumber: caseNumber, verdict: verdict, reviewer: reviewer)
                print("\(caseNumber): \(entry.before) → \(entry.after) by \(reviewer)")
            } catch let error as ReviewError {
                throw CommandFailure("\(error)")
            }
        }
    }
}
