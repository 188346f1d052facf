internal import CFFmpeg

/// What `streetwatch probe` reports about an input.
public struct ProbeReport: Sendable, Codable, Equatable {
    /// The URL with its password removed.
    public var url: String
    /// Stream facts.
    public var stream: StreamInfo
    /// Seconds spent opening and probing the input.
    public var openSeconds: Double
    /// Mean seconds between keyframes over the packets sampled; `nil` when fewer than two keyframes came.
    public var keyframeIntervalSeconds: Double?
    /// Mean packets between keyframes over the packets sampled.
    public var keyframeIntervalFrames: Double?
    /// Keyframes seen while sampling.
    public var keyframesSeen: Int
    /// Packets sampled.
    public var packetsSampled: Int
}

/// Opens `url`, reads its stream facts and samples packets to measure the keyframe interval.
/// - Parameters:
///   - url: a file path or camera URL.
///   - options: timeouts and transport (analysis settings are ignored).
///   - sampleSeconds: stream seconds of packets to sample; sampling also stops after three keyframes (two intervals).
/// - Throws: ``FFmpegError`` naming the URL (without its password) when the input cannot be opened.
public func probe(url: String, options: IngestOptions = IngestOptions(), sampleSeconds: Double = 12) throws(FFmpegError) -> ProbeReport {
    FFmpegLog.installDefault()
    let started = av_gettime_relative()
    let demuxer = try Demuxer(url: url, options: options, interrupt: Interrupt())
    let openSeconds = Double(av_gettime_relative() - started) / 1_000_000
    let timeBase = av_q2d(demuxer.stream.pointee.time_base)
    let packet = try Packet()
    var keyframes: [(time: Double, index: Int)] = []
    var sampled = 0
    var firstTime: Double?
    while keyframes.count < 3 {
        guard try demuxer.read(into: packet) == .packet else { break }
        let ticks = packet.raw.pointee.pts != SW_AV_NOPTS_VALUE ? packet.raw.pointee.pts : packet.raw.pointee.dts
        // RTSP hands out the first packets before the RTCP sender report that dates them.
        guard ticks != SW_AV_NOPTS_VALUE else { continue }
        let time = Double(ticks) * timeBase
        if firstTime == nil { firstTime = time }
        if packet.isKeyframe { keyframes.append((time, sampled)) }
        sampled += 1
        if time - firstTime! > sampleSeconds { break } // set on first packet
    }
    var seconds: Double?
    var frames: Double?
    if let first = keyframes.first, let last = keyframes.last, keyframes.count >= 2 {
        let gaps = Double(keyframes.count - 1)
        seconds = (last.time - first.time) / gaps
        frames = Double(last.index - first.index) / gaps
    }
    return ProbeReport(url: demuxer.displayURL, stream: demuxer.info, openSeconds: openSeconds,
                       keyframeIntervalSeconds: seconds, keyframeIntervalFrames: frames,
                       keyframesSeen: keyframes.count, packetsSampled: sampled)
}
