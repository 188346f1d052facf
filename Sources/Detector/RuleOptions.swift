/// A rule's configuration: decoded strictly, checked against declared ranges.
///
/// Conformers follow one pattern (STYLE §5): stored properties with defaults and a `static let …Range` next to
/// each; `init()` gives the defaults; `init(from:)` lives in an extension (keeping the memberwise init), starts
/// from `self.init()`, decodes each key with `decodeIfPresent(...) ?? current` and ends with
/// ``Swift/Decoder/rejectUnknownKeys(_:)``. Runtime state never goes here.
public protocol RuleOptions: Decodable, Sendable, Hashable {
    /// The documented defaults.
    init()

    /// Adds every out-of-range or inconsistent value to `report`; adds nothing when the options are usable.
    /// - Parameter report: collects issues with their key path, so that all are reported at once.
    func validate(_ report: inout ValidationReport)
}

extension RuleOptions {
    /// Whether `other` holds options of the same type with the same values.
    func isEqual(to other: any RuleOptions) -> Bool {
        (other as? Self) == self
    }
}

/// One configuration problem: where and what.
public struct OptionIssue: Sendable, Hashable, CustomStringConvertible {
    /// Key path inside the options, e.g. `["zone", "points", "2"]`. The pipeline prefixes its own path
    /// (`cameras.door.rules[1]`) and the file position.
    public var path: [String]
    /// What is wrong, e.g. `value 300 out of range [1 - 255]` (libavutil `opt.c` wording).
    public var message: String

    /// Creates an issue.
    public init(path: [String], message: String) {
        self.path = path
        self.message = message
    }

    /// The path in config notation: `zone.points[2]`.
    public var dottedPath: String {
        var out = ""
        for part in path {
            if let first = part.first, first.isNumber {
                out += "[\(part)]"
            } else {
                out += out.isEmpty ? part : ".\(part)"
            }
        }
        return out
    }

    public var description: String { path.isEmpty ? message : "\(dottedPath): \(message)" }
}

/// Every issue found in one set of options (argument-parser's "Validation failed" list).
public struct OptionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The issues, in the order found.
    public var issues: [OptionIssue]

    /// Creates an error from at least one issue.
    public init(issues: [OptionIssue]) {
        self.issues = issues
    }

    public var description: String {
        if issues.count == 1 { return issues[0].description }
        return "\(issues.count) problems:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Collects issues while ``RuleOptions/validate(_:)`` walks the options.
public struct ValidationReport: Sendable {
    /// Issues found so far.
    public private(set) var issues: [OptionIssue] = []
    private var prefix: [String]

    /// An empty report whose paths start with `path`.
    public init(path: [String] = []) {
        prefix = path
    }

    /// Records an issue at `key` (relative to the current path).
    public mutating func fail(_ key: String?, _ message: String) {
        issues.append(OptionIssue(path: prefix + (key.map { [$0] } ?? []), message: message))
    }

    /// Checks `value` against a closed range, in the wording of libavutil `opt.c`.
    public mutating func check<V: BinaryFloatingPoint>(_ key: String, _ value: V, in range: ClosedRange<V>) {
        if !(range.contains(value)) {
            fail(key, "value \(Self.format(value)) out of range [\(Self.format(range.lowerBound)) - \(Self.format(range.upperBound))]")
        }
    }

    /// Checks `value` against a closed integer range.
    public mutating func check(_ key: String, _ value: Int, in range: ClosedRange<Int>) {
        if !range.contains(value) {
            fail(key, "value \(value) out of range [\(range.lowerBound) - \(range.upperBound)]")
        }
    }

    /// Runs `body` with `key` appended to the path (for nested option structs and arrays).
    public mutating func nested(_ key: String, _ body: (inout ValidationReport) -> Void) {
        var inner = ValidationReport(path: prefix + [key])
        body(&inner)
        issues += inner.issues
    }

    /// Throws ``OptionsError`` when any issue was recorded.
    public func throwIfNeeded() throws(OptionsError) {
        if !issues.isEmpty { throw OptionsError(issues: issues) }
    }

    /// `10` rather than `10.0`; otherwise the shortest round-tripping form.
    static func format<V: BinaryFloatingPoint>(_ value: V) -> String {
        let d = Double(value)
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}

extension Decoder {
    /// Fails when the current keyed container holds a key that `Keys` does not list (Frigate's `extra="forbid"`),
    /// with argument-parser's "did you mean" hint for near misses.
    ///
    /// Synthesized `Decodable` silently ignores unknown keys, so a misspelt `treshold:` would leave the default in
    /// place without a word; this turns it into `treshold: unknown key (did you mean 'threshold'?)`.
    /// - Throws: ``OptionsError`` listing every unknown key in the container.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let known = Keys.allCases.map(\.stringValue)
        var issues: [OptionIssue] = []
        for key in container.allKeys where !known.contains(key.stringValue) {
            var message = "unknown key"
            if let near = closestMatch(to: key.stringValue, in: known) {
                message += " (did you mean '\(near)'?)"
            } else {
                message += " (valid keys: \(known.joined(separator: ", ")))"
            }
            issues.append(OptionIssue(path: codingPath.map(\.pathComponent) + [key.stringValue], message: message))
        }
        if !issues.isEmpty { throw OptionsError(issues: issues) }
    }
}

extension CodingKey {
    /// The key as it appears in a dotted config path: the string, or the array index.
    var pathComponent: String { intValue.map(String.init) ?? stringValue }
}

/// A coding key that accepts any string, for listing what a container really holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// The candidate nearest to `word` by edit distance (ignoring case), if it is near enough to be a plausible
/// typo: the "did you mean" of rule options and of the pipeline's config keys.
///
/// argument-parser suggests within an edit distance that grows with the word; a third of the length (at
/// least 2) catches `treshold`/`threshold` and `min_static_secs`/`min_static_seconds` but not unrelated keys.
/// - Parameters:
///   - word: what was written.
///   - candidates: the valid spellings.
/// - Returns: the suggestion, or `nil` when nothing is close.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(word.lowercased(), candidate.lowercased())
        if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    if best == nil {
        // A prefix is a strong hint even when far in edits: `min_static` → `min_static_seconds`.
        best = candidates.first { word.count >= 4 && ($0.hasPrefix(word) || word.hasPrefix($0)) }.map { ($0, 0) }
    }
    return best?.0
}

/// Levenshtein distance over Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
