import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Pipeline
import TestSupport
import Testing

/// `streetwatch evaluate --sweep` run as the built binary over the committed sample clips.
@Suite("evaluate --sweep")
struct EvaluationSweepTests {
    /// samples.yaml runs abandoned-object with `unattended_seconds: 10`. Waiting longer than a clip has left after
    /// the drop loses its bag: street-left-object's (set down at 8 s, owner gone by 13 s, 30 s clip) at 30 s,
    /// night-dumping's too (14 s, 60 s clip) at 50 s. The vending event does not depend on it.
    @Test func sweepOverTheSamplesLosesOneBagPerStep() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let svg = folder.path + "/sweep.svg"
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/samples.yaml", "--labels", "samples/labels.json",
                                                        "--sweep", "abandoned-object.unattended_seconds=10:50:20", "--svg", svg,
                                                        "--json"], directory: packageRoot)
        #expect(result.status == 0, "\(result.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["rule"] as? String == "abandoned-object" && report["option"] as? String == "unattended_seconds")
        #expect(report["configuredValue"] as? Double == 10)
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.map { $0["value"] as? Double } == [10, 30, 50])
        #expect(rows.map { $0["events"] as? Int } == [3, 3, 3])
        #expect(rows.map { $0["matched"] as? Int } == [3, 2, 1], "\(result.stdout)")
        #expect(rows.map { $0["cases"] as? Int } == [3, 2, 1])
        #expect(rows.map { $0["misses"] as? Int } == [0, 1, 2])
        #expect(rows.map { $0["falsePositives"] as? Int } == [0, 0, 0])
        let recall = rows.compactMap { $0["recall"] as? Double }
        #expect(recall.count == 3 && abs(recall[1] - 2.0 / 3) < 1e-9 && abs(recall[2] - 1.0 / 3) < 1e-9 && recall[0] == 1)
        #expect(rows.map { $0["configured"] as? Bool } == [true, false, false])
        #expect(rows.map { $0["meetsTarget"] as? Bool } == [true, false, false])
        // One of three found: the Wilson interval is wide, 6.1–79.2 %.
        let interval = try #require(rows[2]["recallInterval"] as? [Double])
        #expect(abs(interval[0] - 0.0615) < 0.001 && abs(interval[1] - 0.7923) < 0.001, "\(interval)")

        let chart = try SVGOutline(path: svg)
        #expect(chart.root == "svg")
        #expect(chart.texts.contains("abandoned-object.unattended_seconds"))
        #expect(chart.texts.contains("configured"))
        #expect(["10", "30", "50", "0 %", "100 %"].allSatisfy(chart.texts.contains), "\(chart.texts)")
        // Precision (100 % throughout) and recall (100, 67, 33 %), three points each.
        #expect(chart.polylines.count == 2)
        #expect(chart.polylines.map { $0.count } == [3, 3])
        #expect(chart.polylines.count == 2 && Set(chart.polylines[0].map(\.y)).count == 1, "precision is flat")
        #expect(chart.polylines.count == 2 && chart.polylines[1].map(\.y) == chart.polylines[1].map(\.y).sorted(), "recall falls")
    }

    /// The text table on one clip: the configured value finds the bag, thirty seconds' wait misses it.
    @Test func textTableMarksTheConfiguredValueAndTheTarget() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/street-left-object.mp4",
                                                   withDestinationPath: repositoryRoot + "/samples/street-left-object.mp4")
        let sample = try LabelFile.load(path: repositoryRoot + "/samples/labels.json")
        let clips = sample.clips.filter { $0.file == "street-left-object.mp4" }
        let labels = try folder.write("labels.json", String(decoding: try JSONEncoder().encode(LabelFile(clips: clips)), as: UTF8.self))
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/samples.yaml", "--labels", labels,
                                                        "--sweep", "abandoned-object.unattended_seconds=10:30:20"],
                                    directory: packageRoot)
        #expect(result.status == 0, "\(result.output)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "sweep abandoned-object.unattended_seconds over 1 clip")
        let header = try #require(lines.firstIndex { $0.hasPrefix("unattended_seconds ") }, "\(result.stdout)")
        #expect(lines[header].split(separator: " ") == ["unattended_seconds", "cases", "events", "matched", "FP", "miss",
                                                        "precision", "95", "%", "interval", "recall", "95", "%", "interval"])
        let words = lines[(header + 1)...].prefix(2).map { $0.split(separator: " ").map(String.init) }
        #expect(words.first == ["10", "1", "1", "1", "0", "0", "100.0", "%", "20.7–100.0", "%", "100.0", "%", "20.7–100.0", "%",
                                "configured,", "target"], "\(result.stdout)")
        #expect(words.last == ["30", "0", "1", "0", "0", "1", "n/a", "0.0", "%", "0.0–79.3", "%"], "\(result.stdout)")
        #expect(lines.contains("configured: 10 (every abandoned-object rule runs with it now)"))
        #expect(lines.contains("target: 10 reaches precision >= 95 % and recall >= 90 %"), "\(result.stdout)")
    }

    /// Mistakes are reported before anything is scanned, naming the flag.
    @Test(arguments: [
        ("abandoned-objekt.unattended_seconds=10:30:10",
         "Error: --sweep: no camera has a rule of type 'abandoned-objekt' (did you mean 'abandoned-object'?); "
            + "types present: abandoned-object, stationary-occupancy"),
        ("zone-activity.min_area=0.1:0.2:0.1",
         "Error: --sweep: no camera has a rule of type 'zone-activity'; types present: abandoned-object, stationary-occupancy"),
        ("abandoned-object.unattended_secs=10:30:10",
         "Error: --sweep: abandoned-object.unattended_secs: unknown key (did you mean 'unattended_seconds'?)"),
        ("abandoned-object.min_static_seconds=0:20:10",
         "Error: --sweep: abandoned-object.min_static_seconds: value 0 out of range [1 - 3600]"),
        ("abandoned-object.zone=1:2:1", "Error: --sweep: abandoned-object.zone: 'zone' is not a number option"),
        ("abandoned-object.unattended_seconds=30:10:10", "Error: --sweep: FROM 30 is greater than TO 10"),
        ("abandoned-object.unattended_seconds=10:30:0", "Error: --sweep: STEP must be greater than 0, got 0"),
        ("abandoned-object.unattended_seconds=10:30:-5", "Error: --sweep: STEP must be greater than 0, got -5"),
        ("abandoned-object.unattended_seconds=0:100:2",
         "Error: --sweep: 0:100:2 gives 51 values; at most 50 (use a larger STEP or a shorter range)"),
        ("abandoned-object.unattended_seconds=ten:30:10", "Error: --sweep: FROM 'ten' is not a number"),
        ("unattended_seconds=10:30:10",
         "Error: --sweep: expected RULE.OPTION=FROM:TO:STEP, e.g. abandoned-object.min_static_seconds=5:30:5; "
            + "got 'unattended_seconds=10:30:10'"),
    ])
    func mistakesAreNamed(sweep: String, message: String) throws {
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/samples.yaml", "--labels", "samples/labels.json",
                                                        "--sweep", sweep], directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").first.map(String.init) == message, "\(result.output)")
        #expect(result.stdout.isEmpty && !result.stderr.contains(".mp4"), "nothing scanned: \(result.output)")
    }

    @Test func svgWithoutSweepIsRefused() throws {
        let result = try runCommand(streetwatchBinary, ["evaluate", "samples/groups/samples.yaml", "--labels", "samples/labels.json",
                                                        "--svg", "/tmp/never.svg"], directory: packageRoot)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: --svg draws a sweep's curves: give --sweep too\n"), "\(result.output)")
    }
}

/// What a test needs of an SVG file: parsed as XML (so it is well-formed), its root, its text and its polylines.
struct SVGOutline {
    var root: String?
    var texts: [String] = []
    var polylines: [[(x: Double, y: Double)]] = []

    init(path: String) throws {
        let delegate = Collector()
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = delegate
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        root = delegate.root
        texts = delegate.texts
        polylines = delegate.polylines
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var texts: [String] = []
        var polylines: [[(x: Double, y: Double)]] = []
        private var text: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = name }
            if name == "text" { text = "" }
            if name == "polyline" {
                polylines.append((attributes["points"] ?? "").split(separator: " ").compactMap { pair in
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    return xy.count == 2 ? (xy[0], xy[1]) : nil
                })
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text", let text { texts.append(text) }
            if name == "text" { text = nil }
        }
    }
}
