import Foundation
import Pipeline
import TestSupport
import Testing

/// `streetwatch evaluate` run as the built binary over the committed sample clips.
@Suite("evaluate command")
struct EvaluationCommandTests {
    @Test func samplesScoreEveryEventAndNoFalsePositive() throws {
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/samples.yaml", "--labels", "samples/labels.json",
                                                        "--json"], directory: packageRoot)
        #expect(result.status == 0, "\(result.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // Three events (two dumping, one vending), each found once; the traps-only clip raises nothing.
        #expect(report["events"] as? Int == 3)
        #expect(report["matched"] as? Int == 3)
        #expect(report["cases"] as? Int == 3, "\(result.stdout)")
        #expect(report["duplicates"] as? Int == 0)
        // Three of three is a small sample: the 95 % Wilson interval of the recall starts near 44 %.
        let recall = try #require(report["recallInterval"] as? [Double])
        #expect(recall.count == 2 && abs(recall[0] - 0.4385) < 0.001 && recall[1] == 1)
        let clips = try #require(report["clips"] as? [[String: Any]])
        let traps = try #require(clips.first { ($0["score"] as? [String: Any])?["file"] as? String == "street-traps.mp4" })
        #expect((traps["score"] as? [String: Any])?["cases"] as? Int == 0)
    }

    @Test func missingClipsFolderIsNamed() throws {
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/eval.yaml", "--labels", "samples/labels.json",
                                                        "--clips", "/nonexistent/eval"], directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.contains("clips folder /nonexistent/eval does not exist"), "\(result.output)")
    }

    /// A label file in a fresh folder, listing `file` (a link to the sample clip street-left-object.mp4) with its
    /// event, in `family` when given.
    private func labelFile(in folder: TempFolder, file: String, family: String?) throws -> String {
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + file,
                                                   withDestinationPath: repositoryRoot + "/samples/street-left-object.mp4")
        let sample = try LabelFile.load(path: repositoryRoot + "/samples/labels.json")
        var clip = try #require(sample.clips.first { $0.file == "street-left-object.mp4" })
        clip.file = file
        if let family { clip.family = family; clip.source = "street-left-object.mp4" }
        let encoder = JSONEncoder()
        return try folder.write("labels.json", String(decoding: try encoder.encode(LabelFile(clips: [clip])), as: UTF8.self))
    }

    @Test func clipsWithoutACameraAreScannedWithTheSharedRulesAndEachFamilyGetsATable() throws {
        let originals = try TempFolder(), variants = try TempFolder()
        defer { originals.remove(); variants.remove() }
        let original = try labelFile(in: originals, file: "left.mp4", family: nil)
        // The same picture under another name: whatever the rules find, both families must score alike.
        let variant = try labelFile(in: variants, file: "left.shake.mp4", family: "shake")
        // eval.yaml's cameras point at the shared clips and share one rule setting.
        let arguments = ["evaluate", "samples/groups/eval.yaml", "--labels", original, "--labels", variant]
        let text = try runCommand(streetwatchBinary, arguments, directory: packageRoot)
        #expect(text.status == 0, "\(text.output)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "2 clips without a camera of their own were scanned with the rules every camera shares",
                "\(text.stdout)")
        let header = try #require(lines.firstIndex { $0.hasPrefix("family ") }, "\(text.stdout)")
        #expect(lines[header].split(separator: " ") == ["family", "clips", "cases", "events", "matched", "FP", "miss",
                                                        "precision", "recall"])
        let rows = lines[(header + 1)...].prefix(2).map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map(\.first) == ["original", "shake"])
        #expect(rows.allSatisfy { $0.count >= 4 && $0[1] == "1" && $0[3] == "1" }, "one clip and one event per family: \(rows)")
        #expect(rows[0].dropFirst() == rows[1].dropFirst(), "the same picture scores alike: \(rows)")
        #expect(lines[header + 3].hasPrefix("overall: precision "), "\(text.stdout)")

        let json = try runCommand(streetwatchBinary, arguments + ["--json"], directory: packageRoot)
        #expect(json.status == 0, "\(json.output)")
        #expect(json.stderr.contains("2 clips without a camera of their own were scanned with the rules every camera shares"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["clipsWithSharedRules"] as? Int == 2)
        let clips = try #require(report["clips"] as? [[String: Any]])
        #expect(clips.map { $0["family"] as? String } == ["original", "shake"])
        let families = try #require(report["families"] as? [[String: Any]])
        #expect(families.map { $0["family"] as? String } == ["original", "shake"])
        #expect(families.map { $0["events"] as? Int } == [1, 1] && families.map { $0["clips"] as? Int } == [1, 1])
    }

    @Test func clipWithoutACameraIsAnErrorWhenCamerasDifferInRules() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let labels = try labelFile(in: folder, file: "left.mp4", family: nil)
        // Two cameras, one of them without the vending rule: no camera's rules stand for all.
        let config = try folder.write("group.yaml", """
            group: {id: differ}
            store: {database: cases.sqlite}
            cameras:
              - id: a
                url: a.mp4
                location: {address: A, lon: 0, lat: 0, grid_code: 000000000000000}
                rules:
                  - {type: abandoned-object, category: 06010}
                  - {type: stationary-occupancy, category: 09006}
              - id: b
                url: b.mp4
                location: {address: B, lon: 0, lat: 0, grid_code: 000000000000000}
                rules:
                  - {type: abandoned-object, category: 06010}

            """)
        let result = try runCommand(streetwatchBinary, ["evaluate", config, "--labels", labels], directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.contains("left.mp4: no camera(s) in \(config) with a url ending in that file name"), "\(result.output)")
        #expect(result.stderr.contains("differ in rules or analysis settings"), "\(result.output)")
    }

    @Test func sameFileInTwoLabelFilesIsNamed() throws {
        let first = try TempFolder(), second = try TempFolder()
        defer { first.remove(); second.remove() }
        let a = try labelFile(in: first, file: "left.mp4", family: nil)
        let b = try labelFile(in: second, file: "left.mp4", family: "rain")
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/eval.yaml", "--labels", a, "--labels", b],
                                    directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.contains("left.mp4: listed in both \(a) and \(b); file names must differ"), "\(result.output)")
    }
}
