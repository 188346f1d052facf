import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// Several `streetwatch` processes on one PostgreSQL database, as groups on several hosts would be.
@Suite("PostgreSQL with several processes", .timeLimit(.minutes(4)))
struct PostgresProcessTests {
    /// A group config on the sample clips, writing to `url` with evidence under `folder`.
    private func config(_ group: String, cameras: [String], port: Int, url: String, folder: String) throws -> String {
        var yaml = """
            group: {id: \(group)}
            store: {database: '\(url)', evidence: \(folder)}
            server: {listen: 127.0.0.1:\(port)}
            defaults: {analysis_fps: 5, utc_offset: '+08:00'}
            cameras:

            """
        for camera in cameras {
            yaml += """
                  - id: \(camera)
                    url: \(packageRoot.appendingPathComponent("samples/\(camera).mp4").path)
                    location: {address: A, lon: 116.4, lat: 39.9, grid_code: 110101001001001}
                    rules: [{type: abandoned-object, category: '06010', zone: {id: frame}, options: {min_static_seconds: 10, unattended_seconds: 10}}]

                """
        }
        let path = folder + "/\(group).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func startRun(_ config: String, log: String) throws -> Process {
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: streetwatchBinary)
        process.arguments = ["run", config]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Polls `/health` until it answers, for at most 30 s.
    private func healthy(port: Int) async -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            // `!`: a fixed, valid URL.
            let url = URL(string: "http://127.0.0.1:\(port)/health")!
            if let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 2)),
               String(decoding: data, as: UTF8.self).hasPrefix("ok") { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func aCameraAnotherRunHoldsIsRefusedByNameAndTakenOverWhenThatProcessDies() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let (northPort, southPort) = (freePort(), freePort())
        let north = try startRun(try config("north", cameras: ["street-left-object", "street-vending"], port: northPort,
                                            url: url, folder: folder), log: folder + "/north.log")
        defer { stopProcess(north) }
        #expect(await healthy(port: northPort), "north did not start: \((try? String(contentsOfFile: folder + "/north.log", encoding: .utf8)) ?? "")")
        let southConfig = try config("south", cameras: ["street-vending", "night-dumping"], port: southPort, url: url,
                                     folder: folder)
        let refused = try runCommand(streetwatchBinary, ["run", southConfig])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("camera 'street-vending' is already run by streetwatch group 'north' on "), "\(refused.output)")
        // The refused group recorded nothing: the camera is still listed under the group that runs it.
        let owner = try TestPostgres.shared().psql(url, "SELECT group_id FROM cameras WHERE id = 'street-vending'")
        #expect(owner.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "north", "\(owner.output)")
        #expect(try TestPostgres.shared().psql(url, "SELECT count(*) FROM camera_groups WHERE id = 'south'").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // North dies (SIGKILL: no goodbye to the database); its connection ends, and with it the claim.
        stopProcess(north)
        let south = try startRun(southConfig, log: folder + "/south.log")
        defer { stopProcess(south) }
        #expect(await healthy(port: southPort), "south did not take over: \((try? String(contentsOfFile: folder + "/south.log", encoding: .utf8)) ?? "")")
    }

    @Test func twoScanProcessesOfOneRecordingLeaveOneDraftPerIncident() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let group = try config("gate", cameras: ["night-dumping"], port: freePort(), url: url, folder: folder)
        let clip = packageRoot.appendingPathComponent("samples/night-dumping.mp4").path
        let arguments = ["scan", group, "--camera", "night-dumping", clip, "--start", "2026-11-21T03:10:00+08:00", "--json"]
        // Both processes write the same incidents at the same time.
        async let one = Task.detached { try runCommand(streetwatchBinary, arguments) }.value
        async let two = Task.detached { try runCommand(streetwatchBinary, arguments) }.value
        let results = try await [one, two]
        for result in results { #expect(result.status == 0, "\(result.output)") }
        let listed = try runCommand(streetwatchBinary, ["cases", "--db", url, "--json"])
        #expect(listed.status == 0, "\(listed.output)")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let numbers = cases.compactMap { $0["caseNumber"] as? String }.sorted()
        #expect(!numbers.isEmpty)
        #expect(numbers == (1...numbers.count).map { String(format: "SW-20261121-night-dumping-%04d", $0) })
        let incidents = cases.compactMap { $0["incidentKey"] as? String }
        #expect(Set(incidents).count == cases.count)
    }
}
