/// One camera's detection: its scene model, updated once per frame, and the rules that read it.
///
/// The pipeline hands it frames and discontinuities; it handles a change of analysis size (a camera that comes
/// back from a reconnect at another resolution) by closing what was open and starting again for the new size,
/// instead of trapping.
public struct CameraDetector: Sendable {
    /// The rules' specs, as loaded from configuration.
    public let specs: [RuleSpec]
    /// How the scene model adapts.
    public let settings: SceneSettings
    /// The camera's scene model.
    public private(set) var scene: SceneModel
    private var rules: [AnyRule]
    private var lastPts: Timestamp?
    private var carried: [RuleStats]
    private var carriedScene = SceneStats()

    /// A detector for frames of `format` running `specs`.
    public init(specs: [RuleSpec], format: FrameFormat, settings: SceneSettings = SceneSettings()) {
        self.specs = specs
        self.settings = settings
        scene = SceneModel(format: format, settings: settings)
        rules = specs.map { $0.makeRule(format: format) }
        carried = specs.map { _ in RuleStats() }
    }

    /// The analysis size it currently runs at.
    public var format: FrameFormat { scene.format }

    /// Each rule's descriptor and counters, in spec order.
    public var ruleStats: [(descriptor: RuleDescriptor, stats: RuleStats)] {
        rules.indices.map { (rules[$0].descriptor, rules[$0].stats + carried[$0]) }
    }

    /// Camera-wide counters (light changes, relearns, healed ghosts).
    public var sceneStats: SceneStats { scene.stats + carriedScene }

    /// Updates the scene with `frame` and lets every rule read it.
    /// - Returns: the findings of all rules, in rule order.
    public mutating func process(_ frame: VideoFrame) -> [Finding] {
        var out: [Finding] = []
        if frame.format != scene.format {
            out += finish(at: lastPts ?? frame.pts)
            for i in rules.indices { carried[i] = carried[i] + rules[i].stats }
            carriedScene = sceneStats
            scene = SceneModel(format: frame.format, settings: settings)
            rules = specs.map { $0.makeRule(format: frame.format) }
        }
        lastPts = frame.pts
        scene.update(frame)
        for i in rules.indices { out += rules[i].process(scene) }
        return out
    }

    /// Closes every open interval at `end` (end of stream).
    public mutating func finish(at end: Timestamp) -> [Finding] {
        var out: [Finding] = []
        for i in rules.indices { out += rules[i].finish(at: end) }
        return out
    }

    /// An in-band discontinuity (reconnect, decode error, seek): closes open intervals at the last frame seen,
    /// then forgets the scene; the next frame starts it again.
    public mutating func discontinuity() -> [Finding] {
        var out: [Finding] = []
        for i in rules.indices { out += rules[i].discontinuity() }
        scene.reset()
        lastPts = nil
        return out
    }
}
