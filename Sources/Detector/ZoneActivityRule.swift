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

    /// `min_contrast` (number, default 15, range 3 – 128): smallest mean gray-level change over a moving blob
    /// for it to count (the camera's motion mask already needs 15 levels or the pixel's own noise).
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
    private var interval: Interval?
    private var lastPts: Timestamp?

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
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule)
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.stats.resets += 1
        interval = nil
        lastPts = nil
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        defer { interval = nil }
        guard let i = interval, i.track != nil else { return [] }
        return [finding(.end, i)]
    }

    public mutating func process(_ scene: SceneModel) -> [Finding] {
        guard scene.verdict == .normal, let frame = scene.frame else { return [] }
        let pts = frame.pts
        let step = lastPts.map { pts - $0 } ?? 0
        lastPts = pts
        guard core.admit(frame) else { return finish(at: pts) }
        var area = 0
        var box: PixelBox?
        for blob in scene.moving {
            let inside = core.pixelsInZone(blob.pixels)
            guard inside > 0 else { continue }
            var change: Float = 0
            for p in blob.pixels { change += abs(Float(frame.pixels[Int(p)]) - scene.shortValue(Int(p))) }
            guard Double(change) / Double(blob.area) >= options.minContrast else {
                core.reject(.lowContrast)
                continue
            }
            area += inside
            box = box.map { $0.union(blob.box) } ?? blob.box
        }
        let fraction = Double(area) / Double(max(1, core.zoneMask.area))
        var out: [Finding] = []
        if let i = interval, pts - i.lastActive > options.maxGapSeconds {
            if i.track != nil { out.append(finding(.end, i)) }
            interval = nil
        }
        guard fraction >= options.minArea, let box else { return out }
        var i = interval ?? Interval(track: nil, start: pts, lastActive: pts, activeSeconds: 0, box: box,
                                     peakFraction: fraction)
        i.activeSeconds += pts == i.start ? 0 : min(step, 1)
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
