import Foundation
import TestSupport
import Testing

/// Times and case numbers in the group's `utc_offset`, not the process's zone: the built binary under `TZ=UTC`
/// scans the demo clip as a `+08:00` group from 00:30 local time, and `cases` shows that local date.
@Suite("group time in commands")
struct GroupTimeCommandTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func aCaseSeenAtHalfPastMidnightInAPlus8GroupKeepsItsLocalDate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-tz-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let db = folder + "/cases.sqlite"
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        let scan = try runCommand(streetwatchBinary, ["scan", "samples/groups/demo.yaml", "--camera", "demo-street",
                                                      "samples/street-left-object.mp4", "--start", "2026-11-21T00:30:00+08:00",
                                                      "--db", db, "--json"],
                                  environment: environment, directory: packageRoot)
        #expect(scan.status == 0, "\(scan.output)")
        #expect(scan.stdout.contains("\"start\" : \"2026-11-21T00:30:00+08:00\""), "\(scan.stdout)")
        // 16:30 UTC on 20 November is 00:30 on 21 November in the group.
        let table = try runCommand(streetwatchBinary, ["cases", "--db", db], environment: environment)
        #expect(table.status == 0, "\(table.output)")
        #expect(table.stdout.contains("SW-20261121-demo-street-0001"), "\(table.stdout)")
        #expect(table.stdout.contains("FIRST SEEN (+08:00)"))
        #expect(table.stdout.range(of: #"2026-11-21 00:30:\d\d"#, options: .regularExpression) != nil, "\(table.stdout)")
        let json = try runCommand(streetwatchBinary, ["cases", "--db", db, "--json"], environment: environment)
        #expect(json.stdout.range(of: #""firstSeen" : "2026-11-21T00:30:\d\d\+08:00""#, options: .regularExpression) != nil,
                "\(json.stdout)")
        // A bare date is midnight in the group, so the case is on the 21st and not after it.
        let since = try runCommand(streetwatchBinary, ["cases", "--db", db, "--since", "2026-11-21"], environment: environment)
        #expect(since.stdout.contains("SW-20261121-demo-street-0001"))
        let after = try runCommand(streetwatchBinary, ["cases", "--db", db, "--since", "2026-11-22"], environment: environment)
        #expect(after.stdout.contains("no cases"))
    }
}
