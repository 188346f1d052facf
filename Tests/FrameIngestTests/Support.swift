import Foundation
import Testing

/// Paths of the committed test clips (see Fixtures/README.md for how each was made).
enum Fixture {
    static func path(_ name: String) -> String {
        // The clips are copied into the test bundle by `resources: [.copy("Fixtures")]`.
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            fatalError("fixture \(name) missing from the test bundle") // a packaging error, not a test outcome
        }
        return url.path
    }
}

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A helper server process (RTSP, silent TCP, HTTP) started for one test and stopped by its PID.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: `process` and `output` are set in init and only read afterwards.
    let process = Process()
    private let output = Pipe()
    /// The lines the server printed before it was ready.
    private(set) var readyLines: [String] = []

    /// Starts `executable arguments` and waits until it printed `expectedReadyLines` lines starting with "ready".
    init(_ executable: String, _ arguments: [String], readyLines expected: Int = 1, timeout: Double = 15) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = Data()
        while readyLines.count < expected {
            guard Date() < deadline, process.isRunning else {
                process.terminate()
                throw ServerError("\(executable) \(arguments.joined(separator: " ")) did not get ready")
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            buffer.append(chunk)
            let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
            readyLines = lines.filter { $0.hasPrefix("ready") }
        }
    }

    /// The last word of the first ready line (a URL or a port).
    var readyValue: String { String(readyLines.first?.split(separator: " ").last ?? "") }

    /// Sends SIGKILL (a crash, not a clean stop) and waits for the process to end.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

struct ServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port that was free a moment ago (bind to port 0, read it, close).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Debian's python, which can see python3-gi (the first python3 on PATH may not).
let systemPython = "/usr/bin/python3"

/// Starts the GStreamer RTSP test server on `port` with the given `NAME=SPEC` mounts.
func startRTSPServer(port: Int, mounts: [String], lifetime: Int = 120) throws -> ServerProcess {
    let script = repositoryRoot.appendingPathComponent("scripts/rtsp-server.py").path
    var arguments = [script, "--port", String(port), "--lifetime", String(lifetime)]
    for mount in mounts { arguments += ["--mount", mount] }
    return try ServerProcess(systemPython, arguments, readyLines: mounts.count)
}

/// Runs a command to completion and returns its exit status and standard output + error.
func runCommand(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Seconds `body` took on the continuous clock.
func secondsTaken<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    let elapsed = ContinuousClock.now - start
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
