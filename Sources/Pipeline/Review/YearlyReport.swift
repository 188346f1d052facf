public import Foundation

/// The yearly self-evaluation (绩效自评) rows for video auto-recognition, from the case store.
public struct YearlyReport: Sendable, Hashable, Codable {
    /// The calendar year.
    public var year: Int
    /// The time zone months and the year are cut in.
    public var timeZone: String
    /// Precision after review, grouped by camera, rule, category and month; `total` is the year.
    public var accuracy: AccuracySummary
    /// Per camera coverage (探头考评).
    public var coverage: [CameraCoverage]
    /// 探头在线率: online hours of all cameras ÷ their scheduled hours; `nil` without status samples.
    public var onlineRate: Double?

    /// The years a report can cover: four-digit years, as the tables print them and the calendar can hold.
    public static let years = 1...9999

    /// Builds the report of `year` from the store.
    /// - Parameter configuredFPS: camera id → configured analysis fps, when a group config is at hand.
    /// - Throws: ``ReportYearError`` when `year` is outside ``years``; a database error.
    public static func build(year: Int, store: any CaseReviewing, timeZone: TimeZone = .current,
                             configuredFPS: [String: Double] = [:]) async throws -> YearlyReport {
        let period = try yearRange(year, timeZone: timeZone)
        let records = try await store.reviewRecords(firstSeenIn: period)
        // From the daily rollup: raw samples are pruned after a while, and a year of them is too many to read.
        let coverage = try await store.uptimeTotals(in: period).map {
            CameraCoverage(totals: $0, period: period, configuredFPS: configuredFPS[$0.camera])
        }
        return YearlyReport(year: year, records: records, coverage: coverage, timeZone: timeZone)
    }

    /// Builds a report from values (tests, other stores).
    public init(year: Int, records: [ReviewRecord], coverage: [CameraCoverage], timeZone: TimeZone) {
        self.year = year
        self.timeZone = timeZone.identifier
        accuracy = AccuracySummary(records: records, timeZone: timeZone)
        // Every month of the year gets a row, so the table reads the same in January and December.
        let byMonth = Dictionary(uniqueKeysWithValues: accuracy.byMonth.map { ($0.key, $0) })
        accuracy.byMonth = (1...12).map { month in
            let key = String(format: "%04d-%02d", year, month)
            return byMonth[key] ?? AccuracyRow(key: key, records: [])
        }
        self.coverage = coverage
        let scheduled = coverage.reduce(0) { $0 + $1.scheduledHours }
        onlineRate = scheduled > 0 ? coverage.reduce(0) { $0 + $1.onlineHours } / scheduled : nil
    }

    /// Midnight on 1 January of `year` up to that of the next year, in `timeZone`.
    /// - Throws: ``ReportYearError`` when `year` is outside ``years`` (`year + 1` could overflow, and the
    ///   calendar has no date for years far out).
    public static func yearRange(_ year: Int, timeZone: TimeZone) throws(ReportYearError) -> Range<Date> {
        guard years.contains(year) else { throw ReportYearError(year: year) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1)),
              let end = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1)) else {
            throw ReportYearError(year: year)
        }
        return start..<end
    }
}

/// A report was asked for a year outside ``YearlyReport/years``.
public struct ReportYearError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The year asked for.
    public var year: Int

    public var description: String {
        "year \(year) out of range [\(YearlyReport.years.lowerBound) - \(YearlyReport.years.upperBound)]"
    }
}

/// `90.0 %`, or `—` for no value.
public func percent(_ value: Double?) -> String {
    guard let value else { return "—" }
    return String(format: "%.1f %%", value * 100)
}

/// `69.9 %–97.2 %`, or `—`.
public func percentRange(_ low: Double?, _ high: Double?) -> String {
    guard let low, let high else { return "—" }
    return String(format: "%.1f %%–%.1f %%", low * 100, high * 100)
}

/// Seconds as `3.5 min` / `2.0 h`, or `—`.
func latencyText(_ seconds: Double?) -> String {
    guard let seconds else { return "—" }
    if seconds < 120 { return String(format: "%.0f s", seconds) }
    if seconds < 7200 { return String(format: "%.1f min", seconds / 60) }
    return String(format: "%.1f h", seconds / 3600)
}
