import ArgumentParser
import Foundation
import Pipeline

/// `streetwatch check <group.yaml>`: loads a camera-group config and reports every problem, starting nothing.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a camera-group config: keys, values, environment variables and rule options.",
        discussion: """
            Prints "ok: group <id>, <n> cameras, <m> rules" and exits 0, or prints every problem as \
            file:line:col: key.path: message and exits 1. Camera URLs are never printed with their credentials.
            """)

    @Argument(help: "The camera-group config (YAML).")
    var config: String

    func run() throws {
        do {
            let group = try GroupConfig.load(file: config)
            let cameras = group.cameras.count
            print("ok: group \(group.group.id), \(cameras) camera\(cameras == 1 ? "" : "s"), "
                + "\(group.ruleCount) rule\(group.ruleCount == 1 ? "" : "s")")
        } catch {
            let count = error.issues.count
            let report = error.description + "\n\(config): \(count) problem\(count == 1 ? "" : "s")\n"
            FileHandle.standardError.write(Data(report.utf8))
            throw ExitCode.failure
        }
    }
}
