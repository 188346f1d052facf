/// The case category a rule's drafts are filed under: a matter class of GB/T 47678.5-2026.
///
/// Config key `category`, either the code alone (`category: 09006`, the name comes from ``builtIn``) or a mapping:
/// - `code` (string, required): 5 digits, 2-digit 大类 + 3-digit 小类 (the platform's mainType/subType).
/// - `name` (string, required when the code is not built in): overrides the built-in name when given.
/// - `code_2013` (string, default from ``builtIn``): the GB/T 30428.2-2013 code, `NN-NN`, for platforms not yet
///   on the 2026 standard.
///
/// DOMAIN.md says these codes come from a public transcription of the standard and are to be treated as data,
/// hence the override.
public struct CaseCategory: Sendable, Hashable, CustomStringConvertible {
    /// The standard ``code`` belongs to.
    public static let standard = "GB/T 47678.5-2026"

    /// Matter class code, 5 digits (e.g. `09006`).
    public var code: String
    /// The class name (e.g. 占道经营).
    public var name: String
    /// The GB/T 30428.2-2013 code (e.g. `04-06`), when known.
    public var code2013: String?

    /// Creates a category.
    /// - Parameters:
    ///   - code: 5-digit GB/T 47678.5-2026 code.
    ///   - name: the class name.
    ///   - code2013: the older code, `NN-NN`.
    public init(code: String, name: String, code2013: String? = nil) {
        self.code = code
        self.name = name
        self.code2013 = code2013
    }

    /// `09006 占道经营 (2013: 04-06)`.
    public var description: String {
        "\(code) \(name)" + (code2013.map { " (2013: \($0))" } ?? "")
    }

    /// The classes StreetWatch's rules usually raise, from DOMAIN.md.
    public static let builtIn: [CaseCategory] = [
        CaseCategory(code: "09006", name: "占道经营", code2013: "04-06"),
        CaseCategory(code: "09005", name: "店外经营", code2013: "04-05"),
        CaseCategory(code: "09001", name: "无照经营游商", code2013: "04-01"),
        CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10"),
        CaseCategory(code: "06011", name: "积存垃圾渣土", code2013: "01-11"),
        CaseCategory(code: "06036", name: "乱堆物堆料", code2013: "01-36"),
        CaseCategory(code: "06042", name: "垃圾站（箱）满溢"),
        CaseCategory(code: "06012", name: "道路不洁", code2013: "01-12"),
        CaseCategory(code: "09009", name: "机动车乱停放", code2013: "04-09"),
        CaseCategory(code: "09010", name: "非机动车乱停放", code2013: "04-10"),
    ]

    /// The built-in category with `code`, if any.
    public static func builtIn(code: String) -> CaseCategory? {
        builtIn.first { $0.code == code }
    }

    /// Why `code` is not a 5-digit matter class code, or `nil` when it is one.
    static func codeProblem(_ code: String) -> String? {
        code.count == 5 && code.allSatisfy(\.isASCIIDigit) ? nil : "'\(code)' is not a 5-digit GB/T 47678.5-2026 code like 09006"
    }

    /// Why `code` is not an `NN-NN` 2013 code, or `nil` when it is one.
    static func code2013Problem(_ code: String) -> String? {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && parts.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }
        return ok ? nil : "'\(code)' is not a GB/T 30428.2-2013 code like 04-06"
    }
}

extension CaseCategory: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case code, name
        case code2013 = "code_2013"
    }

    /// Reads the code alone or the mapping; see the type's documentation for the keys.
    init(config decoder: any Decoder) throws {
        let code: String
        var name: String?
        var code2013: String?
        if let single = try? decoder.singleValueContainer().decode(String.self) {
            code = single
        } else {
            let f = try FieldReader(decoder, CodingKeys.self)
            name = f.string(.name) { $0.isEmpty ? "must not be empty" : nil }
            code2013 = f.string(.code2013, check: Self.code2013Problem)
            guard let given = f.string(.code, required: true, check: Self.codeProblem), !f.failed else { throw AlreadyRecorded() }
            code = given
        }
        if let problem = Self.codeProblem(code) {
            throw ConfigProblem(problem)
        }
        let known = Self.builtIn(code: code)
        guard let resolvedName = name ?? known?.name else {
            throw ConfigProblem("unknown category code '\(code)': give its name as well "
                + "({code: \(code), name: ...}); built in: \(Self.builtIn.map(\.code).joined(separator: ", "))")
        }
        self.init(code: code, name: resolvedName, code2013: code2013 ?? known?.code2013)
    }
}

extension Character {
    /// `0`–`9` only (`isNumber` also accepts other scripts' digits and fractions).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
