/// How a camera's ``SceneModel`` adapts. One setting per camera, shared by every rule on it; each value is a
/// physical constant (seconds, gray levels, fractions of the frame), so 5 fps and 25 fps cameras and any
/// analysis size behave alike (Tian, Feris & Hampapur tie update rates to time, not frame count).
public struct SceneSettings: Sendable, Hashable {
    /// Time constant of the short-term background: how fast something that stopped moving stops being
    /// "motion". A couple of seconds is how long a walker takes to clear a spot; it also averages sensor noise
    /// over ~10 frames at 5 fps, which is what makes the static test work on dark, noisy night pictures.
    public var shortSeconds: Double = 2
    /// Time constant of the long-term background on pixels that look like background (follows daylight drift).
    public var longSeconds: Double = 60
    /// Time constant of the long-term background where the picture differs from it: how long a new static thing
    /// takes to become scenery. An hour, so that a stall stays visible for a whole market morning and a dumped
    /// bag for far longer than any dwell a rule waits for; ghosts are healed explicitly instead of by fading.
    public var absorbSeconds: Double = 3600
    /// Smallest gray-level difference between the current frame and a background that counts as motion or
    /// foreground. Compressed street video carries ±5 levels of block noise on still areas; three times that
    /// keeps it out of the per-frame masks. Noisy pixels raise their own bar above it (``noiseFactor``).
    public var minDifference: Float = 15
    /// Smallest difference between the *short-term* and the long-term background that counts as something
    /// arrived and stayed. The short-term background is a ~10-frame average, so its noise is a third of a
    /// single frame's: a lower floor than ``minDifference`` finds a dark bag on a night IR picture whose
    /// contrast was halved, while the per-pixel noise term keeps swaying trees out.
    public var minStaticDifference: Float = 10
    /// Motion threshold in units of the pixel's own noise: the running median of its frame-to-frame change, so
    /// swaying trees, water and flicker raise their own bar. For Gaussian noise that median is 0.95 σ√2, so
    /// 4 ≈ 5.4 σ of one frame.
    public var noiseFactor: Float = 4
    /// Static threshold in units of the same noise estimate, for the averaged short-term background (noise
    /// ≈ 0.22 σ at a 2 s time constant and 5 fps): 2 × 1.35 σ ≈ 12 σ of the average, safely above noise while
    /// a 10-level object on a clean picture still counts.
    public var staticNoiseFactor: Float = 2
    /// How fast (gray levels per second) the per-pixel noise estimate moves towards that running median.
    public var noiseRate: Double = 2
    /// Fraction of the frame that may move or differ before the frame is a global change (light switched,
    /// clouds, camera moved) rather than things in the scene: people and vehicles rarely cover half a street
    /// view. Timers freeze on such frames (``SceneVerdict/suppressed``).
    public var globalChangeFraction: Double = 0.5
    /// A settled change over more than ``lastingChangeFraction`` that lasts this long is the new normal: the
    /// long-term background is rebuilt from the short-term one, except where static evidence predates the change
    /// (counted in ``SceneStats/relearns``).
    public var relearnSeconds: Double = 5
    /// Fraction of the frame that may differ from the long-term background while agreeing with the short-term
    /// one before it counts as a lasting light change: a quarter of a street view is no object or stall, but a
    /// floodlight or a shadow that has settled.
    public var lastingChangeFraction: Double = 0.25
    /// How long (seconds) a region must keep looking like a ghost (its outline in the long-term background, not
    /// in the picture) before it is healed into the background. Healing cannot be undone, and one frame's outline
    /// test can be wrong: rain and night noise, or a mask that so far covers only the flat middle of a bag whose
    /// owner is still beside it. Two seconds is ten frames at 5 fps, and a ghost still heals well before any rule
    /// waits out its `min_static_seconds`.
    public var ghostSeconds: Double = 2
    /// Static evidence (seconds) a pixel needs to be part of a static-region candidate. Rules apply their own,
    /// longer minimum (`min_static_seconds`) to the region; this only keeps one-second stops out of the list.
    public var candidateSeconds: Float = 3
    /// Window of the presence average used for occupancy: long enough that a steady stream of passers-by or
    /// traffic (each pixel covered a few seconds at a time) does not add up, short against any dwell worth
    /// reporting.
    public var presenceSeconds: Double = 20
    /// Share of the presence window a pixel must differ to count as occupied: present most of the time,
    /// allowing for customers' legs and threshold flicker.
    public var occupiedShare: Float = 0.75
    /// Smallest region counted anywhere, as a fraction of the frame: below it, isolated specks (≈ 6×6 px at
    /// 320×180) that survive opening.
    public var minRegionFraction: Double = 0.0006
    /// Static pieces closer than this (fraction of the frame width) are one object: a bag with a light and a
    /// dark side, or a heap, splits in the mask but is one thing to a reviewer.
    public var fragmentGapFraction: Double = 0.015

    /// The defaults above.
    public init() {}

    /// Seconds a pixel must differ before its presence average reaches ``occupiedShare``: `presenceSeconds ×
    /// ln(1 / (1 − occupiedShare))`, about 28 s with the defaults (summed in 0.1 s steps; the Detector imports no
    /// maths library).
    public var presenceLagSeconds: Double {
        var presence = 0.0, seconds = 0.0
        let step = 0.1
        while presence < Double(occupiedShare), seconds < 100 * presenceSeconds {
            presence += (1 - presence) * step / presenceSeconds
            seconds += step
        }
        return seconds
    }
}

/// What one frame turned out to be.
public enum SceneVerdict: Sendable, Equatable {
    /// The first frame after creation or reset: models were initialised from it; nothing is known yet.
    case initialised
    /// A usable frame.
    case normal
    /// Most of the picture changed at once; masks are not meaningful and rules must not advance timers.
    case suppressed
}

/// Camera-wide counters, so that nothing the scene model ignores disappears silently.
public struct SceneStats: Sendable, Hashable {
    /// Frames seen.
    public var frames = 0
    /// Frames whose brightness moved and was compensated by the global photometric fit (exposure, ramp).
    public var gainCompensatedFrames = 0
    /// Frames ignored for detection because most of the picture changed at once.
    public var suppressedFrames = 0
    /// Times the long-term background was rebuilt after a lasting global change.
    public var relearns = 0
    /// Static regions found to be ghosts (something that left) and healed into the background.
    public var ghostsHealed = 0
    /// Calls to ``SceneModel/reset()``.
    public var resets = 0

    /// All counters zero.
    public init() {}

    /// The counts of both.
    static func + (a: SceneStats, b: SceneStats) -> SceneStats {
        var s = a
        s.frames += b.frames
        s.gainCompensatedFrames += b.gainCompensatedFrames
        s.suppressedFrames += b.suppressedFrames
        s.relearns += b.relearns
        s.ghostsHealed += b.ghostsHealed
        s.resets += b.resets
        return s
    }
}

/// One camera's picture of its scene, computed once per frame and read by every rule on the camera.
///
/// Holds a short-term and a long-term background with a global photometric fit (exposure jumps, ramps,
/// auto-gain), per-pixel noise, motion and foreground masks, per-pixel static evidence and presence, the
/// static-region candidates of this frame (ghosts already healed) and short-lived tracks of moving blobs.
///
/// Static test: a pixel holds something that arrived and stayed when the *short-term* background (a few
/// seconds' average) differs from the long-term one while the frame agrees with the short-term one: the
/// dual-background idea of Porikli, Ivanov and Haga (EURASIP JASP 2008), on averaged pictures so that night
/// noise does not flood it. Evidence grows while static, is held while something moves over it (occlusion)
/// and decays twice as fast otherwise (Foggia et al.'s heat map, with hysteresis).
public struct SceneModel: Sendable {
    /// The analysis plane size.
    public let format: FrameFormat
    /// How it adapts.
    public let settings: SceneSettings
    /// The latest frame.
    public private(set) var frame: VideoFrame?
    /// What the latest frame was.
    public private(set) var verdict: SceneVerdict = .initialised
    /// Seconds since the previous frame, clamped to [0, 1].
    public private(set) var deltaTime = 0.0
    /// Counters since creation.
    public private(set) var stats = SceneStats()
    /// Static-region candidates of the latest frame (objects and undecided; ghosts are healed, not listed).
    public private(set) var candidates: [StaticRegion] = []
    /// Candidates the scene model itself rejected in the latest frame, with why.
    public private(set) var rejected: [RejectedRegion] = []
    /// Regions that have been present (differing from the long-term background) most of the last
    /// ``SceneSettings/presenceSeconds``: what occupancy rules measure.
    private(set) var occupied: [Component] = []
    /// Boxes and areas of ``occupied``, for tracing.
    public var occupiedRegions: [(box: PixelBox, area: Int)] { occupied.map { ($0.box, $0.area) } }
    /// Tracks of moving blobs (people, vehicles) seen within the last seconds.
    public private(set) var movers = MoverTracker()
    /// This frame's moving blobs, despeckled.
    private(set) var moving: [Component] = []
    /// Share of the scenery's strong edges (``sceneryEdges``) that changed in this frame: near 0 on a steady
    /// camera, most of them on a shaking one, whose every edge stirs like a person would.
    public private(set) var edgeStirShare = 0.0
    /// Pixels on strong edges of the long-term background, where nothing new stands (refreshed every
    /// ``edgeRefreshSeconds``).
    private var sceneryEdges: [Int32] = []
    private var edgesAt = -Double.infinity

    /// Long-term background in its own photometric reference.
    private(set) var long: [Float]
    /// Short-term background in its own reference.
    private(set) var short: [Float]
    /// Per-pixel running median of the absolute frame-to-frame change.
    private(set) var noise: [Float]
    private var previous: [UInt8]
    /// 1 where the frame differs from the short-term background: motion.
    public private(set) var motion: [UInt8]
    /// 1 where the frame differs from the long-term background.
    public private(set) var foreground: [UInt8]
    /// ``motion`` despeckled: what moving blobs are made of (a one-pixel shimmer of a shaking camera is not).
    private var movingMask: [UInt8]
    /// 1 where the short-term background differs from the long-term one: arrived and stayed.
    private var staticNow: [UInt8]
    /// Seconds of static evidence per pixel.
    public private(set) var evidence: [Float]
    /// Share of recent time each pixel differed from the long-term background.
    private(set) var presence: [Float]
    /// Seconds each pixel has lately been part of a region that looked like a ghost (see
    /// ``SceneSettings/ghostSeconds``).
    private var ghostVotes: [Float]
    /// Stream time each pixel was last part of a moving blob, relative to ``timeBase``.
    private(set) var lastMotion: [Float]
    /// Photometric fit frame ≈ gain × background + offset, per background.
    private(set) var toLong = Photometric.identity
    private(set) var toShort = Photometric.identity
    private var timeBase: Timestamp = 0
    private var lastPts: Timestamp?
    private var changeSince: Timestamp?
    private var occupiedAt = -Double.infinity
    private var scratchA: [UInt8], scratchB: [UInt8], scratchMask: [UInt8], labels: [UInt8]

    /// A model for frames of `format`.
    public init(format: FrameFormat, settings: SceneSettings = SceneSettings()) {
        self.format = format
        self.settings = settings
        let n = format.width * format.height
        long = [Float](repeating: 0, count: n)
        short = long
        noise = long
        presence = long
        evidence = long
        ghostVotes = long
        lastMotion = [Float](repeating: -.infinity, count: n)
        previous = [UInt8](repeating: 0, count: n)
        motion = previous
        foreground = previous
        staticNow = previous
        movingMask = previous
        scratchA = previous
        scratchB = previous
        scratchMask = previous
        labels = previous
    }

    /// Stream time the latest frame was shown at.
    public var pts: Timestamp { frame?.pts ?? 0 }

    /// Forgets everything learnt; the next frame initialises the models again. Counters stay.
    public mutating func reset() {
        lastPts = nil
        occupiedAt = -.infinity
        edgesAt = -.infinity
        sceneryEdges = []
        edgeStirShare = 0
        changeSince = nil
        frame = nil
        verdict = .initialised
        candidates = []
        rejected = []
        occupied = []
        movers = MoverTracker()
        stats.resets += 1
    }

    /// Compares `frame` with the backgrounds, updates evidence, candidates and tracks, then learns from it.
    /// - Parameter frame: the next frame of ``format`` (``CameraDetector`` rebuilds the model on a size change).
    /// - Returns: what the frame was; rules act only on ``SceneVerdict/normal`` frames.
    @discardableResult
    public mutating func update(_ frame: VideoFrame) -> SceneVerdict {
        precondition(frame.format == format, "frame \(frame.format) given to a scene model for \(format)")
        stats.frames += 1
        self.frame = frame
        candidates = []
        rejected = []
        moving = []
        guard let previousPts = lastPts else {
            initialise(from: frame)
            verdict = .initialised
            return verdict
        }
        // Frames can arrive late, twice, or after a gap; learning rates use a clamped step so one long gap does
        // not overwrite a model with a single frame (a real discontinuity goes through reset()).
        deltaTime = min(max(frame.pts - previousPts, 0), 1)
        lastPts = frame.pts
        measureEdgeStir(frame)
        verdict = learn(frame)
        if verdict == .normal {
            if frame.pts - edgesAt >= Self.edgeRefreshSeconds || frame.pts < edgesAt { findSceneryEdges() }
            findMovers()
            findCandidates(frame)
            // Presence is a 20-second average and occupancy is timed in minutes: once a second is plenty.
            if frame.pts - occupiedAt >= 1 || frame.pts < occupiedAt {
                findOccupied(frame, elapsed: min(max(frame.pts - occupiedAt, 0), 1))
                occupiedAt = frame.pts
            }
        }
        return verdict
    }

    // MARK: Pixels

    private mutating func learn(_ frame: VideoFrame) -> SceneVerdict {
        toShort = Photometric.fit(frame.pixels, short, previous: toShort)
        toLong = Photometric.fit(frame.pixels, long, previous: toLong)
        if toLong.isNoticeable { stats.gainCompensatedFrames += 1 }
        let dt = Float(deltaTime)
        let aShort = Float(min(1, deltaTime / settings.shortSeconds))
        // Over its first `longSeconds` the long-term background is the plain mean of the frames so far rather
        // than the first frame fading out slowly: a single frame's noise would otherwise stay in it for a
        // minute, and its pixel-to-pixel grain reads as outlines that make real objects look like ghosts.
        let age = max(frame.pts - timeBase, deltaTime)
        let aLong = Float(min(1, deltaTime / min(settings.longSeconds, age)))
        let aAbsorb = Float(min(1, deltaTime / settings.absorbSeconds))
        let aPresence = Float(min(1, deltaTime / settings.presenceSeconds))
        let noiseStep = dt * Float(settings.noiseRate)
        let minDiff = settings.minDifference, minStatic = settings.minStaticDifference
        let k = settings.noiseFactor, kStatic = settings.staticNoiseFactor
        let sS = toShort, sL = toLong
        let count = frame.pixels.count
        // Small loops over few buffers each: LLVM vectorises a loop only when it can rule out aliasing between
        // its pointers at run time, and gives up beyond a handful (a single fused loop ran scalar, perf).
        Self.markDifferences(frame.pixels, from: short, seenThrough: sS, noise: noise, floor: minDiff, factor: k,
                             into: &motion)
        Self.markDifferences(frame.pixels, from: long, seenThrough: sL, noise: noise, floor: minDiff, factor: k,
                             into: &foreground)
        short.withUnsafeBufferPointer { bs in
        long.withUnsafeBufferPointer { bl in
        noise.withUnsafeBufferPointer { nz in
        staticNow.withUnsafeMutableBufferPointer { st in
            // Both backgrounds in the frame's reference: the short one is an average, so noise cancels.
            for i in 0..<count {
                let threshold = max(minStatic, kStatic * nz[i])
                let shortHere = min(max(bs[i] * sS.gain + sS.offset, 0), 255)
                let longHere = min(max(bl[i] * sL.gain + sL.offset, 0), 255)
                st[i] = abs(shortHere - longHere) > threshold ? 1 : 0
            }
        }
        }
        }
        }
        let moving = Self.count(motion), differing = Self.count(foreground)
        let settled = Self.count(staticNow, without: motion)
        frame.pixels.withUnsafeBufferPointer { px in
        previous.withUnsafeBufferPointer { pv in
        noise.withUnsafeMutableBufferPointer { nz in
            // Sigma-delta estimate of the median change (after Manzanera and Richefeu, 2007).
            for i in 0..<count {
                let n = nz[i]
                let change = abs(Float(px[i]) - Float(pv[i]))
                nz[i] = max(0, n + (change > n ? noiseStep : -noiseStep))
            }
        }
        }
        }
        let invS = 1 / sS.gain, offS = sS.offset, invL = 1 / sL.gain, offL = sL.offset
        frame.pixels.withUnsafeBufferPointer { px in
        short.withUnsafeMutableBufferPointer { bs in
            for i in 0..<count { bs[i] += aShort * ((Float(px[i]) - offS) * invS - bs[i]) }
        }
        }
        frame.pixels.withUnsafeBufferPointer { px in
        long.withUnsafeMutableBufferPointer { bl in
        foreground.withUnsafeBufferPointer { fg in
        staticNow.withUnsafeBufferPointer { st in
            for i in 0..<count {
                let rate = (fg[i] | st[i]) != 0 ? aAbsorb : aLong
                bl[i] += rate * ((Float(px[i]) - offL) * invL - bl[i])
            }
        }
        }
        }
        }
        previous = frame.pixels
        let n = Double(count)
        let movingFraction = Double(moving) / n, differingFraction = Double(differing) / n
        let changed = max(movingFraction, differingFraction) > settings.globalChangeFraction
        let lasting = Double(settled) / n > settings.lastingChangeFraction
            || (changed && movingFraction < settings.globalChangeFraction)
        if changed {
            stats.suppressedFrames += 1
        } else {
            accumulate(dt: dt, aPresence: aPresence)
        }
        guard changed || lasting else {
            changeSince = nil
            return .normal
        }
        let since = changeSince ?? frame.pts
        changeSince = since
        if frame.pts - since >= settings.relearnSeconds, movingFraction < settings.globalChangeFraction {
            relearn(keepingEvidenceOlderThan: Float(frame.pts - since) + 1)
            changeSince = nil
        }
        return changed ? .suppressed : .normal
    }

    /// Static evidence and presence from this frame's masks (usable frames only, so that a
    /// light switching on neither starts nor ages anything).
    private mutating func accumulate(dt: Float, aPresence: Float) {
        let decay = 2 * dt
        let count = evidence.count
        motion.withUnsafeBufferPointer { mo in
        staticNow.withUnsafeBufferPointer { st in
        evidence.withUnsafeMutableBufferPointer { ev in
            // Static and still → +dt; static under something moving (occlusion) → hold; otherwise decay
            // twice as fast, so a flickering border pixel (on 2 frames in 3) still gains.
            for i in 0..<count {
                let fs = Float(st[i]), fm = Float(mo[i])
                let old = ev[i]
                ev[i] = fs * (old + (1 - fm) * dt) + (1 - fs) * max(old - decay, 0)
            }
        }
        }
        }
        foreground.withUnsafeBufferPointer { fg in
        presence.withUnsafeMutableBufferPointer { pr in
            for i in 0..<count { pr[i] += aPresence * (Float(fg[i]) - pr[i]) }
        }
        }
    }

    /// Sets `mask` to 1 where the frame differs from `background` (mapped into the frame's brightness by `fit`)
    /// by more than `floor` or `factor` times the pixel's noise, 0 elsewhere.
    private static func markDifferences(_ pixels: [UInt8], from background: [Float], seenThrough fit: Photometric,
                                        noise: [Float], floor: Float, factor: Float, into mask: inout [UInt8]) {
        pixels.withUnsafeBufferPointer { px in
        background.withUnsafeBufferPointer { bg in
        noise.withUnsafeBufferPointer { nz in
        mask.withUnsafeMutableBufferPointer { m in
            for i in 0..<px.count {
                let threshold = max(floor, factor * nz[i])
                // The camera cannot show what the background predicts beyond black or white: a sky that the
                // exposure jump drove past 255 is the same sky, not something new.
                let predicted = min(max(bg[i] * fit.gain + fit.offset, 0), 255)
                m[i] = abs(Float(px[i]) - predicted) > threshold ? 1 : 0
            }
        }
        }
        }
        }
    }

    /// Number of set pixels in a 0/1 mask (of those not set in `without`).
    private static func count(_ mask: [UInt8], without other: [UInt8]? = nil) -> Int {
        mask.withUnsafeBufferPointer { m in
            var total: UInt32 = 0
            if let other {
                other.withUnsafeBufferPointer { o in
                    for i in 0..<m.count { total &+= UInt32(m[i] & (1 &- o[i])) }
                }
            } else {
                for i in 0..<m.count { total &+= UInt32(m[i]) }
            }
            return Int(total)
        }
    }

    /// Adopts the short-term background as the long-term one after a lasting global change, except on pixels
    /// whose static evidence predates the change: an object left before the lights changed stays news.
    private mutating func relearn(keepingEvidenceOlderThan age: Float) {
        let toFrameShort = toShort, toFrameLong = toLong
        for i in long.indices where evidence[i] < age {
            // Short-term value in the long-term model's reference.
            long[i] = ((short[i] * toFrameShort.gain + toFrameShort.offset) - toFrameLong.offset) / toFrameLong.gain
            evidence[i] = 0
            foreground[i] = 0
        }
        stats.relearns += 1
    }

    /// Makes the long-term background agree with the short-term one at `pixels` (a ghost: the picture there is
    /// scenery the long-term model has not seen yet) and clears their evidence and presence.
    private mutating func heal(_ pixels: [Int32]) {
        for p in pixels {
            let i = Int(p)
            long[i] = ((short[i] * toShort.gain + toShort.offset) - toLong.offset) / toLong.gain
            evidence[i] = 0
            presence[i] = 0
            foreground[i] = 0
            ghostVotes[i] = 0
        }
        stats.ghostsHealed += 1
    }

    private mutating func initialise(from frame: VideoFrame) {
        lastPts = frame.pts
        timeBase = frame.pts
        previous = frame.pixels
        deltaTime = 0
        toShort = .identity
        toLong = .identity
        changeSince = nil
        // Start from the threshold floor's share so the first frames neither flood nor freeze the masks.
        let startNoise = settings.minDifference / (2 * settings.noiseFactor)
        for i in frame.pixels.indices {
            let v = Float(frame.pixels[i])
            short[i] = v
            long[i] = v
            noise[i] = startNoise
            evidence[i] = 0
            presence[i] = 0
            ghostVotes[i] = 0
            lastMotion[i] = -.infinity
            motion[i] = 0
            foreground[i] = 0
        }
    }

    // MARK: Regions

    /// Background value of pixel `i` as the current frame would show it.
    @inline(__always) func longValue(_ i: Int) -> Float { long[i] * toLong.gain + toLong.offset }
    /// Short-term background value of pixel `i` as the current frame would show it.
    @inline(__always) func shortValue(_ i: Int) -> Float { short[i] * toShort.gain + toShort.offset }

    /// Variance (gray levels²) of the long-term background over a region below which it has no texture to
    /// correlate: σ = 4 levels, twice the averaged backgrounds' own noise on a clean picture.
    static let minTextureVariance: Float = 16

    private var fragmentGap: Int { max(2, Int((settings.fragmentGapFraction * Double(format.width)).rounded())) }

    private var minRegionPixels: Int { max(6, Int(settings.minRegionFraction * Double(format.width * format.height))) }

    /// Gray-level step across a pixel (left to right plus top to bottom neighbour) above which it is on a strong
    /// edge of the scenery: kerbs, cabinets, bag outlines, well clear of the few levels of texture and noise a
    /// flat floor has, so that a 1-2 px shake changes such a pixel by more than ``SceneSettings/minDifference``.
    /// With it, ABODA 1 shaken as `make-variants.py` shakes it stirred 16-84 % of its edges per frame, the steady
    /// original 0-4 %.
    static let strongEdgeStep: Float = 40
    /// How often the scenery edges are looked up again: they change with the long-term background, slowly.
    static let edgeRefreshSeconds = 5.0

    private mutating func findSceneryEdges() {
        edgesAt = pts
        let w = format.width, h = format.height
        var edges: [Int32] = []
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                guard foreground[i] == 0 else { continue }
                let step = abs(long[i + 1] - long[i - 1]) + abs(long[i + w] - long[i - w])
                if step > Self.strongEdgeStep { edges.append(Int32(i)) }
            }
        }
        sceneryEdges = edges
    }

    /// Against the previous frame and the fixed floor, not the per-pixel noise: the noise estimate of an edge
    /// that has been shaking for a while has grown to hide it, while an object's new outline has not.
    private mutating func measureEdgeStir(_ frame: VideoFrame) {
        // Too few edges (under four of the smallest regions' worth) to tell shake from a person brushing one.
        guard sceneryEdges.count >= minRegionPixels * 4 else { edgeStirShare = 0; return }
        let floor = Int(settings.minDifference)
        var stirred = 0
        for p in sceneryEdges where abs(Int(frame.pixels[Int(p)]) - Int(previous[Int(p)])) > floor { stirred += 1 }
        edgeStirShare = Double(stirred) / Double(sceneryEdges.count)
    }

    private mutating func findMovers() {
        movingMask = motion
        Morphology.open(&movingMask, width: format.width, height: format.height, scratch: &scratchA, scratch2: &scratchB)
        // Fragments merged, so that one person's legs, arms and head make one blob (one track, one size).
        let pieces = ConnectedComponents.find(movingMask, width: format.width, height: format.height,
                                              minArea: 1, labels: &labels)
        moving = Component.mergingFragments(pieces, gap: fragmentGap).filter { $0.area >= minRegionPixels }
        movers.advance(moving.map { MovingBlob(box: $0.box, area: $0.area) }, pts: pts)
        // From the despeckled mask: rain streaks and night noise flicker on a dropped bag every few frames, which
        // would keep dating it later; a hand or a body moving there is blob-sized and survives the opening.
        let now = Float(pts - timeBase)
        movingMask.withUnsafeBufferPointer { mo in
        lastMotion.withUnsafeMutableBufferPointer { lm in
            for i in 0..<mo.count { lm[i] = mo[i] != 0 ? now : lm[i] }
        }
        }
    }

    private mutating func findCandidates(_ frame: VideoFrame) {
        let threshold = settings.candidateSeconds
        // Enough evidence, and still different now (static, or hidden by something moving over it): a thing
        // that has gone leaves the list at once instead of when its evidence has decayed.
        evidence.withUnsafeBufferPointer { ev in
        staticNow.withUnsafeBufferPointer { st in
        motion.withUnsafeBufferPointer { mo in
            scratchMask.withUnsafeMutableBufferPointer { m in
                for i in 0..<ev.count { m[i] = (ev[i] >= threshold ? 1 : 0) & (st[i] | mo[i]) }
            }
        }
        }
        }
        Morphology.open(&scratchMask, width: format.width, height: format.height, scratch: &scratchA, scratch2: &scratchB)
        let pieces = ConnectedComponents.find(scratchMask, width: format.width, height: format.height,
                                              minArea: 1, labels: &labels)
        for group in Component.mergingFragments(pieces, gap: fragmentGap) {
            guard group.area >= minRegionPixels else {
                rejected.append(RejectedRegion(box: group.box, area: group.area, reason: .tooSmall))
                continue
            }
            let edges = EdgeEvidence.crossContrast(group, model: self, inside: scratchMask)
            let ratio = Double((edges.current + 1) / (edges.background + 1))
            let surround = EdgeEvidence.surroundContrast(group, model: self, inside: scratchMask)
            let standOut = Double((surround.now + 1) / (surround.before + 1))
            if isGhost(group.pixels, looksLikeGhost: ratio < EdgeEvidence.ghostBelow && standOut < 1, seconds: Float(deltaTime)) {
                rejected.append(RejectedRegion(box: group.box, area: group.area, reason: .ghost))
                continue
            }
            candidates.append(region(group, edgeRatio: ratio, standOut: standOut, frame: frame))
        }
    }

    private func region(_ group: Component, edgeRatio: Double, standOut: Double, frame: VideoFrame) -> StaticRegion {
        var contrast: Float = 0
        var staticTimes: [Float] = [], settled: [Float] = []
        staticTimes.reserveCapacity(group.area)
        settled.reserveCapacity(group.area)
        var movingNow = 0, stirring = 0
        var sumS: Float = 0, sumL: Float = 0, sumSS: Float = 0, sumLL: Float = 0, sumSL: Float = 0
        for p in group.pixels {
            let i = Int(p)
            staticTimes.append(evidence[i])
            settled.append(lastMotion[i])
            let s = shortValue(i), l = longValue(i)
            contrast += abs(s - l)
            sumS += s; sumL += l; sumSS += s * s; sumLL += l * l; sumSL += s * l
            movingNow += Int(movingMask[i])
            stirring += Int(motion[i])
        }
        let n = Float(group.area)
        let varS = sumSS / n - (sumS / n) * (sumS / n), varL = sumLL / n - (sumL / n) * (sumL / n)
        let covariance = sumSL / n - (sumS / n) * (sumL / n)
        // Texture worth correlating: a spread of a few gray levels in the old surface, well above what the
        // averaged backgrounds' noise alone gives.
        let textured = varL >= Self.minTextureVariance && varS > 0
        let correlation = textured ? Double(covariance / (varS * varL).squareRoot()) : nil
        let median = settled.median()
        let staticMedian = staticTimes.median()
        let w = format.width, h = format.height
        let box = group.box
        // The same measure around it: a shaking camera, rain or a keyframe pulse stirs the surroundings as much.
        let ring = box.grown(by: 3, within: format)
        var ringStirring = 0
        for y in ring.y0..<ring.y1 {
            for x in ring.x0..<ring.x1 { ringStirring += Int(motion[y * w + x]) }
        }
        let ringArea = max(1, ring.area - group.area)
        return StaticRegion(
            pixels: group.pixels, box: box,
            staticSeconds: Double(staticMedian),
            // The object dates from when its pixels last changed (set down, owner's hand gone), at the median
            // pixel; evidence would date it too early, it also counts an owner crouching still.
            settledAt: median.isFinite ? Double(median) + timeBase : pts - Double(staticMedian),
            edgeRatio: edgeRatio, standOut: standOut, textureCorrelation: correlation,
            contrast: Double(contrast) / Double(group.area),
            movingShare: Double(movingNow) / Double(group.area),
            stirShare: Double(stirring) / Double(group.area),
            ringStirShare: Double(max(0, ringStirring - stirring)) / Double(ringArea),
            touchesBorder: box.x0 <= 1 || box.y0 <= 1 || box.x1 >= w - 1 || box.y1 >= h - 1)
    }

    /// Counts this look at a region towards its being a ghost (its outline is the long-term background's, below
    /// ``EdgeEvidence/ghostBelow``, and it blends into its surroundings) or an object, over `seconds`; heals it
    /// once its pixels have looked like a ghost for ``SceneSettings/ghostSeconds`` on average. Returns whether
    /// it is, for now, to be treated as a ghost.
    private mutating func isGhost(_ pixels: [Int32], looksLikeGhost: Bool, seconds: Float) -> Bool {
        var total: Float = 0
        for p in pixels {
            let i = Int(p)
            ghostVotes[i] = looksLikeGhost ? ghostVotes[i] + seconds : max(0, ghostVotes[i] - seconds)
            total += ghostVotes[i]
        }
        guard looksLikeGhost else { return false }
        if total / Float(pixels.count) >= Float(settings.ghostSeconds) { heal(pixels) }
        return true
    }

    private mutating func findOccupied(_ frame: VideoFrame, elapsed: Double) {
        let share = settings.occupiedShare
        presence.withUnsafeBufferPointer { pr in
            scratchMask.withUnsafeMutableBufferPointer { m in
                for i in 0..<pr.count { m[i] = pr[i] >= share ? 1 : 0 }
            }
        }
        Morphology.open(&scratchMask, width: format.width, height: format.height, scratch: &scratchA, scratch2: &scratchB)
        var kept: [Component] = []
        for component in ConnectedComponents.find(scratchMask, width: format.width, height: format.height,
                                                  minArea: minRegionPixels, labels: &labels) {
            let edges = EdgeEvidence.crossContrast(component, model: self, inside: scratchMask)
            let surround = EdgeEvidence.surroundContrast(component, model: self, inside: scratchMask)
            let looksLikeGhost = Double((edges.current + 1) / (edges.background + 1)) < EdgeEvidence.ghostBelow
                && surround.now < surround.before
            if isGhost(component.pixels, looksLikeGhost: looksLikeGhost, seconds: Float(elapsed)) { continue }
            kept.append(component)
        }
        occupied = kept
    }
}

/// A global brightness mapping frame ≈ gain × background + offset, fitted robustly per frame.
///
/// A pure gain explains an exposure or iris change; the offset takes up what a gain cannot (an `eq`
/// brightness step, IR illuminators switching, black-level shifts), so that neither makes the masks light up.
struct Photometric: Sendable, Hashable {
    var gain: Float
    var offset: Float

    static let identity = Photometric(gain: 1, offset: 0)

    /// Whether the mapping moves brightness enough to call the frame compensated.
    var isNoticeable: Bool { abs(gain - 1) > 0.05 || abs(offset) > 4 }

    /// Fits the mapping on a sparse grid of pixels, twice: the second pass keeps only samples within a band of
    /// the first fit, so that foreground (a white van, a crowd) does not pull it.
    static func fit(_ pixels: [UInt8], _ background: [Float], previous: Photometric) -> Photometric {
        pixels.withUnsafeBufferPointer { px in
            background.withUnsafeBufferPointer { bg in
                var estimate = solve(px, bg, around: nil) ?? previous
                if let refined = solve(px, bg, around: estimate) { estimate = refined }
                return estimate
            }
        }
    }

    /// Least squares of frame on background over the sample grid, optionally only near `around`. When the
    /// background has too little spread to separate gain from offset (a dark, flat night picture), it falls
    /// back to a pure gain.
    private static func solve(_ px: UnsafeBufferPointer<UInt8>, _ bg: UnsafeBufferPointer<Float>,
                              around: Photometric?) -> Photometric? {
        let step = 17  // ~3 400 samples at 320×180; prime so the grid does not alias with rows.
        var n: Float = 0, sb: Float = 0, sv: Float = 0, sbb: Float = 0, sbv: Float = 0
        var i = 0
        while i < px.count {
            let v = Float(px[i]), b = bg[i]
            // Clipped pixels carry no brightness information.
            var use = v > 3 && v < 252 && b > 3 && b < 252
            if let f = around { use = use && abs(v - (f.gain * b + f.offset)) < 0.12 * b + 6 }
            if use {
                n += 1; sb += b; sv += v; sbb += b * b; sbv += b * v
            }
            i += step
        }
        guard n >= 50, sb > 0 else { return nil }
        let meanB = sb / n, meanV = sv / n
        let varB = sbb / n - meanB * meanB
        let ratio = Photometric(gain: max(0.2, min(5, meanV / meanB)), offset: 0)
        guard varB > 100 else { return ratio }  // σ < 10 gray levels: too flat for two parameters.
        let gain = (sbv / n - meanB * meanV) / varB
        guard gain > 0.3, gain < 3 else { return ratio }
        return Photometric(gain: gain, offset: meanV - gain * meanB)
    }
}

extension Array where Element == Float {
    /// The middle element in sorted order (the upper one of an even count), found by selection rather than a
    /// full sort: regions are re-measured every frame. Reorders the array.
    mutating func median() -> Float {
        precondition(!isEmpty, "median of no values")
        var low = 0, high = count - 1
        let k = count / 2
        while low < high {
            let pivot = self[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while self[i] < pivot { i += 1 }
                while self[j] > pivot { j -= 1 }
                if i <= j {
                    swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return self[k]
    }
}
