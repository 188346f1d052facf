public import Detector
internal import Yams

/// One rule on one camera: what to look for, where, when, and which case category its drafts get.
///
/// Config keys:
/// - `type` (string, required): a rule id from the registry (`abandoned-object`, `stationary-occupancy`,
///   `zone-activity`; see `Sources/Detector/README.md`).
/// - `category` (required): see ``CaseCategory``; `category: 09006` is enough for a built-in code.
/// - `zone` (mapping, default the whole frame, id `frame`): `id`, `points`, `frame_size`, `exclude`, as the
///   Detector's `Zone`.
/// - `schedule` (mapping, default always): `windows`, `utc_offset` (default ``Defaults/utcOffset``), as the
///   Detector's `Schedule`.
/// - `options` (mapping, default the rule's defaults): the rule's own options, e.g. `min_static_seconds`;
///   checked against the rule's ranges when the config loads.
public struct RuleConfig: Sendable, Hashable {
    /// The rule id, e.g. `abandoned-object`.
    public var type: String { spec.descriptor.id }
    /// The category drafts from this rule are filed under.
    public var category: CaseCategory
    /// Where the rule looks.
    public var zone: Zone
    /// When the rule is active.
    public var schedule: Schedule
    /// The rule's own options as written (without `zone` and `schedule`), kept for re-deriving a spec with one
    /// option changed (``setting(option:to:registry:)``).
    public private(set) var options: ConfigNode
    /// The rule's type and options, decoded and validated once: exactly what runs.
    public private(set) var spec: RuleSpec

    /// Creates a rule entry, decoding and validating its options.
    /// - Throws: `OptionsError` (unknown type, unknown option, value out of range) or `DecodingError` (wrong
    ///   value type), with paths inside the rule entry.
    public init(type: String, category: CaseCategory, zone: Zone = .wholeFrame, schedule: Schedule = .always,
                options: ConfigNode = .emptyMapping, registry: RuleRegistry = .standard) throws {
        self.category = category
        self.zone = zone
        self.schedule = schedule
        self.options = options
        spec = try Self.decodeSpec(type: type, zone: zone, schedule: schedule, options: options, registry: registry)
    }

    /// The same entry with one option set to `value` (a backtest sweep, a what-if), validated like a loaded one.
    /// - Parameters:
    ///   - option: an option key of the rule, e.g. `min_static_seconds`.
    ///   - value: the number to set.
    /// - Throws: `OptionsError` when the key is unknown or the value out of range.
    public func setting(option: String, to value: Double, registry: RuleRegistry = .standard) throws -> RuleConfig {
        var changed = self
        changed.options = options.setting([.init(key: option, value: .number(value))])
        changed.spec = try Self.decodeSpec(type: type, zone: zone, schedule: schedule, options: changed.options,
                                           registry: registry)
        return changed
    }

    private static func decodeSpec(type: String, zone: Zone, schedule: Schedule, options: ConfigNode,
                                   registry: RuleRegistry) throws -> RuleSpec {
        let merged = options.setting([
            .init(key: "zone", value: zone.configNode),
            .init(key: "schedule", value: schedule.configNode),
        ])
        return try YAMLDecoder().decode(SpecDecoder.self, from: merged.yamlNode,
                                        userInfo: [SpecRequest.userInfoKey: SpecRequest(type: type, registry: registry)]).spec
    }
}

/// Which rule ``SpecDecoder`` should decode options for.
private struct SpecRequest {
    let type: String
    let registry: RuleRegistry
    // The literal is a valid key; the initialiser is failable only for historical reasons.
    static let userInfoKey = CodingUserInfoKey(rawValue: "streetwatch.rule.spec")!
}

/// Hands the Detector's registry a decoder positioned at the rule's options mapping.
private struct SpecDecoder: Decodable {
    let spec: RuleSpec
    init(from decoder: any Decoder) throws {
        guard let request = decoder.userInfo[SpecRequest.userInfoKey] as? SpecRequest else {
            throw ConfigProblem("rule options decode only through RuleConfig")
        }
        spec = try request.registry.spec(type: request.type, options: decoder)
    }
}

extension RuleConfig: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, category, zone, schedule, options
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        let context = f.context
        let type = f.string(.type, required: true)
        let category = f.value(.category, as: CaseCategory.self, required: true)
        let zone = f.value(.zone, as: Zone.self)
        var schedule = f.value(.schedule, as: Schedule.self)
        if context.node(at: f.path(.schedule) + ["utc_offset"]) == nil {
            schedule = schedule ?? Schedule()
            schedule?.utcOffset = context.utcOffset
        }
        var options = ConfigNode.emptyMapping
        if f.has(.options), let node = context.node(at: f.path(.options)) {
            if case .mapping = node, let copied = ConfigNode.copying(node) {
                options = copied
                for key in ["zone", "schedule"] where options[key] != nil {
                    context.fail(f.path(.options) + [key], "'\(key)' belongs next to 'type', not under 'options'", anchor: .key)
                }
            } else if case .mapping = node {
                f.fail(.options, "more than \(ConfigNode.maxValues) values once aliases are expanded")
            } else {
                f.fail(.options, "expected a mapping of the rule's options")
            }
        }
        // Decoded once, here: unknown types, unknown options and out-of-range values are reported with
        // everything else, and the spec that passed is the one that runs.
        var built: RuleConfig?
        if let type {
            do {
                built = try RuleConfig(type: type, category: category ?? CaseCategory(code: "", name: ""),
                                       zone: zone ?? .wholeFrame, schedule: schedule ?? .always, options: options,
                                       registry: context.registry)
            } catch {
                let base = f.path
                context.record(error, at: base + ["options"]) { inner in
                    guard let first = inner.first else { return base }
                    return ["type", "zone", "schedule"].contains(first) ? base + inner : base + ["options"] + inner
                }
            }
        }
        guard let built, category != nil, !f.failed else { throw AlreadyRecorded() }
        self = built
    }
}

extension Zone {
    /// The zone as its config mapping, for handing to a rule's options decoder.
    var configNode: ConfigNode {
        var entries = [ConfigNode.Entry(key: "id", value: .string(id))]
        if let polygon {
            entries += polygon.configEntries
        }
        if !exclude.isEmpty {
            entries.append(.init(key: "exclude", value: .sequence(exclude.map { .mapping($0.configEntries) })))
        }
        return .mapping(entries)
    }
}

extension Polygon {
    var configEntries: [ConfigNode.Entry] {
        var entries = [ConfigNode.Entry(key: "points", value: .sequence(points.map { .sequence($0.map(ConfigNode.number)) }))]
        if let frameSize {
            entries.append(.init(key: "frame_size", value: .sequence(frameSize.map(ConfigNode.integer))))
        }
        return entries
    }
}

extension Schedule {
    var configNode: ConfigNode {
        .mapping([
            .init(key: "windows", value: .sequence(windows.map(ConfigNode.string))),
            .init(key: "utc_offset", value: .string(utcOffset)),
        ])
    }
}

extension ConfigNode {
    static func string(_ s: String) -> ConfigNode { .scalar(s, tag: Tag.Name.str.rawValue, quoted: true) }
    static func integer(_ i: Int) -> ConfigNode { .scalar(String(i), tag: Tag.Name.int.rawValue, quoted: false) }
    static func number(_ d: Double) -> ConfigNode { .scalar(String(d), tag: Tag.Name.float.rawValue, quoted: false) }
}
