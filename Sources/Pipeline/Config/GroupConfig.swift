import Detector
import Foundation
public import FrameIngest
internal import Yams

/// One camera group's configuration: what one `streetwatch run` process watches. Plain values, no runtime state.
///
/// Load it with ``load(file:environment:registry:)``; the YAML keys are documented on each type:
/// `group` (``GroupInfo``), `store` (``StoreConfig``), `server` (``ServerConfig``), `defaults` (``Defaults``) and
/// `cameras` (a non-empty list of ``CameraConfig``). Top-level keys starting with `x-` are ignored: they hold YAML
/// anchors (`x-rules: &rules [...]`, then `rules: *rules` in each camera).
public struct GroupConfig: Sendable, Hashable {
    /// `group`: id and name.
    public var group: GroupInfo
    /// `store`: where cases and evidence go.
    public var store: StoreConfig
    /// `server`: the metrics/health endpoint.
    public var server: ServerConfig
    /// `defaults`: ingest and case settings shared by the cameras.
    public var defaults: Defaults
    /// `cameras`: at least one; ids are unique.
    public var cameras: [CameraConfig]

    /// Creates a config from values (tests); ``load(file:environment:registry:)`` is how files are read.
    public init(group: GroupInfo, store: StoreConfig, server: ServerConfig = ServerConfig(), defaults: Defaults = Defaults(),
                cameras: [CameraConfig]) {
        self.group = group
        self.store = store
        self.server = server
        self.defaults = defaults
        self.cameras = cameras
    }

    /// The camera with `id`.
    public func camera(id: String) -> CameraConfig? {
        cameras.first { $0.id == id }
    }

    /// Number of rules over all cameras.
    public var ruleCount: Int { cameras.reduce(0) { $0 + $1.rules.count } }

    /// How to open `camera`'s analysis stream: its overrides, else ``defaults``.
    ///
    /// Evidence needs full-resolution pictures and a packet pre-roll, so `keepFullFrames` is on and
    /// `clipBufferSeconds` is ``Defaults/clipPreRollSeconds``.
    /// - Parameters:
    ///   - camera: one of ``cameras``.
    ///   - startTime: wall-clock time of stream time 0 for recordings (`nil` for live sources).
    public func ingestOptions(for camera: CameraConfig, startTime: Double? = nil) -> IngestOptions {
        IngestOptions(
            analysisWidth: camera.analysisWidth ?? defaults.analysisWidth,
            analysisFPS: camera.analysisFPS ?? defaults.analysisFPS,
            keyframesOnly: decode(for: camera) == .keyframes,
            adaptive: decode(for: camera) == .adaptive ? AdaptiveDecode() : nil,
            transport: camera.transport ?? defaults.transport,
            openTimeout: defaults.openTimeoutSeconds,
            stallTimeout: defaults.stallTimeoutSeconds,
            clipBufferSeconds: defaults.clipPreRollSeconds,
            keepFullFrames: true,
            startTime: startTime)
    }

    /// How `camera` is decoded: its `decode`, else its `keyframes_only`, else the defaults' the same way.
    public func decode(for camera: CameraConfig) -> DecodeMode {
        camera.decode ?? camera.keyframesOnly.map { $0 ? .keyframes : .full } ?? defaults.decode
            ?? (defaults.keyframesOnly ? .keyframes : .full)
    }

    /// How live cameras behave beyond opening: overflow policy, reconnect back-off and warm-up, from ``defaults``.
    public var liveSource: LiveSourceSettings {
        LiveSourceSettings(
            policy: defaults.overflow == .block ? .block : .dropOldest,
            backoff: Backoff(initial: defaults.reconnectInitialSeconds,
                             maximum: defaults.reconnectMaxSeconds),
            warmUpFrames: defaults.warmUpFrames,
            startup: StartupPolicy(jitter: defaults.startJitterSeconds, firstOpenTimeout: defaults.firstOpenTimeoutSeconds),
            openConcurrency: defaults.openConcurrency)
    }
}

/// `group`: which camera group this is.
///
/// Config keys:
/// - `id` (string, required): `[a-z0-9-]`, 1–64 characters; names the process, metrics and case numbers.
/// - `name` (string, default the id): shown to people, e.g. "Old-town sidewalks".
public struct GroupInfo: Sendable, Hashable {
    /// Stable id, `[a-z0-9-]`.
    public var id: String
    /// Display name.
    public var name: String

    /// Creates group info; `name` defaults to `id`.
    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name ?? id
    }
}

/// `store`: the case database and where evidence files go.
///
/// Config keys (`${VAR}` is replaced from the environment, e.g. systemd's `${STATE_DIRECTORY}`; relative paths
/// are taken from the config file's folder):
/// - `database` (path or URL, required): the SQLite file, or a `postgres://user@host:port/database` URL
///   (`postgres://user@/database?host=/socket/folder` for a unix socket; never with a password in it) shared by
///   many groups.
/// - `password_env` (string, default `PGPASSWORD`): the environment variable holding the PostgreSQL password.
/// - `evidence` (path; PostgreSQL only, and required there): the folder that holds `evidence/`, on a filesystem
///   every host of the store mounts. An SQLite store keeps `evidence/` beside its file.
public struct StoreConfig: Sendable, Hashable {
    /// Absolute (or as given, for configs parsed from a string without a folder) database path, or the
    /// `postgres://` URL.
    public var databasePath: String
    /// The environment variable with the PostgreSQL password.
    public var passwordVariable: String
    /// The folder holding `evidence/`; `nil` for the database's folder.
    public var evidenceDirectory: String?

    /// Creates a store config.
    public init(databasePath: String, passwordVariable: String = "PGPASSWORD", evidenceDirectory: String? = nil) {
        self.databasePath = databasePath
        self.passwordVariable = passwordVariable
        self.evidenceDirectory = evidenceDirectory
    }

    /// Whether ``databasePath`` is a PostgreSQL URL.
    public var isPostgres: Bool { PostgresSettings.isURL(databasePath) }

    /// The folder that holds `evidence/`: the configured one, else the database's folder.
    public var evidenceBase: String {
        if let evidenceDirectory { return evidenceDirectory }
        let folder = (databasePath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The evidence folder: `/var/lib/sw/cases.sqlite` → `/var/lib/sw/evidence`.
    public var evidencePath: String { evidenceBase + "/evidence" }

    /// What to print for the database: the path, or the URL (which never holds a password).
    public var displayName: String { databasePath }
}

/// `server`: the HTTP endpoint for `/metrics` and health.
///
/// Config keys:
/// - `listen` (string, default `127.0.0.1:9464`): `host:port`; keep it on loopback unless a proxy fronts it.
/// - `secure_cookies` (bool, default `false`): mark the review UI's cookies `Secure` even on a loopback address,
///   for HTTPS terminated by a proxy in front (off loopback they are always `Secure`).
public struct ServerConfig: Sendable, Hashable {
    /// Host part of ``listen``.
    public var host: String
    /// Port part of ``listen``, 1–65535.
    public var port: Int
    /// Cookies get `Secure` even on loopback (a TLS proxy in front).
    public var secureCookies: Bool

    /// Creates a server config.
    public init(host: String = "127.0.0.1", port: Int = 9464, secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
    }

    /// `host:port`.
    public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Splits `host:port` (`[::1]:9464` for IPv6); `nil` when malformed.
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" "), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        return (host, port)
    }
}

/// `defaults`: settings every camera uses unless it overrides them.
///
/// Config keys:
/// - `analysis_fps` (number, default 5, range [0.1 - 60]): analysis frames per second.
/// - `analysis_width` (integer, default 320, range [64 - 1920]): width of the gray analysis plane.
/// - `keyframes_only` (bool, default false): decode keyframes only (cheap, ~1 fps on most cameras); the same as
///   `decode: keyframes`.
/// - `decode` (`full` | `keyframes` | `adaptive`, default `full`, or `keyframes` with `keyframes_only: true`):
///   `adaptive` decodes keyframes only while the picture stays still (less than 0.2 % of the analysis plane moved by
///   more than 24 gray levels between analysis frames), every frame from the first change or while the camera has
///   an open case, and keyframes only again after 10 quiet seconds; switches are counted in `/metrics`.
/// - `transport` (`tcp` | `udp`, default `tcp`): RTSP transport; TCP unless a camera cannot do it (DOMAIN.md).
/// - `open_timeout_seconds` (number, default 10, range [1 - 300]): connecting and probing.
/// - `stall_timeout_seconds` (number, default 5, range [1 - 300]): no packet for this long → reconnect.
/// - `clip_pre_roll_seconds` (number, default 5, range [0 - 60]): evidence clip before the finding.
/// - `clip_post_roll_seconds` (number, default 5, range [0 - 120]): evidence clip after the finding.
/// - `dedup_cooldown_seconds` (number, default 60, range [0 - 86400]): an incident that ended re-opens as the
///   same case within this time (a light flicker or a short occlusion is not a new case).
/// - `utc_offset` (string, default `+00:00`): local time minus UTC for rule schedules that give none;
///   `+08:00` in China.
/// - `overflow` (`drop_oldest` | `block`, default `drop_oldest`): what a live camera does when analysis falls
///   behind: drop the oldest waiting frame (counted), or make the reader wait.
/// - `reconnect_initial_seconds` (number, default 1, range [0.1 - 300]): wait before the first reconnect.
/// - `reconnect_max_seconds` (number, default 60, range [1 - 3600]): the wait doubles up to this (±20 % jitter).
/// - `warm_up_frames` (integer, default 0, range [0 - 250]): analysis frames discarded after each reconnect
///   while the decoder settles.
/// - `open_concurrency` (integer, default 8, range [1 - 256]): most cameras of the group opening (connecting and
///   probing) at once; the others wait their turn, and the wait does not count against the open timeouts.
/// - `start_jitter_seconds` (number, default 1, range [0 - 60]): each camera's first open waits a random delay up
///   to this long, so a group's cameras do not all ask at the same instant.
/// - `first_open_timeout_seconds` (number, default 20, range [1 - 300]): timeout of each open until a camera has
///   connected once (then `open_timeout_seconds`); at a group's start cameras and media servers answer slowest.
public struct Defaults: Sendable, Hashable {
    /// Analysis frames per second.
    public var analysisFPS: Double = 5
    static let analysisFPSRange = 0.1...60.0
    /// Analysis plane width in pixels.
    public var analysisWidth: Int = 320
    static let analysisWidthRange = 64...1920
    /// Decode keyframes only.
    public var keyframesOnly = false
    /// How to decode; `nil` follows ``keyframesOnly``.
    public var decode: DecodeMode?
    /// RTSP transport.
    public var transport: IngestOptions.Transport = .tcp
    /// Seconds for connecting and probing.
    public var openTimeoutSeconds: Double = 10
    static let timeoutRange = 1.0...300.0
    /// Seconds without a packet before a live source counts as stalled.
    public var stallTimeoutSeconds: Double = 5
    /// Seconds of video before a finding in its evidence clip.
    public var clipPreRollSeconds: Double = 5
    static let preRollRange = 0.0...60.0
    /// Seconds of video after a finding in its evidence clip.
    public var clipPostRollSeconds: Double = 5
    static let postRollRange = 0.0...120.0
    /// Seconds during which an ended incident re-opens instead of making a new case.
    public var dedupCooldownSeconds: Double = 60
    static let cooldownRange = 0.0...86400.0
    /// `±HH:MM` for schedules without their own `utc_offset`.
    public var utcOffset = "+00:00"
    /// What a live camera does when analysis falls behind.
    public var overflow = Overflow.dropOldest
    /// Seconds before the first reconnect.
    public var reconnectInitialSeconds: Double = 1
    static let reconnectInitialRange = 0.1...300.0
    /// Most seconds between reconnects.
    public var reconnectMaxSeconds: Double = 60
    static let reconnectMaxRange = 1.0...3600.0
    /// Analysis frames discarded after each reconnect.
    public var warmUpFrames = 0
    static let warmUpRange = 0...250
    /// Most cameras opening at once.
    public var openConcurrency = 8
    static let openConcurrencyRange = 1...256
    /// Longest random delay before a camera's first open, seconds.
    public var startJitterSeconds: Double = 1
    static let startJitterRange = 0.0...60.0
    /// Timeout of each open until a camera has connected once, seconds.
    public var firstOpenTimeoutSeconds: Double = 20

    /// The `overflow` choices.
    public enum Overflow: String, Sendable, Hashable, CaseIterable {
        /// Drop the oldest waiting frame (GstQueue `leaky=downstream`); the drops are counted.
        case dropOldest = "drop_oldest"
        /// The reader waits for the analysis; nothing is lost, the picture falls behind.
        case block
    }

    /// The documented defaults.
    public init() {}
}

extension GroupConfig: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case group, store, server, defaults, cameras
    }

    init(config decoder: any Decoder) throws {
        // `x-…` keys hold YAML anchors shared by several cameras (docker-compose's extension fields).
        let f = try FieldReader(decoder, CodingKeys.self, extraKey: { $0.hasPrefix("x-") })
        // Defaults first: rules read `utc_offset` from them.
        defaults = f.value(.defaults, as: Defaults.self) ?? Defaults()
        f.context.utcOffset = defaults.utcOffset
        let group = f.value(.group, as: GroupInfo.self, required: true)
        let store = f.value(.store, as: StoreConfig.self, required: true)
        server = f.value(.server, as: ServerConfig.self) ?? ServerConfig()
        let cameras = f.list(.cameras, of: CameraConfig.self, required: true) ?? []
        if f.context.isEmptyList(at: f.path(.cameras)) {
            f.fail(.cameras, "a group needs at least one camera")
        }
        // From the document rather than `cameras`, so that a camera with other problems still counts.
        var seen: [String: Int] = [:]
        for (index, id) in f.context.scalars(at: f.path(.cameras), key: "id") {
            if let first = seen[id] {
                f.context.fail(f.path(.cameras) + [String(index), "id"], "duplicate camera id '\(id)' (also cameras[\(first)])")
            } else {
                seen[id] = index
            }
        }
        guard let group, let store, !f.failed else { throw AlreadyRecorded() }
        self.group = group
        self.store = store
        self.cameras = cameras.map(\.value)
    }
}

extension GroupInfo: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        let id = f.string(.id, required: true, check: idProblem)
        let name = f.string(.name) { $0.isEmpty ? "must not be empty" : nil }
        guard let id else { throw AlreadyRecorded() }
        self.init(id: id, name: name)
    }
}

/// Why `id` is not `[a-z0-9-]{1,64}`, or `nil`.
func idProblem(_ id: String) -> String? {
    if id.isEmpty || id.count > 64 || !id.allSatisfy({ ("a"..."z").contains($0) || $0.isASCIIDigit || $0 == "-" }) {
        return "'\(id)' is not an id of 1-64 characters a-z, 0-9 and '-'"
    }
    return nil
}

extension StoreConfig: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case database
        case passwordEnv = "password_env"
        case evidence
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        let passwordVariable = f.string(.passwordEnv) {
            $0.isEmpty || !$0.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
                ? "'\($0)' is not an environment variable name" : nil
        } ?? "PGPASSWORD"
        var database = f.string(.database, required: true) { $0.isEmpty ? "must not be empty" : nil }
            .flatMap { f.context.expand($0, at: f.path(.database)) }
            .map { PostgresSettings.isURL($0) ? $0 : f.context.resolvePath($0) }
        if let url = database, PostgresSettings.isURL(url) {
            do { _ = try PostgresSettings(url: url, passwordVariable: passwordVariable, environment: [:]) } catch {
                f.fail(.database, error.description)
                database = nil
            }
        }
        let evidence = f.string(.evidence) { $0.isEmpty ? "must not be empty" : nil }
            .flatMap { f.context.expand($0, at: f.path(.evidence)) }
            .map { f.context.resolvePath($0) }
        guard let database else { throw AlreadyRecorded() }
        if !PostgresSettings.isURL(database) && evidence != nil {
            f.fail(.evidence, "only with a PostgreSQL database: an SQLite store keeps evidence/ beside its file")
            throw AlreadyRecorded()
        }
        if PostgresSettings.isURL(database) && evidence == nil {
            f.fail(.database, "a PostgreSQL database needs store.evidence: the folder (shared by every host) that holds evidence/")
            throw AlreadyRecorded()
        }
        self.init(databasePath: database, passwordVariable: passwordVariable, evidenceDirectory: evidence)
    }
}

extension ServerConfig: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen
        case secureCookies = "secure_cookies"
    }

    init(config decoder: any Decoder) throws {
        let f = try FieldReader(decoder, CodingKeys.self)
        self.init()
        let listen = f.string(.listen) {
            Self.parse($0) == nil ? "'\($0)' is not host:port (port 1-65535), e.g. 127.0.0.1:9464" : nil
        }
        if let listen, let (host, port) = Self.parse(listen) {
            self.host = host
            self.port = port
        }
        secureCookies = f.value(.secureCookies, as: Bool.self) ?? secureCookies
    }
}

extension Defaults: ConfigDecodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case analysisFPS = "analysis_fps"
        case analysisWidth = "analysis_width"
        case keyframesOnly = "keyframes_only"
        case decode
        case transport
        case openTimeoutSeconds = "open_timeout_seconds"
        case stallTimeoutSeconds = "stall_timeout_seconds"
        case clipPreRollSeconds = "clip_pre_roll_seconds"
        case clipPostRollSeconds = "clip_post_roll_seconds"
        case dedupCooldownSeconds = "dedup_cooldown_seconds"
        case utcOffset = "utc_offset"
        case overflow
        case reconnectInitialSeconds = "reconnect_initial_seconds"
        case reconnectMaxSeconds = "reconnect_max_seconds"
        case warmUpFrames = "warm_up_frames"
        case openConcurrency = "open_concurrency"
        case startJitterSeconds = "start_jitter_seconds"
        case firstOpenTimeoutSeconds = "first_open_timeout_seconds"
    }

    init(config decoder: any Decoder) throws {
        self.init()
        let f = try FieldReader(decoder, CodingKeys.self)
        analysisFPS = f.number(.analysisFPS, in: Self.analysisFPSRange) ?? analysisFPS
        analysisWidth = f.integer(.analysisWidth, in: Self.analysisWidthRange) ?? analysisWidth
        keyframesOnly = f.value(.keyframesOnly, as: Bool.self) ?? keyframesOnly
        decode = f.choice(.decode, DecodeMode.allCases.map(\.rawValue)).flatMap(DecodeMode.init(rawValue:))
        transport = f.transport(.transport) ?? transport
        openTimeoutSeconds = f.number(.openTimeoutSeconds, in: Self.timeoutRange) ?? openTimeoutSeconds
        stallTimeoutSeconds = f.number(.stallTimeoutSeconds, in: Self.timeoutRange) ?? stallTimeoutSeconds
        clipPreRollSeconds = f.number(.clipPreRollSeconds, in: Self.preRollRange) ?? clipPreRollSeconds
        clipPostRollSeconds = f.number(.clipPostRollSeconds, in: Self.postRollRange) ?? clipPostRollSeconds
        dedupCooldownSeconds = f.number(.dedupCooldownSeconds, in: Self.cooldownRange) ?? dedupCooldownSeconds
        utcOffset = f.string(.utcOffset, check: utcOffsetProblem) ?? utcOffset
        overflow = f.choice(.overflow, Overflow.allCases.map(\.rawValue)).flatMap(Overflow.init(rawValue:)) ?? overflow
        reconnectInitialSeconds = f.number(.reconnectInitialSeconds, in: Self.reconnectInitialRange) ?? reconnectInitialSeconds
        reconnectMaxSeconds = f.number(.reconnectMaxSeconds, in: Self.reconnectMaxRange) ?? reconnectMaxSeconds
        warmUpFrames = f.integer(.warmUpFrames, in: Self.warmUpRange) ?? warmUpFrames
        openConcurrency = f.integer(.openConcurrency, in: Self.openConcurrencyRange) ?? openConcurrency
        startJitterSeconds = f.number(.startJitterSeconds, in: Self.startJitterRange) ?? startJitterSeconds
        firstOpenTimeoutSeconds = f.number(.firstOpenTimeoutSeconds, in: Self.timeoutRange) ?? firstOpenTimeoutSeconds
        if reconnectMaxSeconds < reconnectInitialSeconds {
            f.fail(.reconnectMaxSeconds, "value \(reconnectMaxSeconds) is below reconnect_initial_seconds (\(reconnectInitialSeconds))")
        }
    }
}

/// How much of a camera's stream is decoded (`decode`).
public enum DecodeMode: String, Sendable, Hashable, CaseIterable {
    /// Every frame (then sampled at the analysis rate).
    case full
    /// Keyframes only.
    case keyframes
    /// Keyframes only while the picture is still, every frame while it changes or a case is open.
    case adaptive
}

extension FieldReader {
    /// `tcp` or `udp`.
    func transport(_ key: Key) -> IngestOptions.Transport? {
        choice(key, IngestOptions.Transport.allCases.map(\.rawValue)).flatMap(IngestOptions.Transport.init(rawValue:))
    }
}

/// Why `text` is not a `±HH:MM` offset within ±14 h (the Detector's `Schedule` rule), or `nil`.
func utcOffsetProblem(_ text: String) -> String? {
    let chars = Array(text)
    let ok = chars.count == 6 && (chars[0] == "+" || chars[0] == "-") && chars[3] == ":"
        && [1, 2, 4, 5].allSatisfy { chars[$0].isASCIIDigit }
    if ok, let h = Int(String(chars[1...2])), let m = Int(String(chars[4...5])), m < 60, h * 60 + m <= 14 * 60 {
        return nil
    }
    return "'\(text)' is not an offset like +08:00 (range -14:00 to +14:00)"
}

extension GroupConfig: CustomStringConvertible {
    /// A summary, one line per camera; camera URLs appear as written and redacted (see ``CameraConfig``).
    public var description: String {
        (["group \(group.id) \"\(group.name)\": \(cameras.count) cameras, \(ruleCount) rules, store \(store.displayName)"]
            + cameras.map { "  \($0)" }).joined(separator: "\n")
    }
}
