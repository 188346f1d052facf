internal import CFFmpeg
import Foundation

/// Recent compressed packets of the video stream, kept so an evidence clip can start before the moment
/// it was asked for. Always starts at a keyframe, so a clip remuxed from it decodes from its first frame.
/// Stays on the ingest thread that created it.
final class PacketRing {
    private var packets: [UnsafeMutablePointer<AVPacket>] = []
    /// Sum of the sizes of `packets`.
    private(set) var bufferedBytes = 0
    private let maxBytes: Int
    private let keepTicks: Int64
    private let codecParameters: UnsafeMutablePointer<AVCodecParameters>
    private let timeBase: AVRational
    private var recordings: [Recording] = []

    /// - Parameters:
    ///   - seconds: how far back from the newest packet to keep (extended to the keyframe before it).
    ///   - maxBytes: most bytes kept; see ``IngestOptions/clipBufferMaxBytes``.
    ///   - stream: the stream whose packets are kept; its parameters are copied for the clip header.
    init?(seconds: Double, maxBytes: Int, stream: UnsafeMutablePointer<AVStream>) {
        guard let parameters = avcodec_parameters_alloc() else { return nil }
        guard avcodec_parameters_copy(parameters, stream.pointee.codecpar) >= 0 else {
            var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
            avcodec_parameters_free(&owned)
            return nil
        }
        codecParameters = parameters
        self.maxBytes = max(0, maxBytes)
        timeBase = stream.pointee.time_base
        keepTicks = Int64(seconds / av_q2d(stream.pointee.time_base))
    }

    deinit {
        for packet in packets {
            var owned: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&owned)
        }
        var owned: UnsafeMutablePointer<AVCodecParameters>? = codecParameters
        avcodec_parameters_free(&owned)
    }

    /// Seconds of stream time the ring holds now.
    var bufferedSeconds: Double {
        guard let first = packets.first, let last = packets.last else { return 0 }
        return Double(time(of: last) - time(of: first)) * av_q2d(timeBase)
    }

    /// Keeps a reference to `packet` and finishes recordings whose post-roll it completes.
    func append(_ packet: borrowing Packet) {
        guard let copy = av_packet_clone(packet.raw) else { return }
        // Nothing before the first keyframe can be decoded in a clip, and an undated packet (RTSP, before
        // the first RTCP report) has no place on its timeline.
        if (packets.isEmpty && copy.pointee.flags & AV_PKT_FLAG_KEY == 0) || time(of: copy) == SW_AV_NOPTS_VALUE {
            var owned: UnsafeMutablePointer<AVPacket>? = copy
            av_packet_free(&owned)
            return
        }
        packets.append(copy)
        bufferedBytes += Int(copy.pointee.size)
        trim()
        let now = time(of: copy)
        var unfinished: [Recording] = []
        for var recording in recordings {
            recording.add(copy)
            if now >= recording.endTicks { recording.finish(parameters: codecParameters, timeBase: timeBase) }
            else { unfinished.append(recording) }
        }
        recordings = unfinished
    }

    /// Starts a clip: `preRoll` seconds before the newest packet (from the keyframe at or before that point,
    /// within what the ring holds) until `postRoll` seconds after it; writes an MP4 to `path` when complete.
    /// - Parameter done: called on this thread with the result, or with an error when the input ends first
    ///   and nothing could be written.
    func record(preRoll: Double, postRoll: Double, to path: String,
                done: @escaping (Result<ClipInfo, FFmpegError>) -> Void) {
        let now = packets.last.map(time(of:)) ?? 0
        let startTicks = now - Int64(preRoll / av_q2d(timeBase))
        let firstIndex = packets.indices.last { packets[$0].pointee.flags & AV_PKT_FLAG_KEY != 0 && time(of: packets[$0]) <= startTicks }
            ?? packets.indices.first { packets[$0].pointee.flags & AV_PKT_FLAG_KEY != 0 }
        var recording = Recording(path: path, endTicks: now + Int64(postRoll / av_q2d(timeBase)), done: done)
        if let firstIndex {
            for packet in packets[firstIndex...] { recording.add(packet) }
        }
        recordings.append(recording)
    }

    /// Writes whatever the unfinished recordings hold (the input ended before their post-roll).
    func finishAll() {
        for var recording in recordings { recording.finish(parameters: codecParameters, timeBase: timeBase) }
        recordings = []
    }

    private func trim() {
        guard let newest = packets.last.map(time(of:)) else { return }
        // Drop a whole GOP once the keyframe after it is already old enough to start the ring.
        while let next = nextKeyframe(), time(of: packets[next]) <= newest - keepTicks {
            dropFirst(next)
        }
        // Over the byte cap (keyframes far apart, or none after the first): drop whole GOPs from the front, and
        // when the newest GOP alone is over the cap, everything; `append` then waits for the next keyframe.
        while bufferedBytes > maxBytes {
            dropFirst(nextKeyframe() ?? packets.count)
        }
    }

    /// Index of the first keyframe after the first packet.
    private func nextKeyframe() -> Int? {
        packets.indices.dropFirst().first { packets[$0].pointee.flags & AV_PKT_FLAG_KEY != 0 }
    }

    /// Frees the first `count` packets.
    private func dropFirst(_ count: Int) {
        for packet in packets[..<count] {
            bufferedBytes -= Int(packet.pointee.size)
            var owned: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&owned)
        }
        packets.removeFirst(count)
    }
}

/// Facts about a written clip.
public struct ClipInfo: Sendable, Equatable {
    /// Where the MP4 was written.
    public var path: String
    /// Packets in the clip.
    public var packets: Int
    /// Stream time (seconds) of the first and last packet.
    public var start: Double, end: Double
}

private func time(of packet: UnsafeMutablePointer<AVPacket>) -> Int64 {
    packet.pointee.dts != SW_AV_NOPTS_VALUE ? packet.pointee.dts : packet.pointee.pts
}

/// One clip being gathered; holds its own references to the packets.
private struct Recording {
    let path: String
    let endTicks: Int64
    let done: (Result<ClipInfo, FFmpegError>) -> Void
    private(set) var packets: [UnsafeMutablePointer<AVPacket>] = []

    init(path: String, endTicks: Int64, done: @escaping (Result<ClipInfo, FFmpegError>) -> Void) {
        self.path = path
        self.endTicks = endTicks
        self.done = done
    }

    mutating func add(_ packet: UnsafeMutablePointer<AVPacket>) {
        if let copy = av_packet_clone(packet) { packets.append(copy) }
    }

    /// Writes the clip, reports it, and releases the packets.
    mutating func finish(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) {
        defer {
            for packet in packets {
                var owned: UnsafeMutablePointer<AVPacket>? = packet
                av_packet_free(&owned)
            }
            packets = []
        }
        do throws(FFmpegError) {
            done(.success(try ClipWriter.write(packets, parameters: parameters, timeBase: timeBase, to: path)))
        } catch {
            done(.failure(error))
        }
    }
}

/// Remuxes packets into an MP4 file without re-encoding.
enum ClipWriter {
    /// Writes `packets` (starting at a keyframe) to `path` through a temporary file renamed into place,
    /// so a crash never leaves a half-written clip under the final name.
    static func write(_ packets: [UnsafeMutablePointer<AVPacket>], parameters: UnsafePointer<AVCodecParameters>,
                      timeBase: AVRational, to path: String) throws(FFmpegError) -> ClipInfo {
        guard let first = packets.first, let last = packets.last else {
            throw FFmpegError(code: SW_AVERROR_EINVAL, function: "ClipWriter", detail: "writing \(path): no packets buffered")
        }
        let partial = path + ".part"
        var output: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&output, nil, "mp4", partial), "avformat_alloc_output_context2", "creating \(path)")
        defer {
            if let context = output {
                if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
                avformat_free_context(context)
            }
        }
        guard let context = output, let stream = avformat_new_stream(context, nil) else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "avformat_new_stream", detail: "creating \(path)")
        }
        try check(avcodec_parameters_copy(stream.pointee.codecpar, parameters), "avcodec_parameters_copy", "creating \(path)")
        // The input container's tag (e.g. AVI's FourCC) may not be valid in MP4; let the muxer choose.
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = timeBase
        try check(avio_open(&context.pointee.pb, partial, AVIO_FLAG_WRITE), "avio_open", "creating \(path)")
        try check(avformat_write_header(context, nil), "avformat_write_header", "writing \(path)")
        let origin = time(of: first)
        let scratch = try Packet()
        for packet in packets {
            try check(av_packet_ref(scratch.raw, packet), "av_packet_ref", "writing \(path)")
            scratch.raw.pointee.stream_index = 0
            // Every kept packet has a dts or a pts (see `append`); the muxer needs both.
            if scratch.raw.pointee.pts == SW_AV_NOPTS_VALUE { scratch.raw.pointee.pts = scratch.raw.pointee.dts }
            if scratch.raw.pointee.dts == SW_AV_NOPTS_VALUE { scratch.raw.pointee.dts = scratch.raw.pointee.pts }
            scratch.raw.pointee.pts -= origin
            scratch.raw.pointee.dts -= origin
            av_packet_rescale_ts(scratch.raw, timeBase, stream.pointee.time_base)
            scratch.raw.pointee.pos = -1
            try check(av_interleaved_write_frame(context, scratch.raw), "av_interleaved_write_frame", "writing \(path)")
        }
        try check(av_write_trailer(context), "av_write_trailer", "writing \(path)")
        avio_closep(&context.pointee.pb)
        if rename(partial, path) != 0 {
            throw FFmpegError(code: sw_averror(errno), function: "rename", detail: "moving \(partial) to \(path)")
        }
        let seconds = av_q2d(timeBase)
        return ClipInfo(path: path, packets: packets.count,
                        start: Double(time(of: first)) * seconds, end: Double(time(of: last)) * seconds)
    }
}
