import Detector
import Foundation
@testable import FrameIngest
import TestSupport
import Testing

/// Adaptive decoding on a real H.264 clip made here with ffmpeg: 20 s of a still grid (keyframe every second), a
/// white box crossing it from 10 s to 13 s.
@Suite("Adaptive decode")
struct AdaptiveDecodeTests {
    /// Makes the clip in a fresh folder; the caller removes the folder.
    static func makeClip() throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-adaptive-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("still-then-box.mp4").path
        let result = try runCommand("/usr/bin/ffmpeg", [
            "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
            // drawbox evaluates its position once, so the moving box is an overlay.
            "color=c=0x606060:s=320x180:r=25:d=20,drawgrid=w=40:h=40:t=2:c=0x303030[bg];"
                + "color=c=white:s=40x40:r=25:d=20[box];"
                + "[bg][box]overlay=x='20+60*(t-10)':y=60:enable='between(t,10,13)'[out0]",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0",
            "-pix_fmt", "yuv420p", path])
        guard result.status == 0 else { throw ServerError("ffmpeg failed: \(result.stderr)") }
        return (folder, path)
    }

    /// Analysis frame times (rounded to 0.1 s) and the reader's counters.
    static func read(_ path: String, adaptive: AdaptiveDecode?, hold: DecodeHold? = nil) throws -> ([Double], ReaderCounters) {
        let reader = try FrameReader(url: path, options: IngestOptions(analysisFPS: 5, adaptive: adaptive),
                                     interrupt: Interrupt(), hold: hold)
        var times: [Double] = []
        while let frame = try reader.nextFrame() { times.append((frame.pts * 10).rounded() / 10) }
        return (times, reader.counters)
    }

    @Test func keyframesWhileStillEveryFrameFromTheFirstChangeAndBackAfterTheQuietPeriod() throws {
        let (folder, clip) = try Self.makeClip()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (times, counters) = try Self.read(clip, adaptive: AdaptiveDecode(quietSeconds: 3))
        let (fullTimes, full) = try Self.read(clip, adaptive: nil)

        func steps(_ from: Double, _ to: Double, by step: Double) -> [Double] {
            stride(from: from, through: to + 0.001, by: step).map { ($0 * 10).rounded() / 10 }
        }
        // Keyframes only from the start until the box appears in the keyframe at 10 s; every frame from that
        // keyframe on (10.2 s follows it, no wait for the next keyframe) until 3 s after the box left (13.2 s);
        // keyframes only again.
        let expected = steps(0, 9, by: 1) + steps(10, 16.2, by: 0.2) + steps(17, 19, by: 1)
        #expect(times == expected)
        #expect(counters.decodeSwitches == 2)
        #expect(!counters.decodingEveryFrame)
        #expect(fullTimes == steps(0, 19.8, by: 0.2))
        #expect(full.decodeSwitches == 0)
        // Non-key packets of the still stretches never reach the decoder.
        #expect(counters.framesDecoded < full.framesDecoded / 2, "\(counters.framesDecoded) of \(full.framesDecoded)")
        #expect(counters.packetsSkipped == full.framesDecoded - counters.framesDecoded)
    }

    @Test func aHoldKeepsEveryFrame() throws {
        // On from the start: the first frame is a keyframe, every frame after it is decoded.
        let (folder, clip) = try Self.makeClip()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hold = DecodeHold()
        hold.set(true)
        let (times, counters) = try Self.read(clip, adaptive: AdaptiveDecode(quietSeconds: 3), hold: hold)
        #expect(times.count == 100)
        #expect(counters.decodeSwitches == 1 && counters.decodingEveryFrame)
    }
}
