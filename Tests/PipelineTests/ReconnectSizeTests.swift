import Detector
import Foundation
import FrameIngest
import Logging
import Pipeline
import Synchronization
import TestSupport
import Testing

/// A camera that comes back from a reconnect at another size and aspect keeps being analysed: the detector
/// rebuilds its scene model and rules for the new format instead of trapping.
@Suite("reconnect at another size", .serialized, .timeLimit(.minutes(2)))
struct ReconnectSizeTests {
    @Test func aCameraBackAtAnotherAspectKeepsRunning() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-resize-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freePort()
        var server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let yaml = """
            group: {id: resize, name: Resize}
            store: {database: cases.sqlite}
            defaults: {analysis_fps: 5, analysis_width: 160, open_timeout_seconds: 3, stall_timeout_seconds: 2}
            cameras:
              - id: cam
                url: rtsp://127.0.0.1:\(port)/cam
                location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
                rules:
                  - {type: abandoned-object, category: "06010"}
                  - {type: stationary-occupancy, category: "09006"}
                  - {type: zone-activity, category: "09006", zone: {id: half, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]}}
            """
        let group = try GroupConfig.parse(yaml: yaml, file: folder.appendingPathComponent("g.yaml").path)
        let camera = try #require(group.cameras.first)
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("cases.sqlite").path)
        let worker = CameraWorker(group: group, camera: camera, store: store, logger: Logger(label: "test"))
        let source = ReconnectingSource(url: camera.url, options: group.ingestOptions(for: camera), policy: .dropOldest,
                                        backoff: Backoff(initial: 0.2, maximum: 0.5))
        let formats = Mutex<[FrameFormat]>([])
        let events = source.events().map { event in
            if let frame = event.frame { formats.withLock { $0.append(frame.format) } }
            return event
        }
        let analysis = Task { try await worker.analyse(events) }

        func waitFor(_ format: FrameFormat, count: Int, seconds: Double) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if formats.withLock({ $0.filter { $0 == format }.count }) >= count { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        let wide = FrameFormat(width: 160, height: 90), tall = FrameFormat(width: 160, height: 120)
        #expect(try await waitFor(wide, count: 10, seconds: 30), "no 16:9 frames: \(formats.withLock { $0.count })")
        // The camera restarts at 4:3.
        server.kill()
        server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x240@25"])
        #expect(try await waitFor(tall, count: 10, seconds: 40), "no 4:3 frames after the reconnect")
        analysis.cancel()
        let summary = try await analysis.value
        #expect(summary.discontinuities >= 1)
        #expect(summary.frames >= 20)
        #expect(source.status.reconnects >= 1)
    }
}
