@testable import Detector

/// Pushes frames through a scene model and one rule and collects what the rule says, like `GstHarness` or
/// NIO's `EmbeddedChannel`.
struct RuleHarness<R: Rule> {
    var scene: SceneModel
    var rule: R
    private(set) var findings: [Finding] = []
    private var lastPts: Timestamp = 0

    init(_: R.Type, options: R.Options = R.Options(), format: FrameFormat, settings: SceneSettings = SceneSettings()) {
        scene = SceneModel(format: format, settings: settings)
        rule = R(options: options, format: format)
    }

    mutating func push(_ frame: VideoFrame) {
        scene.update(frame)
        findings += rule.process(scene)
        lastPts = frame.pts
    }

    /// Ends the stream: closes open intervals.
    mutating func finish() {
        findings += rule.finish(at: lastPts)
    }

    /// A discontinuity: closes open intervals, forgets the scene and the rule's tracks.
    mutating func discontinuity() {
        finish()
        rule.reset()
        scene.reset()
    }

    /// Findings that opened a track.
    var starts: [Finding] { findings.filter { $0.phase == .start } }
}

/// A deterministic synthetic street: textured ground, rectangles for people, bags, stalls and cars, camera
/// noise and exposure gain. Values stay below 180 so that a +40 % exposure step does not clip.
struct Scene {
    let format: FrameFormat
    private let ground: [UInt8]
    private var rng: UInt64

    /// A rectangle in fractions of the frame with a flat value plus a fine texture (so it has edges).
    struct Thing {
        var x0: Double, y0: Double, x1: Double, y1: Double
        var value: UInt8
    }

    init(format: FrameFormat = .gray(160, 90), seed: UInt64 = 1) {
        self.format = format
        rng = seed
        var g = [UInt8](repeating: 0, count: format.width * format.height)
        var r = seed &* 0x9E37_79B9_7F4A_7C15
        for y in 0..<format.height {
            for x in 0..<format.width {
                r = r &* 6364136223846793005 &+ 1442695040888963407
                // Paving: a gentle vertical gradient, 8 px tiles with grout lines, a little grain.
                let tile = (x % 8 == 0 || y % 8 == 0) ? -14 : 0
                let v = 90 + y / 3 + tile + Int(r >> 61)
                g[y * format.width + x] = UInt8(clamping: v)
            }
        }
        ground = g
    }

    /// One frame: ground and `things` (later ones on top), times `gain` plus `offset`, plus uniform noise of
    /// ±`noise`, the whole picture moved by `shift` pixels (camera shake).
    mutating func frame(pts: Double, _ things: [Thing] = [], gain: Double = 1, offset: Double = 0, noise: Int = 3,
                        shift: (x: Int, y: Int) = (0, 0), capturedAt: Double? = nil) -> VideoFrame {
        let w = format.width, h = format.height
        var px = ground
        for t in things {
            let x0 = max(0, Int(t.x0 * Double(w))), x1 = min(w, Int(t.x1 * Double(w)))
            let y0 = max(0, Int(t.y0 * Double(h))), y1 = min(h, Int(t.y1 * Double(h)))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { px[y * w + x] = t.value &+ UInt8((x + y) % 3 * 4) } }
        }
        if shift != (0, 0) {
            let source = px
            for y in 0..<h {
                for x in 0..<w {
                    let sx = min(w - 1, max(0, x - shift.x)), sy = min(h - 1, max(0, y - shift.y))
                    px[y * w + x] = source[sy * w + sx]
                }
            }
        }
        for i in px.indices {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let n = noise > 0 ? Int(rng >> 33) % (2 * noise + 1) - noise : 0
            px[i] = UInt8(clamping: Int((Double(px[i]) * gain + offset).rounded()) + n)
        }
        return VideoFrame(format: format, pixels: px, pts: pts, capturedAt: capturedAt)
    }

    /// A pseudo-random integer in `range`, from the scene's generator (deterministic per seed).
    mutating func random(_ range: ClosedRange<Int>) -> Int {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return range.lowerBound + Int(rng >> 33) % (range.count)
    }
}

extension Scene.Thing {
    /// A person-sized upright box (4 % × 20 % of the frame) at centre (`x`, `y`).
    static func person(x: Double, y: Double, value: UInt8 = 40) -> Self {
        Self(x0: x - 0.02, y0: y - 0.1, x1: x + 0.02, y1: y + 0.1, value: value)
    }

    /// A bag (4 % × 7 % of the frame) at centre (`x`, `y`).
    static func bag(x: Double, y: Double) -> Self {
        Self(x0: x - 0.02, y0: y - 0.035, x1: x + 0.02, y1: y + 0.035, value: 25)
    }

    /// A stall (20 % × 22 %) at centre (`x`, `y`): a dark body under a light awning band.
    static func stall(x: Double, y: Double) -> [Self] {
        [Self(x0: x - 0.1, y0: y - 0.11, x1: x + 0.1, y1: y + 0.11, value: 60),
         Self(x0: x - 0.1, y0: y - 0.11, x1: x + 0.1, y1: y - 0.07, value: 170)]
    }

    /// A car (20 % × 18 %) at centre (`x`, `y`).
    static func car(x: Double, y: Double) -> Self {
        Self(x0: x - 0.1, y0: y - 0.09, x1: x + 0.1, y1: y + 0.09, value: 160)
    }
}

/// Frame times at `fps` from `start` (inclusive) to `end` (exclusive).
func times(_ start: Double, _ end: Double, fps: Double = 5) -> [Double] {
    stride(from: start, to: end - 1e-9, by: 1 / fps).map { ($0 * 1000).rounded() / 1000 }
}

/// Linear interpolation from `a` to `b` as `t` goes from `t0` to `t1`, clamped.
func lerp(_ a: Double, _ b: Double, _ t: Double, _ t0: Double, _ t1: Double) -> Double {
    a + (b - a) * min(1, max(0, (t - t0) / (t1 - t0)))
}
