/// Options of ``AbandonedObjectRule``.
///
/// Sizes are fractions of the frame and times are seconds, so one set of options means the same at any
/// analysis size and frame rate.
public struct AbandonedObjectOptions: RuleOptions, Hashable {
    /// `zone` — where to look (default: the whole frame, id `frame`); see ``Zone``.
    public var zone: Zone = .wholeFrame

    /// `schedule` — when findings may start (default: always); see ``Schedule``.
    public var schedule: Schedule = .always

    /// `min_static_seconds` (number, default 10, range 1 – 3600): how long a new thing must lie still before it
    /// is a candidate. Ten seconds is longer than anyone stops to tie a shoe or check a phone mid-step.
    public var minStaticSeconds: Double = 10
    /// Valid range of ``minStaticSeconds``.
    public static let minStaticSecondsRange: ClosedRange<Double> = 1...3600

    /// `unattended_seconds` (number, default 10, range 0 – 3600): how long nothing may move near the candidate
    /// before it is reported as left behind. Ten seconds lets the owner walk out of the radius.
    public var unattendedSeconds: Double = 10
    /// Valid range of ``unattendedSeconds``.
    public static let unattendedSecondsRange: ClosedRange<Double> = 0...3600

    /// `unattended_radius` (number, default 0.08, range 0 – 1): how far around the object's box motion counts
    /// as someone attending it, as a fraction of the frame width. On a typical street view a person is 3–8 % of
    /// the frame width, so 0.08 is "within about one person-width or two".
    public var unattendedRadius: Double = 0.08
    /// Valid range of ``unattendedRadius``.
    public static let unattendedRadiusRange: ClosedRange<Double> = 0...1

    /// `min_area` (number, default 0.0008, range 0.00001 – 0.5): smallest object, as a fraction of the frame
    /// area. 0.08 % is about 7×7 px at 320×180: a bag of rubbish at 15–20 m from a street camera; smaller
    /// specks are compression blocks and litter.
    public var minArea: Double = 0.0008
    /// Valid range of ``minArea``.
    public static let minAreaRange: ClosedRange<Double> = 0.00001...0.5

    /// `max_area` (number, default 0.1, range 0.00001 – 1): largest object, as a fraction of the frame area.
    /// A tenth of the frame already holds a heap of rubble; larger "objects" are parked vehicles, stalls
    /// (``StationaryOccupancyRule``) or lighting.
    public var maxArea: Double = 0.1
    /// Valid range of ``maxArea``.
    public static let maxAreaRange: ClosedRange<Double> = 0.00001...1

    /// `min_contrast` (number, default 15, range 3 – 128): smallest gray-level difference from the background
    /// that counts; noisy pixels raise their own threshold above it.
    public var minContrast: Double = 15
    /// Valid range of ``minContrast``.
    public static let minContrastRange: ClosedRange<Double> = 3...128

    /// `end_after_seconds` (number, default 5, range 0 – 600): how long a reported object may be missing
    /// (hidden by passers-by, taken away) before its finding ends.
    public var endAfterSeconds: Double = 5
    /// Valid range of ``endAfterSeconds``.
    public static let endAfterSecondsRange: ClosedRange<Double> = 0...600

    /// The defaults above.
    public init() {}

    public func validate(_ report: inout ValidationReport) {
        report.nested("zone") { zone.validate(&$0) }
        report.nested("schedule") { schedule.validate(&$0) }
        report.check("min_static_seconds", minStaticSeconds, in: Self.minStaticSecondsRange)
        report.check("unattended_seconds", unattendedSeconds, in: Self.unattendedSecondsRange)
        report.check("unattended_radius", unattendedRadius, in: Self.unattendedRadiusRange)
        report.check("min_area", minArea, in: Self.minAreaRange)
        report.check("max_area", maxArea, in: Self.maxAreaRange)
        report.check("min_contrast", minContrast, in: Self.minContrastRange)
        report.check("end_after_seconds", endAfterSeconds, in: Self.endAfterSecondsRange)
        if minArea > maxArea {
            report.fail("max_area", "value \(ValidationReport.format(maxArea)) is below min_area \(ValidationReport.format(minArea))")
        }
    }
}

extension AbandonedObjectOptions: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case zone, schedule
        case minStaticSeconds = "min_static_seconds"
        case unattendedSeconds = "unattended_seconds"
        case unattendedRadius = "unattended_radius"
        case minArea = "min_area"
        case maxArea = "max_area"
        case minContrast = "min_contrast"
        case endAfterSeconds = "end_after_seconds"
    }

    /// Decodes strictly: starts from the defaults, rejects unknown keys.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zone = try c.decodeIfPresent(Zone.self, forKey: .zone) ?? zone
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule) ?? schedule
        minStaticSeconds = try c.decodeIfPresent(Double.self, forKey: .minStaticSeconds) ?? minStaticSeconds
        unattendedSeconds = try c.decodeIfPresent(Double.self, forKey: .unattendedSeconds) ?? unattendedSeconds
        unattendedRadius = try c.decodeIfPresent(Double.self, forKey: .unattendedRadius) ?? unattendedRadius
        minArea = try c.decodeIfPresent(Double.self, forKey: .minArea) ?? minArea
        maxArea = try c.decodeIfPresent(Double.self, forKey: .maxArea) ?? maxArea
        minContrast = try c.decodeIfPresent(Double.self, forKey: .minContrast) ?? minContrast
        endAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .endAfterSeconds) ?? endAfterSeconds
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

/// `abandoned-object`: a new thing appears in the zone, stays still and is left unattended (dumped rubbish,
/// a left bag, piled materials).
///
/// Per pixel, static evidence grows while the frame differs from the long-term background but not from the
/// short-term one (arrived, then stopped), is held while something moves over it (occlusion), and decays
/// otherwise. Regions with evidence ≥ `min_static_seconds` are candidates; the boundary-edge test drops
/// ghosts (something that left) and heals the background there. A candidate becomes a finding once no motion
/// has been seen within `unattended_radius` for `unattended_seconds`.
public struct AbandonedObjectRule: Rule {
    public typealias Options = AbandonedObjectOptions

    public static let descriptor = RuleDescriptor(
        id: "abandoned-object",
        summary: "a new object stays still in a zone and is left unattended",
        version: 1)

    /// Boundary gradient ratio (frame / background) below which a region is a ghost, and above which it is an
    /// object. In between the evidence is ambiguous (flat object on flat ground) and nothing is reported.
    static let ghostBelow = 0.5
    static let objectAbove = 0.7
    /// Static evidence decays twice as fast as it grows, so a flickering border pixel (on 2 frames in 3) still
    /// gains but a spot that is mostly background does not.
    static let evidenceDecay: Float = 2

    private let options: Options
    private var core: RuleCore
    /// Seconds of static evidence per pixel.
    private var evidence: [Float]
    /// Stream time each pixel last showed motion (relative to `timeBase`, for Float precision).
    private var lastMotion: [Float]
    private var timeBase: Timestamp?
    private var staticMask: [UInt8]
    private var tracks: [Track] = []

    private struct Track {
        var id: Int
        var box: PixelBox
        var area: Int
        /// When the object stopped moving (set down).
        var placedAt: Timestamp
        /// When it was left alone: the last motion near it at the moment it was reported.
        var firstSeen: Timestamp = 0
        var lastSeen: Timestamp
        var attendedAt: Timestamp
        var staticSeconds: Double
        var edgeRatio: Double
        var contrast: Double
        var reported = false
        var reportedBox = PixelBox.empty
    }

    public init(options: Options, format: FrameFormat) {
        self.options = options
        var settings = BackgroundSettings()
        settings.minDifference = Float(options.minContrast)
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule, settings: settings)
        let n = format.width * format.height
        evidence = [Float](repeating: 0, count: n)
        lastMotion = [Float](repeating: -.infinity, count: n)
        staticMask = [UInt8](repeating: 0, count: n)
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.model.reset()
        core.resets += 1
        for i in evidence.indices { evidence[i] = 0; lastMotion[i] = -.infinity; staticMask[i] = 0 }
        timeBase = nil
        tracks = []
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        let out = tracks.filter(\.reported).map { finding(.end, $0) }
        tracks = []
        return out
    }

    public mutating func process(_ frame: VideoFrame) -> [Finding] {
        let verdict = core.model.update(frame)
        guard verdict == .normal else {
            if verdict == .initialised { timeBase = frame.pts }
            return []
        }
        let inSchedule = core.schedule.contains(capturedAt: frame.capturedAt)
        if !inSchedule { core.outsideSchedule += 1 }
        let pts = frame.pts
        let now = Float(pts - (timeBase ?? pts))
        updateEvidence(now: now)

        let w = core.format.width
        let frameArea = Double(core.format.width * core.format.height)
        core.despeckle(&staticMask)
        let minPixels = max(4, Int(options.minArea * frameArea))
        let maxPixels = Int(options.maxArea * frameArea)
        let radius = Int((options.unattendedRadius * Double(w)).rounded())

        var candidates: [Track] = []
        for component in core.components(staticMask, minArea: minPixels) where component.area <= maxPixels {
            let ratio = core.edgeRatio(component, frame: frame, mask: staticMask)
            if ratio < Self.ghostBelow {
                // Something left: the picture here is scenery the long-term model has not learnt yet.
                core.model.heal(component.pixels)
                for p in component.pixels { evidence[Int(p)] = 0 }
                continue
            }
            guard ratio >= Self.objectAbove else { continue }
            var contrast: Float = 0, staticSeconds: Float = 0
            var settled: [Float] = []
            settled.reserveCapacity(component.area)
            for p in component.pixels {
                let i = Int(p)
                settled.append(lastMotion[i])
                staticSeconds = max(staticSeconds, evidence[i])
                contrast += abs(Float(frame.pixels[i]) - core.model.longValue(i))
            }
            // The object dates from when its pixels last changed (set down, owner's hand gone), taken at the
            // median pixel. Static evidence would date it too early: it also counts the owner crouching still.
            settled.sort()
            let settledAt = settled[settled.count / 2].isFinite ? Double(settled[settled.count / 2]) + (timeBase ?? 0)
                : pts - Double(staticSeconds)
            let area = component.area
            let attended = lastMotionNear(component.box.grown(by: radius, within: core.format))
            candidates.append(Track(
                id: 0, box: component.box, area: area, placedAt: min(settledAt, pts), lastSeen: pts,
                attendedAt: timeBase.map { Double(attended) + $0 } ?? pts, staticSeconds: Double(staticSeconds),
                edgeRatio: ratio, contrast: Double(contrast) / Double(area)))
        }
        return advanceTracks(candidates, pts: pts, inSchedule: inSchedule)
    }

    /// Per-pixel static evidence and last-motion times, from this frame's masks.
    private mutating func updateEvidence(now: Float) {
        let dt = Float(core.model.deltaTime)
        let decay = Self.evidenceDecay * dt
        let threshold = Float(options.minStaticSeconds)
        let wholeFrame = core.zoneMask.isWholeFrame
        core.model.foregroundLong.withUnsafeBufferPointer { fl in
        core.model.foregroundShort.withUnsafeBufferPointer { fs in
        core.zoneMask.mask.withUnsafeBufferPointer { zone in
        evidence.withUnsafeMutableBufferPointer { ev in
        lastMotion.withUnsafeMutableBufferPointer { lm in
        staticMask.withUnsafeMutableBufferPointer { sm in
            // Branch-free so LLVM vectorises it (explicit SIMD8 selects compiled to per-lane loops here):
            // differs and still → +dt; differs and moving (something passes in front) → hold; else decay.
            for i in 0..<ev.count {
                let differs = Float(fl[i]), moving = Float(fs[i])
                lm[i] = fs[i] != 0 ? now : lm[i]
                let old = ev[i]
                var e = differs * (old + (1 - moving) * dt) + (1 - differs) * max(old - decay, 0)
                if !wholeFrame { e *= Float(zone[i]) }
                ev[i] = e
                sm[i] = e >= threshold ? 1 : 0
            }
        }
        }
        }
        }
        }
        }
    }

    /// Latest motion time (relative to `timeBase`) in `box`, ignoring the static object's own pixels.
    private func lastMotionNear(_ box: PixelBox) -> Float {
        let w = core.format.width
        var latest: Float = -.infinity
        for y in box.y0..<box.y1 {
            let row = y * w
            for x in box.x0..<box.x1 where staticMask[row + x] == 0 {
                latest = max(latest, lastMotion[row + x])
            }
        }
        return latest
    }

    private mutating func advanceTracks(_ candidates: [Track], pts: Timestamp, inSchedule: Bool) -> [Finding] {
        var out: [Finding] = []
        var matched = Set<Int>()
        for candidate in candidates {
            let index = tracks.indices.filter { !matched.contains($0) }.max { a, b in
                tracks[a].box.iou(candidate.box) < tracks[b].box.iou(candidate.box)
            }
            if let t = index, tracks[t].box.iou(candidate.box) >= 0.2 || tracks[t].box.containsCentre(of: candidate.box) {
                matched.insert(t)
                var track = tracks[t]
                track.box = candidate.box
                track.area = candidate.area
                track.lastSeen = pts
                track.attendedAt = max(track.attendedAt, candidate.attendedAt)
                track.staticSeconds = candidate.staticSeconds
                track.edgeRatio = candidate.edgeRatio
                track.contrast = candidate.contrast
                track.placedAt = min(track.placedAt, candidate.placedAt)
                tracks[t] = track
            } else {
                var track = candidate
                track.id = core.newTrack()
                tracks.append(track)
                matched.insert(tracks.count - 1)
            }
        }
        var kept: [Track] = []
        for var track in tracks {
            if pts - track.lastSeen > options.endAfterSeconds {
                if track.reported { out.append(finding(.end, track)) }
                continue
            }
            if track.lastSeen == pts {
                if !track.reported, inSchedule, pts - track.attendedAt >= options.unattendedSeconds {
                    track.reported = true
                    track.reportedBox = track.box
                    // The dumping is complete once the owner has gone; before that the object is attended.
                    track.firstSeen = track.attendedAt.isFinite ? max(track.placedAt, track.attendedAt) : track.placedAt
                    out.append(finding(.start, track))
                } else if track.reported, track.box.iou(track.reportedBox) < 0.5 {
                    track.reportedBox = track.box
                    out.append(finding(.update, track))
                }
            }
            kept.append(track)
        }
        tracks = kept
        return out
    }

    private func finding(_ phase: FindingPhase, _ track: Track) -> Finding {
        let frameArea = Double(core.format.width * core.format.height)
        return core.finding(
            rule: Self.descriptor.id, phase: phase, track: track.id, box: track.box, firstSeen: track.firstSeen,
            lastSeen: track.lastSeen, area: track.area, areaFraction: Double(track.area) / frameArea,
            // The edge ratio's margin over 1, squashed into 0–1: 3× the background's boundary edges gives 0.5.
            score: max(0, (track.edgeRatio - 1) / (track.edgeRatio + 1)),
            facts: [
                "static_seconds": track.staticSeconds,
                "placed_at": track.placedAt,
                "unattended_seconds": track.lastSeen - track.firstSeen,
                "edge_ratio": track.edgeRatio,
                "contrast": track.contrast,
                "area_fraction": Double(track.area) / frameArea,
            ])
    }
}
