import Detector
import FrameIngest
internal import Foundation
internal import Yams

// The config types decode through `init(config:)` rather than a public `Decodable.init(from:)`: every problem
// goes into the `LoadContext` of the load instead of ending it at the first one (argument-parser's "Validation
// failed" list), and that only works when the loader supplies the context. Each initialiser otherwise follows
// STYLE §5: start from the defaults, read each key if present, reject unknown keys with "did you mean".

/// A config value read by ``GroupConfig/load(file:environment:registry:)``.
protocol ConfigDecodable {
    /// Reads the value at `decoder`, recording problems in the load's context.
    /// - Throws: ``AlreadyRecorded`` when the value cannot be made and its problems are recorded;
    ///   ``ConfigProblem`` or `DecodingError` for the caller to record at this value's path.
    init(config decoder: any Decoder) throws
}

/// Lets Yams decode a ``ConfigDecodable``.
struct Decoding<T: ConfigDecodable>: Decodable {
    let value: T
    init(from decoder: any Decoder) throws {
        value = try T(config: decoder)
    }
}

/// A problem with the value being decoded, recorded at its path by whoever decoded it.
struct ConfigProblem: Error {
    let message: String
    init(_ message: String) {
        self.message = message
    }
}

/// The value could not be made and its problems are recorded already.
struct AlreadyRecorded: Error {}

/// Where in the file a problem points.
enum IssueAnchor {
    /// At the key (unknown or misspelt keys).
    case key
    /// At the value (or the nearest enclosing node that exists).
    case value
}

/// A problem before its file position is looked up.
struct PendingIssue {
    var path: [String]
    var message: String
    var anchor: IssueAnchor
}

/// State of one load: the composed document, the environment, and the problems found so far.
///
/// Lives only for the duration of one synchronous decode, so a plain class is enough; it never crosses a thread.
final class LoadContext {
    let document: Node
    let environment: [String: String]
    let baseDirectory: String?
    let registry: RuleRegistry
    /// `defaults.utc_offset`, applied to schedules that give none.
    var utcOffset = Defaults().utcOffset
    private(set) var issues: [PendingIssue] = []

    // The literal is a valid key; the initialiser is failable only for historical reasons.
    static let userInfoKey = CodingUserInfoKey(rawValue: "streetwatch.config.load")!

    init(document: Node, environment: [String: String], baseDirectory: String?, registry: RuleRegistry) {
        self.document = document
        self.environment = environment
        self.baseDirectory = baseDirectory
        self.registry = registry
    }

    /// The context of the load that `decoder` belongs to.
    static func of(_ decoder: any Decoder) throws -> LoadContext {
        guard let context = decoder.userInfo[userInfoKey] as? LoadContext else {
            throw ConfigProblem("camera-group config types decode only through GroupConfig.load")
        }
        return context
    }

    /// Records a problem at `path`.
    func fail(_ path: [String], _ message: String, anchor: IssueAnchor = .value) {
        issues.append(PendingIssue(path: path, message: redactingCredentials(in: message), anchor: anchor))
    }

    /// Records `error`, thrown while decoding the value at `path`.
    /// - Parameter mapPath: turns paths inside `error` into document paths (for rule options decoded from a
    ///   copy of their mapping); identity by default.
    func record(_ error: any Error, at path: [String], mapPath: ([String]) -> [String] = { $0 }) {
        switch error {
        case is AlreadyRecorded:
            break
        case let problem as ConfigProblem:
            fail(path, problem.message)
        case let options as OptionsError:
            for issue in options.issues {
                fail(mapPath(issue.path), issue.message, anchor: issue.message.hasPrefix("unknown key") ? .key : .value)
            }
        case let decoding as DecodingError:
            record(decoding, mapPath: mapPath)
        default:
            fail(path, String(describing: error))
        }
    }

    private func record(_ error: DecodingError, mapPath: ([String]) -> [String]) {
        switch error {
        case .typeMismatch(let type, let c):
            let path = mapPath(c.codingPath.map(\.configComponent))
            fail(path, "expected \(Self.describe(type)), got \(describeNode(at: path))")
        case .valueNotFound(let type, let c):
            fail(mapPath(c.codingPath.map(\.configComponent)), "expected \(Self.describe(type)), got nothing")
        case .keyNotFound(let key, let c):
            fail(mapPath((c.codingPath + [key]).map(\.configComponent)), "required key missing")
        case .dataCorrupted(let c):
            fail(mapPath(c.codingPath.map(\.configComponent)), c.debugDescription)
        @unknown default:
            fail([], String(describing: error))
        }
    }

    /// The node at `path` in the document, or `nil` when the path leaves it.
    func node(at path: [String]) -> Node? {
        var node = document
        for component in path {
            guard let next = Self.child(of: node, component) else { return nil }
            node = next.value
        }
        return node
    }

    /// Whether the node at `path` is a list with no elements.
    func isEmptyList(at path: [String]) -> Bool {
        if case .sequence(let items)? = node(at: path) { return items.isEmpty }
        return false
    }

    /// For each element of the list at `path` that is a mapping with a scalar `key`: its index and that scalar.
    func scalars(at path: [String], key: String) -> [(index: Int, value: String)] {
        guard case .sequence(let items)? = node(at: path) else { return [] }
        return items.enumerated().compactMap { i, item in
            guard case .scalar(let s)? = item.mapping?[key] else { return nil }
            return (i, s.string)
        }
    }

    /// The position for an issue: the node at `path` (its key for `.key`), else the deepest node that exists.
    func mark(for path: [String], anchor: IssueAnchor) -> Mark? {
        var node = document
        var mark = document.mark
        for (i, component) in path.enumerated() {
            guard let next = Self.child(of: node, component) else { return mark }
            if i == path.count - 1, anchor == .key, let keyMark = next.key?.mark { return keyMark }
            node = next.value
            mark = node.mark ?? mark
        }
        return mark
    }

    private static func child(of node: Node, _ component: String) -> (key: Node?, value: Node)? {
        switch node {
        case .mapping(let mapping):
            return mapping.first { $0.key.string == component }.map { ($0.key, $0.value) }
        case .sequence(let sequence):
            guard let i = Int(component), sequence.indices.contains(i) else { return nil }
            return (nil, sequence[i])
        case .scalar, .alias:
            return nil
        }
    }

    /// `a mapping`, `a list`, or the scalar in quotes (shortened).
    private func describeNode(at path: [String]) -> String {
        switch node(at: path) {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            if Node.scalar(s).tag.rawValue == Tag.Name.null.rawValue { return "null" }
            let text = s.string.count > 40 ? s.string.prefix(37) + "..." : s.string
            return "'\(text)'"
        case .alias, nil: return "something else"
        }
    }

    /// What a Swift type means in YAML terms.
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is Node.Mapping.Type: return "a mapping"
        case is Node.Sequence.Type: return "a list"
        case is Node.Scalar.Type: return "a single value"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array<") ? "a list" : name
        }
    }
}

/// A coding key that accepts any string, for listing what a mapping really holds.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension CodingKey {
    /// The key in a config path: the index for sequence elements, else the key.
    var configComponent: String { intValue.map(String.init) ?? stringValue }
}

/// Reads the keys of one mapping, recording every problem instead of stopping at the first.
struct FieldReader<Key: CodingKey & CaseIterable> {
    /// The load this mapping belongs to.
    let context: LoadContext
    /// The mapping's path in the document.
    let path: [String]
    private let container: KeyedDecodingContainer<Key>
    private let start: Int

    /// Opens the mapping at `decoder` and records its unknown keys (Frigate's `extra="forbid"`, with
    /// argument-parser's "did you mean" and the Detector's wording).
    /// - Parameter extraKey: keys to accept without a field, e.g. `x-` extension keys that only hold anchors.
    /// - Throws: `DecodingError` when the value is not a mapping (the caller records it).
    init(_ decoder: any Decoder, _: Key.Type, extraKey: (String) -> Bool = { _ in false }) throws {
        context = try LoadContext.of(decoder)
        path = decoder.codingPath.map(\.configComponent)
        container = try decoder.container(keyedBy: Key.self)
        start = context.issues.count
        let known = Key.allCases.map(\.stringValue)
        let all = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        for key in all where !known.contains(key) && !extraKey(key) {
            var message = "unknown key"
            if let near = closestMatch(to: key, in: known) ?? known.first(where: {
                key.count >= 4 && ($0.hasPrefix(key) || key.hasPrefix($0))
            }) {
                message += " (did you mean '\(near)'?)"
            } else {
                message += " (valid keys: \(known.joined(separator: ", ")))"
            }
            context.fail(path + [key], message, anchor: .key)
        }
    }

    /// Whether a problem was recorded inside this mapping since it was opened.
    var failed: Bool { context.issues.count > start }

    /// The document path of `key`.
    func path(_ key: Key) -> [String] { path + [key.stringValue] }

    /// Whether `key` is present with a non-null value.
    func has(_ key: Key) -> Bool {
        container.contains(key) && !((try? container.decodeNil(forKey: key)) ?? false)
    }

    /// Records a problem at `key` (or at the mapping).
    func fail(_ key: Key?, _ message: String, anchor: IssueAnchor = .value) {
        context.fail(key.map(path) ?? path, message, anchor: anchor)
    }

    private func present(_ key: Key, required: Bool) -> Bool {
        if has(key) { return true }
        if required { fail(key, container.contains(key) ? "a value is required" : "required key missing") }
        return false
    }

    /// The value of `key`, or `nil` when absent or wrong (recorded).
    func value<T: Decodable>(_ key: Key, as _: T.Type = T.self, required: Bool = false) -> T? {
        guard present(key, required: required) else { return nil }
        do {
            return try container.decode(T.self, forKey: key)
        } catch {
            context.record(error, at: path(key))
            return nil
        }
    }

    /// The config value of `key`, or `nil` when absent or wrong (recorded).
    func value<T: ConfigDecodable>(_ key: Key, as _: T.Type = T.self, required: Bool = false) -> T? {
        value(key, as: Decoding<T>.self, required: required)?.value
    }

    /// A string that `check` accepts (it returns the problem, or `nil`).
    func string(_ key: Key, required: Bool = false, check: (String) -> String? = { _ in nil }) -> String? {
        guard let text = value(key, as: String.self, required: required) else { return nil }
        if let problem = check(text) {
            fail(key, problem)
            return nil
        }
        return text
    }

    /// A number within `range` (libavutil `opt.c` wording when outside).
    func number(_ key: Key, in range: ClosedRange<Double>, required: Bool = false) -> Double? {
        guard let x = value(key, as: Double.self, required: required) else { return nil }
        var report = ValidationReport(path: path)
        report.check(key.stringValue, x, in: range)
        return accept(x, report)
    }

    /// An integer within `range`.
    func integer(_ key: Key, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let x = value(key, as: Int.self, required: required) else { return nil }
        var report = ValidationReport(path: path)
        report.check(key.stringValue, x, in: range)
        return accept(x, report)
    }

    /// One of `choices`, with "did you mean" for a near miss.
    func choice(_ key: Key, _ choices: [String], required: Bool = false, caseInsensitive: Bool = false) -> String? {
        string(key, required: required) { text in
            if choices.contains(text) || caseInsensitive && choices.contains(where: { $0.lowercased() == text.lowercased() }) {
                return nil
            }
            let hint = closestMatch(to: text, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
            return "'\(text)' is not one of \(choices.joined(separator: ", "))\(hint)"
        }
    }

    private func accept<V>(_ value: V, _ report: ValidationReport) -> V? {
        if report.issues.isEmpty { return value }
        for issue in report.issues { context.fail(issue.path, issue.message) }
        return nil
    }

    /// The elements of the list at `key` that could be read, with their indices; each bad element is recorded
    /// and skipped so that the others are still checked.
    func list<T: ConfigDecodable>(_ key: Key, of _: T.Type, required: Bool = false) -> [(index: Int, value: T)]? {
        guard present(key, required: required) else { return nil }
        do {
            var items = try container.nestedUnkeyedContainer(forKey: key)
            var out: [(index: Int, value: T)] = []
            while !items.isAtEnd {
                let index = items.currentIndex
                // `superDecoder()` always succeeds and moves on, so one bad element cannot stop the loop.
                let element = try items.superDecoder()
                do {
                    out.append((index, try T(config: element)))
                } catch {
                    context.record(error, at: path(key) + [String(index)])
                }
            }
            return out
        } catch {
            context.record(error, at: path(key))
            return nil
        }
    }
}

