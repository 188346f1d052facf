import Foundation
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

    @Test func clipWithoutACameraIsNamedBeforeAnyScan() throws {
        // eval.yaml's cameras point at the shared clips, not at the samples.
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/eval.yaml", "--labels", "samples/labels.json"],
                                    directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.contains("street-vending.mp4: no camera(s) in samples/groups/eval.yaml with a url ending in that file name"),
                "\(result.output)")
    }
}
