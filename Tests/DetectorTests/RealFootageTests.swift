import Detector
import FrameIngest
import Foundation
import Testing

/// The evaluation clips live outside the repository (their licences forbid redistribution): `../shared/eval`
/// next to the package root. See `../shared/eval/README.md` for the clips and how matches are scored.
enum EvalClips {
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // DetectorTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .appendingPathComponent("../shared/eval").standardizedFileURL

    static var available: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("labels.json").path)
    }

    static let skipReason: Comment = "evaluation clips not found at ../shared/eval relative to the package root; real-footage acceptance was not checked"

    /// `labels.json`, format 1.
    struct Labels: Decodable {
        struct Clip: Decodable {
            var file: String
            var frame_size: [Int]
            var events: [Event]
        }
        struct Event: Decodable {
            var kind: String
            var placed_at: Double
            var end: Double
            var box: [Double]
        }
        var clips: [Clip]
    }

    static func labels() throws -> Labels {
        try JSONDecoder().decode(Labels.self, from: Data(contentsOf: folder.appendingPathComponent("labels.json")))
    }

    /// Runs every standard rule with its default options (whole frame as zone) over `file`, decoded at 320 px
    /// wide and 5 fps through FrameIngest, and returns all findings.
    static func findings(_ file: String) throws -> [Finding] {
        try findings(at: folder.appendingPathComponent(file).path)
    }

    /// The same for a video at `path`.
    static func findings(at path: String) throws -> [Finding] {
        let reader = try FrameReader(url: path,
                                     options: IngestOptions(analysisWidth: 320, analysisFPS: 5))
        let specs = try RuleRegistry.standard.descriptors.map { try RuleRegistry.standard.spec(type: $0.id) }
        var detector = CameraDetector(specs: specs, format: reader.format)
        var out: [Finding] = []
        var last: Timestamp = 0
        while let frame = try reader.nextFrame() {
            out += detector.process(frame)
            last = frame.pts
        }
        return out + detector.finish(at: last)
    }
}

/// The acceptance runs of issue 3: one set of default options for all clips.
@Suite(.enabled(if: EvalClips.available, EvalClips.skipReason))
struct RealFootageTests {
    @Test func abodaBagLeftByTheCabinetIsFoundOnce() throws {
        let clip = try #require(try EvalClips.labels().clips.first { $0.file == "aboda_video4_abandoned_bag.avi" })
        let event = try #require(clip.events.first)
        let findings = try EvalClips.findings(clip.file)
        let objects = findings.filter { $0.rule == "abandoned-object" && $0.phase == .start }
        #expect(objects.count == 1, "abandoned-object starts: \(objects)")
        let found = try #require(objects.first)

        // Scoring from ../shared/eval/README.md: IoU ≥ 0.1, or the box centre inside the event box grown 25 %.
        let box = found.normalizedBox.scaled(width: clip.frame_size[0], height: clip.frame_size[1])
        let label = PixelBox(x0: Int(event.box[0]), y0: Int(event.box[1]), x1: Int(event.box[2]), y1: Int(event.box[3]))
        let grown = PixelBox(x0: label.x0 - label.width / 4, y0: label.y0 - label.height / 4,
                             x1: label.x1 + label.width / 4, y1: label.y1 + label.height / 4)
        let cx = (box.x0 + box.x1) / 2, cy = (box.y0 + box.y1) / 2
        let centreInside = cx >= grown.x0 && cx < grown.x1 && cy >= grown.y0 && cy < grown.y1
        #expect(box.iou(label) >= 0.1 || centreInside, "box \(box) vs label \(label)")
        #expect(found.firstSeen >= event.placed_at && found.firstSeen <= event.end + 5, "first seen \(found.firstSeen)")
        #expect(findings.filter { $0.rule == "stationary-occupancy" }.isEmpty)
    }

    /// ABODA video 1 shaken as `scripts/make-variants.py` shakes it (up to 3 px a frame: a slow sway plus a
    /// per-frame jitter), made at 320 px here with ffmpeg. The bag's new outline flickers with every jolt as a
    /// person stirring would, while the floor around it, plain, does not: unless the scenery's own edges are
    /// seen to shake as much, the bag stays "attended" until the clip ends.
    @Test func abodaBagOnAShakingCameraIsFoundAfterItsOwnersLeave() throws {
        let clip = try #require(try EvalClips.labels().clips.first { $0.file == "aboda_video1_lobby_bag.mp4" })
        let event = try #require(clip.events.first)
        let shaken = FileManager.default.temporaryDirectory.appendingPathComponent("aboda1-shake-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: shaken) }
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = [
            "-v", "error", "-y", "-i", EvalClips.folder.appendingPathComponent(clip.file).path, "-filter_complex",
            "[0:v]crop=w=iw-6:h=ih-6:exact=1"
                + ":x='3+clip(round(1.6*sin(n*0.27)+1.2*sin(n*12.9898)),-3,3)'"
                + ":y='3+clip(round(1.4*sin(n*0.19+1)+1.0*sin(n*78.233)),-3,3)',"
                + "pad=w=iw+6:h=ih+6:x=3:y=3,fillborders=left=3:right=3:top=3:bottom=3:mode=smear,"
                + "scale=320:-2,format=yuv420p[out]",
            "-map", "[out]", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", shaken.path,
        ]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        try #require(ffmpeg.terminationStatus == 0, "ffmpeg could not make the shaken clip")
        let objects = try EvalClips.findings(at: shaken.path).filter { $0.rule == "abandoned-object" && $0.phase == .start }
        #expect(objects.count == 1, "abandoned-object starts: \(objects)")
        let found = try #require(objects.first)
        let label = PixelBox(x0: Int(event.box[0]) / 2, y0: Int(event.box[1]) / 2, x1: Int(event.box[2]) / 2, y1: Int(event.box[3]) / 2)
        #expect(found.box.iou(label) >= 0.1, "box \(found.box) vs label \(label) (at 320 px)")
        #expect(found.firstSeen >= event.placed_at && found.firstSeen <= event.end, "first seen \(found.firstSeen)")
    }

    @Test(arguments: ["pets2009_s2l1_view001_vtest.avi", "bgslib_road_traffic.avi"])
    func clipWithoutEventsGivesNoObjectOrOccupancy(file: String) throws {
        let findings = try EvalClips.findings(file)
        let wrong = findings.filter { $0.rule == "abandoned-object" || $0.rule == "stationary-occupancy" }
        #expect(wrong.isEmpty, "\(wrong)")
    }
}
