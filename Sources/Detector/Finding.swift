/// Where a finding stands in the life of the thing it reports.
public enum FindingPhase: String, Sendable, Hashable, CaseIterable {
    /// The thing was confirmed (dwell reached); the first finding of a track.
    case start
    /// The thing is still there but its box changed materially (IoU < 0.5 with the last reported box).
    case update
    /// The thing is gone, or the stream ended (``Rule/finish(at:)``); the last finding of a track.
    case end
}

/// A rectangle in pixels of the analysis frame: `x0..<x1`, `y0..<y1`.
public struct PixelBox: Sendable, Hashable, CustomStringConvertible {
    /// Left column (inclusive).
    public var x0: Int
    /// Top row (inclusive).
    public var y0: Int
    /// Right column (exclusive).
    public var x1: Int
    /// Bottom row (exclusive).
    public var y1: Int

    /// Creates a box; `x1 >= x0` and `y1 >= y0`.
    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// Width in pixels.
    public var width: Int { x1 - x0 }
    /// Height in pixels.
    public var height: Int { y1 - y0 }
    /// Width × height.
    public var area: Int { width * height }

    /// The smallest box holding both.
    public func union(_ other: PixelBox) -> PixelBox {
        PixelBox(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }

    /// Intersection over union, 0 when disjoint.
    public func iou(_ other: PixelBox) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0)
        let h = min(y1, other.y1) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let inter = Double(w * h)
        return inter / (Double(area + other.area) - inter)
    }

    /// The box as fractions of a `format`-sized frame.
    public func normalized(in format: FrameFormat) -> NormalizedBox {
        let w = Double(format.width), h = Double(format.height)
        return NormalizedBox(x0: Double(x0) / w, y0: Double(y0) / h, x1: Double(x1) / w, y1: Double(y1) / h)
    }

    public var description: String { "[\(x0),\(y0),\(x1),\(y1)]" }
}

/// A rectangle as fractions (0–1) of the frame's width and height, independent of the analysis size.
public struct NormalizedBox: Sendable, Hashable, CustomStringConvertible {
    /// Left edge, 0 = left border.
    public var x0: Double
    /// Top edge, 0 = top border.
    public var y0: Double
    /// Right edge, 1 = right border.
    public var x1: Double
    /// Bottom edge, 1 = bottom border.
    public var y1: Double

    /// Creates a box from fractions.
    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// The box in pixels of a `width` × `height` frame (e.g. the full-resolution evidence frame), rounded outwards.
    public func scaled(width: Int, height: Int) -> PixelBox {
        let w = Double(width), h = Double(height)
        return PixelBox(x0: Int((x0 * w).rounded(.down)), y0: Int((y0 * h).rounded(.down)),
                        x1: Int((x1 * w).rounded(.up)), y1: Int((y1 * h).rounded(.up)))
    }

    public var description: String {
        func f(_ v: Double) -> String { String(Double(Int((v * 1000).rounded())) / 1000) }
        return "[\(f(x0)),\(f(y0)),\(f(x1)),\(f(y1))]"
    }
}

/// One thing a rule saw: an object, an occupancy or a burst of activity, at one moment of its life.
///
/// A track produces one ``FindingPhase/start``, zero or more ``FindingPhase/update`` and one
/// ``FindingPhase/end`` finding, all with the same ``track``. Downstream deduplication keys on
/// (`rule`, `zone`, `track`) within one rule instance, and on box overlap across restarts.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    /// The rule id (``RuleDescriptor/id``), e.g. `abandoned-object`.
    public var rule: String
    /// Start, update or end.
    public var phase: FindingPhase
    /// Sequence number of the track within this rule instance, from 1; stable across the track's findings.
    public var track: Int
    /// The zone id from the rule's options.
    public var zone: String
    /// Box in pixels of the analysis frame.
    public var box: PixelBox
    /// The same box as fractions of the frame, to map onto the full-resolution picture.
    public var normalizedBox: NormalizedBox
    /// Stream time the thing started: for an abandoned object, when it was left alone (the last motion near it;
    /// `facts["placed_at"]` says when it was set down); for an occupancy or activity, when it began.
    public var firstSeen: Timestamp
    /// Stream time of the latest frame that still showed it.
    public var lastSeen: Timestamp
    /// Seconds the thing has stayed (`lastSeen - firstSeen`).
    public var dwell: Double
    /// Area in analysis pixels (object or occupied pixels, not the box).
    public var area: Int
    /// Area as a fraction of the frame (object rules) or of the zone (zone rules); see ``facts``.
    public var areaFraction: Double
    /// Confidence in 0–1 from the rule's own margins; a ranking aid, not a probability.
    public var score: Double
    /// The numbers the decision was made on (`static_seconds`, `unattended_seconds`, `edge_ratio`...).
    public var facts: [String: Double]

    /// Namespaced kind, e.g. `abandoned-object.start` (in the manner of `lavfi.freezedetect.freeze_start`).
    public var kind: String { "\(rule).\(phase.rawValue)" }

    /// Creates a finding.
    public init(rule: String, phase: FindingPhase, track: Int, zone: String, box: PixelBox,
                normalizedBox: NormalizedBox, firstSeen: Timestamp, lastSeen: Timestamp, area: Int,
                areaFraction: Double, score: Double, facts: [String: Double]) {
        self.rule = rule
        self.phase = phase
        self.track = track
        self.zone = zone
        self.box = box
        self.normalizedBox = normalizedBox
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.dwell = lastSeen - firstSeen
        self.area = area
        self.areaFraction = areaFraction
        self.score = score
        self.facts = facts
    }

    public var description: String {
        func t(_ v: Double) -> String { String(Double(Int((v * 100).rounded())) / 100) }
        return "\(kind) #\(track) zone=\(zone) box=\(box) first=\(t(firstSeen)) last=\(t(lastSeen)) area=\(area)"
    }
}
