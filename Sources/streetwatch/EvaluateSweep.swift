import ArgumentParser
import Foundation
import Pipeline

extension Evaluate {
    /// Scores the plan once per sweep value and prints one row per value (text or JSON); writes the SVG chart
    /// when `--svg` asks for it.
    func runSweep(_ sweep: Sweep, group: GroupConfig, plan: [PlannedClip], clipsWithSharedRules: Int) async throws {
        var rows: [SweepRow] = []
        for (i, value) in sweep.values.enumerated() {
            if !json {
                FileHandle.standardError.write(Data("\(sweep.name) = \(sweep.format(value)) (\(i + 1) of \(sweep.values.count))\n".utf8))
            }
            // `check(against:)` set every value on every camera already; the clip cameras are copies of one.
            let swept: GroupConfig, sweptPlan: [PlannedClip]
            do {
                swept = try sweep.setting(value, on: group)
                sweptPlan = try plan.map { planned throws(SweepError) in
                    var planned = planned
                    planned.camera = try planned.camera.map { camera throws(SweepError) in try sweep.setting(value, on: camera) }
                    return planned
                }
            } catch {
                throw CommandFailure("--sweep: \(error)")
            }
            rows.append(SweepRow(value: value, report: try await score(sweptPlan, group: swept)))
        }
        let configured = sweep.configuredValue(in: group)
        if let svg {
            do {
                try sweep.svg(rows: rows, configured: configured).write(toFile: svg, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot write --svg \(svg): \(error)")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            let report = JSONSweep(sweep, rows: rows, configured: configured, clipsWithSharedRules: clipsWithSharedRules)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(sweep, rows: rows, configured: configured, clips: plan.count))
        }
    }

    /// The sweep as a table, one row per value with 95 % Wilson intervals, the configured value and the values
    /// that reach the target marked.
    static func text(_ sweep: Sweep, rows: [SweepRow], configured: Double?, clips: Int) -> String {
        func interval(_ successes: Int, _ trials: Int) -> String {
            guard let range = wilsonInterval(successes: successes, trials: trials) else { return "" }
            return String(format: "%.1f–%.1f %%", range.lowerBound * 100, range.upperBound * 100)
        }
        let target = String(format: "precision >= %.0f %% and recall >= %.0f %%", Sweep.targetPrecision * 100,
                            Sweep.targetRecall * 100)
        var lines = ["sweep \(sweep.name) over \(clips) clip\(clips == 1 ? "" : "s")", ""]
        let cells = rows.map { row in
            let r = row.report
            return [sweep.format(row.value), "\(r.cases)", "\(r.events)", "\(r.matched)", "\(r.falsePositives)", "\(r.misses)",
                    percent(r.precision), interval(r.matched, r.cases), percent(r.recall), interval(r.matched, r.events)]
        }
        let table = Self.table([sweep.option, "cases", "events", "matched", "FP", "miss", "precision", "95 % interval",
                                "recall", "95 % interval"], cells)
        lines.append(table[0])
        for (row, line) in zip(rows, table.dropFirst()) {
            let notes = [row.value == configured ? "configured" : nil, row.meetsTarget ? "target" : nil].compactMap { $0 }
            lines.append(notes.isEmpty ? line : line + "  " + notes.joined(separator: ", "))
        }
        lines.append("")
        lines.append(configured.map { "configured: \(sweep.format($0)) (every \(sweep.rule) rule runs with it now)" }
            ?? "configured: not among these values (or the cameras' \(sweep.rule) rules differ in it)")
        let reaching = rows.filter(\.meetsTarget).map { sweep.format($0.value) }
        lines.append(reaching.isEmpty ? "target: no value reaches \(target)"
            : "target: \(reaching.joined(separator: ", ")) reach\(reaching.count == 1 ? "es" : "") \(target)")
        return lines.joined(separator: "\n")
    }
}

/// `evaluate --sweep … --json`: the sweep, and the rows of the text table.
private struct JSONSweep: Encodable {
    struct Row: Encodable {
        var value: Double
        /// The value the config runs with now.
        var configured: Bool
        /// Precision and recall both reach the target.
        var meetsTarget: Bool
        var cases: Int
        var events: Int
        var matched: Int
        var duplicates: Int
        /// Duplicates included.
        var falsePositives: Int
        var misses: Int
        var precision: Double?
        var recall: Double?
        /// 95 % Wilson intervals, [low, high].
        var precisionInterval: [Double]?
        var recallInterval: [Double]?
    }
    var rule: String
    var option: String
    var configuredValue: Double?
    var targetPrecision = Sweep.targetPrecision
    var targetRecall = Sweep.targetRecall
    /// Clips no camera of the group names, scanned with the rules every camera shares.
    var clipsWithSharedRules: Int
    var rows: [Row]

    init(_ sweep: Sweep, rows: [SweepRow], configured: Double?, clipsWithSharedRules: Int) {
        rule = sweep.rule
        option = sweep.option
        configuredValue = configured
        self.clipsWithSharedRules = clipsWithSharedRules
        self.rows = rows.map { row in
            let r = row.report
            return Row(value: row.value, configured: row.value == configured, meetsTarget: row.meetsTarget, cases: r.cases,
                       events: r.events, matched: r.matched, duplicates: r.duplicates, falsePositives: r.falsePositives,
                       misses: r.misses, precision: r.precision, recall: r.recall,
                       precisionInterval: wilsonInterval(successes: r.matched, trials: r.cases).map { [$0.lowerBound, $0.upperBound] },
                       recallInterval: wilsonInterval(successes: r.matched, trials: r.events).map { [$0.lowerBound, $0.upperBound] })
        }
    }
}
