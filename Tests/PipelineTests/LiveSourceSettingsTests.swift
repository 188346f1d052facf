import Foundation
import FrameIngest
import Pipeline
import Testing

/// Overflow policy, reconnect back-off and warm-up are group settings with documented defaults.
@Suite("live source settings")
struct LiveSourceSettingsTests {
    func yaml(_ defaults: String) -> String {
        """
        group: {id: g, name: G}
        store: {database: cases.sqlite}
        defaults: {\(defaults)}
        cameras:
          - id: c
            url: rtsp://10.0.0.7/live
            location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
            rules: [{type: zone-activity, category: "09006"}]
        """
    }

    @Test func defaultsAndSetValues() throws {
        #expect(try GroupConfig.parse(yaml: yaml("analysis_fps: 5"), file: "g.yaml").liveSource == LiveSourceSettings())
        let set = try GroupConfig.parse(yaml: yaml("""
            overflow: block, reconnect_initial_seconds: 2, reconnect_max_seconds: 10, warm_up_frames: 5
            """), file: "g.yaml")
        #expect(set.liveSource == LiveSourceSettings(policy: .block, backoff: Backoff(initial: 2, maximum: 10), warmUpFrames: 5))
    }

    @Test func startUpSettings() throws {
        let defaults = try GroupConfig.parse(yaml: yaml("analysis_fps: 5"), file: "g.yaml").liveSource
        #expect(defaults.openConcurrency == 8)
        #expect(defaults.startup == StartupPolicy(jitter: 1, firstOpenTimeout: 20))
        let set = try GroupConfig.parse(yaml: yaml("""
            open_concurrency: 4, start_jitter_seconds: 5, first_open_timeout_seconds: 45
            """), file: "g.yaml").liveSource
        #expect(set.openConcurrency == 4)
        #expect(set.startup == StartupPolicy(jitter: 5, firstOpenTimeout: 45))
        let error = #expect(throws: ConfigError.self) {
            try GroupConfig.parse(yaml: yaml("""
                open_concurrency: 0, start_jitter_seconds: 61, first_open_timeout_seconds: 0.5
                """), file: "g.yaml")
        }
        #expect(error?.description == """
            g.yaml:3:30: defaults.open_concurrency: value 0 out of range [1 - 256]
            g.yaml:3:55: defaults.start_jitter_seconds: value 61 out of range [0 - 60]
            g.yaml:3:87: defaults.first_open_timeout_seconds: value 0.5 out of range [1 - 300]
            """)
    }

    @Test func badValuesAreReportedWithTheirPlace() throws {
        let error = #expect(throws: ConfigError.self) {
            try GroupConfig.parse(yaml: yaml("""
                overflow: leaky, reconnect_initial_seconds: 0, warm_up_frames: 300
                """), file: "g.yaml")
        }
        #expect(error?.description == """
            g.yaml:3:22: defaults.overflow: 'leaky' is not one of drop_oldest, block
            g.yaml:3:56: defaults.reconnect_initial_seconds: value 0 out of range [0.1 - 300]
            g.yaml:3:75: defaults.warm_up_frames: value 300 out of range [0 - 250]
            """)
        let inverted = #expect(throws: ConfigError.self) {
            try GroupConfig.parse(yaml: yaml("reconnect_initial_seconds: 30, reconnect_max_seconds: 10"), file: "g.yaml")
        }
        #expect(inverted?.description.contains("defaults.reconnect_max_seconds: value 10.0 is below reconnect_initial_seconds (30.0)") == true,
                "\(inverted?.description ?? "")")
    }

    @Test func decodeModeComesFromDecodeOrKeyframesOnly() throws {
        func options(_ defaults: String) throws -> (DecodeMode, IngestOptions) {
            let group = try GroupConfig.parse(yaml: yaml(defaults), file: "g.yaml")
            let camera = try #require(group.cameras.first)
            return (group.decode(for: camera), group.ingestOptions(for: camera))
        }
        let full = try options("analysis_fps: 5")
        #expect(full.0 == .full && !full.1.keyframesOnly && full.1.adaptive == nil)
        let keyframes = try options("keyframes_only: true")
        #expect(keyframes.0 == .keyframes && keyframes.1.keyframesOnly && keyframes.1.adaptive == nil)
        let adaptive = try options("decode: adaptive")
        #expect(adaptive.0 == .adaptive && !adaptive.1.keyframesOnly && adaptive.1.adaptive == AdaptiveDecode())
        let error = #expect(throws: ConfigError.self) { try GroupConfig.parse(yaml: yaml("decode: sometimes"), file: "g.yaml") }
        #expect(error?.description == "g.yaml:3:20: defaults.decode: 'sometimes' is not one of full, keyframes, adaptive")
    }

    @Test func decodeSwitchesAreInMetrics() {
        let metrics = GroupMetrics(group: "g", cameras: [("c", 5)])
        var status = SourceStatus()
        status.state = .online
        status.decodeSwitches = 3
        status.decodingEveryFrame = false
        metrics.record(status, camera: "c")
        let page = metrics.render()
        #expect(page.contains("streetwatch_camera_decode_switches_total{group=\"g\",camera=\"c\"} 3\n"), "\(page)")
        #expect(page.contains("streetwatch_camera_decoding_every_frame{group=\"g\",camera=\"c\"} 0\n"), "\(page)")
    }
}
