internal import Yams

/// A YAML value kept as written, for a rule's `options:` mapping whose keys only the rule knows.
///
/// Yams' `Node` is not `Sendable` (its `Tag` is a class), so the config keeps this copy instead and turns it
/// back into a `Node` when a rule is built. Scalars keep their resolved YAML tag and whether they were quoted,
/// so `"10"` stays a string and `10` an integer, exactly as in the file.
public indirect enum ConfigNode: Sendable, Hashable {
    /// A scalar: its text, its resolved tag (`tag:yaml.org,2002:int`, `…:str`, …) and whether it was quoted.
    case scalar(String, tag: String, quoted: Bool)
    /// A sequence.
    case sequence([ConfigNode])
    /// A mapping, in file order.
    case mapping([Entry])

    /// One key and value of a mapping.
    public struct Entry: Sendable, Hashable {
        /// The key as written.
        public var key: String
        /// The value.
        public var value: ConfigNode

        /// Creates an entry.
        public init(key: String, value: ConfigNode) {
            self.key = key
            self.value = value
        }
    }

    /// The empty mapping (a rule with its default options).
    public static let emptyMapping = ConfigNode.mapping([])

    /// The keys of a mapping, or `[]` for other nodes.
    public var keys: [String] {
        if case .mapping(let entries) = self { return entries.map(\.key) }
        return []
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> ConfigNode? {
        if case .mapping(let entries) = self { return entries.first { $0.key == key }?.value }
        return nil
    }

    /// The scalar text, if this is a scalar.
    public var scalarText: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }
}

extension ConfigNode {
    /// Most values a rule's options may hold once aliases are expanded: options are a handful of keys and a
    /// zone of at most a few hundred points, while a nested alias ("billion laughs") expands to 10⁹ values and
    /// would take the process's memory.
    static let maxValues = 10_000

    /// Copies a composed YAML node, or `nil` when it holds more than ``maxValues`` values with its aliases
    /// expanded (the composer shares aliased subtrees; a copy would not).
    static func copying(_ node: Node) -> ConfigNode? {
        var budget = maxValues
        func count(_ node: Node) -> Bool {
            budget -= 1
            guard budget >= 0 else { return false }
            switch node {
            case .scalar, .alias: return true
            case .sequence(let s): return s.allSatisfy(count)
            case .mapping(let m): return m.allSatisfy { count($0.key) && count($0.value) }
            }
        }
        return count(node) ? ConfigNode(node) : nil
    }

    /// Copies a composed YAML node. Aliases are followed by the composer already; one left over becomes `null`.
    init(_ node: Node) {
        switch node {
        case .scalar(let s):
            self = .scalar(s.string, tag: node.tag.rawValue, quoted: !(s.style == .plain || s.style == .any))
        case .sequence(let s):
            self = .sequence(s.map(ConfigNode.init))
        case .mapping(let m):
            self = .mapping(m.map { Entry(key: $0.key.string ?? "", value: ConfigNode($0.value)) })
        case .alias:
            self = .scalar("null", tag: Tag.Name.null.rawValue, quoted: false)
        }
    }

    /// The YAML node this was copied from (without position marks).
    var yamlNode: Node {
        switch self {
        case .scalar(let text, let tag, let quoted):
            return Node(text, Tag(Tag.Name(rawValue: tag)), quoted ? .doubleQuoted : .plain)
        case .sequence(let items):
            return Node(items.map(\.yamlNode))
        case .mapping(let entries):
            return Node(entries.map { (Node($0.key), $0.value.yamlNode) })
        }
    }

    /// A mapping with `entries` set, replacing keys that are already there.
    func setting(_ entries: [Entry]) -> ConfigNode {
        guard case .mapping(var current) = self else { return .mapping(entries) }
        for entry in entries {
            if let i = current.firstIndex(where: { $0.key == entry.key }) {
                current[i] = entry
            } else {
                current.append(entry)
            }
        }
        return .mapping(current)
    }
}

extension ConfigNode: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// A string scalar.
    public init(stringLiteral value: String) {
        self = .scalar(value, tag: "tag:yaml.org,2002:str", quoted: true)
    }

    /// An integer scalar.
    public init(integerLiteral value: Int) {
        self = .scalar(String(value), tag: "tag:yaml.org,2002:int", quoted: false)
    }

    /// A float scalar.
    public init(floatLiteral value: Double) {
        self = .scalar(String(value), tag: "tag:yaml.org,2002:float", quoted: false)
    }

    /// A boolean scalar.
    public init(booleanLiteral value: Bool) {
        self = .scalar(value ? "true" : "false", tag: "tag:yaml.org,2002:bool", quoted: false)
    }

    /// A sequence.
    public init(arrayLiteral elements: ConfigNode...) {
        self = .sequence(elements)
    }

    /// A mapping, in literal order.
    public init(dictionaryLiteral elements: (String, ConfigNode)...) {
        self = .mapping(elements.map { Entry(key: $0.0, value: $0.1) })
    }
}
