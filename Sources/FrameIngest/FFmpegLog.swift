internal import CFFmpeg
import Synchronization

/// How much FFmpeg itself prints to stderr.
///
/// Joining a live H.264 stream mid-GOP floods the log ("co located POCs unavailable"), and a corrupt
/// stream prints a line per damaged macroblock row; ingest reports those through counters and
/// discontinuities instead, so the default shows only fatal messages.
public enum FFmpegLog {
    /// A log level; the raw values are FFmpeg's `AV_LOG_*`.
    public enum Level: Int32, Sendable, CaseIterable {
        case quiet = -8, panic = 0, fatal = 8, error = 16, warning = 24, info = 32, verbose = 40, debug = 48
    }

    private static let chosen = Atomic<Bool>(false)

    /// Sets FFmpeg's global log level (`av_log_set_level`); overrides the default for the whole process.
    public static func setLevel(_ level: Level) {
        chosen.store(true, ordering: .relaxed)
        av_log_set_level(level.rawValue)
    }

    /// Applies the default level unless a level was chosen explicitly.
    static func installDefault() {
        if !chosen.load(ordering: .relaxed) { av_log_set_level(Level.fatal.rawValue) }
    }
}
