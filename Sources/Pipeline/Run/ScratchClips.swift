internal import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clips being written before they are copied into evidence: `streetwatch-clip-<pid>-<uuid>.mp4` in the system
/// temporary folder. The writer's process id is in the name so that a later start can tell a dead writer's file
/// (killed during the clip's post-roll) from a live one's.
public enum ScratchClips {
    /// A fresh path for a clip this process writes.
    static func newPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("streetwatch-clip-\(getpid())-\(UUID().uuidString).mp4").path
    }

    /// Deletes scratch clips whose writing process is gone.
    /// - Returns: how many files were removed.
    @discardableResult
    public static func removeLeftovers() -> Int {
        let folder = FileManager.default.temporaryDirectory.path
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix("streetwatch-clip-") {
            let rest = name.dropFirst("streetwatch-clip-".count)
            let digits = rest.prefix { $0.isASCIIDigit }
            guard rest.dropFirst(digits.count).first == "-", let pid = Int32(digits), processIsGone(pid) else { continue }
            if (try? FileManager.default.removeItem(atPath: folder + "/" + name)) != nil { removed += 1 }
        }
        return removed
    }
}

/// Whether no process has id `pid` (`kill(pid, 0)` fails with `ESRCH`). A live process of another user gives
/// `EPERM`, which counts as alive.
func processIsGone(_ pid: Int32) -> Bool {
    pid > 0 && kill(pid, 0) != 0 && errno == ESRCH
}
