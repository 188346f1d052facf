internal import CFFmpeg
public import Detector
import Foundation

/// Reads one input synchronously: demux, decode, pick frames at the analysis rate, scale to gray.
///
/// Blocking: use it on a thread of its own (``FrameSource`` does), never on the cooperative pool.
/// ```swift
/// let reader = try FrameReader(url: "clip.mp4", options: IngestOptions(analysisWidth: 320, analysisFPS: 5))
/// while let frame = try reader.nextFrame() { ... }
/// ```
public final class FrameReader {
    /// Facts about the video stream being read.
    public let info: StreamInfo
    /// Running totals.
    public private(set) var counters = ReaderCounters()
    /// The analysis plane size.
    public var format: FrameFormat { FrameFormat(width: scaler.width, height: outputHeight) }

    private let options: IngestOptions
    private let demuxer: Demuxer
    private let decoder: VideoDecoder
    private let scaler: Scaler
    private let outputHeight: Int
    private let packet: Packet
    private let picture: Frame
    private let timeBase: Double
    private let isLive: Bool
    /// Packets kept for evidence clips; `nil` when ``IngestOptions/clipBufferSeconds`` is 0.
    let clipBuffer: PacketRing?
    private var inputEnded = false
    private var originTimestamp: Int64?
    private var lastTimestamp: Int64?
    private var nextDue: Double?
    private var lastDeliveredPTS: Double?
    private var wallClockOrigin: Double?
    private var pendingDiscontinuity: FFmpegError?
    /// A frame held back while the discontinuity before it is handed out.
    private var queued: IngestEvent?
    /// Whether corruption was seen since the last clean picture; one discontinuity covers a run of damage.
    private var lastPacketWasCorrupt = false
    /// Adaptive decoding: what the consumer holds on, the previous analysis plane, and when the picture last changed.
    private let hold: DecodeHold?
    private var previousPlane: [UInt8]?
    private var lastChangePTS: Double?

    /// Opens `url` and prepares decoding.
    /// - Parameters:
    ///   - url: a file path or `rtsp://`, `http(s)://`, `udp://` URL; credentials are never shown in errors.
    ///   - options: analysis size and rate, timeouts, keyframe-only mode.
    /// - Throws: ``FFmpegError`` when the input cannot be opened, has no video or cannot be decoded.
    public convenience init(url: String, options: IngestOptions = IngestOptions()) throws(FFmpegError) {
        try self.init(url: url, options: options, interrupt: Interrupt())
    }

    init(url: String, options: IngestOptions, interrupt: Interrupt, hold: DecodeHold? = nil) throws(FFmpegError) {
        self.hold = hold
        guard options.analysisWidth >= 16 && options.analysisWidth <= 4096 else {
            throw FFmpegError(code: SW_AVERROR_EINVAL, function: "FrameReader",
                              detail: "analysis width \(options.analysisWidth) out of range [16 - 4096]")
        }
        if let fps = options.analysisFPS, !(fps > 0) {
            throw FFmpegError(code: SW_AVERROR_EINVAL, function: "FrameReader",
                              detail: "analysis fps \(fps) must be positive")
        }
        FFmpegLog.installDefault()
        self.options = options
        demuxer = try Demuxer(url: url, options: options, interrupt: interrupt)
        decoder = try VideoDecoder(stream: demuxer.stream, threads: options.decoderThreads,
                                   keyframesOnly: options.keyframesOnly)
        info = demuxer.info
        scaler = Scaler(width: options.analysisWidth)
        outputHeight = Scaler.outputHeight(width: options.analysisWidth, sourceWidth: max(1, info.width),
                                           sourceHeight: max(1, info.height))
        packet = try Packet()
        picture = try Frame()
        timeBase = av_q2d(demuxer.stream.pointee.time_base)
        isLive = InputKind(url: url).isLive
        clipBuffer = options.clipBufferSeconds > 0
            ? PacketRing(seconds: options.clipBufferSeconds, maxBytes: options.clipBufferMaxBytes, stream: demuxer.stream) : nil
        // An adaptive source starts on keyframes: a whole group starting in full decode would need every core
        // for its first quiet period (64 adaptive 1080p cameras were not all online within 30 s that way).
        counters.decodingEveryFrame = !options.keyframesOnly && options.adaptive == nil
                let start = demuxer.stream.pointee.start_time
        if start != SW_AV_NOPTS_VALUE { originTimestamp = start }
    }

    /// Returns the next event, or `nil` at the end of a file.
    ///
    /// Corrupt packets are counted and skipped; the next frame after them is preceded by a
    /// `.discontinuity`. A live input that ends returns `nil` too: callers reconnect.
    /// - Throws: ``FFmpegError`` when reading fails (`ETIMEDOUT` on a stall, `AVERROR_EXIT` when cancelled).
    public func next() throws(FFmpegError) -> IngestEvent? {
        if let event = queued {
            queued = nil
            return event
        }
        while true {
            if let event = try receiveDecoded() { return event }
            if inputEnded { return nil }
            switch try demuxer.read(into: packet) {
            case .endOfStream:
                decoder.sendEndOfStream()
                inputEnded = true
            case .packet:
                counters.packetsRead += 1
                clipBuffer?.append(packet)
                if !packet.isKeyframe && (options.keyframesOnly || !counters.decodingEveryFrame) {
                    counters.packetsSkipped += 1
                    continue
                }
                if packet.raw.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
                    noteCorruption(FFmpegError(code: SW_AVERROR_INVALIDDATA, function: "av_read_frame"))
                }
                do {
                    try decoder.send(packet)
                } catch {
                    noteCorruption(error)
                }
            }
        }
    }

    /// Returns the next analysis frame, skipping discontinuities, or `nil` at the end of the input.
    public func nextFrame() throws(FFmpegError) -> VideoFrame? {
        while let event = try next() {
            if let frame = event.frame { return frame }
        }
        return nil
    }

    /// Drains the decoder; returns the first event worth handing out, or `nil` when it needs input.
    private func receiveDecoded() throws(FFmpegError) -> IngestEvent? {
        while true {
            let received: VideoDecoder.Receive
            do {
                received = try decoder.receive(into: picture)
            } catch where error.code == SW_AVERROR_INVALIDDATA {
                noteCorruption(error)
                continue
            }
            switch received {
            case .needsInput: return nil
            case .endOfStream:
                inputEnded = true
                return nil
            case .frame:
                counters.framesDecoded += 1
                defer { av_frame_unref(picture.raw) }
                // A picture the decoder had to conceal is smeared: rules must not learn from it as normal.
                if picture.raw.pointee.decode_error_flags != 0 || picture.raw.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 {
                    noteCorruption(FFmpegError(code: SW_AVERROR_INVALIDDATA, function: "avcodec_receive_frame"))
                } else {
                    lastPacketWasCorrupt = false
                }
                guard let event = try makeEvent() else { continue }
                if let pending = pendingDiscontinuity {
                    pendingDiscontinuity = nil
                    queued = event
                    return .discontinuity(pending)
                }
                return event
            }
        }
    }

    private func noteCorruption(_ error: FFmpegError) {
        counters.decodeErrors += 1
        if !lastPacketWasCorrupt && pendingDiscontinuity == nil {
            pendingDiscontinuity = FFmpegError(code: error.code, function: error.function,
                                               detail: "decoding \(demuxer.displayURL)")
        }
        lastPacketWasCorrupt = true
    }

    /// Turns the decoded picture into an event, or `nil` when the analysis rate skips it.
    private func makeEvent() throws(FFmpegError) -> IngestEvent? {
        guard let timestamp = pictureTimestamp() else { return nil }
        if originTimestamp == nil { originTimestamp = timestamp }
        let pts = Double(timestamp - originTimestamp!) * timeBase // set on the line above

        // A jump back in time (a camera restarting its clock, a looping server) breaks every interval
        // the rules keep in pts.
        if let last = lastDeliveredPTS, pts < last - 1 {
            pendingDiscontinuity = pendingDiscontinuity ?? FFmpegError(
                code: SW_AVERROR_INVALIDDATA, function: "FrameReader",
                detail: "timestamps of \(demuxer.displayURL) went back from \(last) s to \(pts) s")
            nextDue = nil
        }
        if pendingDiscontinuity != nil {
            nextDue = nil
            lastDeliveredPTS = nil
        }
        if let fps = options.analysisFPS, let due = nextDue {
            // Half a source frame of slack so 25 → 5 fps takes exactly every fifth frame.
            let slack = 0.5 / (info.fps ?? 25)
            if pts + slack < due {
                counters.framesSkippedForRate += 1
                return nil
            }
            let interval = 1 / fps
            nextDue = due + interval <= pts ? pts + interval : due + interval
        } else if let fps = options.analysisFPS {
            nextDue = pts + 1 / fps
        }
        let gray = try scaler.gray(from: picture.raw)
        if let adaptive = options.adaptive, !options.keyframesOnly { adapt(adaptive, to: gray, at: pts) }
        let full = options.keepFullFrames ? FullFrame(cloning: picture.raw, pts: pts) : nil
        counters.framesDelivered += 1
        lastDeliveredPTS = pts
        let frame = VideoFrame(format: FrameFormat(width: scaler.width, height: scaler.height),
                               pixels: gray, pts: pts, capturedAt: captureTime(pts: pts))
        return .frame(frame, full)
    }

    /// Adaptive decoding: every frame from the first change (or hold) on, keyframes only after a quiet period.
    /// While still, the planes compared are those of consecutive keyframes.
    private func adapt(_ adaptive: AdaptiveDecode, to plane: [UInt8], at pts: Double) {
        var changed = hold?.isOn ?? false
        if !changed, let previous = previousPlane, previous.count == plane.count {
            let threshold = adaptive.pixelThreshold
            var moved = 0
            for index in plane.indices where abs(Int(plane[index]) - Int(previous[index])) > threshold { moved += 1 }
            changed = Double(moved) > adaptive.changedShare * Double(plane.count)
        }
        previousPlane = plane
        // A jump back in time (a reconnect, a looping source) would otherwise read as a long quiet period or none.
        if changed || lastChangePTS.map({ pts < $0 }) ?? true { lastChangePTS = pts }
        if changed && !counters.decodingEveryFrame {
            counters.decodingEveryFrame = true
            counters.decodeSwitches += 1
        } else if counters.decodingEveryFrame, let last = lastChangePTS, pts - last + 0.001 >= adaptive.quietSeconds {
            // The millisecond: pts are sums of binary fractions, and 16.2 − 13.2 comes out just under 3.
            counters.decodingEveryFrame = false
            counters.decodeSwitches += 1
        }
    }

    private func pictureTimestamp() -> Int64? {
        var timestamp = picture.raw.pointee.best_effort_timestamp
        if timestamp == SW_AV_NOPTS_VALUE { timestamp = picture.raw.pointee.pts }
        if timestamp == SW_AV_NOPTS_VALUE {
            // No timestamp: continue one frame after the previous picture. Before the first dated picture
            // (RTSP dates packets only after the first RTCP report) there is nothing to continue from.
            guard let last = lastTimestamp else { return nil }
            let step = Int64((1 / (info.fps ?? 25)) / timeBase)
            timestamp = last + max(1, step)
        }
        lastTimestamp = timestamp
        return timestamp
    }

    private func captureTime(pts: Double) -> Double? {
        if let start = options.startTime { return start + pts }
        guard isLive else { return nil }
        if wallClockOrigin == nil { wallClockOrigin = Date().timeIntervalSince1970 - pts }
        return wallClockOrigin! + pts // set on the line above
    }
}

@available(*, unavailable)
extension FrameReader: Sendable {}
