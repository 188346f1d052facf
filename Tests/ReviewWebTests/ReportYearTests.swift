import Foundation
import Hummingbird
import HummingbirdTesting
import ReviewFixtures
import ReviewWeb
import Testing

/// A year the calendar cannot hold is a bad request, not a crash of the server (and of every camera under `run`).
@Suite("report year")
struct ReportYearTests {
    @Test func anAbsurdYearIsABadRequestOnThePageAndTheAPI() async throws {
        let web = ReviewWebTests()
        let f = try await web.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        try await f.app.test(.router) { client in
            let (cookie, _) = try await web.login(client)
            for path in ["/report", "/api/report"] {
                for year in ["9223372036854775807", "-9223372036854775808", "0", "10000", "abc"] {
                    let response = try await client.execute(uri: "\(path)?year=\(year)", method: .get, headers: [.cookie: cookie])
                    #expect(response.status == .badRequest, "\(path)?year=\(year) answered \(response.status)")
                    #expect(String(buffer: response.body).contains("year"))
                }
                let good = try await client.execute(uri: "\(path)?year=\(ReviewSeed.year)", method: .get, headers: [.cookie: cookie])
                #expect(good.status == .ok)
            }
        }
    }
}
