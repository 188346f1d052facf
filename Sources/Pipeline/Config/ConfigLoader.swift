public import Detector
import FrameIngest
internal import Foundation
internal import Yams

/// One problem in a camera-group config: where it is and what is wrong.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file as named by the caller (`samples/groups/demo.yaml`).
    public var file: String
    /// 1-based line, when the problem has a place in the file.
    public var line: Int?
    /// 1-based column (Unicode scalars, as libyaml counts).
    public var column: Int?
    /// Key path, e.g. `["cameras", "1", "rules", "0", "options", "min_static_seconds"]`.
    public var path: [String]
    /// What is wrong; never contains a substituted environment value.
    public var message: String

    /// Creates an issue.
    public init(file: String, line: Int?, column: Int?, path: [String], message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// The path in config notation: `cameras[1].rules[0].options.min_static_seconds`.
    public var dottedPath: String {
        var out = ""
        for part in path {
            if !part.isEmpty, part.allSatisfy(\.isASCIIDigit) {
                out += "[\(part)]"
            } else {
                out += out.isEmpty ? part : ".\(part)"
            }
        }
        return out
    }

    /// `group.yaml:14:18: cameras[1].rules[0].options.min_static_seconds: value 0 out of range [1 - 3600]`.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return path.isEmpty ? "\(place): \(message)" : "\(place): \(dottedPath): \(message)"
    }
}

/// Every problem found in a camera-group config, in file order. Nothing starts while there is one.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, sorted by position.
    public var issues: [ConfigIssue]

    /// Creates an error from at least one issue.
    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    /// One line per issue, `file:line:col: key.path: message`.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension GroupConfig {
    /// Reads, decodes and checks a camera-group config file.
    ///
    /// Every rule is built once (against a nominal 320x180 format) so that rule options are checked too.
    /// - Parameters:
    ///   - file: path of the YAML file; relative paths inside it are taken from its folder, and issues name it
    ///     as given.
    ///   - environment: where `${VAR}` in URLs and store paths comes from; `nil` for this process's environment.
    ///   - registry: the rules that `type:` may name.
    /// - Throws: ``ConfigError`` listing every problem (unreadable file, YAML syntax, unknown keys, wrong types,
    ///   values out of range, missing environment variables, unknown rule types, bad rule options).
    public static func load(file: String, environment: [String: String]? = nil,
                            registry: RuleRegistry = .standard) throws(ConfigError) -> GroupConfig {
        let text: String
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigError(issues: [ConfigIssue(file: file, line: nil, column: nil, path: [], message: "no such file")])
        }
        do {
            text = try Self.text(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), file: file)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(issues: [ConfigIssue(file: file, line: nil, column: nil, path: [],
                                                   message: "cannot read: \(Self.reason(error))")])
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        return try parse(yaml: text, file: file, baseDirectory: folder, environment: environment, registry: registry)
    }

    /// Decodes and checks a camera-group config given as text.
    /// - Parameters:
    ///   - yaml: the document.
    ///   - file: the name issues carry.
    ///   - baseDirectory: folder for relative paths; `nil` leaves them as written.
    ///   - environment: where `${VAR}` comes from; `nil` for this process's environment.
    ///   - registry: the rules that `type:` may name.
    /// - Throws: ``ConfigError``, as ``load(file:environment:registry:)``.
    public static func parse(yaml: String, file: String = "<config>", baseDirectory: String? = nil,
                             environment: [String: String]? = nil,
                             registry: RuleRegistry = .standard) throws(ConfigError) -> GroupConfig {
        let document: Node
        do {
            guard let root = try Yams.compose(yaml: yaml) else {
                throw ConfigError(issues: [ConfigIssue(file: file, line: 1, column: 1, path: [], message: "the file is empty")])
            }
            document = root
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(issues: [syntaxIssue(error, file: file, yaml: yaml)])
        }
        let context = LoadContext(document: document, environment: environment ?? ProcessInfo.processInfo.environment, baseDirectory: baseDirectory,
                                  registry: registry)
        var config: GroupConfig?
        do {
            config = try YAMLDecoder().decode(Decoding<GroupConfig>.self, from: document,
                                              userInfo: [LoadContext.userInfoKey: context]).value
        } catch {
            context.record(error, at: [])
        }
        if let config, context.issues.isEmpty { return config }
        var seen = Set<ConfigIssue>()
        var issues: [ConfigIssue] = []
        for pending in context.issues {
            let mark = context.mark(for: pending.path, anchor: pending.anchor)
            let issue = ConfigIssue(file: file, line: mark?.line, column: mark?.column, path: pending.path,
                                    message: pending.message)
            if seen.insert(issue).inserted { issues.append(issue) }
        }
        // Stable: problems at one place keep the order they were found in.
        let order = issues.enumerated().sorted {
            ($0.element.line ?? 0, $0.element.column ?? 0, $0.offset) < ($1.element.line ?? 0, $1.element.column ?? 0, $1.offset)
        }
        if issues.isEmpty {
            // Decoding failed without saying why: a bug here, but still not a config to run.
            throw ConfigError(issues: [ConfigIssue(file: file, line: nil, column: nil, path: [], message: "could not be read")])
        }
        throw ConfigError(issues: order.map(\.element))
    }

    /// A YAML syntax error as an issue at its position.
    private static func syntaxIssue(_ error: any Error, file: String, yaml: String) -> ConfigIssue {
        func issue(_ mark: Mark?, _ message: String) -> ConfigIssue {
            ConfigIssue(file: file, line: mark?.line, column: mark?.column, path: [], message: message)
        }
        guard let error = error as? YamlError else { return issue(nil, "YAML error: \(reason(error))") }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return issue(mark, "YAML syntax: \(problem)\(during)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return issue(context.mark, "YAML syntax: duplicate key \(keys) in one mapping")
        case .reader(let problem, let offset, _, _):
            let mark = offset.map { offset -> Mark? in
                let before = yaml.prefix(offset)
                let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                let column = before.reversed().prefix { $0 != "\n" }.count + 1
                return markAt(line: line, column: column)
            } ?? nil
            return issue(mark, "cannot read the text: \(problem)")
        default:
            return issue(nil, "YAML error: \(error)")
        }
    }

    /// Builds a `Mark` (its initialiser is internal to Yams) by composing a document with one scalar there.
    private static func markAt(line: Int, column: Int) -> Mark? {
        let text = String(repeating: "\n", count: line - 1) + String(repeating: " ", count: column - 1) + "x"
        return (try? Yams.compose(yaml: text))?.mark
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

extension LoadContext {
    /// `template` with each `${NAME}` replaced from the environment; records every missing variable (by name,
    /// never by value) and returns `nil` when one is missing.
    func expand(_ template: String, at path: [String]) -> String? {
        var out = ""
        var rest = Substring(template)
        var ok = true
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "}") else {
                fail(path, "unterminated '${' (write ${NAME})")
                return nil
            }
            let name = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
            let valid = name.first.map { $0 == "_" || $0.isLetter } ?? false
                && name.allSatisfy { $0 == "_" || $0.isASCIIDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
            if !valid {
                fail(path, "'${\(name)}' is not an environment variable name (letters, digits, '_')")
                ok = false
            } else if let value = environment[name], !value.isEmpty {
                out += value
            } else {
                fail(path, "environment variable '\(name)' is not set")
                ok = false
            }
        }
        return ok ? out + rest : nil
    }

    /// A path relative to the config file's folder.
    func resolvePath(_ path: String) -> String {
        guard let baseDirectory, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true))
            .standardizedFileURL.path
    }

    /// A stream URL, or a file path relative to the config file's folder.
    func resolveStream(_ url: String) -> String {
        url.contains("://") ? url : resolvePath(url)
    }
}
