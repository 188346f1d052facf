import Foundation
import Pipeline
import ReviewFixtures
import TestSupport
import Testing

/// `streetwatch user`, `review` and `report`, run as the built binary on a seeded store.
@Suite("review commands")
struct ReviewCommandTests {
    /// Runs the binary with `input` on standard input.
    func run(_ arguments: [String], input: String) throws -> (status: Int32, stdout: String, stderr: String, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: streetwatchBinary)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err, out + err)
    }

    @Test func usersReviewsAndTheReportFromTheCommandLine() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, numbers) = try await ReviewSeed.store(in: folder)
        let db = folder + "/cases.sqlite"

        let added = try run(["user", "add", "wang", "--role", "reviewer", "--db", db], input: "a long enough password\n")
        #expect(added.status == 0 && added.stdout == "added reviewer wang\n", "\(added.output)")
        let store = try SQLiteCaseStore(path: db)
        #expect(try await store.verifyPassword(name: "wang", password: "a long enough password")?.role == .reviewer)
        let changed = try run(["user", "passwd", "wang", "--role", "admin", "--db", db], input: "another long password\n")
        #expect(changed.status == 0, "\(changed.output)")
        #expect(try await store.verifyPassword(name: "wang", password: "another long password")?.role == .admin)
        let weak = try run(["user", "add", "li", "--db", db], input: "short\n")
        #expect(weak.status != 0 && weak.stderr.contains("password refused: shorter than 8 characters"))

        for number in numbers.dropLast(2) {
            let r = try runCommand(streetwatchBinary, ["review", number, "confirm", "--reviewer", "wang", "--db", db])
            #expect(r.status == 0 && r.stdout == "\(number): draft → confirmed by wang\n", "\(r.output)")
        }
        let reject = try runCommand(streetwatchBinary, ["review", numbers[18], "reject", "--reason", "重复", "--reviewer", "wang", "--db", db])
        #expect(reject.status == 0, "\(reject.output)")
        let other = try runCommand(streetwatchBinary, ["review", numbers[19], "reject", "--reason", "other", "--reviewer", "wang", "--db", db])
        #expect(other.status != 0 && other.stderr.contains("reason 'other' (其他) needs free text"))
        let noted = try runCommand(streetwatchBinary, ["review", numbers[19], "reject", "--reason", "other", "--note", "施工",
                                                       "--reviewer", "wang", "--db", db])
        #expect(noted.status == 0, "\(noted.output)")
        let again = try runCommand(streetwatchBinary, ["review", numbers[19], "confirm", "--reviewer", "wang", "--db", db])
        #expect(again.status != 0 && again.stderr.contains("already rejected; undo that first"))

        let args = ["report", "--year", "2026", "--time-zone", "Asia/Shanghai", "--db", db]
        let md = try runCommand(streetwatchBinary, args)
        #expect(md.status == 0 && md.stdout.contains("| 准确率 | 90.0 % |") && md.stdout.contains("| 69.9 %–97.2 % |"), "\(md.output)")
        let csv = try runCommand(streetwatchBinary, args + ["--format", "csv"])
        #expect(csv.stdout.contains("year,2026,20,18,2,0,90.0,69.9,97.2,"))
        let json = try runCommand(streetwatchBinary, args + ["--format", "json"])
        #expect(json.stdout.contains("\"准确率\" : \"90.0 %\""))
        let html = try runCommand(streetwatchBinary, args + ["--format", "html"])
        #expect(html.stdout.contains("<td>准确率</td><td>90.0 %</td>") && html.stdout.contains("<svg"))
        #expect(try await store.auditLog().count == 20)
    }
}
