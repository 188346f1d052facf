public import ArgumentParser
import Foundation
import Pipeline

/// `streetwatch cases`: lists stored draft cases as a table or JSON.
struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the draft cases in a case store.")

    @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
    var db = "streetwatch.sqlite"

    @Option(help: "Only cases with this status: draft, confirmed or rejected.")
    var status: CaseStatus?

    @Option(help: "Only this camera's cases (its config id).")
    var camera: String?

    @Option(help: "Only cases first seen at or after this time (ISO 8601, e.g. 2026-11-22T08:00:00+08:00, or Unix seconds).")
    var since: String?

    @Option(help: "At most this many cases.")
    var limit: Int?

    @Flag(help: "Print a JSON array with every field instead of a table.")
    var json = false

    func run() async throws {
        try await openExistingStore(db).withReady { store in
            var query = CaseQuery(status: status, camera: camera, limit: limit)
            if let since { query.firstSeenFrom = try parseTime(since, timeZone: store.timeZone) }
            let cases = try await store.cases(query)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                let records = cases.map { CaseJSON($0, timeZone: store.timeZone) }
                print(String(decoding: try encoder.encode(records), as: UTF8.self))
                return
            }
            if cases.isEmpty {
                print("no cases")
                return
            }
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            formatter.timeZone = store.timeZone
            var rows = [["CASE", "STATUS", "CAMERA", "CATEGORY", "FIRST SEEN (\(utcOffsetText(store.timeZone)))", "DWELL", "EVIDENCE", "ADDRESS"]]
            for c in cases {
                rows.append([
                    c.caseNumber ?? "-", c.status.rawValue + (c.incidentState == .closed ? "" : "*"), c.camera.id,
                    "\(c.category.code) \(c.category.name)", formatter.string(from: c.firstSeen),
                    String(format: "%.0fs", c.dwell),
                    EvidenceRole.allCases.filter { c.evidence[$0] != nil }.map(\.rawValue).joined(separator: ","),
                    c.location.address,
                ])
            }
            print(alignedTable(rows))
            print("\(cases.count) case(s); * = incident still open")
        }
    }
}

extension CaseStatus: ExpressibleByArgument {}

/// An ISO 8601 time (with or without fractional seconds; a bare date is midnight in `timeZone`, the group's) or
/// Unix seconds.
func parseTime(_ text: String, timeZone: TimeZone) throws -> Date {
    if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
    let iso = ISO8601DateFormatter()
    if let date = iso.date(from: text) { return date }
    iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = iso.date(from: text) { return date }
    let day = DateFormatter()
    day.dateFormat = "yyyy-MM-dd"
    day.timeZone = timeZone
    day.locale = Locale(identifier: "en_US_POSIX")
    if let date = day.date(from: text) { return date }
    throw ValidationError("'\(text)' is not a time: use ISO 8601 (2026-11-22T08:00:00+08:00), a date (2026-11-22) or Unix seconds")
}

/// `+08:00`, the offset of a fixed zone as ISO 8601 writes it.
func utcOffsetText(_ zone: TimeZone) -> String {
    let seconds = zone.secondsFromGMT()
    return String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
}

/// Rows padded to column widths; CJK characters count as two columns, as terminals draw them.
func alignedTable(_ rows: [[String]]) -> String {
    func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, u in
            // CJK ideographs, punctuation and full-width forms are drawn double width.
            let wide = (0x1100...0x115F).contains(u.value) || (0x2E80...0xA4CF).contains(u.value)
                || (0xAC00...0xD7A3).contains(u.value) || (0xF900...0xFAFF).contains(u.value)
                || (0xFE30...0xFE4F).contains(u.value) || (0xFF00...0xFF60).contains(u.value)
                || (0xFFE0...0xFFE6).contains(u.value)
            return n + (wide ? 2 : 1)
        }
    }
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], width(cell)) } }
    return rows.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - width(cell))
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
