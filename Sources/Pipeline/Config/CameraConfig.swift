import Detector
public import FrameIngest

/// One camera: where its streams are, how to analyse them, where it stands, and its rules.
///
/// Config keys:
/// - `id` (string, required): `[a-z0-9-]`, 1–64 characters, unique in the group.
/// - `name` (string, default the id): shown to reviewers.
/// - `url` (string, required): the analysis stream (the sub-stream where there is one), or a file path
///   (relative to the config file). `${VAR}` is replaced from the environment, so credentials stay out of the
///   file: `rtsp://admin:${GATE_PASS}@10.0.0.7:554/Streaming/Channels/102`. Values are inserted as they are:
///   percent-encode `@`, `:` and `/` in them.
/// - `evidence_url` (string, default none): the main stream (e.g. Hikvision channel `101` while `url` is `102`),
///   same forms and `${VAR}` substitution as `url`. Opened only when a draft is created, for a full-resolution
///   after picture and clip, then closed; never decoded continuously. If it cannot be opened or ends early, the
///   analysed stream's picture and clip are kept and the case gets a note saying why. The before picture always
///   comes from `url` (the moment before is past when the main stream opens).
/// - `analysis_fps`, `analysis_width`, `keyframes_only`, `decode`, `transport`: override ``Defaults``, same ranges.
/// - `location` (mapping, required): see ``Location``.
/// - `rules` (list, required, at least one): see ``RuleConfig``.
///
/// ``url`` holds the credentials once loaded: print ``displayURL`` (or the camera itself, whose description
/// hides them), never ``url``.
public struct CameraConfig: Sendable, Hashable {
    /// Stable id, `[a-z0-9-]`.
    public var id: String
    /// Display name.
    public var name: String
    /// The analysis stream with environment variables substituted. Secret: do not log.
    public var url: String
    /// ``url`` as written in the file (`${VAR}` not substituted), for display.
    public var urlTemplate: String
    /// The main stream for evidence, substituted. Secret: do not log.
    public var evidenceURL: String?
    /// ``evidenceURL`` as written.
    public var evidenceURLTemplate: String?
    /// Override of ``Defaults/analysisFPS``.
    public var analysisFPS: Double?
    /// Override of ``Defaults/analysisWidth``.
    public var analysisWidth: Int?
    /// Override of ``Defaults/keyframesOnly``.
    public var keyframesOnly: Bool?
    /// Override of ``Defaults/decode``.
    public var decode: DecodeMode?
    /// Override of ``Defaults/transport``.
    public var transport: IngestOptions.Transport?
    /// Where the camera looks; copied into every case.
    public var location: Location
    /// The rules run on this camera's frames.
    public var rules: [RuleConfig]

    /// Creates a camera. `urlTemplate` defaults to `url`, `name` to `id`.
    public init(id: String, name: String? = nil, url: String, urlTemplate: String? = nil, evidenceURL: String? = nil,
                evidenceURLTemplate: String? = nil, analysisFPS: Double? = nil, analysisWidth: Int? = nil,
                keyframesOnly: Bool? = nil, transport: IngestOptions.Transport? = nil, location: Location,
                rules: [RuleConfig]) {
        self.id = id
        self.name = name ?? id
        self.url = url
        self.urlTemplate = urlTemplate ?? url
        self.evidenceURL = evidenceURL
        self.evidenceURLTemplate = evidenceURLTemplate ?? evidenceURL
        self.analysisFPS = analysisFPS
        self.analysisWidth = analysisWidth
        self.keyframesOnly = keyframesOnly
        self.transport = transport
        self.location = location
        self.rules = rules
    }

    /// The analysis URL for logs and pages: as written, with any password in it replaced by `***`.
    public var displayURL: String { redactingCredentials(in: urlTemplate) }

    /// The evidence URL for logs and pages.
    public var displayEvidenceURL: String? { evidenceURLTemplate.map { redactingCredentials(in: $0) } }
}

/// Where a camera stands, in the fields a case needs (DOMAIN.md "A draft case").
///
/// Config keys:
/// - `address` (string, required, 1–256 characters): 位置描述, the platform's `address`.
/// - `lon`, `lat` (numbers, required, [-180 - 180] and [-90 - 90]): the platform's `coordinateX`/`coordinateY`.
/// - `crs` (`WGS84` | `CGCS2000` | `GCJ02`, any case, default `WGS84`): the coordinate reference system of `lon`/`lat`.
/// - `grid_code` (string, required): 单元网格标识码 (`cellId`), exactly 15 characters `0-9A-Z`.
/// - `gb28181_id` (string, default none): the camera's GB/T 28181 id, exactly 20 digits.
/// - `division_code` (string, default none): GB/T 2260 administrative division, exactly 6 digits; put in front
///   of the category code it makes the 11-digit 事项代码.
public struct Location: Sendable, Hashable {
    /// Coordinate reference systems used by city platforms.
    public enum CRS: String, Sendable, Hashable, CaseIterable {
        /// GPS (EPSG:4326).
        case wgs84 = "WGS84"
        /// China Geodetic Coordinate System 2000 (EPSG:4490); within centimetres of WGS 84.
        case cgcs2000 = "CGCS2000"
        /// The offset system of Chinese web maps ("Mars coordinates").
        case gcj02 = "GCJ02"
    }

    /// Address text.
    public var address: String
    static let addressMaxLength = 256
    /// Longitude in degrees.
    public var longitude: Double
    static let longitudeRange = -180.0...180.0
    /// Latitude in degrees.
    public var latitude: Double
    static let latitudeRange = -90.0...90.0
    /// The system of ``longitude`` and ``latitude``.
    public var crs: CRS
    /// Unit grid code, 15 characters `0-9A-Z`.
    public var gridCode: String
    /// GB/T 28181 device id, 20 digits.
    public var gb28181ID: String?
    /// GB/T 2260 administrative division code, 6 digits.
    public var divisionCode: String?

    /// Creates a location.
    public init(address: String, longitude: Double, latitude: Double, crs: CRS = .wgs84, gridCode: String,
                gb28181ID: String? = nil, divisionCode: String? = nil) {
        self.address = address
        self.longitude = longitude
        self.latitude = latitude
        self.crs = crs
        self.gridCode = gridCode
        self.gb28181ID = gb28181ID
        self.divisionCode = divisionCode
    }

    static func addressProblem(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        return text.count > addressMaxLength ? "\(text.count) characters; at most \(addressMaxLength) allowed" : nil
    }

    static func gridCodeProblem(_ code: String) -> String? {
        let ok = code.count == 15 && code.allSatisfy { $0.isASCIIDigit || ("A"..."Z").contains($0) }
        return ok ? nil : "'\(code)' is not a unit grid code: expected exactly 15 characters 0-9 A-Z, got \(code.count)"
    }

    static func gb28181Problem(_ id: String) -> String? {
        id.count == 20 && id.allSatisfy(\.isASCIIDigit) ? nil
            : "'\(id)' is not a GB/T 28181 id: expected exactly 20 digits, got \(id.count) characters"
    }

    static func divisionProblem(_ code: String) -> String? {
        code.count == 6 && code.allSatisfy(\.isASCIIDigit) ? nil
            : "'\(code)' is not a GB/T 2260 division code: expected exactly 6 digits"
    }
}

extension CameraConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `gate-1 "North gate" rtsp://admin:***@10.0.0.7/… (2 rules)`: never shows credentials.
    public var description: String {
        "\(id) \"\(name)\" \(displayURL) (\(rules.count) rule\(rules.count == 1 ? "" : "s"))"
    }

    /// Same as ``description``, so that arrays and interpolations hide credentials too.
    public var debugDescription: String { "CameraConfig(\(description))" }

    /// What `dump` and debuggers show: the URLs as written and redacted, never substituted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "id": id, "name": name, "url": displayURL, "evidenceURL": displayEvidenceURL as Any,
            "analysisFPS": analysisFPS as Any, "analysisWidth": analysisWidth as Any,
            "keyframesOnly": keyframesOnly as Any, "transport": transport as Any,
            "location": location, "rules": rules,
        ], displayStyle: .struct)
    }
}

extension CameraConfig: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, url
        case evidenceURL = "evidence_url"
        case analysisFPS = "analysis_fps"
        case analysisWidth = "analysis_width"
        case keyframesOnly = "keyframes_only"
        case decode
        case transport, location, rules
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        let id = f.string(.id, required: true, check: idProblem)
        let name = f.string(.name) { $0.isEmpty ? "must not be empty" : nil }
        let urlTemplate = f.string(.url, required: true, check: streamURLProblem)
        let url = urlTemplate.flatMap { f.context.expand($0, at: f.path(.url)) }.map { f.context.resolveStream($0) }
        let evidenceTemplate = f.string(.evidenceURL, check: streamURLProblem)
        let evidence = evidenceTemplate.flatMap { f.context.expand($0, at: f.path(.evidenceURL)) }
            .map { f.context.resolveStream($0) }
        let fps = f.number(.analysisFPS, in: Defaults.analysisFPSRange)
        let width = f.integer(.analysisWidth, in: Defaults.analysisWidthRange)
        let keyframes = f.value(.keyframesOnly, as: Bool.self)
        let decode = f.choice(.decode, DecodeMode.allCases.map(\.rawValue)).flatMap(DecodeMode.init(rawValue:))
        let transport = f.transport(.transport)
        let location = f.value(.location, as: Location.self, required: true)
        let rules = f.list(.rules, of: RuleConfig.self, required: true) ?? []
        if f.context.isEmptyList(at: f.path(.rules)) {
            f.fail(.rules, "a camera needs at least one rule")
        }
        // Dedup keys incidents by camera + rule + zone, so two rules of one type on one zone would merge.
        var seen: [String: Int] = [:]
        for (index, rule) in rules {
            let key = "\(rule.type)\u{0}\(rule.zone.id)"
            if let first = seen[key] {
                f.context.fail(f.path(.rules) + [String(index)],
                               "same type '\(rule.type)' and zone '\(rule.zone.id)' as rules[\(first)]; give the zone its own id")
            } else {
                seen[key] = index
            }
        }
        guard let id, let url, let urlTemplate, let location, !f.failed else { throw AlreadyRecorded() }
        self.init(id: id, name: name, url: url, urlTemplate: urlTemplate, evidenceURL: evidence,
                  evidenceURLTemplate: evidence == nil ? nil : evidenceTemplate, analysisFPS: fps, analysisWidth: width,
                  keyframesOnly: keyframes, transport: transport, location: location, rules: rules.map(\.value))
        self.decode = decode
    }
}

/// Schemes FFmpeg is built with here for camera input.
let streamSchemes = ["rtsp", "rtsps", "rtmp", "http", "https", "udp", "rtp", "srt", "file"]

/// Why `template` (as written, before substitution) is not a usable stream URL or file path, or `nil`.
/// Messages show the template redacted, never a substituted value.
func streamURLProblem(_ template: String) -> String? {
    if template.isEmpty { return "must not be empty" }
    guard let range = template.range(of: "://") else { return nil }
    let scheme = template[..<range.lowerBound].lowercased()
    if !streamSchemes.contains(scheme) {
        let hint = closestMatch(to: scheme, in: streamSchemes).map { " (did you mean '\($0)'?)" } ?? ""
        return "unsupported scheme '\(scheme)'\(hint); expected \(streamSchemes.joined(separator: ", ")) or a file path"
    }
    let rest = template[range.upperBound...]
    let authority = rest[..<(rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex)]
    // The last '@' ends the user info, as in `redactingCredentials`: passwords may hold '@'.
    let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
    if scheme != "file", host.isEmpty || host.hasPrefix(":") {
        return "'\(redactingCredentials(in: template))' has no host"
    }
    return nil
}

extension Location: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case address, lon, lat, crs
        case gridCode = "grid_code"
        case gb28181ID = "gb28181_id"
        case divisionCode = "division_code"
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        let address = f.string(.address, required: true, check: Self.addressProblem)
        let lon = f.number(.lon, in: Self.longitudeRange, required: true)
        let lat = f.number(.lat, in: Self.latitudeRange, required: true)
        let crs = f.choice(.crs, CRS.allCases.map(\.rawValue), caseInsensitive: true)
            .flatMap { CRS(rawValue: $0.uppercased()) }
        let grid = f.string(.gridCode, required: true, check: Self.gridCodeProblem)
        let gb = f.string(.gb28181ID, check: Self.gb28181Problem)
        let division = f.string(.divisionCode, check: Self.divisionProblem)
        guard let address, let lon, let lat, let grid, !f.failed else { throw AlreadyRecorded() }
        self.init(address: address, longitude: lon, latitude: lat, crs: crs ?? .wgs84, gridCode: grid, gb28181ID: gb,
                  divisionCode: division)
    }
}
