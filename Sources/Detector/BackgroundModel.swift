/// How a ``BackgroundModel`` adapts; each rule fills it from its options and physically chosen constants.
struct BackgroundSettings: Sendable, Hashable {
    /// Time constant of the short-term background: how fast something that stopped moving stops being
    /// "motion". A couple of seconds is how long a walker takes to clear a spot.
    var shortSeconds: Double = 2
    /// Time constant of the long-term background on pixels that look like background (follows daylight drift).
    var longSeconds: Double = 60
    /// Time constant of the long-term background on foreground pixels: how long a new static thing takes to
    /// become scenery. It must be much longer than any dwell a rule waits for.
    var absorbSeconds: Double = 900
    /// Smallest gray-level difference that counts as foreground. Compressed street video carries ±5 levels
    /// of block noise on still areas; three times that keeps it out while a dark bag on paving (30+) stays in.
    var minDifference: Float = 15
    /// Threshold in units of the pixel's own noise: the running median of its frame-to-frame change, so swaying
    /// trees, water and flicker raise their own bar. For Gaussian noise that median is 0.95 σ, so 4 ≈ 3.8 σ.
    var noiseFactor: Float = 4
    /// How fast (gray levels per second) the per-pixel noise estimate moves towards that running median. A
    /// median of frame-to-frame change ignores passers-by and new objects (a couple of frames of change each);
    /// only change present most of the time (leaves, ripples) raises it.
    var noiseRate: Double = 2
    /// Fraction of the frame that may differ from the backgrounds before the frame is treated as a global
    /// change (light switched, clouds, camera moved) rather than as things in the scene. People and vehicles
    /// rarely cover more than a third of a street view; lighting moves everything at once.
    var globalChangeFraction: Double = 0.5
    /// A global change that lasts this long is the new normal: the long-term background is rebuilt from the
    /// short-term one (counted in ``RuleStats/relearns``).
    var relearnSeconds: Double = 5
    /// Fraction of the frame that may differ from the long-term background while agreeing with the short-term
    /// one (arrived and stopped) before it counts as a lasting light change: a quarter of a street view is no
    /// object or stall, but a floodlight or a shadow that has settled.
    var lastingChangeFraction: Double = 0.25
    /// Whether the long-term background is needed at all (motion-only rules skip it).
    var keepsLongTerm = true
}

/// Dual-rate per-pixel background with global gain compensation and a noise-adaptive threshold.
///
/// The short-term model follows the picture within seconds; the long-term one within minutes, and only slowly
/// where it sees foreground. A pixel that differs from the long-term model but no longer from the short-term
/// one holds something that arrived and stopped: the dual-background idea of Porikli, Ivanov and Haga,
/// "Robust abandoned object detection using dual foregrounds" (EURASIP JASP 2008).
///
/// Exposure changes are handled before thresholding: each frame's brightness relative to each model is
/// estimated as one robust gain `g` (frame ≈ g × background), and pixels are compared with `g × background`.
/// A ±40 % exposure jump or a slow ramp therefore changes `g`, not the masks. What a gain cannot explain (more
/// than ``BackgroundSettings/globalChangeFraction`` of the frame differs) marks the frame suppressed.
struct BackgroundModel: Sendable {
    /// What one frame turned out to be.
    enum Verdict: Sendable, Equatable {
        /// The first frame after creation or reset: models were initialised from it, masks are empty.
        case initialised
        /// A usable frame: masks are valid.
        case normal
        /// Most of the picture changed at once; masks are not meaningful and rules must not advance timers.
        case suppressed
    }

    let format: FrameFormat
    let settings: BackgroundSettings
    /// Long-term background, in the gain reference of the frames it learnt from.
    private(set) var long: [Float]
    /// Short-term background.
    private(set) var short: [Float]
    /// Per-pixel running median of the absolute frame-to-frame change.
    private(set) var noise: [Float]
    /// The previous frame, for the noise estimate.
    private var previous: [UInt8]
    /// 1 where the frame differs from the long-term background (after gain compensation).
    private(set) var foregroundLong: [UInt8]
    /// 1 where the frame differs from the short-term background: motion.
    private(set) var foregroundShort: [UInt8]
    /// Frame brightness relative to each model for the latest frame.
    private(set) var gainLong: Float = 1
    private(set) var gainShort: Float = 1
    /// Fractions of the frame in each mask for the latest frame.
    private(set) var fractionLong = 0.0
    private(set) var fractionShort = 0.0
    /// Time since the previous frame, clamped (see `update`).
    private(set) var deltaTime = 0.0
    private var lastPts: Timestamp?
    private var changeSince: Timestamp?
    /// Counters, merged into the owning rule's ``RuleStats``.
    var stats = RuleStats()

    init(format: FrameFormat, settings: BackgroundSettings) {
        self.format = format
        self.settings = settings
        let n = format.width * format.height
        long = settings.keepsLongTerm ? [Float](repeating: 0, count: n) : []
        short = [Float](repeating: 0, count: n)
        noise = [Float](repeating: 0, count: n)
        previous = [UInt8](repeating: 0, count: n)
        foregroundLong = [UInt8](repeating: 0, count: n)
        foregroundShort = [UInt8](repeating: 0, count: n)
    }

    /// Forgets everything learnt; the next frame initialises the models again.
    mutating func reset() {
        lastPts = nil
        changeSince = nil
        for i in foregroundLong.indices { foregroundLong[i] = 0 }
        for i in foregroundShort.indices { foregroundShort[i] = 0 }
        fractionLong = 0
        fractionShort = 0
    }

    /// Compares `frame` with the models, fills the masks, then lets the models learn from it.
    mutating func update(_ frame: VideoFrame) -> Verdict {
        precondition(frame.format == format, "frame \(frame.format) given to a background model for \(format)")
        stats.frames += 1
        guard let previousPts = lastPts else {
            initialise(from: frame)
            return .initialised
        }
        // Frames can arrive late, twice, or after a gap; learning rates use a clamped step so one long gap does
        // not overwrite a model with a single frame (a real discontinuity is handled by reset()).
        deltaTime = min(max(frame.pts - previousPts, 0), 1)
        lastPts = frame.pts

        gainShort = Self.gain(frame.pixels, short)
        gainLong = settings.keepsLongTerm ? Self.gain(frame.pixels, long) : 1
        if abs(gainShort - 1) > 0.03 || abs(gainLong - 1) > 0.05 { stats.gainCompensatedFrames += 1 }

        let aShort = Float(min(1, deltaTime / settings.shortSeconds))
        let aLong = Float(min(1, deltaTime / settings.longSeconds))
        let aAbsorb = Float(min(1, deltaTime / settings.absorbSeconds))
        let noiseStep = Float(deltaTime * settings.noiseRate)
        let minDiff = settings.minDifference, k = settings.noiseFactor
        let gS = gainShort, gL = gainLong, invS = 1 / gainShort, invL = 1 / gainLong
        var countLong = 0, countShort = 0, countStatic = 0
        let keepsLong = settings.keepsLongTerm
        let count = frame.pixels.count
        frame.pixels.withUnsafeBufferPointer { px in
            previous.withUnsafeBufferPointer { pv in
            short.withUnsafeMutableBufferPointer { bs in
            noise.withUnsafeMutableBufferPointer { nz in
            foregroundShort.withUnsafeMutableBufferPointer { fs in
            long.withUnsafeMutableBufferPointer { bl in
            foregroundLong.withUnsafeMutableBufferPointer { fl in
                // Branch-free loops over buffer pointers, which LLVM vectorises; explicit SIMD8 selects
                // compiled to per-lane loops (perf, Swift 6.3). Two loops so the short-term one stays simple.
                var moving: UInt32 = 0
                for i in 0..<count {
                    let v = Float(px[i])
                    let threshold = max(minDiff, k * nz[i])
                    let ds = abs(v - bs[i] * gS)
                    let bit: UInt8 = ds > threshold ? 1 : 0
                    fs[i] = bit
                    moving &+= UInt32(bit)
                    // Sigma-delta estimate of the median change (after Manzanera and Richefeu, 2007).
                    let change = abs(v - Float(pv[i]))
                    nz[i] = max(0, nz[i] + (change > nz[i] ? noiseStep : -noiseStep))
                    bs[i] += aShort * (v * invS - bs[i])
                }
                countShort = Int(moving)
                guard keepsLong else { return }
                var differing: UInt32 = 0, still: UInt32 = 0
                for i in 0..<count {
                    let v = Float(px[i])
                    // The threshold uses the noise just updated: one frame's difference is negligible.
                    let threshold = max(minDiff, k * nz[i])
                    let dl = abs(v - bl[i] * gL)
                    let bit: UInt8 = dl > threshold ? 1 : 0
                    fl[i] = bit
                    differing &+= UInt32(bit)
                    still &+= UInt32(bit & (1 &- fs[i]))
                    bl[i] += (bit != 0 ? aAbsorb : aLong) * (v * invL - bl[i])
                }
                countLong = Int(differing)
                countStatic = Int(still)
            }
            }
            }
            }
            }
            }
        }
        previous = frame.pixels
        let n = Double(frame.pixels.count)
        fractionShort = Double(countShort) / n
        fractionLong = Double(countLong) / n

        let changed = max(fractionShort, fractionLong) > settings.globalChangeFraction
        let settled = Double(countStatic) / n > settings.lastingChangeFraction
        if changed { stats.suppressedFrames += 1 }
        guard changed || settled else {
            changeSince = nil
            return .normal
        }
        let since = changeSince ?? frame.pts
        changeSince = since
        if keepsLong, frame.pts - since >= settings.relearnSeconds, fractionShort < settings.globalChangeFraction {
            // The short-term model has settled on the new picture while the long-term one still disagrees over
            // much of the frame: the change is lasting, so adopt it instead of suppressing (or flagging) forever.
            long = short
            stats.relearns += 1
            changeSince = nil
            for i in foregroundLong.indices { foregroundLong[i] = 0 }
        }
        return changed ? .suppressed : .normal
    }

    /// Makes the long-term background agree with the short-term one at `indices` (a ghost or removed object:
    /// the picture there is scenery the long-term model has not seen yet).
    mutating func heal(_ indices: [Int32]) {
        guard settings.keepsLongTerm else { return }
        let factor = gainShort / gainLong
        for i in indices {
            long[Int(i)] = short[Int(i)] * factor
            foregroundLong[Int(i)] = 0
        }
    }

    /// The long-term background as the current frame would show it (gain applied), at pixel `i`.
    @inline(__always) func longValue(_ i: Int) -> Float { long[i] * gainLong }

    private mutating func initialise(from frame: VideoFrame) {
        lastPts = frame.pts
        previous = frame.pixels
        deltaTime = 0
        gainShort = 1
        gainLong = 1
        for i in frame.pixels.indices {
            let v = Float(frame.pixels[i])
            short[i] = v
            if settings.keepsLongTerm { long[i] = v }
            // Start from the threshold floor's share so the first frames neither flood nor freeze the masks.
            noise[i] = settings.minDifference / (2 * settings.noiseFactor)
            foregroundLong[i] = 0
            foregroundShort[i] = 0
        }
        fractionLong = 0
        fractionShort = 0
    }

    /// Robust brightness ratio frame / background over a sample of pixels.
    ///
    /// A plain ratio of sums is pulled by foreground (a white van); a second pass keeps only pixels within 20 %
    /// of the first estimate. Near-black and clipped pixels carry no gain information and are skipped.
    static func gain(_ pixels: [UInt8], _ background: [Float]) -> Float {
        pixels.withUnsafeBufferPointer { px in
            background.withUnsafeBufferPointer { bg in
                let step = 17  // ~3 400 samples at 320×180; prime so the grid does not alias with rows.
                var sumV: Float = 0, sumB: Float = 0
                var i = 0
                while i < px.count {
                    let v = Float(px[i]), b = bg[i]
                    if v > 8, v < 250, b > 8 { sumV += v; sumB += b }
                    i += step
                }
                guard sumB > 0 else { return 1 }
                let first = sumV / sumB
                sumV = 0
                sumB = 0
                i = 0
                while i < px.count {
                    let v = Float(px[i]), b = bg[i]
                    if v > 8, v < 250, b > 8, abs(v - first * b) < 0.2 * first * b + 4 { sumV += v; sumB += b }
                    i += step
                }
                return sumB > 0 ? sumV / sumB : first
            }
        }
    }
}
