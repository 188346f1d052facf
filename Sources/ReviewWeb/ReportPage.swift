import Foundation
import Hummingbird
import Pipeline

extension ReviewApp {
    /// The yearly self-evaluation in the page layout, labels in the reviewer's language.
    func reportPage(_ request: Request, session: ReviewSession) async throws -> Response {
        let strings = strings(request)
        guard let year = requestedYear(request) else { return badYear() }
        let report = try await YearlyReport.build(year: year, store: store, timeZone: timeZone)
        func rows(_ rows: [AccuracyRow]) -> [[String: Any]] {
            rows.map {
                ["key": $0.key, "flagged": $0.flagged, "confirmed": $0.confirmed, "rejected": $0.rejected,
                 "pending": $0.pending, "precision": percent($0.precision),
                 "interval": percentRange($0.wilsonLow, $0.wilsonHigh)]
            }
        }
        let values: [String: Any] = [
            "year": String(year),
            "headline": report.headline(english: strings.english).map { ["name": $0.0, "value": $0.1] },
            "tables": [
                ["title": strings("byMonth"), "rows": rows(report.accuracy.byMonth)],
                ["title": strings("byCamera"), "rows": rows(report.accuracy.byCamera)],
            ],
            "coverage": report.coverage.map {
                ["camera": $0.camera, "online": String(format: "%.1f", $0.onlineHours),
                 "scheduled": String(format: "%.1f", $0.scheduledHours), "rate": percent($0.onlineRate)]
            },
        ]
        return page("report", request: request, session: session, values: values)
    }
}
