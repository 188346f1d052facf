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
            defaults: { RuleSpec(R.self, options: R.Options()) },
            decode: { decoder in
                let options = try R.Options(from: decoder)
                var report = ValidationReport(path: decoder.codingPath.map(\.pathComponent))
                options.validate(&report)
                try report.throwIfNeeded()
                return RuleSpec(R.self, options: options)
            })
        descriptors.append(R.descriptor)
    }

    /// The descriptor for `id`, if registered.
    public func descriptor(for id: String) -> RuleDescriptor? {
        descriptors.first { $0.id == id }
    }

    /// Decodes and validates a rule's options once, into the typed spec the rule will run with.
    ///
    /// - Parameters:
    ///   - type: a registered id, e.g. `abandoned-object`.
    ///   - options: a decoder positioned at the rule's options mapping. Options decode strictly, so that mapping
    ///     must hold only option keys (nest them, e.g. `{type: abandoned-object, options: {...}}`).
    /// - Throws: ``OptionsError`` for an unknown type (with a "did you mean" hint), unknown keys or out-of-range
    ///   values (all of them at once); `DecodingError` for values of the wrong type.
    public func spec(type: String, options: any Decoder) throws -> RuleSpec {
        try factory(type, path: options.codingPath).decode(options)
    }

    /// The spec of a rule with its default options.
    /// - Throws: ``OptionsError`` when `type` is not registered.
    public func spec(type: String) throws(OptionsError) -> RuleSpec {
        try factory(type, path: []).defaults()
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
        let defaults: @Sendable () -> RuleSpec
        let decode: @Sendable (any Decoder) throws -> RuleSpec
    }
}

/// A rule's type and its decoded, validated options: what a camera-group config holds after loading, so that
/// what `check` validated is exactly what runs (decoded once, as libavfilter parses an option table once into
/// the filter's private context).
public struct RuleSpec: Sendable, Hashable, CustomStringConvertible {
    /// The rule's descriptor.
    public let descriptor: RuleDescriptor
    /// The validated options, typed (`AbandonedObjectOptions`, ...).
    public let options: any RuleOptions
    private let build: @Sendable (FrameFormat) -> any Rule

    /// A spec for rule type `R` with `options`, which must already be valid (``RuleOptions/validate(_:)``).
    public init<R: Rule>(_: R.Type, options: R.Options) {
        descriptor = R.descriptor
        self.options = options
        build = { R(options: options, format: $0) }
    }

    /// A running rule for frames of `format`.
    public func makeRule(format: FrameFormat) -> AnyRule {
        AnyRule(build(format), format: format)
    }

    public static func == (a: RuleSpec, b: RuleSpec) -> Bool {
        a.descriptor == b.descriptor && a.options.isEqual(to: b.options)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(descriptor)
        options.hash(into: &hasher)
    }
    public var description: String { "\(descriptor.id) \(options)" }
}

/// A rule of any type, as a ``CameraDetector`` holds it.
public struct AnyRule: Sendable {
    private var base: any Rule
    /// The frame size it was built for.
    public let format: FrameFormat
    private var lastPts: Timestamp?

    init(_ base: any Rule, format: FrameFormat) {
        self.base = base
        self.format = format
    }

    /// The wrapped rule's descriptor.
    public var descriptor: RuleDescriptor { type(of: base).descriptor }

    /// Counters since the rule was built.
    public var stats: RuleStats { base.stats }

    /// Reads the updated scene; see ``Rule/process(_:)``.
    public mutating func process(_ scene: SceneModel) -> [Finding] {
        lastPts = scene.pts
        return base.process(scene)
    }

    /// Closes open intervals; see ``Rule/finish(at:)``.
    public mutating func finish(at end: Timestamp) -> [Finding] {
        base.finish(at: end)
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
