import Hummingbird
import Pipeline

extension ReviewApp {
    /// The `year` query parameter of a report request: this year when absent, `nil` when it is not a whole number
    /// in ``YearlyReport/years`` (a huge year used to overflow and stop the process).
    func requestedYear(_ request: Request) -> Int? {
        guard let text = request.uri.queryParameters.get("year") else { return currentYear() }
        guard let year = Int(text), YearlyReport.years.contains(year) else { return nil }
        return year
    }
}

/// `400` saying which years a report can cover.
func badYear() -> Response {
    let years = YearlyReport.years
    return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "year must be a whole number from \(years.lowerBound) to \(years.upperBound)\n")))
}
