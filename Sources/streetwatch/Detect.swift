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

    @Option(help: "Every this many seconds, print the scene's static-region candidates and moving tracks (0: never).")
    var trace: Double = 0

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
        var specs: [RuleSpec] = []
        for id in ids {
            do {
                specs.append(try registry.spec(type: id))
            } catch {
                throw CommandFailure("rule \(id): \(error)")
            }
        }
        var detector = CameraDetector(specs: specs, format: reader.format)
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
                    found = detector.process(frame)
                    ruleSeconds += threadCPUSeconds() - before
                    report(found)
                    if trace > 0, (frame.pts / trace).rounded(.down) != ((frame.pts - 1 / fps) / trace).rounded(.down) {
                        printTrace(detector.scene)
                    }
                case .discontinuity:
                    report(detector.discontinuity())
                }
            }
        } catch {
            throw CommandFailure("reading \(url) failed: \(error)")
        }
        report(detector.finish(at: lastPTS))
        let micros = frames > 0 ? ruleSeconds / Double(frames) * 1e6 : 0
        print(String(format: "%d frames of %dx%d; rules [%@] took %.0f µs CPU per frame",
                     frames, reader.format.width, reader.format.height, ids.joined(separator: ", "), micros))
        let scene = detector.sceneStats
        print("scene: \(scene.gainCompensatedFrames) frames gain-compensated, \(scene.suppressedFrames) suppressed, "
              + "\(scene.relearns) relearns, \(scene.ghostsHealed) ghosts healed")
        for (descriptor, stats) in detector.ruleStats where !stats.rejected.isEmpty {
            let reasons = stats.rejected.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
            print("\(descriptor.id) rejected (candidate-frames): \(reasons.joined(separator: ", "))")
        }
    }
}

/// One line per static-region candidate and one for the moving tracks, for seeing why something was or was not
/// reported.
private func printTrace(_ scene: SceneModel) {
    for c in scene.candidates {
        print(String(format: "  %.1f candidate %@ area %d static %.1f s settled %.1f edge %.2f stand-out %.2f texture %@ contrast %.1f moving %.2f%@",
                     scene.pts, c.box.description, c.area, c.staticSeconds, c.settledAt, c.edgeRatio, c.standOut,
                     c.textureCorrelation.map { String(format: "%.2f", $0) } ?? "-", c.contrast,
                     c.movingShare, c.touchesBorder ? " border" : ""))
    }
    for r in scene.rejected {
        print(String(format: "  %.1f scene rejected %@ area %d: %@", scene.pts, r.box.description, r.area, r.reason.rawValue))
    }
    let occupied = scene.occupiedRegions.map { "\($0.box) \($0.area)" }
    if !occupied.isEmpty { print(String(format: "  %.1f occupied ", scene.pts) + occupied.joined(separator: " ")) }
    let live = scene.movers.tracks.filter { $0.lastSeen == scene.pts }.map { "#\($0.id)\($0.hasTravelled ? "*" : "") \($0.box)" }
    if !live.isEmpty { print(String(format: "  %.1f movers ", scene.pts) + live.joined(separator: " ")) }
    if scene.edgeStirShare > 0 { print(String(format: "  %.1f scenery edges stirred %.2f", scene.pts, scene.edgeStirShare)) }
}

/// CPU seconds the calling thread has used; unlike wall time, other load on the machine does not inflate it.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
