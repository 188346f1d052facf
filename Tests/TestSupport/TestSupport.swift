public import Foundation
import Synchronization

// Helpers shared by the test targets: real server processes on 127.0.0.1, running commands, ports.

/// The package root, found from this file's location.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A helper server process (RTSP, silent TCP, HTTP) started for one test and stopped by its PID.
public final class ServerProcess: @unchecked Sendable {
    // @unchecked: `process` and `output` are set in init and only read afterwards.
    public let process = Process()
    private let output = Pipe()
    /// The lines the server printed before it was ready.
    public private(set) var readyLines: [String] = []

    /// Starts `executable arguments` and waits until it printed `expectedReadyLines` lines starting with "ready".
    public init(_ executable: String, _ arguments: [String], readyLines expected: Int = 1, timeout: Double = 15) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = Data()
        while readyLines.count < expected {
            guard Date() < deadline, process.isRunning else {
                stopProcess(process)
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
    public var readyValue: String { String(readyLines.first?.split(separator: " ").last ?? "") }

    /// Sends SIGKILL and waits for the process to end. SIGTERM is not enough: children started from the test
    /// runner inherit a signal mask that blocks it, so `terminate()` would leave them running.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { kill() }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A TCP port that was free a moment ago (bind to port 0, read it, close).
public func freePort() -> Int {
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
public let systemPython = "/usr/bin/python3"

/// Starts the GStreamer RTSP test server on `port` with the given `NAME=SPEC` mounts.
public func startRTSPServer(port: Int, mounts: [String], lifetime: Int = 120) throws -> ServerProcess {
    let script = packageRoot.appendingPathComponent("scripts/rtsp-server.py").path
    var arguments = [script, "--port", String(port), "--lifetime", String(lifetime)]
    for mount in mounts { arguments += ["--mount", mount] }
    return try ServerProcess(systemPython, arguments, readyLines: mounts.count)
}

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    /// Exit status.
    public let status: Int32
    /// Standard output.
    public let stdout: String
    /// Standard error.
    public let stderr: String
    /// Standard output followed by standard error.
    public var output: String { stdout + stderr }
}

/// Runs a command to completion.
/// - Parameters:
///   - environment: replaces the inherited environment when given.
///   - directory: working directory; default the current one.
public func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Standard error is drained on another thread so that neither pipe can fill up and stall the child.
    let errorData = Mutex(Data())
    let drained = DispatchSemaphore(value: 0)
    Thread {
        errorData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }
        drained.signal()
    }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    drained.wait()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
}

/// The `streetwatch` binary SwiftPM built beside the test bundle that is running.
public let streetwatchBinary: String = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("streetwatch").path

/// Starts `scripts/silent-server.py` (accepts TCP connections, never answers) on a free port.
public func startSilentServer(lifetime: Int = 60) throws -> ServerProcess {
    try ServerProcess(systemPython, [packageRoot.appendingPathComponent("scripts/silent-server.py").path,
                                     "--port", "0", "--lifetime", String(lifetime)])
}

/// Seconds `body` took on the continuous clock.
public func secondsTaken<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    let elapsed = ContinuousClock.now - start
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Stops a helper process started with `Process` (SIGKILL, for the reason given at ``ServerProcess/kill()``).
public func stopProcess(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

/// Polls `condition` every 50 ms of real time for up to `seconds`; whether it held (a bound on a wait, not a timing).
public func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}
