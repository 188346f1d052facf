/// Seconds of stream time, the clock every rule keeps (a frame's `pts`).
///
/// Rules never read the wall clock: replaying a file gives the same findings as watching it live.
public typealias Timestamp = Double

/// A detector: scene in, findings out.
///
/// Modelled on an FFmpeg `AVFilter` (unique name, description, options table with min and max, accepted pixel
/// formats) and a GStreamer element (factory name, metadata, states). A value of a conforming type is one
/// configured instance watching one zone of one camera; it is single-threaded by construction (`mutating`), and
/// a ``CameraDetector`` owns it. Rules do not model the picture themselves: the camera's ``SceneModel`` (one per
/// camera, updated once per frame) holds backgrounds, masks, static-region candidates and tracks of moving
/// blobs, and every rule reads the same one.
///
/// To add a rule, implement this protocol and register the type in ``RuleRegistry/standard`` (see
/// `Sources/Detector/README.md`).
public protocol Rule: Sendable {
    /// The rule's configuration: documented defaults, declared ranges, strict decoding.
    associatedtype Options: RuleOptions

    /// Id, summary, version and input format (the `AVFilter` `name` / `description` / `formats`).
    static var descriptor: RuleDescriptor { get }

    /// Prepares a rule for frames of `format` (the `AVFilter` `init` + `config_props`, GStreamer NULL→READY).
    /// - Parameters:
    ///   - options: already validated options (``RuleOptions/validate(_:)`` reported no issue).
    ///   - format: the analysis plane size every frame will have.
    init(options: Options, format: FrameFormat)

    /// Reads the scene after it took in its latest frame and returns the findings that frame completes
    /// (`filter_frame`): pure, no I/O, no clock.
    /// - Parameter scene: the camera's scene model, already updated with the frame (``SceneModel/frame``); its
    ///   times never go backwards (a discontinuity goes through ``reset()``).
    /// - Returns: zero or more findings, in the order they happened.
    mutating func process(_ scene: SceneModel) -> [Finding]

    /// Closes every interval that is still open (`uninit`; `vf_blackdetect.c` does the same at end of stream).
    /// - Parameter end: the stream time the intervals end at, normally the last frame's `pts`.
    /// - Returns: an ``FindingPhase/end`` finding for every open interval.
    mutating func finish(at end: Timestamp) -> [Finding]

    /// Forgets everything learnt from frames (tracks, timers); options and counters stay.
    ///
    /// Called on a discontinuity (reconnect, seek, decode error), after ``finish(at:)`` has closed what was open:
    /// `vf_freezedetect.c` likewise restarts when timestamps jump.
    mutating func reset()

    /// Counters for monitoring: frames seen, frames outside the schedule, candidates rejected and why.
    var stats: RuleStats { get }
}

/// What a rule is: the `AVFilter` name/description/formats, the GStreamer element metadata.
public struct RuleDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// Stable lowercase id used as the `type:` key in configuration and as ``Finding/rule`` (`abandoned-object`).
    public var id: String
    /// One-line summary for `--help` style listings.
    public var summary: String
    /// Algorithm version; bump it when the same options can give different findings. Recorded with each case.
    public var version: Int
    /// The frame layout the rule accepts.
    public var input: PixelLayout

    /// Creates a descriptor.
    /// - Parameters:
    ///   - id: lowercase letters, digits and `-`, starting with a letter.
    ///   - summary: one line.
    ///   - version: algorithm version, starting at 1.
    ///   - input: accepted frame layout.
    public init(id: String, summary: String, version: Int, input: PixelLayout = .gray8) {
        precondition(Self.isValidID(id), "rule id '\(id)' must be lowercase letters, digits and '-'")
        self.id = id
        self.summary = summary
        self.version = version
        self.input = input
    }

    public var description: String { "\(id) v\(version) (\(input)): \(summary)" }

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Frame layouts a rule can accept. Only 8-bit gray exists today; the enum is the pad-caps hook for more.
public enum PixelLayout: String, Sendable, Hashable, CustomStringConvertible {
    /// One 8-bit luma plane, packed rows (``VideoFrame``).
    case gray8

    public var description: String { rawValue }
}

/// Per-rule counters, so that nothing a rule ignores disappears silently (Frigate's `skipped_fps`). Light
/// changes and relearns are camera-wide: see ``SceneStats``.
public struct RuleStats: Sendable, Hashable {
    /// Frames the rule read.
    public var frames = 0
    /// Frames outside the rule's schedule (no new findings; the scene keeps learning).
    public var outsideSchedule = 0
    /// Calls to ``Rule/reset()``.
    public var resets = 0
    /// Candidate regions turned away, per reason, counted once per candidate and frame.
    public var rejected: [RejectionReason: Int] = [:]

    /// All counters zero.
    public init() {}

    /// The counts of both.
    static func + (a: RuleStats, b: RuleStats) -> RuleStats {
        var s = a
        s.frames += b.frames
        s.outsideSchedule += b.outsideSchedule
        s.resets += b.resets
        s.rejected.merge(b.rejected, uniquingKeysWith: +)
        return s
    }
}
