import Foundation
import FrameIngest
import Logging
import Pipeline
import TestSupport
import Testing

/// The camera runtime waits on an injected clock: a reconnect after a 30 s back-off happens when the test moves
/// the clock, not 30 s later.
@Suite("supervisor clock", .serialized, .timeLimit(.minutes(2)))
struct SupervisorClockTests {
    @Test func aReconnectWaitsForTheBackoffOnTheInjectedClock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-clock-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freePort()
        var server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let group = try GroupConfig.parse(yaml: """
            group: {id: clock, name: Clock}
            store: {database: cases.sqlite}
            defaults: {analysis_fps: 5, open_timeout_seconds: 3, stall_timeout_seconds: 2, start_jitter_seconds: 0,
                       reconnect_initial_seconds: 30, reconnect_max_seconds: 60}
            cameras:
              - id: cam
                url: rtsp://127.0.0.1:\(port)/cam
                location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
                rules: [{type: zone-activity, category: "09006"}]
            """, file: folder.appendingPathComponent("g.yaml").path)
        let camera = try #require(group.cameras.first)
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("cases.sqlite").path)
        let metrics = GroupMetrics(group: "clock", cameras: [("cam", 5)])
        let clock = ManualClock()
        let supervisor = CameraSupervisor(worker: CameraWorker(group: group, camera: camera, store: store,
                                                               logger: Logger(label: "test")),
                                          metrics: metrics, clock: clock)
        let running = Task { await supervisor.run() }
        defer { running.cancel() }
        func state() -> SourceStatus.State? { metrics.snapshot(camera: "cam")?.state }

        #expect(try await eventually(20) { state() == .online }, "never online: \(String(describing: state()))")
        server.kill()
        #expect(try await eventually(20) { state() == .offline }, "not offline after the camera went away")
        server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        // The camera is back, but the back-off (30 s ± 20 %) is on the manual clock: no attempt until it moves.
        try await Task.sleep(for: .seconds(3))
        #expect(state() == .offline)
        #expect(clock.sleeping >= 1)
        clock.advance(by: .seconds(37))
        #expect(try await eventually(20) { state() == .online }, "no reconnect after the clock moved")
        #expect(metrics.render().contains("streetwatch_camera_reconnects_total{group=\"clock\",camera=\"cam\"} 1"))
        running.cancel()
        await running.value
    }

    @Test func aStallIsDetectedOnTheInjectedClock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-stall-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer {
            kill(server.process.processIdentifier, SIGCONT)
            server.kill()
        }
        // A minute of silence before a stall (and as the socket timeout): on real time the test would wait it out.
        let group = try GroupConfig.parse(yaml: """
            group: {id: clock, name: Clock}
            store: {database: cases.sqlite}
            defaults: {analysis_fps: 5, open_timeout_seconds: 60, stall_timeout_seconds: 60, start_jitter_seconds: 0,
                       reconnect_initial_seconds: 30, reconnect_max_seconds: 60}
            cameras:
              - id: cam
                url: rtsp://127.0.0.1:\(port)/cam
                location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
                rules: [{type: zone-activity, category: "09006"}]
            """, file: folder.appendingPathComponent("g.yaml").path)
        let camera = try #require(group.cameras.first)
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("cases.sqlite").path)
        let metrics = GroupMetrics(group: "clock", cameras: [("cam", 5)])
        let clock = ManualClock()
        let supervisor = CameraSupervisor(worker: CameraWorker(group: group, camera: camera, store: store,
                                                               logger: Logger(label: "test")),
                                          metrics: metrics, clock: clock)
        let running = Task { await supervisor.run() }
        defer { running.cancel() }
        let stalls = "streetwatch_camera_stalls_total{group=\"clock\",camera=\"cam\"} 1"

        #expect(try await eventually(20) { metrics.snapshot(camera: "cam")?.state == .online }, "never online")
        // The server freezes: its socket stays open and silent.
        kill(server.process.processIdentifier, SIGSTOP)
        try await Task.sleep(for: .seconds(1))
        #expect(!metrics.render().contains(stalls), "a stall before the clock moved")
        clock.advance(by: .seconds(61))
        #expect(try await eventually(5) { metrics.render().contains(stalls) },
                "no stall within 5 s of moving the clock past the 60 s stall timeout: \(metrics.render())")
        running.cancel()
        await running.value
    }
}
