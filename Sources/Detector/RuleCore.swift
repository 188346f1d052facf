/// State every built-in rule carries: its zone raster, schedule, background model, scratch planes and counters.
struct RuleCore: Sendable {
    let format: FrameFormat
    let zone: Zone
    let zoneMask: ZoneMask
    let schedule: Schedule
    var model: BackgroundModel
    /// Scratch planes for morphology and labelling, allocated once.
    var scratchA: [UInt8]
    var scratchB: [UInt8]
    var labels: [UInt8]
    var nextTrack = 1
    var resets = 0
    var outsideSchedule = 0

    init(format: FrameFormat, zone: Zone, schedule: Schedule, settings: BackgroundSettings) {
        self.format = format
        self.zone = zone
        self.zoneMask = ZoneMask(zone, format: format)
        self.schedule = schedule
        self.model = BackgroundModel(format: format, settings: settings)
        let n = format.width * format.height
        scratchA = [UInt8](repeating: 0, count: n)
        scratchB = [UInt8](repeating: 0, count: n)
        labels = [UInt8](repeating: 0, count: n)
    }

    var stats: RuleStats {
        var s = model.stats
        s.outsideSchedule = outsideSchedule
        s.resets = resets
        return s
    }

    /// Opens (despeckles) `mask` in place.
    mutating func despeckle(_ mask: inout [UInt8]) {
        Morphology.open(&mask, width: format.width, height: format.height, scratch: &scratchA, scratch2: &scratchB)
    }

    /// Connected regions of `mask` with at least `minArea` pixels.
    mutating func components(_ mask: [UInt8], minArea: Int) -> [Component] {
        ConnectedComponents.find(mask, width: format.width, height: format.height, minArea: minArea, labels: &labels)
    }

    /// Boundary-gradient ratio frame / long-term background for a region of `mask` (see ``EdgeEvidence``).
    func edgeRatio(_ component: Component, frame: VideoFrame, mask: [UInt8]) -> Double {
        let g = EdgeEvidence.crossContrast(component, frame: frame.pixels, model: model, inside: mask,
                                               width: format.width, height: format.height)
        return Double((g.frame + 1) / (g.background + 1))
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
