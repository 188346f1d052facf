/// Options of ``ZoneActivityRule``.
public struct ZoneActivityOptions: RuleOptions, Hashable {
    /// `zone` — where activity matters, e.g. a garbage point (default: the whole frame, id `frame`).
    public var zone: Zone = .wholeFrame

    /// `schedule` — when activity is reported (default: always), e.g. `windows: ["20:00-06:00"]`.
    public var schedule: Schedule = .always

    /// `min_area` (number, default 0.01, range 0.0001 – 1): share of the zone that must be moving in a frame
    /// for the frame to count as active. One percent of a zone drawn round a garbage point is a person's torso;
    /// leaves and rain specks stay below it after despeckling.
    public var minArea: Double = 0.01
    /// Valid range of ``minArea``.
    public static let minAreaRange: ClosedRange<Double> = 0.0001...1

    /// `min_active_seconds` (number, default 5, range 0.2 – 3600): active time needed before a finding starts.
    /// A car or walker crossing a zone takes a second or two; someone dumping or rummaging takes longer.
    public var minActiveSeconds: Double = 5
    /// Valid range of ``minActiveSeconds``.
    public static let minActiveSecondsRange: ClosedRange<Double> = 0.2...3600

    /// `max_gap_seconds` (number, default 3, range 0 – 600): a pause shorter than this continues the same
    /// activity (a person bending down stops moving for a moment).
    public var maxGapSeconds: Double = 3
    /// Valid range of ``maxGapSeconds``.
    public static let maxGapSecondsRange: ClosedRange<Double> = 0...600

    /// `min_contrast` (number, default 15, range 3 – 128): smallest gray-level change that counts as motion.
    public var minContrast: Double = 15
    /// Valid range of ``minContrast``.
    public static let minContrastRange: ClosedRange<Double> = 3...128

    /// The defaults above.
    public init() {}

    public func validate(_ report: inout ValidationReport) {
        report.nested("zone") { zone.validate(&$0) }
        report.nested("schedule") { schedule.validate(&$0) }
        report.check("min_area", minArea, in: Self.minAreaRange)
        report.check("min_active_seconds", minActiveSeconds, in: Self.minActiveSecondsRange)
        report.check("max_gap_seconds", maxGapSeconds, in: Self.maxGapSecondsRange)
        report.check("min_contrast", minContrast, in: Self.minContrastRange)
    }
}

extension ZoneActivityOptions: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case zone, schedule
        case minArea = "min_area"
        case minActiveSeconds = "min_active_seconds"
        case maxGapSeconds = "max_gap_seconds"
        case minContrast = "min_contrast"
    }

    /// Decodes strictly: starts from the defaults, rejects unknown keys.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zone = try c.decodeIfPresent(Zone.self, forKey: .zone) ?? zone
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule) ?? schedule
        minArea = try c.decodeIfPresent(Double.self, forKey: .minArea) ?? minArea
        minActiveSeconds = try c.decodeIfPresent(Double.self, forKey: .minActiveSeconds) ?? minActiveSeconds
        maxGapSeconds = try c.decodeIfPresent(Double.self, forKey: .maxGapSeconds) ?? maxGapSeconds
        minContrast = try c.decodeIfPresent(Double.self, forKey: .minContrast) ?? minContrast
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

/// `zone-activity`: sustained motion in a zone during a schedule (someone at the garbage point at 3 am).
///
/// Motion is the despeckled difference from the short-term background (gain-compensated, with per-pixel noise
/// thresholds, so swaying trees and exposure changes stay quiet). Active frames within `max_gap_seconds` of each
/// other form one interval; it is reported once its active time reaches `min_active_seconds`, and ends when the
/// zone has been quiet for longer than `max_gap_seconds` or the schedule closes.
public struct ZoneActivityRule: Rule {
    public typealias Options = ZoneActivityOptions

    public static let descriptor = RuleDescriptor(
        id: "zone-activity",
        summary: "sustained motion in a zone during a schedule",
        version: 1)

    private let options: Options
    private var core: RuleCore
    private var motion: [UInt8]
    private var interval: Interval?

    private struct Interval {
        var track: Int?
        var start: Timestamp
        var lastActive: Timestamp
        var activeSeconds: Double
        var box: PixelBox
        var reportedBox = PixelBox.empty
        var peakFraction: Double
    }

    public init(options: Options, format: FrameFormat) {
        self.options = options
        var settings = BackgroundSettings()
        settings.minDifference = Float(options.minContrast)
        settings.keepsLongTerm = false
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule, settings: settings)
        motion = [UInt8](repeating: 0, count: format.width * format.height)
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.model.reset()
        core.resets += 1
        interval = nil
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        defer { interval = nil }
        guard let i = interval, i.track != nil else { return [] }
        return [finding(.end, i)]
    }

    public mutating func process(_ frame: VideoFrame) -> [Finding] {
        guard core.model.update(frame) == .normal else { return [] }
        let pts = frame.pts
        guard core.schedule.contains(capturedAt: frame.capturedAt) else {
            core.outsideSchedule += 1
            return finish(at: pts)
        }
        let zone = core.zoneMask
        motion = core.model.foregroundShort
        if !zone.isWholeFrame {
            for i in motion.indices { motion[i] &= zone.mask[i] }
        }
        core.despeckle(&motion)
        let frameArea = Double(core.format.width * core.format.height)
        var area = 0
        var box: PixelBox?
        // Regions below ~3×3 px survive opening only as fragments of bigger ones; skip them in the box.
        for component in core.components(motion, minArea: max(9, Int(0.0002 * frameArea))) {
            area += component.area
            box = box.map { $0.union(component.box) } ?? component.box
        }
        let fraction = Double(area) / Double(max(1, zone.area))
        var out: [Finding] = []
        if let i = interval, pts - i.lastActive > options.maxGapSeconds {
            if i.track != nil { out.append(finding(.end, i)) }
            interval = nil
        }
        guard fraction >= options.minArea, let box else { return out }
        var i = interval ?? Interval(track: nil, start: pts, lastActive: pts, activeSeconds: 0, box: box,
                                     peakFraction: fraction)
        i.activeSeconds += pts == i.start ? 0 : core.model.deltaTime
        i.lastActive = pts
        i.box = i.box.union(box)
        i.peakFraction = max(i.peakFraction, fraction)
        if i.track == nil, i.activeSeconds >= options.minActiveSeconds {
            i.track = core.newTrack()
            i.reportedBox = i.box
            out.append(finding(.start, i))
        } else if i.track != nil, i.box.iou(i.reportedBox) < 0.5 {
            i.reportedBox = i.box
            out.append(finding(.update, i))
        }
        interval = i
        return out
    }

    private func finding(_ phase: FindingPhase, _ i: Interval) -> Finding {
        core.finding(
            rule: Self.descriptor.id, phase: phase, track: i.track ?? 0, box: i.box, firstSeen: i.start,
            lastSeen: i.lastActive, area: i.box.area, areaFraction: i.peakFraction,
            // Share of the interval that was active: steady activity scores near 1, sporadic flicker low.
            score: i.lastActive > i.start ? min(1, i.activeSeconds / (i.lastActive - i.start)) : 0,
            facts: [
                "active_seconds": i.activeSeconds,
                "peak_motion_fraction": i.peakFraction,
                "min_area": options.minArea,
            ])
    }
}
