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

    /// `min_area` (number, default 0.03, range 0.0001 – 1): occupied fraction of the zone. A vending cart or a
    /// blanket of goods covers several percent of a sidewalk strip; scattered litter and a lone standing person
    /// in a whole-frame zone stay below 3 %.
    public var minArea: Double = 0.03
    /// Valid range of ``minArea``.
    public static let minAreaRange: ClosedRange<Double> = 0.0001...1

    /// `min_contrast` (number, default 15, range 3 – 128): smallest gray-level difference from the background
    /// that counts as occupied.
    public var minContrast: Double = 15
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
/// Per pixel, presence is the share of recent time the frame differed from the long-term background (a leaky
/// average over ``presenceSeconds``). Pixels present most of the time are occupied: a stall is, the pavement
/// that walkers or cars cross is not. Occupied regions whose outline belongs to the background rather than the
/// frame are ghosts (something that stood there at start-up and left) and are healed, as in
/// ``AbandonedObjectRule``.
public struct StationaryOccupancyRule: Rule {
    public typealias Options = StationaryOccupancyOptions

    public static let descriptor = RuleDescriptor(
        id: "stationary-occupancy",
        summary: "a zone stays occupied by non-background content for minutes (vending, goods outside a shop)",
        version: 1)

    /// Window of the presence average. Long enough that a steady stream of passers-by or traffic (each pixel
    /// covered a few seconds at a time) does not add up, short compared with any dwell worth reporting.
    static let presenceSeconds = 20.0
    /// Share of the window a pixel must differ to count as occupied: present most of the time, allowing for
    /// customers' legs and threshold flicker.
    static let occupiedShare: Float = 0.75
    /// Smallest region counted, as a fraction of the frame: below it, isolated specks (≈ 6×6 px at 320×180).
    static let minRegion = 0.0006
    /// Long-term background's time constant on occupied pixels: an hour, so that a stall stays visible for a
    /// whole market morning rather than fading into the scenery after the default 3-minute dwell.
    static let absorbSeconds = 3600.0

    private let options: Options
    private var core: RuleCore
    private var presence: [Float]
    private var occupied: [UInt8]
    private var state: Occupancy?

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
        var settings = BackgroundSettings()
        settings.minDifference = Float(options.minContrast)
        settings.absorbSeconds = Self.absorbSeconds
        core = RuleCore(format: format, zone: options.zone, schedule: options.schedule, settings: settings)
        presence = [Float](repeating: 0, count: format.width * format.height)
        occupied = [UInt8](repeating: 0, count: format.width * format.height)
    }

    public var stats: RuleStats { core.stats }

    public mutating func reset() {
        core.model.reset()
        core.resets += 1
        for i in presence.indices { presence[i] = 0; occupied[i] = 0 }
        state = nil
    }

    public mutating func finish(at end: Timestamp) -> [Finding] {
        defer { state = nil }
        guard let s = state, s.track != nil else { return [] }
        return [finding(.end, s)]
    }

    public mutating func process(_ frame: VideoFrame) -> [Finding] {
        guard core.model.update(frame) == .normal else { return [] }
        let inSchedule = core.schedule.contains(capturedAt: frame.capturedAt)
        if !inSchedule { core.outsideSchedule += 1 }
        updatePresence()
        core.despeckle(&occupied)

        let frameArea = Double(core.format.width * core.format.height)
        var area = 0
        var box: PixelBox?
        for component in core.components(occupied, minArea: max(4, Int(Self.minRegion * frameArea))) {
            let ratio = core.edgeRatio(component, frame: frame, mask: occupied)
            if ratio < AbandonedObjectRule.ghostBelow {
                core.model.heal(component.pixels)
                for p in component.pixels { presence[Int(p)] = 0 }
                continue
            }
            area += component.area
            box = box.map { $0.union(component.box) } ?? component.box
        }
        return advance(area: area, box: box, pts: frame.pts, inSchedule: inSchedule)
    }

    private mutating func updatePresence() {
        let a = Float(min(1, core.model.deltaTime / Self.presenceSeconds))
        let share = Self.occupiedShare
        let wholeFrame = core.zoneMask.isWholeFrame
        core.model.foregroundLong.withUnsafeBufferPointer { fl in
        core.zoneMask.mask.withUnsafeBufferPointer { zone in
        presence.withUnsafeMutableBufferPointer { pr in
        occupied.withUnsafeMutableBufferPointer { oc in
            // Branch-free so LLVM vectorises it.
            for i in 0..<pr.count {
                let p = pr[i] + a * (Float(fl[i]) - pr[i])
                pr[i] = p
                let bit: UInt8 = p >= share ? 1 : 0
                oc[i] = wholeFrame ? bit : bit & zone[i]
            }
        }
        }
        }
        }
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
        if s.track == nil, inSchedule, pts - s.since >= options.minDwellSeconds {
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
                "dwell_seconds": s.lastOccupied - s.since,
                "occupied_fraction": fraction,
                "peak_occupied_fraction": Double(s.peakArea) / zoneArea,
                "min_area": options.minArea,
            ])
    }
}
