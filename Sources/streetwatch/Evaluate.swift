import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `streetwatch evaluate <group.yaml> --labels <labels.json>`: scans every labelled clip through the normal
/// camera worker into a fresh temporary store and scores the draft cases as `../shared/eval/README.md` defines.
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan labelled clips and report precision and recall of the draft cases.",
        discussion: """
            Each clip in the label file is scanned as the camera of the group whose url has the same file name, \
            with that camera's rules, into a temporary store that is removed afterwards. A case matches an event \
            when the kinds agree (abandoned-object = dumping, stationary-occupancy = vending), it was first seen \
            in [placed_at, end + 5 s] and its box overlaps the event box (IoU >= 0.1, or its centre inside the \
            event box grown 25 % on each side). Each event matches one case; further cases for it are duplicates \
            and count as false positives.
            """)

    @Argument(help: "The camera-group config (YAML) with one camera per clip.")
    var config: String

    @Option(help: "The label file (labels.json, format 1).")
    var labels: String

    @Option(help: "Folder holding the clips (default: the label file's folder).")
    var clips: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Stream time 0 of every clip: a fixed moment, so incident keys and schedules are the same on every run.
    static let origin = Date(timeIntervalSince1970: 1_790_000_000)

    func run() async throws {
        let group = try loadGroup(config)
        let labelFile: LabelFile
        do {
            labelFile = try LabelFile.load(path: labels)
        } catch {
            throw CommandFailure("\(error)")
        }
        let folder = clips ?? URL(fileURLWithPath: labels).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure("clips folder \(folder) does not exist")
        }
        // Check every clip has a camera and a file before scanning anything.
        var plan: [(clip: LabelledClip, camera: CameraConfig, path: String)] = []
        var problems: [String] = []
        for clip in labelFile.clips {
            let cameras = group.cameras.filter { URL(fileURLWithPath: $0.url).lastPathComponent == clip.file }
            let path = URL(fileURLWithPath: folder).appendingPathComponent(clip.file).path
            if cameras.count != 1 {
                problems.append("\(clip.file): \(cameras.isEmpty ? "no" : "\(cameras.count)") camera(s) in \(config) with a url ending in that file name")
            } else if !FileManager.default.fileExists(atPath: path) {
                problems.append("\(clip.file): not found in \(folder)")
            } else {
                plan.append((clip, cameras[0], path))
            }
        }
        guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "\n")) }

        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-evaluate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let store = try openStore(StoreConfig(databasePath: temporary.appendingPathComponent("cases.sqlite").path))
        var logger = Logger(label: "streetwatch.evaluate")
        logger.logLevel = .warning
        var scores: [ClipScore] = []
        for (clip, camera, path) in plan {
            let worker = CameraWorker(group: group, camera: camera, store: store, logger: logger)
            _ = try await scanRecording(path, worker: worker, origin: Self.origin, progressTotal: clip.duration,
                                        showProgress: !json)
            let width = Double(clip.frameSize[0]), height = Double(clip.frameSize[1])
            let cases = try await store.cases(CaseQuery(camera: camera.id)).map { draft in
                ScoredCase(id: draft.caseNumber ?? draft.incidentKey, rule: draft.facts.ruleID,
                           firstSeen: draft.firstSeenStream,
                           box: LabelBox(draft.box.x0 * width, draft.box.y0 * height, draft.box.x1 * width, draft.box.y1 * height))
            }
            scores.append(Matching.score(file: clip.file, cases: cases, events: clip.events))
        }
        let report = EvaluationReport(clips: scores)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: try encoder.encode(JSONReport(report)), as: UTF8.self))
        } else {
            print(Self.text(report))
        }
    }

    /// The human-readable report: a table, then every false positive and miss with why.
    static func text(_ report: EvaluationReport) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a" }
        var lines: [String] = []
        let header = ["clip", "cases", "events", "matched", "dup", "FP", "miss", "precision", "recall"]
        var rows: [[String]] = report.clips.map { c in
            [c.file, "\(c.cases)", "\(c.events)", "\(c.matched)", "\(c.duplicates)", "\(c.falsePositives.count)",
             "\(c.misses.count)", percent(c.precision), percent(c.recall)]
        }
        rows.append(["overall", "\(report.cases)", "\(report.events)", "\(report.matched)", "\(report.duplicates)",
                     "\(report.clips.reduce(0) { $0 + $1.falsePositives.count })", "\(report.clips.reduce(0) { $0 + $1.misses.count })",
                     percent(report.precision), percent(report.recall)])
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append(line(header))
        for row in rows { lines.append(line(row)) }
        // A handful of events says little: the interval shows how little.
        func interval(_ successes: Int, _ trials: Int) -> String {
            guard let range = wilsonInterval(successes: successes, trials: trials) else { return "" }
            return String(format: "; 95 %% interval %.1f–%.1f %%", range.lowerBound * 100, range.upperBound * 100)
        }
        lines.append(String(format: "precision %@ (%d of %d cases matched%@), recall %@ (%d of %d events found%@)",
                            percent(report.precision), report.matched, report.cases, interval(report.matched, report.cases),
                            percent(report.recall), report.matched, report.events, interval(report.matched, report.events)))
        for clip in report.clips {
            for fp in clip.falsePositives {
                lines.append(String(format: "FP   %@  case %@  %@ at %.1f s box %@: %@", clip.file, fp.case.id, fp.case.rule,
                                    fp.case.firstSeen, fp.case.box.description, fp.why))
            }
            for miss in clip.misses {
                lines.append(String(format: "MISS %@  event %@  %@ %.1f-%.1f s box %@: %@", clip.file, miss.event.id,
                                    miss.event.kind.rawValue, miss.event.placedAt, miss.event.end, miss.event.box.description, miss.why))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `evaluate --json`: the per-clip scores plus the derived numbers.
private struct JSONReport: Encodable {
    struct Clip: Encodable {
        var score: ClipScore
        var precision: Double?
        var recall: Double?
        var duplicates: Int
        var matched: Int
    }
    var clips: [Clip]
    var cases: Int
    var events: Int
    var matched: Int
    var duplicates: Int
    var precision: Double?
    var recall: Double?
    /// 95 % Wilson intervals, [low, high].
    var precisionInterval: [Double]?
    var recallInterval: [Double]?

    init(_ r: EvaluationReport) {
        clips = r.clips.map { Clip(score: $0, precision: $0.precision, recall: $0.recall, duplicates: $0.duplicates, matched: $0.matched) }
        cases = r.cases
        events = r.events
        matched = r.matched
        duplicates = r.duplicates
        precision = r.precision
        recall = r.recall
        precisionInterval = wilsonInterval(successes: r.matched, trials: r.cases).map { [$0.lowerBound, $0.upperBound] }
        recallInterval = wilsonInterval(successes: r.matched, trials: r.events).map { [$0.lowerBound, $0.upperBound] }
    }
}
