import Detector
import Foundation
@testable import FrameIngest
import TestSupport
import Testing

@Suite("Threaded sources, back-pressure and evidence")
struct SourceTests {
    @Test func frameSourceDeliversEveryFrameUnderBlockPolicy() async throws {
        let source = FrameSource(url: Fixture.path("h264_320x180_25fps_2s.mp4"),
                                 options: IngestOptions(analysisFPS: nil), policy: .block(capacity: 2))
        var count = 0
        for try await event in source where event.frame != nil {
            count += 1
            // A slow consumer: the reader must wait, not drop.
            if count % 10 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(count == 50)
    }

    @Test func dropOldestCountsWhatASlowConsumerLoses() async throws {
        let source = ReconnectingSource(url: Fixture.path("h264_320x180_25fps_2s.mp4"),
                                        options: IngestOptions(analysisFPS: nil), policy: .dropOldest(capacity: 2))
        var received = 0
        var iterator = source.events().makeAsyncIterator()
        while let event = try await iterator.next() {
            if event.frame != nil { received += 1 }
            if received == 1 { try await Task.sleep(for: .milliseconds(500)) }
        }
        let status = source.status
        #expect(status.state == .finished)
        #expect(status.framesDropped > 0)
        #expect(received + status.framesDropped == 50, "received \(received), dropped \(status.framesDropped)")
    }

    @Test func dropOldestNeverDropsControlMessages() async throws {
        // 0 stands for a control message (stream opened, discontinuity); positive numbers for pictures.
        let channel = Channel<Int>(policy: .dropOldest(capacity: 2)) { $0 > 0 }
        for item in 0...5 { channel.send(item) }
        channel.finish()
        var received: [Int] = []
        while let item = try await channel.receive() { received.append(item) }
        #expect(received == [0, 5])
        #expect(channel.dropped == 4)
    }

    @Test func leavingTheLoopStopsTheReadingThread() async throws {
        // A live camera under drop-oldest: a reading thread that was not stopped keeps decoding with nobody
        // reading (under `block` it would stall on the full channel whether stopped or not).
        let port = freePort()
        let server = try startRTSPServer(port: port, mounts: ["cam=testsrc:320x180@25"])
        defer { server.kill() }
        let source = FrameSource(url: "rtsp://127.0.0.1:\(port)/cam", options: IngestOptions(analysisFPS: nil),
                                 policy: .dropOldest(capacity: 2))
        var iterator: FrameSource.Iterator? = source.makeAsyncIterator()
        _ = try await iterator?.next()
        let connection = try #require(iterator?.stopper.connection)
        iterator = nil
        try await Task.sleep(for: .milliseconds(500))
        let decoded = connection.counters.framesDecoded
        try await Task.sleep(for: .seconds(1))
        #expect(connection.counters.framesDecoded == decoded, "the thread kept decoding after the consumer left")
    }

    @Test func backoffGrowsAndStaysBounded() {
        var generator = SystemRandomNumberGenerator()
        let backoff = Backoff(initial: 0.5, maximum: 8, multiplier: 2, jitter: 0.25)
        for failures in 1...20 {
            let delay = backoff.delay(afterFailures: failures, using: &generator)
            let base = min(8, 0.5 * pow(2, Double(failures - 1)))
            #expect(delay >= base * 0.75 && delay <= base * 1.25)
        }
    }

    @Test func snapshotIsAFullResolutionJPEGWithTheBoxDrawn() throws {
        let reader = try FrameReader(url: Fixture.path("gray_halves_160x90.mp4"),
                                     options: IngestOptions(analysisWidth: 64, analysisFPS: 1, keepFullFrames: true))
        guard case .frame(_, let full)? = try reader.next(), let full else {
            Issue.record("no full-resolution frame")
            return
        }
        #expect(full.width == 160 && full.height == 90)
        let plain = try full.jpeg()
        let boxed = try full.jpeg(boxes: [NormalizedBox(x0: 0.1, y0: 0.1, x1: 0.4, y1: 0.9)])
        #expect(Array(plain.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(Array(plain.suffix(2)) == [0xFF, 0xD9])
        #expect(plain != boxed)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-snapshot-\(UUID()).jpg")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(boxed).write(to: url)
        let probe = try runCommand("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height",
                                                        "-of", "csv=p=0", url.path])
        #expect(probe.output.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg,160,90")
    }

    @Test func clipIsRemuxedFromAKeyframeWithPreAndPostRoll() async throws {
        let source = ReconnectingSource(
            url: Fixture.path("h264_640x360_25fps_4s_gop50.mp4"),
            options: IngestOptions(analysisFPS: 5, clipBufferSeconds: 3), policy: .block(capacity: 2))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-clip-\(UUID()).mp4").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var clip: ClipPromise?
        for try await event in source.events() {
            if let frame = event.frame, frame.pts >= 2.4, clip == nil {
                clip = try source.startClip(preRoll: 0.2, postRoll: 1, to: path)
            }
        }
        let info = try #require(try await clip?.value())
        // Pre-roll reaches back to the keyframe at 2.0 s; post-roll runs a second past the request.
        #expect(info.start == 2)
        #expect(info.end >= 3.2)
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        let probe = try runCommand("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-show_entries",
                                                        "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path])
        #expect(probe.output.trimmingCharacters(in: .whitespacesAndNewlines) == "h264,640,360,\(info.packets)")
    }

    @Test func credentialsAreRemovedFromURLsInText() {
        #expect(redactingCredentials(in: "rtsp://admin:s3cr@t@10.0.0.7:554/Streaming/Channels/102")
                == "rtsp://admin:***@10.0.0.7:554/Streaming/Channels/102")
        #expect(redactingCredentials(in: "opening rtsp://u:p@h/a and http://x:y@z:8080/b?c=1 failed")
                == "opening rtsp://u:***@h/a and http://x:***@z:8080/b?c=1 failed")
        #expect(redactingCredentials(in: "rtsp://host/no-user") == "rtsp://host/no-user")
        #expect(redactingCredentials(in: "/srv/clips/a.mp4") == "/srv/clips/a.mp4")
    }
}
