import Foundation
@testable import FrameIngest
import TestSupport
import Testing

/// The clip buffer keeps pre-roll back to a keyframe; a stream without keyframes must not grow it for ever.
@Suite("clip buffer cap")
struct ClipBufferCapTests {
    /// A 320×180 H.264 clip of `seconds` with one keyframe at the start (a camera whose GOP is "infinite").
    func clipWithOneKeyframe(seconds: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-onekey-\(UUID()).mp4").path
        let made = try runCommand("/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
                                                       "-t", "\(seconds)", "-c:v", "libx264", "-g", "100000",
                                                       "-keyint_min", "100000", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
                                                       path])
        try #require(made.status == 0, "ffmpeg failed: \(made.stderr)")
        return path
    }

    /// The most bytes the clip buffer held while reading `path` to the end, and what it held at the end.
    func largestBuffer(_ path: String, options: IngestOptions) throws -> (bytes: Int, seconds: Double, frames: Int) {
        let reader = try FrameReader(url: path, options: options)
        let ring = try #require(reader.clipBuffer)
        var frames = 0, largest = 0
        while let event = try reader.next() {
            if event.frame != nil { frames += 1 }
            largest = max(largest, ring.bufferedBytes)
        }
        return (largest, ring.bufferedSeconds, frames)
    }

    @Test func withoutKeyframesTheBufferStaysUnderItsByteCap() throws {
        let path = try clipWithOneKeyframe(seconds: 8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Under the default cap the one GOP is kept whole: a clip can still start at the keyframe.
        let whole = try largestBuffer(path, options: IngestOptions(analysisFPS: nil, clipBufferSeconds: 1))
        #expect(whole.frames == 200)
        #expect(whole.seconds > 7.5, "the default buffer kept \(whole.seconds) s of the one GOP")
        // A cap of a quarter of that: the buffer is dropped when it would pass the cap, never held over it.
        let cap = whole.bytes / 4
        let capped = try largestBuffer(path, options: IngestOptions(analysisFPS: nil, clipBufferSeconds: 1,
                                                                    clipBufferMaxBytes: cap))
        #expect(capped.frames == 200)
        #expect(capped.bytes <= cap, "the buffer held \(capped.bytes) bytes over a cap of \(cap)")
        #expect(capped.bytes > 0)
    }
}
