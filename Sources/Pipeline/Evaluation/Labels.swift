public import Foundation

/// A violation family as a reviewer names it; the kind of a labelled event (`../shared/eval/README.md`).
public enum EventKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new object left behind and unattended; what `abandoned-object` finds (06010 / 06011 / 06036 …).
    case dumping
    /// A stall or vendor occupying a zone; what `stationary-occupancy` finds (09001 / 09005 / 09006).
    case vending

    /// The kind of case a rule raises, or `nil` for a rule no labelled kind stands for (e.g. `zone-activity`).
    public init?(rule: String) {
        switch rule {
        case "abandoned-object": self = .dumping
        case "stationary-occupancy": self = .vending
        default: return nil
        }
    }
}

/// A box `[x0, y0, x1, y1]` in pixels of the decoded frame, as labels and reports write it.
public struct LabelBox: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Left edge.
    public var x0: Double
    /// Top edge.
    public var y0: Double
    /// Right edge.
    public var x1: Double
    /// Bottom edge.
    public var y1: Double

    /// Creates a box.
    public init(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// Width (0 when inverted).
    public var width: Double { max(0, x1 - x0) }
    /// Height (0 when inverted).
    public var height: Double { max(0, y1 - y0) }
    /// Area in square pixels.
    public var area: Double { width * height }
    /// The centre point.
    public var centre: (x: Double, y: Double) { ((x0 + x1) / 2, (y0 + y1) / 2) }

    /// Intersection over union; 0 when either box is empty.
    public func iou(_ other: LabelBox) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0)
        let h = min(y1, other.y1) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The box grown by `fraction` of its width and height on each side.
    public func grown(by fraction: Double) -> LabelBox {
        LabelBox(x0 - width * fraction, y0 - height * fraction, x1 + width * fraction, y1 + height * fraction)
    }

    /// Whether the point lies inside (edges included).
    public func contains(x: Double, y: Double) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }

    /// `[440,355,515,435]`, rounded to whole pixels.
    public var description: String {
        "[\([x0, y0, x1, y1].map { String(Int($0.rounded())) }.joined(separator: ","))]"
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var values: [Double] = []
        while !c.isAtEnd { values.append(try c.decode(Double.self)) }
        guard values.count == 4 else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a box is [x0, y0, x1, y1], got \(values.count) numbers")
        }
        self.init(values[0], values[1], values[2], values[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(contentsOf: [x0, y0, x1, y1])
    }
}

/// One labelled event in a clip.
public struct LabelledEvent: Sendable, Hashable, Codable {
    /// Unique id, e.g. `aboda4-bag`.
    public var id: String
    /// Violation family.
    public var kind: EventKind
    /// Seconds from the clip start when the object was set down (the stall set up).
    public var placedAt: Double
    /// Seconds when the owner had left (dumping); informative, not used in matching.
    public var unattendedFrom: Double?
    /// Seconds when the event ends (the object is taken away, or the clip ends).
    public var end: Double
    /// Where, in pixels of the decoded frame.
    public var box: LabelBox

    /// Creates an event.
    public init(id: String, kind: EventKind, placedAt: Double, unattendedFrom: Double? = nil, end: Double, box: LabelBox) {
        self.id = id
        self.kind = kind
        self.placedAt = placedAt
        self.unattendedFrom = unattendedFrom
        self.end = end
        self.box = box
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, box, end
        case placedAt = "placed_at"
        case unattendedFrom = "unattended_from"
    }
}

/// One labelled clip.
public struct LabelledClip: Sendable, Hashable, Codable {
    /// File name, relative to the clips folder.
    public var file: String
    /// Decoded frame size `[width, height]`; boxes are in these pixels.
    public var frameSize: [Int]
    /// Nominal frame rate (informative).
    public var fps: Double?
    /// Duration in seconds (informative).
    public var duration: Double?
    /// What the clip shows (informative).
    public var scene: String?
    /// The events; empty for a clip with none.
    public var events: [LabelledEvent]
    /// The condition the clip was made under (`exposure-jump`, `night-ir`, … as `scripts/make-variants.py`
    /// names them), or ``LabelledClip/originalFamily`` for footage as recorded (key `family`, optional).
    public var family: String
    /// For a variant, the file it was made from (key `source`, optional, informative).
    public var source: String?

    /// The family of a clip whose label says none: footage as recorded.
    public static let originalFamily = "original"

    /// Creates a clip.
    public init(file: String, frameSize: [Int], fps: Double? = nil, duration: Double? = nil, scene: String? = nil,
                events: [LabelledEvent], family: String = LabelledClip.originalFamily, source: String? = nil) {
        self.file = file
        self.frameSize = frameSize
        self.fps = fps
        self.duration = duration
        self.scene = scene
        self.events = events
        self.family = family
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case file, fps, duration, scene, events, family, source
        case frameSize = "frame_size"
    }
}

extension LabelledClip {
    /// Decodes a clip entry; `family` defaults to ``LabelledClip/originalFamily``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decode(String.self, forKey: .file),
                  frameSize: try c.decode([Int].self, forKey: .frameSize),
                  fps: try c.decodeIfPresent(Double.self, forKey: .fps),
                  duration: try c.decodeIfPresent(Double.self, forKey: .duration),
                  scene: try c.decodeIfPresent(String.self, forKey: .scene),
                  events: try c.decode([LabelledEvent].self, forKey: .events),
                  family: try c.decodeIfPresent(String.self, forKey: .family) ?? LabelledClip.originalFamily,
                  source: try c.decodeIfPresent(String.self, forKey: .source))
    }
}

/// A label file (`labels.json`, format 1): event-level ground truth for a folder of clips.
///
/// Keys other than these (e.g. `person_boxes`) are allowed and ignored: the format is shared with other tools.
public struct LabelFile: Sendable, Hashable, Codable {
    /// Format version; only 1 exists.
    public var format: Int
    /// Free text.
    public var description: String?
    /// The clips.
    public var clips: [LabelledClip]

    /// Creates a label file.
    public init(format: Int = 1, description: String? = nil, clips: [LabelledClip]) {
        self.format = format
        self.description = description
        self.clips = clips
    }

    /// Reads and checks a label file.
    /// - Throws: ``LabelFileError`` naming the file and every problem found.
    public static func load(path: String) throws(LabelFileError) -> LabelFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LabelFileError(path: path, problems: ["cannot read: \(error.localizedDescription)"])
        }
        let file: LabelFile
        do {
            file = try JSONDecoder().decode(LabelFile.self, from: data)
        } catch let error as DecodingError {
            throw LabelFileError(path: path, problems: [Self.describe(error)])
        } catch {
            throw LabelFileError(path: path, problems: ["\(error)"])
        }
        let problems = file.problems()
        if !problems.isEmpty { throw LabelFileError(path: path, problems: problems) }
        return file
    }

    /// Every inconsistency: unknown format, bad frame sizes, inverted boxes, events ending before they start,
    /// repeated ids or files.
    public func problems() -> [String] {
        var problems: [String] = []
        if format != 1 { problems.append("format: \(format) is not supported (only 1)") }
        var files = Set<String>(), ids = Set<String>()
        for (i, clip) in clips.enumerated() {
            let at = "clips[\(i)] (\(clip.file))"
            if !files.insert(clip.file).inserted { problems.append("\(at): file listed twice") }
            if clip.family.isEmpty { problems.append("\(at).family: must not be empty (leave it out for footage as recorded)") }
            if clip.frameSize.count != 2 || clip.frameSize.contains(where: { $0 <= 0 }) {
                problems.append("\(at).frame_size: \(clip.frameSize) is not [width, height]")
            }
            for (j, event) in clip.events.enumerated() {
                let eat = "\(at).events[\(j)] (\(event.id))"
                if !ids.insert(event.id).inserted { problems.append("\(eat): id used twice") }
                if event.box.x1 <= event.box.x0 || event.box.y1 <= event.box.y0 {
                    problems.append("\(eat).box: \(event.box) is empty or inverted")
                }
                if event.end < event.placedAt { problems.append("\(eat): end \(event.end) is before placed_at \(event.placedAt)") }
            }
        }
        return problems
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A label file that cannot be used, with every problem.
public struct LabelFileError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// One line per problem.
    public let problems: [String]

    /// `labels.json: clips[0].events[0].kind: …`, one line per problem.
    public var description: String { problems.map { "\(path): \($0)" }.joined(separator: "\n") }
}
