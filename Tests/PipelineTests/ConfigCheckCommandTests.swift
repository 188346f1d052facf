import Foundation
import Testing

/// The `streetwatch` binary `swift build` put next to the sources.
private let binary = repositoryRoot + "/.build/debug/streetwatch"

/// Runs the binary with `arguments` from the repository root, without `GATE_PASS` in its environment.
private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "GATE_PASS" }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: binary),
                "streetwatch is not built at .build/debug/streetwatch (run `swift build`)"))
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
