import Detector
import Foundation
@testable import FrameIngest
import TestSupport
import Testing

@Suite("Decoding files into analysis frames")
struct FileDecodeTests {
    private func frames(_ name: String, _ options: IngestOptions) throws -> [VideoFrame] {
        let reader = try FrameReader(url: Fixture.path(name), options: options)
        var frames: [VideoFrame] = []
        while let frame = try reader.nextFrame() { frames.append(frame) }
        return frames
    }

    @Test func h264AtFiveFPSTakesEveryFifthFrameWithStreamTimestamps() throws {
        let frames = try frames("h264_320x180_25fps_2s.mp4", IngestOptions(analysisWidth: 160, analysisFPS: 5))
        #expect(frames.map(\.pts).map { ($0 * 100).rounded() / 100 } == [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8])
        #expect(frames.allSatisfy { $0.format == .gray(160, 90) })
    }

    @Test func everyFrameWhenNoAnalysisRateIsSet() throws {
        let reader = try FrameReader(url: Fixture.path("h264_320x180_25fps_2s.mp4"),
                                     options: IngestOptions(analysisWidth: 320, analysisFPS: nil))
        var count = 0
        while try reader.nextFrame() != nil { count += 1 }
        #expect(count == 50)
        #expect(reader.counters.framesDecoded == 50)
        #expect(reader.counters.framesSkippedForRate == 0)
        #expect(reader.info == StreamInfo(container: "mov,mp4,m4a,3gp,3g2,mj2", codec: "h264", width: 320, height: 180,
                                          fps: 25, duration: 2, bitRate: reader.info.bitRate))
    }

    @Test func mpeg4InAVIKeepsAspectAtAnalysisWidth() throws {
        let frames = try frames("mpeg4_320x240_25fps_2s.avi", IngestOptions(analysisWidth: 160, analysisFPS: 10))
        #expect(frames.count == 20)
        #expect(frames.first?.format == .gray(160, 120))
    }

    @Test func grayPlaneCarriesFullRangeLuma() throws {
        let frames = try frames("gray_halves_160x90.mp4", IngestOptions(analysisWidth: 64, analysisFPS: 1))
        #expect(frames.count == 2)
        let first = try #require(frames.first), second = try #require(frames.last)
        // Away from the edge at column 32, where bilinear filtering blends the halves.
        #expect(first[4, 18] <= 2 && first[60, 18] >= 253)
        #expect(second[4, 18] >= 253 && second[60, 18] <= 2)
    }

    @Test func keyframeOnlyModeDropsNonKeyPacketsBeforeDecoding() throws {
        let reader = try FrameReader(url: Fixture.path("h264_640x360_25fps_4s_gop50.mp4"),
                                     options: IngestOptions(analysisFPS: nil, keyframesOnly: true))
        var pts: [Double] = []
        while let frame = try reader.nextFrame() { pts.append(frame.pts) }
        #expect(pts == [0, 2])
        #expect(reader.counters.packetsRead == 100)
        #expect(reader.counters.packetsSkipped == 98)
        #expect(reader.counters.framesDecoded == 2)
    }

    @Test func truncatedFileFailsToOpenNamingTheFile() throws {
        let path = Fixture.path("h264_truncated.mp4")
        let error = #expect(throws: FFmpegError.self) { try FrameReader(url: path) }
        #expect(error?.function == "avformat_open_input")
        #expect(error?.description.contains("Invalid data found when processing input") == true)
        #expect(error?.description.contains("while opening \(path)") == true)
    }

    @Test func fileCutInsideItsDataEndsCleanlyAfterTheFramesItHas() throws {
        let reader = try FrameReader(url: Fixture.path("h264_cut_mdat.mp4"), options: IngestOptions(analysisFPS: nil))
        var frames = 0
        var discontinuities = 0
        while let event = try reader.next() {
            if event.frame != nil { frames += 1 } else { discontinuities += 1 }
        }
        #expect(frames == 23)
        #expect(reader.counters.decodeErrors >= 1, "the short last packet is counted as damage")
        #expect(discontinuities == 0, "nothing decodes after the damage, so nothing needs a reset")
    }

    @Test func corruptMiddleYieldsFramesOnBothSidesAndOneDiscontinuity() throws {
        let reader = try FrameReader(url: Fixture.path("h264_corrupt_middle.ts"), options: IngestOptions(analysisFPS: nil))
        var before = 0, after = 0, discontinuities = 0
        while let event = try reader.next() {
            switch event {
            case .frame(let frame, _): if discontinuities == 0 { before += 1 } else { after += 1 }
                #expect(frame.pts >= 0 && frame.pts < 3.1)
            case .discontinuity: discontinuities += 1
            }
        }
        #expect(before >= 30 && after >= 20, "before \(before), after \(after)")
        #expect(discontinuities >= 1)
        #expect(reader.counters.framesDecoded == 64)
    }

    @Test func unknownFormatOptionIsAnErrorNotSilentlyIgnored() throws {
        let options = IngestOptions(formatOptions: ["stimeout": "5000000"])
        let error = #expect(throws: FFmpegError.self) {
            try FrameReader(url: Fixture.path("h264_320x180_25fps_2s.mp4"), options: options)
        }
        #expect(error?.description.contains("option(s) not recognised: stimeout") == true)
    }

    @Test func widthOutsideItsRangeIsRejected() {
        let error = #expect(throws: FFmpegError.self) {
            try FrameReader(url: Fixture.path("h264_320x180_25fps_2s.mp4"), options: IngestOptions(analysisWidth: 8))
        }
        #expect(error?.description.contains("analysis width 8 out of range [16 - 4096]") == true)
    }

    @Test func recordingGetsWallClockFromStartTime() throws {
        let frames = try frames("h264_320x180_25fps_2s.mp4", IngestOptions(analysisFPS: 1, startTime: 1_700_000_000))
        #expect(frames.map(\.capturedAt) == [1_700_000_000, 1_700_000_001])
    }

    @Test func probeMeasuresTheKeyframeInterval() throws {
        let report = try probe(url: Fixture.path("h264_640x360_25fps_4s_gop50.mp4"))
        #expect(report.stream.codec == "h264")
        #expect(report.stream.width == 640 && report.stream.height == 360)
        #expect(report.keyframeIntervalSeconds == 2)
        #expect(report.keyframeIntervalFrames == 50)
    }
}
