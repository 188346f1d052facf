import Foundation
import Synchronization

/// Scan progress on standard error: a bar redrawn in place on a terminal, a plain line every 10 % otherwise.
final class ProgressBar: Sendable {
    private let label: String
    private let total: Double?
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let lastShown = Mutex(-1)

    /// - Parameters:
    ///   - label: what is being scanned.
    ///   - total: stream seconds in all, when known.
    ///   - enabled: `false` prints nothing (JSON output).
    init(label: String, total: Double?, enabled: Bool) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Shows that stream time `seconds` was reached.
    func update(_ seconds: Double) {
        guard enabled else { return }
        let percent = total.map { $0 > 0 ? min(100, Int(seconds / $0 * 100)) : 100 } ?? -1
        let step = isTerminal ? percent : percent / 10 * 10
        let changed = lastShown.withLock { shown in
            defer { shown = max(shown, step) }
            return step > shown
        }
        guard changed || percent < 0 else { return }
        if isTerminal {
            let filled = max(0, percent) * 30 / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            FileHandle.standardError.write(Data(String(format: "\r%@ [%@] %3d%% %.0f s", label, bar, max(0, percent), seconds).utf8))
        } else if percent >= 0 {
            FileHandle.standardError.write(Data("\(label): \(percent)% (\(Int(seconds)) s)\n".utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
