public import ArgumentParser
import Foundation
import Pipeline

/// `streetwatch report --year YYYY`: the yearly self-evaluation rows (绩效自评) from a case store.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Yearly accuracy report: 识别数, 立案数, 准确率 (95 % Wilson interval), 不予立案 by reason, 探头在线率, per month.")

    @Option(help: "The calendar year.")
    var year: Int

    @Option(help: "md, html, csv or json.")
    var format: ReportFormat = .md

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db = "streetwatch.sqlite"

    @Option(help: "Time zone for months and the year (tz name); default the group's utc_offset recorded in the store.")
    var timeZone: String?

    func validate() throws {
        guard YearlyReport.years.contains(year) else {
            throw ValidationError("--year: value \(year) out of range [\(YearlyReport.years.lowerBound) - \(YearlyReport.years.upperBound)]")
        }
    }

    func run() async throws {
        try await openExistingStore(db).withReady { store in
            let report = try await YearlyReport.build(year: year, store: store, timeZone: try namedTimeZone(timeZone) ?? store.timeZone)
            print(try report.rendered(as: format), terminator: "")
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
