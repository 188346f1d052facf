import Detector
import Foundation
@testable import FrameIngest
import TestSupport
import Testing

/// Live inputs from real servers on 127.0.0.1: GStreamer's RTSP server, a silent TCP server, ffmpeg's
/// one-client HTTP server. Serialized: they time themselves against wall-clock timeouts.
@Suite("Live sources", .serialized, .timeLimit(.minutes(2)))
struct LiveSourceTests {
    @Test func rtspOverTCPProbesAndDecodes() throws {
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let url = "rtsp://viewer:hunter2@127.0.0.1:\(port)/cam"
        let report = try probe(url: url, options: IngestOptions(openTimeout: 10))
        #expect(report.stream.codec == "h264")
        #expect(report.stream.width == 320 && report.stream.height == 180)
        #expect(report.keyframeIntervalFrames == 50)
        #expect(report.url == "rtsp://viewer:***@127.0.0.1:\(port)/cam")

        let reader = try FrameReader(url: url, options: IngestOptions(analysisWidth: 160, analysisFPS: 5))
        var frames: [VideoFrame] = []
        while frames.count < 10, let frame = try reader.nextFrame() { frames.append(frame) }
        #expect(frames.count == 10)
        #expect(frames.allSatisfy { $0.capturedAt != nil })
        let gaps = zip(frames.dropFirst(), frames).map { $0.pts - $1.pts }
        #expect(gaps.allSatisfy { abs($0 - 0.2) < 0.05 }, "gaps \(gaps)")
    }

    @Test func rtspOverUDPOnRequest() throws {
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let reader = try FrameReader(url: "rtsp://127.0.0.1:\(port)/cam",
                                     options: IngestOptions(analysisFPS: 5, transport: .udp))
        var count = 0
        while count < 5, try reader.nextFrame() != nil { count += 1 }
        #expect(count == 5)
    }

    @Test func silentServerFailsWithinTheOpenTimeoutWithoutShowingThePassword() throws {
        let server = try startSilentServer()
        defer { server.kill() }
        for url in ["rtsp://admin:topsecret@127.0.0.1:\(server.readyValue)/live",
                    "http://admin:topsecret@127.0.0.1:\(server.readyValue)/live.ts"] {
            let (result, seconds) = secondsTaken {
                Result { () throws(FFmpegError) in try FrameReader(url: url, options: IngestOptions(openTimeout: 2)) }
            }
            guard case .failure(let error) = result else {
                Issue.record("\(url) opened a silent server")
                continue
            }
            #expect(seconds >= 1.9 && seconds < 4, "\(url) failed after \(seconds) s")
            #expect(error.isTimeout, "\(error)")
            #expect(error.description.contains("no data for 2 s"), "\(error)")
            #expect(error.description.contains("admin:***@127.0.0.1"), "\(error)")
            #expect(!error.description.contains("topsecret"))
        }
    }

    @Test func deadAddressFailsFastAndSaysWhy() throws {
        let port = freePort()
        let (result, seconds) = secondsTaken {
            Result { () throws(FFmpegError) in
                try FrameReader(url: "rtsp://u:pw@127.0.0.1:\(port)/none", options: IngestOptions(openTimeout: 5))
            }
        }
        guard case .failure(let error) = result else {
            Issue.record("opened a closed port")
            return
        }
        #expect(seconds < 2)
        #expect(error.description.contains("Connection refused"), "\(error)")
        #expect(error.description.contains("rtsp://u:***@127.0.0.1:\(port)/none"), "\(error)")
    }

    @Test func httpStreamProbes() throws {
        let port = freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        server.arguments = ["-v", "error", "-re", "-stream_loop", "-1", "-i", Fixture.path("h264_320x180_25fps_2s.mp4"),
                            "-c", "copy", "-f", "mpegts", "-listen", "1", "http://127.0.0.1:\(port)/live.ts"]
        try server.run()
        defer { stopProcess(server) }
        // ffmpeg's listener takes a moment to bind; a connection refused before then is retried.
        var report: ProbeReport?
        for _ in 0..<50 where report == nil {
            report = try? probe(url: "http://127.0.0.1:\(port)/live.ts", options: IngestOptions(openTimeout: 5))
            if report == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let found = try #require(report)
        #expect(found.stream.container == "mpegts")
        #expect(found.stream.codec == "h264")
        #expect(found.stream.width == 320 && found.stream.height == 180)
        #expect(found.keyframeIntervalFrames == 25)
    }

    @Test func udpMPEGTSStreamDecodes() throws {
        let port = freePort()
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        sender.arguments = ["-v", "error", "-re", "-stream_loop", "-1", "-i", Fixture.path("h264_320x180_25fps_2s.mp4"),
                            "-c", "copy", "-f", "mpegts", "udp://127.0.0.1:\(port)?pkt_size=1316"]
        try sender.run()
        defer { stopProcess(sender) }
        let reader = try FrameReader(url: "udp://127.0.0.1:\(port)", options: IngestOptions(analysisFPS: 5, openTimeout: 5))
        #expect(reader.info.container == "mpegts")
        var frames = 0
        while frames < 5, try reader.nextFrame() != nil { frames += 1 }
        #expect(frames == 5)
    }

    /// The acceptance test for reconnecting: the server is killed mid-stream and started again on the same port
    /// once the source reports the outage.
    @Test func rtspSourceReportsTheOutageAndComesBackAfterTheServerRestarts() async throws {
        let port = freePort()
        let server = ServerSlot(try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"]))
        defer { server.kill() }
        let source = ReconnectingSource(
            url: "rtsp://ops:camera-pass@127.0.0.1:\(port)/cam",
            options: IngestOptions(analysisWidth: 160, analysisFPS: 5, openTimeout: 3, stallTimeout: 2),
            policy: .dropOldest, backoff: Backoff(initial: 0.3, maximum: 1, jitter: 0.1))
        // The consumer is parked inside `next()` while the source retries, so the outage is watched here.
        let watcher = Task {
            var seen: [SourceStatus.State] = []
            for await status in source.statuses where seen.last != status.state {
                seen.append(status.state)
                if status.state == .offline && server.isKilled {
                    #expect(status.reason?.contains("camera-pass") == false)
                    try server.restart { try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"]) }
                }
            }
            return seen
        }
        var framesBefore = 0, framesAfter = 0, discontinuities = 0
        var outage: FFmpegError?
        var iterator = source.events().makeAsyncIterator()
        let deadline = ContinuousClock.now + .seconds(60)
        while framesAfter < 10, ContinuousClock.now < deadline, let event = try await iterator.next() {
            // The source counts the reconnect before it hands out the outage's discontinuity, so the count tells
            // the outage apart from a concealed picture the dying connection may deliver just before it.
            let reconnected = source.status.reconnects > 0
            switch event {
            case .frame:
                if reconnected { framesAfter += 1 } else { framesBefore += 1 }
            case .discontinuity(let cause):
                discontinuities += 1
                if reconnected && outage == nil { outage = cause }
                #expect(!cause.description.contains("camera-pass"))
            }
            if framesBefore == 10 && !server.isKilled { server.kill() }
        }
        // Frames already buffered when the server died still arrive before the outage shows.
        #expect(framesBefore >= 10)
        #expect(framesAfter == 10, "no frames after the server came back")
        // The first discontinuity after the reconnect marks the outage; a picture concealed as the server died, or
        // on joining the new stream mid-GOP, may add one on either side (FrameReader reports those too).
        #expect(discontinuities >= 1)
        #expect(outage?.function == "av_read_frame", "first discontinuity after the reconnect: \(String(describing: outage))")
        let status = source.status
        #expect(status.reconnects == 1)
        #expect(status.state == .online)
        #expect(status.reason == nil)
        watcher.cancel()
        let seen = try await watcher.value
        #expect(seen.starts(with: [.connecting, .online]))
        #expect(seen.contains(.offline), "states \(seen)")
        #expect(seen.last == .online, "states \(seen)")
    }

    /// A server that freezes (SIGSTOP: connections stay open, nothing arrives) is a stall, not an end of stream.
    @Test func frozenServerIsReportedAsAStallAndRecovers() async throws {
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let source = ReconnectingSource(
            url: "rtsp://127.0.0.1:\(port)/cam",
            options: IngestOptions(analysisWidth: 160, analysisFPS: 5, openTimeout: 2, stallTimeout: 1.5),
            policy: .dropOldest, backoff: Backoff(initial: 0.2, maximum: 0.5, jitter: 0))
        let pid = server.process.processIdentifier
        let watcher = Task {
            var seen: [SourceStatus.State] = []
            for await status in source.statuses where seen.last != status.state {
                seen.append(status.state)
                if status.state == .stalled { kill(pid, SIGCONT) }
            }
            return seen
        }
        var frames = 0, framesAfterStall = 0
        var iterator = source.events().makeAsyncIterator()
        let deadline = ContinuousClock.now + .seconds(40)
        while framesAfterStall < 5, ContinuousClock.now < deadline, let event = try await iterator.next() {
            guard event.frame != nil else { continue }
            frames += 1
            if frames == 5 { kill(pid, SIGSTOP) }
            if source.status.stalls > 0 { framesAfterStall += 1 }
        }
        kill(pid, SIGCONT)
        #expect(source.status.stalls == 1)
        #expect(framesAfterStall == 5, "no frames after the server woke up")
        watcher.cancel()
        let seen = await watcher.value
        #expect(seen.contains(.stalled), "states \(seen)")
        #expect(seen.last == .online, "states \(seen)")
    }
}

/// The RTSP server of the restart test, shared between the consumer and the status watcher.
final class ServerSlot: @unchecked Sendable {
    // @unchecked: every access to `server` and `killed` holds `lock`.
    private let lock = NSLock()
    private var server: ServerProcess?
    private var killed = false

    init(_ server: ServerProcess) { self.server = server }

    var isKilled: Bool { lock.withLock { killed } }

    func kill() {
        lock.withLock {
            server?.kill()
            killed = true
        }
    }

    /// Starts a new server once after a kill.
    func restart(_ start: () throws -> ServerProcess) throws {
        try lock.withLock {
            guard killed, server?.process.isRunning != true else { return }
            server = try start()
        }
    }
}
