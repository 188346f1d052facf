import Foundation
import TestSupport
import Testing

/// `streetwatch probe` as a user runs it: the built binary, its output and exit status.
@Suite("probe command", .serialized)
struct ProbeCommandTests {
    static let binary = streetwatchBinary

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "streetwatch binary not built"))
    func printsTheFactsOfAFile() throws {
        let result = try runCommand(Self.binary, ["probe", Fixture.path("h264_640x360_25fps_4s_gop50.mp4")])
        #expect(result.status == 0)
        #expect(result.output.contains("codec:      h264"))
        #expect(result.output.contains("size:       640x360"))
        #expect(result.output.contains("fps:        25.000"))
        #expect(result.output.contains("keyframes:  every 2.00 s (50.0 frames)"))
        #expect(result.output.contains("opened in:"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "streetwatch binary not built"))
    func printsJSONForAnRTSPCamera() throws {
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let result = try runCommand(Self.binary, ["probe", "--json", "rtsp://admin:pa55word@127.0.0.1:\(port)/cam"])
        #expect(result.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let stream = report?["stream"] as? [String: Any]
        #expect(stream?["codec"] as? String == "h264")
        #expect(stream?["width"] as? Int == 320)
        #expect(report?["keyframeIntervalFrames"] as? Double == 50)
        #expect(report?["url"] as? String == "rtsp://admin:***@127.0.0.1:\(port)/cam")
        #expect(!result.output.contains("pa55word"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "streetwatch binary not built"))
    func silentCameraFailsWithinTheTimeoutWithAClearMessage() throws {
        let server = try startSilentServer(lifetime: 30)
        defer { server.kill() }
        let url = "rtsp://admin:pa55word@127.0.0.1:\(server.readyValue)/Streaming/Channels/102"
        let (result, seconds) = try secondsTaken { try runCommand(Self.binary, ["probe", url, "--timeout", "2"]) }
        #expect(result.status == 1)
        #expect(seconds < 4)
        #expect(result.output.contains("Error: cannot probe rtsp://admin:***@127.0.0.1:\(server.readyValue)/Streaming/Channels/102"))
        #expect(result.output.contains("Connection timed out"))
        #expect(result.output.contains("no data for 2 s"))
        #expect(!result.output.contains("pa55word"))
        #expect(!result.output.contains("Usage:"), "a runtime failure is not a usage error")
    }
}
