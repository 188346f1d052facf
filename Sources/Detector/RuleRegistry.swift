/// The rules a pipeline can build by id: an explicit list, like FFmpeg's `allfilters.c` or the `plugin_init` of
/// GStreamer's `gstcoreelementsplugin.c`.
public struct RuleRegistry: Sendable {
    private var factories: [String: Factory] = [:]
    /// Descriptors in registration order.
    public private(set) var descriptors: [RuleDescriptor] = []

    /// An empty registry.
    public init() {}

    /// The rules that ship with StreetWatch.
    public static let standard: RuleRegistry = {
        var registry = RuleRegistry()
        registry.register(AbandonedObjectRule.self)
        registry.register(StationaryOccupancyRule.self)
        registry.register(ZoneActivityRule.self)
        return registry
    }()

    /// Adds a rule type. Registering the same id twice is a programmer error (as in GRDB's `registerMigration`).
    public mutating func register<R: Rule>(_: R.Type) {
        let id = R.descriptor.id
        precondition(factories[id] == nil, "rule '\(id)' registered twice")
        factories[id] = Factory(
            defaults: { format in AnyRule(R.self, options: R.Options(), format: format) },
            decode: { decoder, format in
                let options = try R.Options(from: decoder)
                var report = ValidationReport(path: decoder.codingPath.map(\.pathComponent))
                options.validate(&report)
                try report.throwIfNeeded()
                return AnyRule(R.self, options: options, format: format)
            })
        descriptors.append(R.descriptor)
    }

    /// The descriptor for `id`, if registered.
    public func descriptor(for id: String) -> RuleDescriptor? {
        descriptors.first { $0.id == id }
    }

    /// Builds a rule from its `type:` id and its options as found by the caller's decoder (YAML, JSON...).
    ///
    /// - Parameters:
    ///   - type: a registered id, e.g. `abandoned-object`.
    ///   - options: a decoder positioned at the rule's options mapping. Options decode strictly, so that mapping
    ///     must hold only option keys (nest them, e.g. `{type: abandoned-object, options: {...}}`).
    ///   - format: the analysis frame size.
    /// - Throws: ``OptionsError`` for an unknown type (with a "did you mean" hint), unknown keys or out-of-range
    ///   values (all of them at once); `DecodingError` for values of the wrong type.
    public func makeRule(type: String, options: any Decoder, format: FrameFormat) throws -> AnyRule {
        try factory(type, path: options.codingPath).decode(options, format)
    }

    /// Builds a rule with its default options.
    /// - Throws: ``OptionsError`` when `type` is not registered.
    public func makeRule(type: String, format: FrameFormat) throws(OptionsError) -> AnyRule {
        try factory(type, path: []).defaults(format)
    }

    private func factory(_ type: String, path: [any CodingKey]) throws(OptionsError) -> Factory {
        if let factory = factories[type] { return factory }
        var message = "unknown rule type '\(type)'"
        let ids = descriptors.map(\.id)
        if let near = closestMatch(to: type, in: ids) {
            message += " (did you mean '\(near)'?)"
        } else {
            message += " (known: \(ids.joined(separator: ", ")))"
        }
        throw OptionsError(issues: [OptionIssue(path: path.map(\.pathComponent) + ["type"], message: message)])
    }

    private struct Factory: Sendable {
        let defaults: @Sendable (FrameFormat) -> AnyRule
        let decode: @Sendable (any Decoder, FrameFormat) throws -> AnyRule
    }
}

/// A rule of any type, as the pipeline holds it: built by ``RuleRegistry`` from configuration.
///
/// It also guards the frame format: if the analysis size changes mid-stream (a camera switched resolution),
/// the open intervals are closed and the rule restarts for the new size instead of trapping.
public struct AnyRule: Sendable {
    private var base: any Rule
    private var rebuild: @Sendable (FrameFormat) -> any Rule
    private var lastPts: Timestamp?
    private var format: FrameFormat
    private var carriedStats = RuleStats()

    /// Builds a rule of type `R`.
    /// - Parameters:
    ///   - type: the rule type.
    ///   - options: validated options (see ``RuleOptions/validate(_:)``).
    ///   - format: the analysis frame size.
    public init<R: Rule>(_ type: R.Type, options: R.Options, format: FrameFormat) {
        base = R(options: options, format: format)
        self.format = format
        rebuild = { R(options: options, format: $0) }
    }

    /// The wrapped rule's descriptor.
    public var descriptor: RuleDescriptor { type(of: base).descriptor }

    /// Counters since the rule was built.
    public var stats: RuleStats {
        var s = base.stats
        s.frames += carriedStats.frames
        s.gainCompensatedFrames += carriedStats.gainCompensatedFrames
        s.suppressedFrames += carriedStats.suppressedFrames
        s.relearns += carriedStats.relearns
        s.outsideSchedule += carriedStats.outsideSchedule
        s.resets += carriedStats.resets
        return s
    }

    /// Feeds one frame; see ``Rule/process(_:)``.
    public mutating func process(_ frame: VideoFrame) -> [Finding] {
        var out: [Finding] = []
        if frame.format != format {
            out += base.finish(at: lastPts ?? frame.pts)
            carriedStats = stats
            format = frame.format
            base = rebuild(frame.format)
        }
        lastPts = frame.pts
        return out + base.process(frame)
    }

    /// Closes open intervals; see ``Rule/finish(at:)``.
    public mutating func finish(at end: Timestamp) -> [Finding] {
        base.finish(at: end)
    }

    /// Forgets learnt state; see ``Rule/reset()``.
    public mutating func reset() {
        base.reset()
    }

    /// Handles an in-band discontinuity (reconnect, decode error, seek): closes open intervals at the last
    /// frame seen, then resets.
    /// - Returns: the ``FindingPhase/end`` findings of intervals that were open.
    public mutating func discontinuity() -> [Finding] {
        let out = lastPts.map { base.finish(at: $0) } ?? []
        base.reset()
        lastPts = nil
        return out
    }
}
