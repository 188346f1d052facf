/// A region that arrived and stayed: a static-region candidate of one frame, read by rules.
public struct StaticRegion: Sendable {
    /// Pixel indices (`y * width + x`) of the region, fragments merged.
    public var pixels: [Int32]
    /// Bounding box in analysis pixels.
    public var box: PixelBox
    /// Static evidence of the median pixel, seconds.
    public var staticSeconds: Double
    /// Stream time the median pixel last moved: when the thing was set down and the hand that set it left.
    public var settledAt: Timestamp
    /// Contrast across the region's outline, short-term background over long-term background: above 1 the
    /// outline belongs to something new (see ``EdgeEvidence``).
    public var edgeRatio: Double
    /// Share (0-1) of the outline that is new: points where the contrast across it now is more than twice what
    /// it was and over the static floor (see ``EdgeEvidence/crossContrast(_:model:inside:floor:)``). A thing set
    /// down draws most of its outline anew, even one against a wall (its free sides); ground under other light
    /// or a window whose glass darkens with the sky keeps the outline it had, only stronger or weaker.
    public var newOutlineShare: Double
    /// How much more the region stands apart from its surroundings now than the same spot did in the long-term
    /// background: (now + 1) / (before + 1) of ``EdgeEvidence/surroundContrast(_:model:inside:)``. Above 1 it
    /// is something new, below 1 something that left.
    public var standOut: Double
    /// Correlation (-1 – 1) of the short-term with the long-term background over the region, when the
    /// long-term background there has texture to correlate (else `nil`): near 1 the region is the old surface
    /// under other light, since light scales texture and an object replaces it (the normalised
    /// cross-correlation test for shadows and light changes).
    public var textureCorrelation: Double?
    /// Mean absolute difference between the short- and long-term backgrounds inside, gray levels.
    public var contrast: Double
    /// Share of its pixels inside a moving blob in this frame: 0 for an object, higher for a person who stands
    /// but shifts, talks or turns, or when someone handles it or walks over it.
    public var movingShare: Double
    /// Share of its pixels that changed in this frame at all (the raw motion mask, before opening): a person
    /// who stands "still" keeps stirring (a hand, a head, the weight on the other foot); a thing lying there
    /// does not. Compare with ``ringStirShare``: rain, shake and keyframe pulses stir the surroundings as well.
    public var stirShare: Double
    /// The same share in a 3-pixel ring around its box: what the camera, the weather or the encoder stir
    /// everywhere.
    public var ringStirShare: Double
    /// Whether the box reaches the frame's outermost pixels: a thing cut by the border cannot be judged (its
    /// outline, size and owner are out of view).
    public var touchesBorder: Bool

    /// Number of pixels.
    public var area: Int { pixels.count }
}

/// Why a candidate region was not reported; counted in ``RuleStats/rejected`` so that nothing disappears
/// silently.
public enum RejectionReason: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Smaller than the smallest region the scene or the rule considers.
    case tooSmall = "too-small"
    /// Larger than the rule's largest object (a parked vehicle, a stall, a shadow).
    case tooLarge = "too-large"
    /// The box touches the frame border.
    case border
    /// Its outline is the old background's: something that left (healed into the background).
    case ghost
    /// Its outline is neither clearly new nor clearly old (flat thing on flat ground).
    case ambiguousEdges = "ambiguous-edges"
    /// The same surface under other light: its texture is the background's, brighter or darker (a shadow, a
    /// patch of sun, a headlight).
    case relit
    /// Less contrast with the background than the rule asks for.
    case lowContrast = "low-contrast"
    /// Still moving inside: a person standing and shifting, not an object.
    case movingInside = "moving-inside"
    /// A person or vehicle is with it (for abandoned objects: not yet left).
    case attended
    /// It is what moved in and stopped (a parked vehicle, a person standing still), not something left by it.
    case stoppedMover = "stopped-mover"
    /// Nothing moving was at it when it appeared: a drifting cloud, a shadow or light settling, not a thing
    /// somebody left.
    case noOwner = "no-owner"
    /// Mostly outside the rule's zone.
    case outsideZone = "outside-zone"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A candidate the scene model itself turned away in the latest frame.
public struct RejectedRegion: Sendable, Hashable {
    /// Its box.
    public var box: PixelBox
    /// Its area in pixels.
    public var area: Int
    /// Why.
    public var reason: RejectionReason
}

extension Component {
    /// Groups `pieces` whose boxes come within `gap` pixels of each other into one component: a bag with a
    /// light and a dark side, or a heap, splits in the mask but is one thing to a reviewer.
    static func mergingFragments(_ pieces: [Component], gap: Int) -> [Component] {
        var groups: [Component] = []
        var remaining = pieces
        while let seed = remaining.popLast() {
            var group = seed
            var grew = true
            while grew {
                grew = false
                let near = group.box.grown(by: gap)
                var index = remaining.count - 1
                while index >= 0 {
                    if remaining[index].box.intersects(near) {
                        let piece = remaining.remove(at: index)
                        group.pixels += piece.pixels
                        group.box = group.box.union(piece.box)
                        grew = true
                    }
                    index -= 1
                }
            }
            groups.append(group)
        }
        return groups
    }
}

/// Decides whether a region the long-term background disagrees with shows a new thing or a vanished one.
enum EdgeEvidence {
    /// Outline contrast ratio (current / background) below which a region is a ghost, and above which it is an
    /// object; in between the evidence is ambiguous (flat object on flat ground).
    static let ghostBelow = 0.5
    static let objectAbove = 0.7
    /// ``StaticRegion/standOut`` above which a region is an object whatever its outline says: it stands apart
    /// from its surroundings half as much again as the same spot did before, which a ghost does not (it blends
    /// in, below 1) and ground under new light is caught by its texture (``StaticRegion/textureCorrelation``).
    /// The outline test fails for things set down against scenery edges, most of all under noise: the bag by
    /// the ABODA cabinet measured outline 0.43-0.54 and stand-out 1.5-2.2 in rain.
    static let standsOutAbove = 1.5
    /// ``StaticRegion/newOutlineShare`` under which a region shows no outline of its own (unless it stands out,
    /// ``standsOutAbove``): a quarter, because a thing put down in a corner keeps at least two of its four sides
    /// free of scenery edges, and blur and noise cost some of those.
    static let newOutlineAbove = 0.25

    /// Summed contrast across the region's outline, in the short-term background (the current picture,
    /// averaged over a couple of seconds so night noise cancels) and in the long-term background.
    ///
    /// An object that arrived brings its outline into the current picture: across the region's border the
    /// picture changes sharply while the background shows continuous ground. A ghost (something that was in the
    /// background and left, such as a person standing there at start-up) is the reverse. This is the boundary
    /// test Tian, Feris and Hampapur use to tell abandoned from removed objects (2008). Only contrast *across*
    /// the outline counts (inside pixel one step in, outside pixel two steps out, tolerating a mask border a
    /// pixel off): edges of scenery that run through the region, such as a kerb the object hides, do not make
    /// it a ghost.
    ///
    /// Also counts the outline points that are new: contrast now over twice what it was and over `floor`.
    static func crossContrast(_ component: Component, model: SceneModel, inside mask: [UInt8], floor: Float)
        -> (current: Float, background: Float, newShare: Double) {
        let w = model.format.width, h = model.format.height
        var sumCurrent: Float = 0, sumBackground: Float = 0
        var points = 0, newPoints = 0
        for p32 in component.pixels {
            let p = Int(p32)
            let x = p % w, y = p / w
            guard x >= 2, y >= 2, x < w - 2, y < h - 2 else { continue }
            for (step, outside) in [(-1, mask[p - 1] == 0), (1, mask[p + 1] == 0), (-w, mask[p - w] == 0), (w, mask[p + w] == 0)]
            where outside {
                let inner = p - step
                let outer = p + 2 * step
                let current = abs(model.shortValue(inner) - model.shortValue(outer))
                let background = abs(model.longValue(inner) - model.longValue(outer))
                sumCurrent += current
                sumBackground += background
                points += 1
                if current > max(2 * background, floor) { newPoints += 1 }
            }
        }
        return (sumCurrent, sumBackground, points > 0 ? Double(newPoints) / Double(points) : 0)
    }

    /// How far the region's mean stands apart from the mean of a ring a few pixels wide around it, in the
    /// short-term background (now) and in the long-term one (before), gray levels. A ghost blends in now (the
    /// ground continues where something used to be); an object stands apart now where the same spot blended in
    /// before. Means over the region and the ring average noise and texture out, and unlike the outline test
    /// this holds for an object set down against a kerb or a wall, whose outline runs along scenery edges.
    static func surroundContrast(_ component: Component, model: SceneModel, inside mask: [UInt8]) -> (now: Float, before: Float) {
        let w = model.format.width
        var shortInside: Float = 0, longInside: Float = 0
        for p in component.pixels {
            shortInside += model.shortValue(Int(p))
            longInside += model.longValue(Int(p))
        }
        let ring = component.box.grown(by: 3, within: model.format)
        var shortRing: Float = 0, longRing: Float = 0, ringCount: Float = 0
        for y in ring.y0..<ring.y1 {
            for x in ring.x0..<ring.x1 where mask[y * w + x] == 0 {
                shortRing += model.shortValue(y * w + x)
                longRing += model.longValue(y * w + x)
                ringCount += 1
            }
        }
        guard ringCount > 0 else { return (0, 0) }
        let n = Float(component.pixels.count)
        return (abs(shortInside / n - shortRing / ringCount), abs(longInside / n - longRing / ringCount))
    }
}

/// A moving blob of one frame: the connected motion of a person, a vehicle or a group.
public struct MovingBlob: Sendable, Hashable {
    /// Bounding box in analysis pixels.
    public var box: PixelBox
    /// Moving pixels.
    public var area: Int
}

/// A moving blob followed over frames.
public struct MoverTrack: Sendable, Hashable {
    /// Where it was at one frame.
    public struct Sighting: Sendable, Hashable {
        /// Stream time.
        public var pts: Timestamp
        /// Its box then.
        public var box: PixelBox
    }

    /// Unique within the camera's scene model.
    public var id: Int
    /// Latest box.
    public var box: PixelBox
    /// Widest and tallest box seen: the size of the person or vehicle, which shrinks in the motion mask when it
    /// slows down or stands (only the head or an arm still moves).
    public var peakWidth: Int
    /// See ``peakWidth``.
    public var peakHeight: Int
    /// When it was first seen.
    public var firstSeen: Timestamp
    /// Latest stream time it was seen moving.
    public var lastSeen: Timestamp
    /// Where it was over the last ``MoverTracker/pathSeconds``, oldest first.
    public var path: [Sighting]

    /// Whether it has moved at least half its own size from where it was first seen: a person or vehicle on
    /// the move (even one walking towards the camera, whose box grows more than it shifts), not the flicker of
    /// something appearing in place (a light, a cloud edge, a thing set down).
    public var hasTravelled: Bool {
        guard let first = path.first else { return false }
        let size = Double(max(peakWidth, peakHeight)) / 2
        let cx = Double(first.box.x0 + first.box.x1) / 2, cy = Double(first.box.y0 + first.box.y1) / 2
        return path.contains { s in
            let dx = Double(s.box.x0 + s.box.x1) / 2 - cx, dy = Double(s.box.y0 + s.box.y1) / 2 - cy
            return (dx * dx + dy * dy).squareRoot() >= size
        }
    }

    /// Whether any sighting since `time` (and up to `end`) came within `box`.
    func visited(_ box: PixelBox, since time: Timestamp, until end: Timestamp = .infinity) -> Bool {
        path.contains { $0.pts >= time && $0.pts <= end && $0.box.intersects(box) }
    }
}

/// Short-lived tracks of moving blobs: greedy association by overlap or nearness. A track is kept
/// ``memorySeconds`` after its blob was last seen (a person who stands still vanishes from the motion mask)
/// and then kept as *ended* for ``pathSeconds``, so rules can ask what brought a static region and whether
/// it left again (Lin et al.'s owner back-tracing, ABODA, IEEE TIFS 2015).
public struct MoverTracker: Sendable {
    /// Seconds a track is kept alive after its blob was last seen: a person standing still shifts at least
    /// every few seconds, a walker hidden behind a pillar reappears.
    static let memorySeconds = 3.0
    /// Seconds of path kept per track, and how long ended tracks are remembered: longer than a rule's
    /// `min_static_seconds` plus the few seconds a static region takes to become a candidate.
    static let pathSeconds = 30.0

    /// Live tracks.
    public private(set) var tracks: [MoverTrack] = []
    /// Tracks that ended within the last ``pathSeconds``.
    public private(set) var ended: [MoverTrack] = []
    private var nextID = 1

    /// An empty tracker.
    public init() {}

    /// Associates this frame's `blobs` with the tracks, starts tracks for the rest, ends stale ones.
    mutating func advance(_ blobs: [MovingBlob], pts: Timestamp) {
        var taken = Set<Int>()
        for blob in blobs {
            let reach = max(blob.box.width, blob.box.height)
            let near = blob.box.grown(by: reach / 2)
            var best: (index: Int, score: Int)?
            for (index, track) in tracks.enumerated() where !taken.contains(index) && track.box.intersects(near) {
                let score = track.box.intersection(blob.box)
                if score >= (best?.score ?? -1) { best = (index, score) }
            }
            if let index = best?.index {
                taken.insert(index)
                var track = tracks[index]
                track.box = blob.box
                track.peakWidth = max(track.peakWidth, blob.box.width)
                track.peakHeight = max(track.peakHeight, blob.box.height)
                track.lastSeen = pts
                track.path.append(.init(pts: pts, box: blob.box))
                if let first = track.path.first, pts - first.pts > Self.pathSeconds {
                    track.path.removeFirst(track.path.prefix { pts - $0.pts > Self.pathSeconds }.count)
                }
                tracks[index] = track
            } else {
                tracks.append(MoverTrack(id: nextID, box: blob.box, peakWidth: blob.box.width, peakHeight: blob.box.height,
                                         firstSeen: pts, lastSeen: pts, path: [.init(pts: pts, box: blob.box)]))
                taken.insert(tracks.count - 1)
                nextID += 1
            }
        }
        ended += tracks.filter { pts - $0.lastSeen > Self.memorySeconds }
        tracks.removeAll { pts - $0.lastSeen > Self.memorySeconds }
        ended.removeAll { pts - $0.lastSeen > Self.pathSeconds }
    }
}

extension PixelBox {
    /// The box grown by `margin` pixels on each side (not clipped).
    func grown(by margin: Int) -> PixelBox {
        PixelBox(x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin)
    }

    /// Distance in pixels from the centre of `other` to this box (0 inside).
    func distance(toCentreOf other: PixelBox) -> Double {
        let cx = Double(other.x0 + other.x1) / 2, cy = Double(other.y0 + other.y1) / 2
        let dx = max(Double(x0) - cx, 0, cx - Double(x1)), dy = max(Double(y0) - cy, 0, cy - Double(y1))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Gap in pixels between the two boxes (0 when they touch or overlap).
    func distance(to other: PixelBox) -> Double {
        let dx = Double(max(0, max(x0, other.x0) - min(x1, other.x1)))
        let dy = Double(max(0, max(y0, other.y0) - min(y1, other.y1)))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Whether the two boxes share at least one pixel.
    func intersects(_ other: PixelBox) -> Bool {
        min(x1, other.x1) > max(x0, other.x0) && min(y1, other.y1) > max(y0, other.y0)
    }

    /// Area shared with `other`, 0 when disjoint.
    func intersection(_ other: PixelBox) -> Int {
        max(0, min(x1, other.x1) - max(x0, other.x0)) * max(0, min(y1, other.y1) - max(y0, other.y0))
    }
}
