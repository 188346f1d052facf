/// Options of ``StationaryOccupancyRule``.
public struct StationaryOccupancyOptions: RuleOptions, Hashable {
    /// `zone` — the no-vending area (default: the whole frame, id `frame`); see ``Zone``.
    public var zone: Zone = .wholeFrame

    /// `schedule` — when findings may start (default: always); see ``Schedule``.
    public var schedule: Schedule = .always

    /// `min_dwell_seconds` (number, default 180, range 5 – 86400): how long the zone must stay occupied.
    /// Commercial vending alarms fire after a stall has stayed 3–5 minutes; a delivery stop or a chat is shorter.
    public var minDwellSeconds: Double = 180
    /// Valid range of ``minDwellSeconds``.
    public static let minDwellSecondsRange: ClosedRange<Double> = 5...86400

    /// `min_area` (number, default 0.01, range 0.0001 – 1): occupied fraction of the zone. A vending cart or a
    /// blanket of goods covers several percent of a sidewalk strip, and still 1.5–2.5 % of a whole frame when it
    /// stands 30 m off (the PETS 2009 backdrop's far stall measured 2.4 % as a box, less as pixels); scattered
    /// litter stays under 1 %. People and cars that stop are told apart by `min_dwell_seconds`, not by size.
    public var minArea: Double = 0.01
    /// Valid range of ``minArea``.
    public static let minAreaRange: ClosedRange<Double> = 0.0001...1

    /// `min_contrast` (number, default 10, range 3 – 128): smallest mean gray-level difference from the
    /// background over an occupied region. The scene model's foreground already needs 15 levels (or the pixel's
    /// own noise) per frame; the default adds nothing unless raised.
    public var minContrast: Double = 10
    /// Valid range of ``minContrast``.
    public static let minContrastRange: ClosedRange<Double> = 3...128

    /// `end_after_seconds` (number, default 30, range 0 – 3600): how long the zone must look free before the
    /// occupancy ends; a vendor's customers hiding the stall, or a stall briefly rearranged, do not end it.
    public var endAfterSeconds: Double = 30
    /// Valid range of ``endAfterSeconds``.
    public static let endAfterSecondsRange: ClosedRange<Double> = 0...3600

    /// The defaults above.
    public init() {}

    public func validate(_ report: inout ValidationReport) {
        report.nested("zone") { zone.validate(&$0) }
        report.nested("schedule") { schedule.validate(&$0) }
        report.check("min_dwell_seconds", minDwellSeconds, in: Self.minDwellSecondsRange)
        report.check("min_area", minArea, in: Self.minAreaRange)
        report.check("min_contrast", minContrast, in: Self.minContrastRange)
        report.check("end_after_seconds", endAfterSeconds, in: Self.endAfterSecondsRange)
    }
}

extension StationaryOccupancyOptions: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case zone, schedule
        case minDwellSeconds = "min_dwell_seconds"
        case minArea = "min_area"
        case minContrast = "min_contrast"
        case endAfterSeconds = "end_after_seconds"
    }

    /// Decodes strictly: starts from the defaults, rejects unknown keys.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zone = try c.decodeIfPresent(Zone.self, forKey: .zone) ?? zone
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule) ?? schedule
        minDwellSeconds = try c.decodeIfPresent(Double.self, forKey: .minDwellSeconds) ?? minDwellSeconds
        minArea = try c.decodeIfPresent(Double.self, forKey: .minArea) ?? minArea
        minContrast = try c.decodeIfPresent(Double.self, forKey: .minContrast) ?? minContrast
        endAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .endAfterSeconds) ?? endAfterSeconds
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

/// `stationary-occupancy`: a zone stays occupied by something that is not scenery (a stall, goods spread out,
/// a parked cart) for at least `min_dwell_seconds`. People moving in and around it do not interrupt it.
///
/// Reads the camera's ``SceneModel``: pixels that differed from the long-term background most of the last
/// ``SceneSettings/presenceSeconds`` form occupied regions (ghosts healed by the scene). A stall is occupied, the
/// pavement that walkers or cars cross is not. The occupied share of the zone must reach `min_area`; the
/// occupancy is reported after `min_dwell_seconds` and ends when the zone has looked free for
/// `end_after_seconds`.
public struct StationaryOccupancyRule: Rule {
    public typealias Options = StationaryOccupancyOptions

    public static let descriptor = RuleDescriptor(
        id: "stationary-occupancy",
        summary: "a zone stays occupied by non-background content for minutes (vending, goods outside a shop)",
        version: 2)

    private let options: Options
    private var core: RuleCore
    private var state: Occupancy?
    /// How long a pixel must have differed before its presence average reaches the occupied share: the
    /// occupancy began that long before it was first seen, so the dwell is measured from then.
    private let presenceLag: Double

    private struct Occupancy {
        var track: Int?
        var since: Timestamp
        var lastOccupied: Timestamp
        var box: PixelBox
        var area: Int
        var reportedBox = PixelBox.empty
        var peakArea = 0
    }

    public init(options: Options, format: FrameFormat) {
        self.options = options
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule)
        presenceLag = SceneSettings().presenceLagSeconds
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.stats.resets += 1
        state = nil
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        defer { state = nil }
        guard let s = state, s.track != nil else { return [] }
        return [finding(.end, s)]
    }

    public mutating func process(_ scene: SceneModel) -> [Finding] {
        guard scene.verdict == .normal, let frame = scene.frame else { return [] }
        let inSchedule = core.admit(frame)
        var area = 0
        var box: PixelBox?
        for component in scene.occupied {
            let inside = core.pixelsInZone(component.pixels)
            guard inside > 0 else { continue }
            var contrast: Float = 0
            for p in component.pixels { contrast += abs(scene.shortValue(Int(p)) - scene.longValue(Int(p))) }
            if Double(contrast) / Double(component.area) < options.minContrast {
                core.reject(.lowContrast)
                continue
            }
            area += inside
            box = box.map { $0.union(component.box) } ?? component.box
        }
        return advance(area: area, box: box, pts: frame.pts, inSchedule: inSchedule)
    }

    private mutating func advance(area: Int, box: PixelBox?, pts: Timestamp, inSchedule: Bool) -> [Finding] {
        var out: [Finding] = []
        let zoneArea = max(1, core.zoneMask.area)
        let isOccupied = Double(area) / Double(zoneArea) >= options.minArea
        if isOccupied, let box {
            if var s = state {
                s.lastOccupied = pts
                s.box = box
                s.area = area
                s.peakArea = max(s.peakArea, area)
                state = s
            } else {
                state = Occupancy(track: nil, since: pts, lastOccupied: pts, box: box, area: area, peakArea: area)
            }
        } else if let s = state, pts - s.lastOccupied > options.endAfterSeconds {
            if s.track != nil { out.append(finding(.end, s)) }
            state = nil
        }
        guard var s = state, s.lastOccupied == pts else { return out }
        // Dwell counts from when the zone began to fill (the presence lag before it was first seen occupied).
        if s.track == nil, inSchedule, pts - s.since + presenceLag >= options.minDwellSeconds {
            s.track = core.newTrack()
            s.reportedBox = s.box
            out.append(finding(.start, s))
        } else if s.track != nil, s.box.iou(s.reportedBox) < 0.5 {
            s.reportedBox = s.box
            out.append(finding(.update, s))
        }
        state = s
        return out
    }

    private func finding(_ phase: FindingPhase, _ s: Occupancy) -> Finding {
        let zoneArea = Double(max(1, core.zoneMask.area))
        let fraction = Double(s.area) / zoneArea
        return core.finding(
            rule: Self.descriptor.id, phase: phase, track: s.track ?? 0, box: s.box, firstSeen: s.since,
            lastSeen: s.lastOccupied, area: s.area, areaFraction: fraction,
            // How far the occupied share clears the configured minimum: twice the minimum scores 0.5.
            score: max(0, min(1, (fraction - options.minArea) / (fraction + options.minArea) * 1.5)),
            facts: [
                "dwell_seconds": s.lastOccupied - s.since + presenceLag,
                "occupied_fraction": fraction,
                "peak_occupied_fraction": Double(s.peakArea) / zoneArea,
                "min_area": options.minArea,
            ])
    }
}
