import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `streetwatch evaluate <group.yaml> --labels <labels.json> [--labels <more.json> …]`: scans every labelled clip through the normal
/// camera worker into a fresh temporary store and scores the draft cases as `../shared/eval/README.md` defines.
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan labelled clips and report precision and recall of the draft cases.",
        discussion: """
            Each clip in the label files is scanned as the camera of the group whose url has the same file name, \
            with that camera's rules, into a temporary store that is removed afterwards. A clip no camera names \
            (e.g. a variant from scripts/make-variants.py) is scanned with the rules every camera shares, when \
            they all have the same; when they differ, that is an error. A label file's clips are read from its own \
            folder (--clips overrides that for the first file only). Clips are grouped by their label's `family` \
            (`original` when absent) in a table of their own. A case matches an event \
            when the kinds agree (abandoned-object = dumping, stationary-occupancy = vending), it was first seen \
            in [placed_at, end + 5 s] and its box overlaps the event box (IoU >= 0.1, or its centre inside the \
            event box grown 25 % on each side). Each event matches one case; further cases for it are duplicates \
            and count as false positives.

            --sweep RULE.OPTION=FROM:TO:STEP is a backtest of one setting: the option is set to each value from \
            FROM to TO every STEP (at most 50 values) on every camera's rules of that type, all clips are scanned \
            again for each, and the report is one row per value, marking the value configured now and the values \
            that reach precision >= 95 % and recall >= 90 %. One --sweep per run. --svg PATH also draws the \
            precision and recall curves.
            """)

    @Argument(help: "The camera-group config (YAML) with one camera per clip.")
    var config: String

    @Option(help: ArgumentHelp("A label file (labels.json, format 1); give it again for more (originals and variants).",
                               valueName: "labels.json"))
    var labels: [String]

    @Option(help: "Folder holding the first label file's clips (default: its folder; later label files: always theirs).")
    var clips: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Score each value of one rule option in turn, e.g. abandoned-object.min_static_seconds=5:30:5 "
                                   + "(FROM:TO:STEP, at most 50 values; one --sweep per run).",
                               valueName: "rule.option=from:to:step"))
    var sweep: String?

    @Option(help: ArgumentHelp("With --sweep: also write the precision and recall curves as an SVG file.", valueName: "path"))
    var svg: String?

    /// Stream time 0 of every clip: a fixed moment, so incident keys and schedules are the same on every run.
    static let origin = Date(timeIntervalSince1970: 1_790_000_000)

    func validate() throws {
        if labels.isEmpty { throw ValidationError("Missing expected argument '--labels <labels.json>'") }
        _ = try parsedSweep()
        if svg != nil && sweep == nil { throw ValidationError("--svg draws a sweep's curves: give --sweep too") }
    }

    /// `--sweep` parsed, or `nil` without one.
    /// - Throws: `ValidationError` naming the flag when the text is not a usable range.
    func parsedSweep() throws -> Sweep? {
        do {
            return try sweep.map { text throws(SweepError) in try Sweep(parsing: text) }
        } catch {
            throw ValidationError("--sweep: \(error)")
        }
    }

    /// One clip to scan: where the file is and which camera it is scanned as (`nil` until one is found).
    struct PlannedClip {
        var clip: LabelledClip
        var path: String
        var camera: CameraConfig?
    }

    func run() async throws {
        let group = try loadGroup(config)
        let sweep = try parsedSweep()
        if let sweep {
            do {
                try sweep.check(against: group)
            } catch {
                throw CommandFailure("--sweep: \(error)")
            }
        }
        let (plan, withoutCamera) = try makePlan(group)
        let borrowed = withoutCamera == 0 ? nil
            : "\(withoutCamera) clip\(withoutCamera == 1 ? "" : "s") without a camera of their own "
                + "\(withoutCamera == 1 ? "was" : "were") scanned with the rules every camera shares"
        if let borrowed {
            if json { FileHandle.standardError.write(Data((borrowed + "\n").utf8)) } else { print(borrowed) }
        }
        if let sweep {
            try await runSweep(sweep, group: group, plan: plan, clipsWithSharedRules: withoutCamera)
            return
        }
        let report = try await score(plan, group: group)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: try encoder.encode(JSONReport(report, clipsWithSharedRules: withoutCamera)), as: UTF8.self))
        } else {
            print(Self.text(report))
        }
    }

    /// Every labelled clip with its file and the camera it is scanned as, and how many clips borrowed the
    /// cameras' shared rules for want of a camera of their own.
    /// - Throws: `CommandFailure` listing every clip without a file or a camera, before anything is scanned.
    private func makePlan(_ group: GroupConfig) throws -> (plan: [PlannedClip], withoutCamera: Int) {
        // Check every clip has a camera and a file before scanning anything.
        var plan: [PlannedClip] = []
        var problems: [String] = []
        var labelFileOfClip: [String: String] = [:]
        for (index, labelPath) in labels.enumerated() {
            let labelFile: LabelFile
            do {
                labelFile = try LabelFile.load(path: labelPath)
            } catch {
                throw CommandFailure("\(error)")
            }
            let labelFolder = URL(fileURLWithPath: labelPath).deletingLastPathComponent().path
            let folder = index == 0 ? clips ?? labelFolder : labelFolder
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandFailure("clips folder \(folder) does not exist")
            }
            for clip in labelFile.clips {
                // Scores are kept per camera, and a camera per file name: the same name twice would mix two clips' cases.
                if let earlier = labelFileOfClip.updateValue(labelPath, forKey: clip.file) {
                    problems.append("\(clip.file): listed in both \(earlier) and \(labelPath); file names must differ")
                    continue
                }
                let cameras = group.cameras(forClipFile: clip.file)
                let path = URL(fileURLWithPath: folder).appendingPathComponent(clip.file).path
                if cameras.count > 1 {
                    problems.append("\(clip.file): \(cameras.count) camera(s) in \(config) with a url ending in that file name")
                } else if !FileManager.default.fileExists(atPath: path) {
                    problems.append("\(clip.file): not found in \(folder)")
                } else {
                    plan.append(PlannedClip(clip: clip, path: path, camera: cameras.first))
                }
            }
        }
        let withoutCamera = plan.indices.filter { plan[$0].camera == nil }
        if !withoutCamera.isEmpty {
            if let template = group.sharedRulesCamera {
                var taken = Set(group.cameras.map(\.id))
                for i in withoutCamera {
                    let camera = GroupConfig.clipCamera(for: plan[i].clip.file, like: template, avoiding: taken)
                    taken.insert(camera.id)
                    plan[i].camera = camera
                }
            } else {
                problems += withoutCamera.map { "\(plan[$0].clip.file): no camera(s) in \(config) with a url ending in that file name" }
                problems.append("(the cameras of \(config) differ in rules or analysis settings, so no camera's rules stand for all)")
            }
        }
        guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "\n")) }
        return (plan, withoutCamera.count)
    }

    /// Scans every planned clip as its camera with `group`'s settings into a fresh temporary store (removed
    /// afterwards) and scores the draft cases: the whole of a plain run, and one value of a sweep.
    func score(_ plan: [PlannedClip], group: GroupConfig) async throws -> EvaluationReport {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-evaluate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        var scratch = group
        scratch.store = StoreConfig(databasePath: temporary.appendingPathComponent("cases.sqlite").path)
        let store = try openStore(scratch).store
        var logger = Logger(label: "streetwatch.evaluate")
        logger.logLevel = .warning
        var scores: [ClipScore] = []
        for planned in plan {
            // `!`: makePlan gives a clip without a camera of its own the template's, or throws.
            let (clip, path, camera) = (planned.clip, planned.path, planned.camera!)
            let worker = CameraWorker(group: group, camera: camera, store: store, logger: logger)
            _ = try await scanRecording(path, worker: worker, origin: Self.origin, progressTotal: clip.duration,
                                        showProgress: !json)
            let width = Double(clip.frameSize[0]), height = Double(clip.frameSize[1])
            let cases = try await store.cases(CaseQuery(camera: camera.id)).map { draft in
                ScoredCase(id: draft.caseNumber ?? draft.incidentKey, rule: draft.facts.ruleID,
                           firstSeen: draft.firstSeenStream,
                           box: LabelBox(draft.box.x0 * width, draft.box.y0 * height, draft.box.x1 * width, draft.box.y1 * height))
            }
            scores.append(Matching.score(file: clip.file, family: clip.family, cases: cases, events: clip.events))
        }
        return EvaluationReport(clips: scores)
    }

    /// `12.5 %`, or `n/a` without cases (precision) or events (recall).
    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a" }

    /// `header` and `rows` in columns two spaces apart: the first left-aligned, the others right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([header] + rows).map(line)
    }

    /// The human-readable report: a table per clip, one per family, the overall precision and recall, then every
    /// false positive and miss with why.
    static func text(_ report: EvaluationReport) -> String {
        var lines: [String] = []
        var clipRows: [[String]] = report.clips.map { c in
            [c.file, c.family, "\(c.cases)", "\(c.events)", "\(c.matched)", "\(c.duplicates)", "\(c.falsePositives.count)",
             "\(c.misses.count)", percent(c.precision), percent(c.recall)]
        }
        clipRows.append(["overall", "", "\(report.cases)", "\(report.events)", "\(report.matched)", "\(report.duplicates)",
                         "\(report.falsePositives)", "\(report.misses)", percent(report.precision), percent(report.recall)])
        lines += table(["clip", "family", "cases", "events", "matched", "dup", "FP", "miss", "precision", "recall"], clipRows)
        lines.append("")
        lines += table(["family", "clips", "cases", "events", "matched", "FP", "miss", "precision", "recall"],
                       report.families.map { f in
                           let r = f.report
                           return [f.family, "\(r.clips.count)", "\(r.cases)", "\(r.events)", "\(r.matched)", "\(r.falsePositives)",
                                   "\(r.misses)", percent(r.precision), percent(r.recall)]
                       })
        // A handful of events says little: the interval shows how little.
        func interval(_ successes: Int, _ trials: Int) -> String {
            guard let range = wilsonInterval(successes: successes, trials: trials) else { return "" }
            return String(format: "; 95 %% interval %.1f–%.1f %%", range.lowerBound * 100, range.upperBound * 100)
        }
        lines.append(String(format: "overall: precision %@ (%d of %d cases matched%@), recall %@ (%d of %d events found%@)",
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

/// `evaluate --json`: the per-clip scores (each with its family), one summary per family, and the overall numbers.
private struct JSONReport: Encodable {
    struct Clip: Encodable {
        var score: ClipScore
        var family: String
        var precision: Double?
        var recall: Double?
        var duplicates: Int
        var matched: Int
    }
    struct Family: Encodable {
        var family: String
        var clips: Int
        var cases: Int
        var events: Int
        var matched: Int
        var duplicates: Int
        /// Duplicates included.
        var falsePositives: Int
        var misses: Int
        var precision: Double?
        var recall: Double?
    }
    var clips: [Clip]
    var families: [Family]
    /// Clips no camera of the group names, scanned with the rules every camera shares.
    var clipsWithSharedRules: Int
    var cases: Int
    var events: Int
    var matched: Int
    var duplicates: Int
    var precision: Double?
    var recall: Double?
    /// 95 % Wilson intervals, [low, high].
    var precisionInterval: [Double]?
    var recallInterval: [Double]?

    init(_ r: EvaluationReport, clipsWithSharedRules: Int) {
        clips = r.clips.map {
            Clip(score: $0, family: $0.family, precision: $0.precision, recall: $0.recall, duplicates: $0.duplicates,
                 matched: $0.matched)
        }
        families = r.families.map { f in
            Family(family: f.family, clips: f.report.clips.count, cases: f.report.cases, events: f.report.events,
                   matched: f.report.matched, duplicates: f.report.duplicates, falsePositives: f.report.falsePositives,
                   misses: f.report.misses, precision: f.report.precision, recall: f.report.recall)
        }
        self.clipsWithSharedRules = clipsWithSharedRules
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
