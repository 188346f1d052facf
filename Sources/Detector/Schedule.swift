/// Times of day a rule is active, in the camera's local time (e.g. night dumping: `20:00-06:00`).
///
/// Config keys:
/// - `windows` ([string], default none = always active): `HH:MM-HH:MM` local times, start inclusive, end
///   exclusive; a window whose end is before its start crosses midnight (`20:00-06:00`); `24:00` is allowed as
///   an end.
/// - `utc_offset` (string, default `+00:00`): local time minus UTC, `±HH:MM` (China Standard Time is `+08:00`).
///
/// A frame without a capture time (``VideoFrame/capturedAt`` is `nil`, e.g. a file scanned without a start time)
/// is inside every schedule: the rule then behaves as if always on, rather than silently never.
/// Plain integer minute arithmetic with a fixed offset: city cameras here run on a zone without daylight saving,
/// and a fixed offset keeps the module free of time-zone databases.
public struct Schedule: Sendable, Hashable {
    /// `HH:MM-HH:MM` windows; empty means always.
    public var windows: [String]
    /// `±HH:MM` offset of local time from UTC.
    public var utcOffset: String

    /// A schedule; the defaults mean "always".
    public init(windows: [String] = [], utcOffset: String = "+00:00") {
        self.windows = windows
        self.utcOffset = utcOffset
    }

    /// Always active.
    public static let always = Schedule()

    /// Whether a frame captured at `capturedAt` (seconds since 1970 UTC) falls inside a window.
    /// - Parameter capturedAt: capture time, or `nil` (then the answer is always `true`).
    public func contains(capturedAt: Double?) -> Bool {
        guard let t = capturedAt, !windows.isEmpty else { return true }
        // Validation guarantees these parse; a bad schedule is rejected before a rule is built.
        guard let offset = Self.parseOffset(utcOffset) else { return true }
        let minutes = Int((t / 60).rounded(.down)) + offset
        let minuteOfDay = ((minutes % 1440) + 1440) % 1440
        for window in windows {
            guard let (start, end) = Self.parseWindow(window) else { continue }
            if start < end ? (start <= minuteOfDay && minuteOfDay < end) : (minuteOfDay >= start || minuteOfDay < end) {
                return true
            }
        }
        return false
    }

    func validate(_ report: inout ValidationReport) {
        report.nested("windows") { r in
            for (i, w) in windows.enumerated() where Self.parseWindow(w) == nil {
                r.fail(String(i), "'\(w)' is not a window like 20:00-06:00 (start and end must differ)")
            }
        }
        if Self.parseOffset(utcOffset) == nil {
            report.fail("utc_offset", "'\(utcOffset)' is not an offset like +08:00 (range -14:00 to +14:00)")
        }
    }

    /// `HH:MM-HH:MM` → minutes of day; `nil` when malformed or empty.
    static func parseWindow(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = parseClock(parts[0], allow24: false),
              let end = parseClock(parts[1], allow24: true), start != end % 1440 || (start == 0 && end == 1440)
        else { return nil }
        return (start, end)
    }

    static func parseClock(_ text: Substring, allow24: Bool) -> Int? {
        let parts = text.trimmingSpaces.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...59).contains(m) else { return nil }
        if h == 24, m == 0, allow24 { return 1440 }
        return (0...23).contains(h) ? h * 60 + m : nil
    }

    /// `±HH:MM` → minutes; `nil` when malformed or beyond ±14 h.
    static func parseOffset(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        guard let clock = parseClock(text.dropFirst()[...], allow24: false), clock <= 14 * 60 else { return nil }
        return sign == "-" ? -clock : clock
    }
}

extension Schedule: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case windows
        case utcOffset = "utc_offset"
    }

    /// Decodes strictly, starting from "always".
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        windows = try c.decodeIfPresent([String].self, forKey: .windows) ?? windows
        utcOffset = try c.decodeIfPresent(String.self, forKey: .utcOffset) ?? utcOffset
        try decoder.rejectUnknownKeys(CodingKeys.self)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
