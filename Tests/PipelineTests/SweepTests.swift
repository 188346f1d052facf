import Detector
import Foundation
import Pipeline
import Testing

/// `Sweep`: parsing, the values, setting them on a group, the configured value and the chart.
@Suite("sweep")
struct SweepTests {
    @Test func valuesAreFromPlusStepsRoundedToTheStepsDecimals() throws {
        #expect(try Sweep(parsing: "abandoned-object.min_static_seconds=5:30:5").values == [5, 10, 15, 20, 25, 30])
        #expect(try Sweep(parsing: "abandoned-object.min_static_seconds=5:29:5").values == [5, 10, 15, 20, 25])
        #expect(try Sweep(parsing: "abandoned-object.min_static_seconds=7:7:1").values == [7])
        // Summed naively: 0.30000000000000004, and (0.3 - 0.1) / 0.1 = 1.9999999999999998 loses the last value.
        #expect(try Sweep(parsing: "abandoned-object.unattended_radius=0.1:0.3:0.1").values == [0.1, 0.2, 0.3])
        let radius = try Sweep(parsing: "abandoned-object.unattended_radius=0.05:0.2:0.05")
        #expect(radius.values == [0.05, 0.1, 0.15, 0.2])
        #expect(radius.values.map(radius.format) == ["0.05", "0.10", "0.15", "0.20"])
        #expect(try Sweep(parsing: "a.b=1:50:1").values.count == 50)
        #expect(throws: SweepError("1:51:1 gives 51 values; at most 50 (use a larger STEP or a shorter range)")) {
            try Sweep(parsing: "a.b=1:51:1")
        }
        #expect(throws: SweepError("TO 'inf' is not a number")) { try Sweep(parsing: "a.b=1:inf:1") }
    }

    @Test func settingAValueChangesOnlyThatRuleOnEveryCamera() throws {
        let group = try GroupConfig.load(file: repositoryRoot + "/samples/groups/samples.yaml", environment: [:])
        let sweep = try Sweep(parsing: "abandoned-object.unattended_seconds=5:15:5")
        try sweep.check(against: group)
        let swept = try sweep.setting(15, on: group)
        for (before, after) in zip(group.cameras, swept.cameras) {
            let options = try #require(after.rules.first { $0.type == "abandoned-object" }?.spec.options as? AbandonedObjectOptions)
            #expect(options.unattendedSeconds == 15 && options.minStaticSeconds == 10)
            #expect(after.rules.filter { $0.type == "stationary-occupancy" } == before.rules.filter { $0.type == "stationary-occupancy" })
        }
        #expect(sweep.configuredValue(in: group) == 10)
        #expect(sweep.configuredValue(in: swept) == 15)
        #expect(try Sweep(parsing: "abandoned-object.unattended_seconds=11:20:1").configuredValue(in: group) == nil)
        // Not written in samples.yaml: the default 0.08 is what runs.
        #expect(try Sweep(parsing: "abandoned-object.unattended_radius=0.04:0.12:0.04").configuredValue(in: group) == 0.08)
    }

    @Test func chartIsWellFormedWithEscapedTextAndSkipsValuesWithoutCases() throws {
        let sweep = try Sweep(parsing: "a<b.c&d=1:3:1")
        let events = [LabelledEvent(id: "a", kind: .dumping, placedAt: 0, end: 10, box: LabelBox(0, 0, 10, 10)),
                      LabelledEvent(id: "b", kind: .dumping, placedAt: 0, end: 10, box: LabelBox(50, 50, 60, 60))]
        func report(_ boxes: [LabelBox]) -> EvaluationReport {
            let cases = boxes.enumerated().map { ScoredCase(id: "\($0)", rule: "abandoned-object", firstSeen: 1, box: $1) }
            return EvaluationReport(clips: [Matching.score(file: "x.mp4", cases: cases, events: events)])
        }
        let rows = [SweepRow(value: 1, report: report([events[0].box, events[1].box])),
                    SweepRow(value: 2, report: report([])),
                    SweepRow(value: 3, report: report([events[0].box, LabelBox(200, 200, 210, 210)]))]
        #expect(rows.map(\.report.matched) == [2, 0, 1])
        let folder = try TempFolder()
        defer { folder.remove() }
        let chart = try SVGOutline(path: folder.write("chart.svg", sweep.svg(rows: rows, configured: nil)))
        #expect(chart.texts.first == "a<b.c&d")
        #expect(!chart.texts.contains("configured"))
        #expect(chart.polylines.map(\.count) == [2, 3], "no precision without cases at 2")
    }
}
