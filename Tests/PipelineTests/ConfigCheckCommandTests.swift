import Foundation
import TestSupport
import Testing

private let binary = streetwatchBinary

/// Runs the binary with `arguments` from the repository root, without `GATE_PASS` in its environment.
private func run(_ arguments: [String]) throws -> CommandResult {
    try runCommand(binary, arguments, environment: ProcessInfo.processInfo.environment.filter { $0.key != "GATE_PASS" },
                   directory: packageRoot)
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: binary),
                "streetwatch is not built beside the tests (run `swift build`)"))
struct ConfigCheckCommandTests {
    @Test func sampleConfigIsOK() throws {
        let result = try run(["check", "samples/groups/demo.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok: group demo, 1 camera, 1 rule\n")
        #expect(result.stderr == "")
    }

    @Test func everyMistakeIsPrintedAndTheExitStatusIsOne() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = try folder.write("group.yaml", fiveMistakesYAML)
        let result = try run(["check", file])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == fiveMistakesReport(file: file) + "\n\(file): 5 problems\n")
    }
}
