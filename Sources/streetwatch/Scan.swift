import ArgumentParser
import Foundation
import FrameIngest
import Logging
import Pipeline

/// `streetwatch scan <group.yaml> --camera <id> <file>...`: analyses recordings as if they came from a camera
/// of the group, as fast as the CPU allows, through the same worker as `run`.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse recordings as a camera of a group and store draft cases.",
        discussion: """
            Each file's wall-clock start comes from --start, else the file's creation_time tag, else its \
            modification time; re-scanning a file with the same start adds no second case.
            """)

    @Argument(help: "The camera-group config (YAML).")
    var config: String

    @Option(help: "The id of the camera the recordings come from.")
    var camera: String

    @Argument(help: "Recordings to analyse, in order.")
    var files: [String]

    @Option(help: "Wall-clock time of the first file's start (ISO 8601, e.g. 2026-11-21T03:10:00+08:00).")
    var start: String?

    @Option(help: "Override the config's database path.")
    var db: String?

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one recording to scan") }
        if let start, ISO8601DateFormatter().date(from: start) == nil {
            throw ValidationError("--start '\(start)' is not an ISO 8601 time like 2026-11-21T03:10:00+08:00")
        }
    }

    func run() async throws {
        var group = try loadGroup(config)
        if let db { group.store = StoreConfig(databasePath: db) }
        guard let cameraConfig = group.camera(id: camera) else {
            throw CommandFailure("\(config): no camera '\(camera)' (cameras: \(group.cameras.map(\.id).joined(separator: ", ")))")
        }
        let opened = try openStore(group)
        try await opened.withReady { store in
            try await recordGroup(group, in: opened)
            var logger = Logger(label: "streetwatch.scan")
            logger.logLevel = json ? .warning : .info
            let worker = CameraWorker(group: group, camera: cameraConfig, store: store, logger: logger)
            var results: [ScanResult] = []
            var explicitStart = start.flatMap { ISO8601DateFormatter().date(from: $0) }
            for file in files {
                guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure("\(file): no such file") }
                let info: ProbeReport
                do {
                    info = try probe(url: file, sampleSeconds: 0)
                } catch {
                    throw CommandFailure("cannot read \(file): \(error)")
                }
                let origin = explicitStart ?? recordingStart(file: file, info: info.stream)
                explicitStart = nil
                let started = Date()
                let summary = try await scanRecording(file, worker: worker, origin: origin, progressTotal: info.stream.duration,
                                                      showProgress: !json)
                results.append(ScanResult(file: file, start: isoTime(origin, timeZone: group.timeZone),
                                          seconds: Date().timeIntervalSince(started), summary: summary))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                print(String(decoding: try encoder.encode(results), as: UTF8.self))
            } else {
                for result in results {
                    let s = result.summary
                    print(String(format: "%@: %d frames in %.1f s, %d draft case(s) created, %d case event(s), %d evidence file(s), %d evidence failure(s)",
                                 result.file, s.frames, result.seconds, s.draftsCreated, s.caseEvents, s.evidenceAttached, s.evidenceFailures))
                }
            }
        }
    }

    /// When a recording started: its creation_time tag, else the file's modification time minus its duration.
    private func recordingStart(file: String, info: StreamInfo) -> Date {
        if let tag = info.creationTime {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: tag) ?? ISO8601DateFormatter().date(from: tag) { return date }
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? Date()
        return modified.addingTimeInterval(-(info.duration ?? 0)).rounded()
    }
}

/// One file's result in `scan --json`.
struct ScanResult: Codable {
    var file: String
    var start: String
    var seconds: Double
    var summary: WorkerSummary
}

extension Date {
    /// Whole seconds, so a start derived from file times is the same on every scan.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded()) }
}
