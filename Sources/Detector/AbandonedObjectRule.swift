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

    /// `min_contrast` (number, default 10, range 3 – 128): smallest mean gray-level difference between the
    /// object and the background behind it. The camera's scene model already keeps only pixels that clear
    /// 10 levels (or their own noise) on a several-frame average, so the default adds nothing; raise it for a
    /// camera whose picture is known to be noisier than its noise estimate says.
    public var minContrast: Double = 10
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
/// Reads the camera's ``SceneModel``: its static-region candidates (arrived and stayed, ghosts already healed,
/// fragments merged) and its moving blobs. A candidate is checked for zone, size, border, outline and contrast
/// (each rejection counted in ``RuleStats/rejected`` with its reason). A region nothing travelling brought (a
/// drifting cloud, light settling) is never reported: somebody leaves a dumped thing. Nor is a region nearly its
/// bringer's size that lies where the bringer came to rest: it *is* the bringer (a parked car, a person standing).
/// Its *companions* are the moving blobs that brought it or came to it since (owner, vendor, passers-by). It is
/// attended while something moves on it, it stirs more than its surroundings (a person shifting on the spot), a
/// companion is still within its own size of it (a passer-by who walks on stops attending at once), or a person or
/// vehicle at rest that arrived with it stands beside it; so a stall with its vendor, a traveller beside his
/// suitcase or a van beside a dropped bag hold it back. It is reported once it
/// has lain still `min_static_seconds` and been unattended `unattended_seconds`; the finding dates from when it
/// was left (`firstSeen`) and keeps when it was set down (`facts.placed_at`). It ends when the object has been
/// gone `end_after_seconds` (taken away: `facts.removed` = 1).
public struct AbandonedObjectRule: Rule {
    public typealias Options = AbandonedObjectOptions

    public static let descriptor = RuleDescriptor(
        id: "abandoned-object",
        summary: "a new object stays still in a zone and is left unattended",
        version: 2)

    /// Share of a candidate's pixels that must lie in the zone: an object half in the zone is the zone's.
    static let minZoneShare = 0.5
    /// Share of its pixels inside a moving blob in this frame above which a candidate counts as attended
    /// (someone on it, handling it, walking over it).
    static let attendedMovingShare = 0.05
    /// Share of a candidate's pixels changing in one frame above which it *stirs* (see ``StaticRegion/stirShare``),
    /// if that is also more than twice the share around it (rain, shake and keyframe pulses stir everywhere).
    static let stirShare = 0.03
    /// Time constant of how often a candidate stirs, and the level above which it counts as a living thing
    /// (attended by itself): a person shifts every few frames, while compression pulses at each keyframe (every
    /// 1-4 s) raise the average only by a tenth.
    static let stirSeconds = 2.0
    static let livelyAbove = 0.25
    /// Texture correlation with the old surface (``StaticRegion/textureCorrelation``) above which a candidate
    /// is that surface under other light. Light scales texture, so cloud shadows and sunlit patches on the
    /// PETS car park correlate at 0.87-1.0 (most above 0.9) through an exposure jump and crf 44; an object
    /// hides the texture under it, and a bag set down against a cabinet, whose region takes in part of the
    /// cabinet's edge, measured 0.45-0.68 across light, rain and ramp variants.
    static let relitAbove = 0.85
    /// Seconds around the moment a region settled in which a moving blob that touched it counts as what brought
    /// it: a hand lets go and the owner straightens up within a couple of seconds.
    static let bringerWindow = 3.0
    /// Seconds around an object's arrival in which a person or vehicle that came to rest beside it counts as its
    /// company (the owner standing by his case, the van it was unloaded from), unlike a car parked there for
    /// hours before. A minute covers unloading and a chat.
    static let companyWindow = 60.0
    /// Size of the region's box (with the static regions touching it: a standing person's legs and shoulders
    /// come apart where his clothes match the floor), as a share of its bringer's largest box, above which the
    /// region *is* the bringer (a parked vehicle, a person standing still) rather than something it left. On the
    /// Intel clip's ramp variant one person's legs and shoulders each filled under a third of his walking box
    /// (boxes from `detect --trace`), about 0.8 together. A person's box while
    /// walking is wider than when standing (swinging legs and arms), so a standing person fills about 0.6-0.9 of
    /// it; a bag, even a large one at close range, fills well under half of its owner's.
    static let stoppedMoverShare = 0.5

    private let options: Options
    private var core: RuleCore
    private var tracks: [Track] = []

    private struct Track {
        var id: Int
        var box: PixelBox
        var area: Int
        /// When the object stopped moving (set down).
        var placedAt: Timestamp
        /// When it was left alone: the last attendance at the moment it was reported.
        var firstSeen: Timestamp = 0
        var lastSeen: Timestamp
        var attendedAt: Timestamp
        var staticSeconds: Double
        var edgeRatio: Double
        var contrast: Double
        var movingShare: Double
        /// Moving blobs that came to it since it settled: its owner, its vendor, passers-by.
        var companions: Set<Int> = []
        /// Whether a moving blob was at it when it settled: somebody brought it.
        var brought = false
        /// Whether it is a person or vehicle that moved in and stopped (see ``stoppedMoverShare``).
        var isStoppedMover = false
        /// Its bringer as last seen moving: id, when, where, and its largest box's area and side.
        var bringer: (id: Int, lastSeen: Timestamp, box: PixelBox, peakArea: Int, peakSize: Int)?
        /// Whether something set off from it after its bringer came to rest there: the bringer walking away.
        var bringerLeft = false
        /// How often it stirred lately (0-1, see ``stirSeconds``).
        var liveliness = 0.0
        var stirs = false
        var reported = false
        var reportedBox = PixelBox.empty
    }

    public init(options: Options, format: FrameFormat) {
        self.options = options
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule)
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.stats.resets += 1
        tracks = []
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        let out = tracks.filter(\.reported).map { finding(.end, $0, removed: false) }
        tracks = []
        return out
    }

    public mutating func process(_ scene: SceneModel) -> [Finding] {
        guard scene.verdict == .normal, let frame = scene.frame else { return [] }
        let inSchedule = core.admit(frame)
        let pts = frame.pts
        let frameArea = Double(core.format.width * core.format.height)
        let minPixels = max(4, Int(options.minArea * frameArea))
        let maxPixels = Int(options.maxArea * frameArea)
        var candidates: [Track] = []
        for region in scene.candidates {
            if Double(core.pixelsInZone(region.pixels)) < Self.minZoneShare * Double(region.area) { continue }
            if let reason = rejection(region, minPixels: minPixels, maxPixels: maxPixels) {
                core.reject(reason)
                continue
            }
            candidates.append(Track(
                id: 0, box: region.box, area: region.area, placedAt: min(region.settledAt, pts), lastSeen: pts,
                attendedAt: -.infinity, staticSeconds: region.staticSeconds, edgeRatio: region.edgeRatio,
                contrast: region.contrast, movingShare: region.movingShare,
                stirs: region.stirShare >= Self.stirShare && region.stirShare > 2 * region.ringStirShare
                    && region.stirShare > scene.edgeStirShare))
        }
        return advanceTracks(candidates, scene: scene, inSchedule: inSchedule)
    }

    /// Why `region` cannot be an abandoned object, or `nil` when it can.
    private func rejection(_ region: StaticRegion, minPixels: Int, maxPixels: Int) -> RejectionReason? {
        if region.area < minPixels { return .tooSmall }
        if region.area > maxPixels { return .tooLarge }
        if region.touchesBorder { return .border }
        if let correlation = region.textureCorrelation, correlation > Self.relitAbove { return .relit }
        if region.edgeRatio < EdgeEvidence.objectAbove, region.standOut < EdgeEvidence.standsOutAbove { return .ambiguousEdges }
        if region.contrast < options.minContrast { return .lowContrast }
        return nil
    }

    /// How far around an object a companion still counts as with it: `unattended_radius`, but at least the
    /// object's own size (a large heap is attended from further away than a cup).
    private func reach(_ box: PixelBox) -> Int {
        max(Int((options.unattendedRadius * Double(core.format.width)).rounded()), max(box.width, box.height))
    }

    /// Notes the moving blobs touching `track` now (and, for a new track, those that touched it since it
    /// settled), then tells whether one of them is still with it, and whether the track is a mover that stopped.
    private func attendance(_ track: inout Track, scene: SceneModel, regions: [PixelBox], isNew: Bool)
        -> (attended: Bool, stoppedMover: Bool) {
        let reach = reach(track.box)
        let touchMargin = max(2, reach / 3)
        let touch = track.box.grown(by: touchMargin)
        let since = track.placedAt - Self.bringerWindow
        let everyMover = scene.movers.tracks + scene.movers.ended
        for mover in everyMover {
            let touching = mover.lastSeen == scene.pts && mover.box.intersects(touch)
            if touching || (isNew && mover.visited(touch, since: since)) { track.companions.insert(mover.id) }
        }
        if !track.brought {
            track.brought = everyMover.contains {
                $0.hasTravelled
                    && $0.visited(touch, since: track.placedAt - Self.bringerWindow, until: track.placedAt + Self.bringerWindow)
            }
        }
        let a = min(1, (scene.deltaTime) / Self.stirSeconds)
        track.liveliness += a * ((track.stirs ? 1 : 0) - track.liveliness)
        var attended = track.movingShare > Self.attendedMovingShare || track.liveliness > Self.livelyAbove
        var stopped = false
        for mover in scene.movers.tracks where track.companions.contains(mover.id) && scene.pts - mover.lastSeen <= 1
            // A person or vehicle: it came from somewhere, or has kept moving there for a second (a vendor
            // busy beside his stall). A speck of shake or compression flicker beside the object is neither.
            && (mover.hasTravelled || mover.lastSeen - mover.firstSeen >= 1) {
            // Still within its own size of the object: standing by it, working at it, not yet walked off.
            let size = Double(max(reach, mover.peakWidth, mover.peakHeight))
            if track.box.distance(toCentreOf: mover.box) <= size { attended = true }
        }
        // The biggest blob that travelled to the object since it settled is its bringer (the owner, not a hand,
        // a bag swinging on its own or the flicker of the object appearing). If the object is nearly the bringer's size and the bringer went still at it,
        // the object *is* the bringer: a car that parked, a person who stands.
        let bringers = everyMover.filter {
            track.companions.contains($0.id) && $0.hasTravelled && $0.visited(touch, since: since)
        }
        let biggest = bringers.max(by: { $0.peakWidth * $0.peakHeight < $1.peakWidth * $1.peakHeight })
        if let biggest {
            track.bringer = (biggest.id, biggest.lastSeen, biggest.box, biggest.peakWidth * biggest.peakHeight,
                             max(biggest.peakWidth, biggest.peakHeight))
        }
        if bringerStaysBeside(&track, scene: scene, movers: everyMover, reach: reach) { attended = true }
        // A person at rest often splits into two static regions (legs, and head and shoulders over a belt of
        // clothing like the floor): what stopped is all of them.
        let body = regions.filter { $0.distance(to: track.box) <= Double(touchMargin) }.reduce(track.box) { $0.union($1) }
        // The bringer as remembered: a person waiting for minutes outlasts the mover tracks.
        if let bringer = track.bringer,
           scene.pts - bringer.lastSeen > 1,
           track.box.distance(toCentreOf: bringer.box) <= Double(max(reach, bringer.peakSize)),
           Double(body.area) >= Self.stoppedMoverShare * Double(bringer.peakArea) {
            stopped = true
        }
        return (attended, stopped)
    }

    /// Whether the object's bringer came to rest beside it and has not set off again: an owner standing by his
    /// case, or the rest of a standing person whose legs alone became the region. A person at rest leaves the
    /// motion mask, so "still there" is inferred: the bringer's last move ended within reach, and no new mover
    /// has since set off from the object and travelled (the owner walking away starts a new track there).
    /// Limited to ``companyWindow`` after the bringer's last move, so that a bringer that left unseen (through a
    /// crowd, behind a pillar) holds the object back for a minute at most.
    private func bringerStaysBeside(_ track: inout Track, scene: SceneModel, movers: [MoverTrack], reach: Int) -> Bool {
        // A bringer whose last move was mostly the object is the object itself moving in (pushed, thrown, or
        // carried by a hand too small to show): nothing of it stays beside the object.
        guard let bringer = track.bringer, !track.bringerLeft,
              2 * bringer.box.intersection(track.box) < bringer.box.area else { return false }
        let restingFor = scene.pts - bringer.lastSeen
        guard restingFor > 1, restingFor <= Self.companyWindow,
              track.box.distance(toCentreOf: bringer.box) <= Double(max(reach, bringer.box.width, bringer.box.height))
        else { return false }
        let start = track.box.grown(by: reach)
        let setOff = movers.contains { mover in
            mover.id != bringer.id && mover.firstSeen >= bringer.lastSeen - 1 && mover.hasTravelled
                && (mover.path.first.map { $0.box.intersects(start) } ?? false)
        }
        if setOff { track.bringerLeft = true }
        return !setOff
    }

    private mutating func advanceTracks(_ candidates: [Track], scene: SceneModel, inSchedule: Bool) -> [Finding] {
        let pts = scene.pts
        var out: [Finding] = []
        var matched = Set<Int>()
        let regions = candidates.map(\.box)
        for candidate in candidates {
            let index = tracks.indices.filter { !matched.contains($0) }.max { a, b in
                tracks[a].box.iou(candidate.box) < tracks[b].box.iou(candidate.box)
            }
            var isNew = false
            var t: Int
            if let found = index, tracks[found].box.iou(candidate.box) >= 0.2
                || tracks[found].box.containsCentre(of: candidate.box) || candidate.box.containsCentre(of: tracks[found].box) {
                t = found
                var track = tracks[t]
                track.box = candidate.box
                track.area = candidate.area
                track.lastSeen = pts
                track.staticSeconds = candidate.staticSeconds
                track.edgeRatio = candidate.edgeRatio
                track.contrast = candidate.contrast
                track.movingShare = candidate.movingShare
                track.stirs = candidate.stirs
                track.placedAt = min(track.placedAt, candidate.placedAt)
                tracks[t] = track
            } else {
                var track = candidate
                track.id = core.newTrack()
                track.attendedAt = track.placedAt
                tracks.append(track)
                t = tracks.count - 1
                isNew = true
            }
            matched.insert(t)
            let (attended, stopped) = attendance(&tracks[t], scene: scene, regions: regions, isNew: isNew)
            tracks[t].isStoppedMover = stopped
            if attended || stopped { tracks[t].attendedAt = pts }
        }
        // A person or vehicle at rest beside an object that arrived with it keeps it attended: the owner who
        // stands by his case without moving, the van a bag was unloaded from.
        for t in tracks.indices where tracks[t].lastSeen == pts && !tracks[t].isStoppedMover {
            let reach = Double(reach(tracks[t].box))
            let company = tracks.contains { other in
                other.isStoppedMover && other.lastSeen == pts
                    && other.placedAt >= tracks[t].placedAt - Self.companyWindow
                    && tracks[t].box.distance(to: other.box) <= reach
            }
            if company { tracks[t].attendedAt = pts }
            if !tracks[t].reported {
                if !tracks[t].brought {
                    core.reject(.noOwner)
                } else if tracks[t].attendedAt == pts {
                    core.reject(.attended)
                }
            }
        }
        for track in tracks where track.lastSeen == pts && track.isStoppedMover && !track.reported {
            core.reject(.stoppedMover)
        }
        var kept: [Track] = []
        for var track in tracks {
            if pts - track.lastSeen > options.endAfterSeconds {
                if track.reported { out.append(finding(.end, track, removed: true)) }
                continue
            }
            if track.lastSeen == pts {
                if !track.reported, inSchedule, track.brought, track.staticSeconds >= options.minStaticSeconds,
                   pts - track.attendedAt >= options.unattendedSeconds {
                    track.reported = true
                    track.reportedBox = track.box
                    // The dumping is complete once the owner has gone; before that the object is attended.
                    track.firstSeen = max(track.placedAt, track.attendedAt)
                    out.append(finding(.start, track, removed: false))
                } else if track.reported, track.box.iou(track.reportedBox) < 0.5 {
                    track.reportedBox = track.box
                    out.append(finding(.update, track, removed: false))
                }
            }
            kept.append(track)
        }
        tracks = kept
        return out
    }

    private func finding(_ phase: FindingPhase, _ track: Track, removed: Bool) -> Finding {
        let frameArea = Double(core.format.width * core.format.height)
        var facts = [
            "static_seconds": track.staticSeconds,
            "placed_at": track.placedAt,
            "unattended_seconds": track.lastSeen - track.firstSeen,
            "edge_ratio": track.edgeRatio,
            "contrast": track.contrast,
            "area_fraction": Double(track.area) / frameArea,
        ]
        if phase == .end { facts["removed"] = removed ? 1 : 0 }
        return core.finding(
            rule: Self.descriptor.id, phase: phase, track: track.id, box: track.box, firstSeen: track.firstSeen,
            lastSeen: track.lastSeen, area: track.area, areaFraction: Double(track.area) / frameArea,
            // The edge ratio's margin over 1, squashed into 0–1: 3× the background's outline contrast gives 0.5.
            score: max(0, (track.edgeRatio - 1) / (track.edgeRatio + 1)),
            facts: facts)
    }
}
