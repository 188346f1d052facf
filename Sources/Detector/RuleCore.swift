/// What every built-in rule carries: its zone raster, schedule, counters and track numbering.
struct RuleCore: Sendable {
    let format: FrameFormat
    let zone: Zone
    let zoneMask: ZoneMask
    let schedule: Schedule
    var nextTrack = 1
    var stats = RuleStats()

    init(format: FrameFormat, zone: Zone, schedule: Schedule) {
        self.format = format
        self.zone = zone
        self.zoneMask = ZoneMask(zone, format: format)
        self.schedule = schedule
    }

    /// Counts the frame; tells whether findings may start now (inside the schedule).
    mutating func admit(_ frame: VideoFrame) -> Bool {
        stats.frames += 1
        let inSchedule = schedule.contains(capturedAt: frame.capturedAt)
        if !inSchedule { stats.outsideSchedule += 1 }
        return inSchedule
    }

    /// Counts a rejected candidate.
    mutating func reject(_ reason: RejectionReason) {
        stats.rejected[reason, default: 0] += 1
    }

    /// Pixels of `pixels` inside the zone.
    func pixelsInZone(_ pixels: [Int32]) -> Int {
        if zoneMask.isWholeFrame { return pixels.count }
        var inside = 0
        for p in pixels { inside += Int(zoneMask.mask[Int(p)]) }
        return inside
    }

    /// Takes the next track number.
    mutating func newTrack() -> Int {
        defer { nextTrack += 1 }
        return nextTrack
    }

    /// A finding with the fields every rule fills the same way.
    func finding(rule: String, phase: FindingPhase, track: Int, box: PixelBox, firstSeen: Timestamp,
                 lastSeen: Timestamp, area: Int, areaFraction: Double, score: Double,
                 facts: [String: Double]) -> Finding {
        Finding(rule: rule, phase: phase, track: track, zone: zone.id, box: box,
                normalizedBox: box.normalized(in: format), firstSeen: firstSeen, lastSeen: lastSeen, area: area,
                areaFraction: areaFraction, score: score, facts: facts)
    }
}

extension PixelBox {
    /// The box grown by `margin` pixels on each side, clipped to `format`.
    func grown(by margin: Int, within format: FrameFormat) -> PixelBox {
        PixelBox(x0: max(0, x0 - margin), y0: max(0, y0 - margin),
                 x1: min(format.width, x1 + margin), y1: min(format.height, y1 + margin))
    }

    /// Whether the centre of `other` lies inside this box.
    func containsCentre(of other: PixelBox) -> Bool {
        let cx2 = other.x0 + other.x1, cy2 = other.y0 + other.y1
        return cx2 >= 2 * x0 && cx2 < 2 * x1 && cy2 >= 2 * y0 && cy2 < 2 * y1
    }

    static let empty = PixelBox(x0: 0, y0: 0, x1: 0, y1: 0)
}
