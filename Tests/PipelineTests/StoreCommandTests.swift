import Foundation
import TestSupport
import Testing
@testable import Pipeline

/// `streetwatch cases` and `streetwatch export` as a user runs them: the built binary on a real store.
@Suite("cases and export commands", .serialized)
struct StoreCommandTests {
    static let binary = streetwatchBinary

    /// A store with one confirmed and one draft case; returns the database path.
    func makeStore(in folder: String) async throws -> String {
        let path = folder + "/cases.sqlite"
        let store = try SQLiteCaseStore(path: path)
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let a = t.ingest(CaseFixture.finding(.start, track: 1, first: 10, last: 70), context: CaseFixture.context(),
                         clock: CaseFixture.origin)[0]
        let b = t.ingest(CaseFixture.finding(.start, track: 2, box: (0, 0, 0.1, 0.1), first: 20, last: 80),
                         context: CaseFixture.context(), clock: CaseFixture.origin)[0]
        let confirmed = try await store.apply(a)
        try await store.apply(b)
        try await store.attachEvidence([1, 2, 3], fileExtension: "jpg", role: .after, toIncident: a.draft.incidentKey)
        try await store.decide(caseNumber: try #require(confirmed.caseNumber), status: .confirmed,
                               decision: CaseDecision(reviewer: "r1", decidedAt: Date(timeIntervalSince1970: 1_795_400_000)))
        return path
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "streetwatch binary not built"))
    func casesListsATableAndJSON() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let db = try await makeStore(in: folder)

        let table = try run(["cases", "--db", db])
        #expect(table.status == 0)
        #expect(table.output.contains("SW-20261122-gs-east-03-0001  confirmed*"))
        #expect(table.output.contains("06010 暴露垃圾"))
        #expect(table.output.contains("2 case(s)"))

        let json = try run(["cases", "--db", db, "--status", "draft", "--json"])
        #expect(json.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["gridCode"] as? String == "320102001001001")

        let missing = try run(["cases", "--db", folder + "/nope.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("Error: no case database at \(folder)/nope.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/nope.sqlite"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "streetwatch binary not built"))
    func exportWritesConfirmedCasesAsJSONLines() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let db = try await makeStore(in: folder)

        let result = try run(["export", "--db", db, "--since", "2026-11-01T00:00:00Z"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["eventSrc", "recType", "mainType", "subType", "address", "coordinateX", "coordinateY", "cellId", "medias"] {
            #expect(json[key] != nil, "\(key)")
        }
        // Nothing confirmed after the decision time.
        let none = try run(["export", "--db", db, "--since", "1795400001"])
        #expect(none.status == 0 && none.output.isEmpty)

        let bad = try run(["export", "--db", db, "--since", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("'yesterday' is not a time"))
    }

    /// Runs the binary.
    func run(_ arguments: [String]) throws -> CommandResult {
        try runCommand(Self.binary, arguments)
    }
}
