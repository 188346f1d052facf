import ArgumentParser
import Detector
import Foundation
import FrameIngest

/// `streetwatch detect <file>`: runs rules with their default options over a recording and prints the
/// findings and what the rules cost per frame. For trying rules and measuring them; cases come from `scan`.
struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run detector rules (default options, whole frame) over a file and print findings and cost.")

    @Argument(help: "A video file or stream URL.")
    var url: String

    @Option(name: .customLong("rule"), help: "Rule id to run (repeatable); default: every registered rule.")
    var rules: [String] = []

    @Option(help: "Analysis width in pixels.")
    var width = 320

    @Option(help: "Analysis frames per second.")
    var fps: Double = 5

    @Flag(help: "Print start findings only (one line per object).")
    var startsOnly = false

    func run() throws {
        let registry = RuleRegistry.standard
        let ids = rules.isEmpty ? registry.descriptors.map(\.id) : rules
        let reader: FrameReader
        do {
            reader = try FrameReader(url: url, options: IngestOptions(analysisWidth: width, analysisFPS: fps))
        } catch {
            throw CommandFailure("cannot open \(url): \(error)")
        }
        var active: [AnyRule] = []
        for id in ids {
            do {
                active.append(try registry.makeRule(type: id, format: reader.format))
            } catch {
                throw CommandFailure("rule \(id): \(error)")
            }
        }
        var frames = 0
        var ruleSeconds = 0.0
        var lastPTS: Timestamp = 0
        func report(_ findings: [Finding]) {
            for finding in findings where !startsOnly || finding.phase == .start { print(finding) }
        }
        do {
            while let event = try reader.next() {
                switch event {
                case .frame(let frame, _):
                    frames += 1
                    lastPTS = frame.pts
                    var found: [Finding] = []
                    let before = threadCPUSeconds()
                    for index in active.indices { found += active[index].process(frame) }
                    ruleSeconds += threadCPUSeconds() - before
                    report(found)
                case .discontinuity:
                    for index in active.indices { report(active[index].discontinuity()) }
                }
            }
        } catch {
            throw CommandFailure("reading \(url) failed: \(error)")
        }
        for index in active.indices { report(active[index].finish(at: lastPTS)) }
        let micros = frames > 0 ? ruleSeconds / Double(frames) * 1e6 : 0
        print(String(format: "%d frames of %dx%d; rules [%@] took %.0f µs CPU per frame",
                     frames, reader.format.width, reader.format.height, ids.joined(separator: ", "), micros))
    }
}

/// CPU seconds the calling thread has used; unlike wall time, other load on the machine does not inflate it.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
