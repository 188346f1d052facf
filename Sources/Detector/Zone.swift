/// A closed polygon, in fractions of the frame (0–1) or in pixels of a stated frame size.
///
/// Config keys:
/// - `points` ([[x, y]], required, ≥ 3 vertices): the outline, in order.
/// - `frame_size` ([width, height], default none): when given, `points` are pixels of a frame that size (copy them
///   from a full-resolution snapshot); when absent, `points` are fractions of the width and height.
public struct Polygon: Sendable, Hashable {
    /// Vertices as `[x, y]` pairs.
    public var points: [[Double]]
    /// The frame size the points are measured in, or `nil` for fractions.
    public var frameSize: [Int]?

    /// A polygon in fractions (`frameSize == nil`) or pixels of `frameSize`.
    public init(points: [[Double]], frameSize: [Int]? = nil) {
        self.points = points
        self.frameSize = frameSize
    }

    /// The axis-aligned rectangle `x0..x1`, `y0..y1` in fractions.
    public static func rectangle(x0: Double, y0: Double, x1: Double, y1: Double) -> Polygon {
        Polygon(points: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    }

    /// Vertices as fractions of the frame.
    var normalizedPoints: [(x: Double, y: Double)] {
        let sx = frameSize.map { 1 / Double($0[0]) } ?? 1
        let sy = frameSize.map { 1 / Double($0[1]) } ?? 1
        return points.map { (x: $0[0] * sx, y: $0[1] * sy) }
    }

    func validate(_ report: inout ValidationReport) {
        if points.count < 3 { report.fail("points", "a polygon needs at least 3 points, got \(points.count)") }
        if let size = frameSize, size.count != 2 || size.contains(where: { $0 <= 0 }) {
            report.fail("frame_size", "expected [width, height] with positive sides, got \(size)")
        }
        let limit = frameSize.flatMap { $0.count == 2 ? (Double($0[0]), Double($0[1])) : nil } ?? (1, 1)
        report.nested("points") { r in
            for (i, p) in points.enumerated() {
                if p.count != 2 {
                    r.fail(String(i), "expected [x, y], got \(p.count) numbers")
                } else if !(0...limit.0).contains(p[0]) || !(0...limit.1).contains(p[1]) {
                    let unit = frameSize == nil ? "fractions in [0 - 1]" : "pixels within \(Int(limit.0))x\(Int(limit.1))"
                    r.fail(String(i), "point [\(ValidationReport.format(p[0])), \(ValidationReport.format(p[1]))] outside the frame (\(unit))")
                }
            }
        }
    }

    /// Even-odd test of the point (`x`, `y`) in fractions.
    static func contains(_ poly: [(x: Double, y: Double)], x: Double, y: Double) -> Bool {
        var inside = false
        var j = poly.count - 1
        for i in poly.indices {
            let a = poly[i], b = poly[j]
            if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}

extension Polygon: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case points
        case frameSize = "frame_size"
    }

    /// Decodes strictly: unknown keys fail with a "did you mean" hint.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(points: try c.decode([[Double]].self, forKey: .points),
                  frameSize: try c.decodeIfPresent([Int].self, forKey: .frameSize))
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

/// Where a rule looks: an id, an outline (default: the whole frame) and parts to ignore.
///
/// Config keys:
/// - `id` (string, default `frame`): names the zone in findings and cases.
/// - `points`, `frame_size`: the outline, as in ``Polygon``; no `points` means the whole frame.
/// - `exclude` ([polygon], default none): exclusion masks, e.g. a tree that sways or a road lane.
public struct Zone: Sendable, Hashable {
    /// Zone id reported in findings.
    public var id: String
    /// The outline, or `nil` for the whole frame.
    public var polygon: Polygon?
    /// Parts of the outline to ignore.
    public var exclude: [Polygon]

    /// A zone; the defaults give the whole frame, id `frame`.
    public init(id: String = "frame", polygon: Polygon? = nil, exclude: [Polygon] = []) {
        self.id = id
        self.polygon = polygon
        self.exclude = exclude
    }

    /// The whole frame, id `frame`.
    public static let wholeFrame = Zone()

    func validate(_ report: inout ValidationReport) {
        if id.isEmpty { report.fail("id", "must not be empty") }
        polygon?.validate(&report)
        report.nested("exclude") { r in
            for (i, p) in exclude.enumerated() { r.nested(String(i)) { p.validate(&$0) } }
        }
    }
}

extension Zone: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, points
        case frameSize = "frame_size"
        case exclude
    }

    /// Decodes strictly, starting from the whole-frame default.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? id
        if let points = try c.decodeIfPresent([[Double]].self, forKey: .points) {
            polygon = Polygon(points: points, frameSize: try c.decodeIfPresent([Int].self, forKey: .frameSize))
        }
        exclude = try c.decodeIfPresent([Polygon].self, forKey: .exclude) ?? exclude
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

/// A zone rasterised for one frame format: 1 where the rule looks, 0 elsewhere.
struct ZoneMask: Sendable {
    /// One byte per pixel, 0 or 1.
    let mask: [UInt8]
    /// Number of 1 pixels.
    let area: Int
    /// Bounding box of the 1 pixels (empty box when the zone misses the frame).
    let bounds: PixelBox
    /// True when the mask covers every pixel (lets hot loops skip the lookup).
    let isWholeFrame: Bool

    init(_ zone: Zone, format: FrameFormat) {
        let w = format.width, h = format.height
        let outline = zone.polygon?.normalizedPoints
        let holes = zone.exclude.map(\.normalizedPoints)
        var mask = [UInt8](repeating: 0, count: w * h)
        var area = 0
        var box = PixelBox(x0: w, y0: h, x1: 0, y1: 0)
        for y in 0..<h {
            let fy = (Double(y) + 0.5) / Double(h)
            for x in 0..<w {
                let fx = (Double(x) + 0.5) / Double(w)
                var inside = outline.map { Polygon.contains($0, x: fx, y: fy) } ?? true
                if inside, holes.contains(where: { Polygon.contains($0, x: fx, y: fy) }) { inside = false }
                if inside {
                    mask[y * w + x] = 1
                    area += 1
                    box = PixelBox(x0: min(box.x0, x), y0: min(box.y0, y), x1: max(box.x1, x + 1), y1: max(box.y1, y + 1))
                }
            }
        }
        self.mask = mask
        self.area = area
        self.bounds = area > 0 ? box : PixelBox(x0: 0, y0: 0, x1: 0, y1: 0)
        self.isWholeFrame = area == w * h
    }
}
