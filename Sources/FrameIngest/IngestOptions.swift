import Synchronization

/// How a source is opened and turned into analysis frames.
///
/// Every live protocol gets a socket timeout and every blocking call a deadline, because FFmpeg waits
/// forever on a server that accepts and never answers (see FFMPEG-NOTES.md).
public struct IngestOptions: Sendable, Equatable {
    /// RTSP lower transport.
    public enum Transport: String, Sendable, Codable, CaseIterable {
        /// Interleaved in the RTSP TCP connection: survives NAT and loss; the default for analysis.
        case tcp
        /// RTP over UDP: lower latency, loses packets on busy links.
        case udp
    }

    /// Width of the gray analysis plane in pixels; the height follows the source aspect, rounded to even.
    /// Default 320.
    public var analysisWidth: Int = 320
    /// Analysis frames per second, taken by skipping decoded frames; `nil` hands out every frame. Default 5.
    public var analysisFPS: Double? = 5
    /// Decode keyframes only (non-key packets are dropped before the decoder). Default `false`.
    public var keyframesOnly: Bool = false
    /// Decode keyframes only while the picture stays still and every frame once it changes; `nil` (the default)
    /// decodes as ``keyframesOnly`` says. Ignored when ``keyframesOnly`` is set.
    public var adaptive: AdaptiveDecode? = nil
    /// RTSP transport. Default `.tcp`.
    public var transport: Transport = .tcp
    /// Seconds allowed for connecting and probing the stream. Default 10.
    public var openTimeout: Double = 10
    /// Seconds without a packet after which a live source counts as stalled. Default 5.
    public var stallTimeout: Double = 5
    /// Decoder threads; 1 keeps one camera on one core. Default 1.
    public var decoderThreads: Int = 1
    /// Seconds of compressed packets kept for evidence clips (pre-roll), counted back from the newest
    /// packet and extended to the previous keyframe. 0 keeps none. Default 0.
    public var clipBufferSeconds: Double = 0
    /// Most bytes of packets the clip buffer holds. A stream whose keyframes are further apart than that (or
    /// never come) loses its buffer and starts again at the next keyframe, instead of growing without bound.
    /// Default 32 MiB (a minute of a 4 Mbit/s main stream).
    public var clipBufferMaxBytes: Int = 32 << 20
    /// Keep a reference to the full-resolution picture of each analysis frame for evidence snapshots.
    /// Default `false`.
    public var keepFullFrames: Bool = false
    /// Wall-clock time (seconds since 1970 UTC) of stream time 0 for recordings; live sources use the
    /// time the first frame arrived. Sets ``VideoFrame/capturedAt``. Default `nil`.
    public var startTime: Double? = nil
    /// Extra demuxer/protocol options (`-rtsp_flags prefer_tcp` → `["rtsp_flags": "prefer_tcp"]`).
    /// Options FFmpeg does not recognise fail the open instead of being silently ignored.
    public var formatOptions: [String: String] = [:]

    /// Creates options; every parameter has the default documented on its property.
    public init(analysisWidth: Int = 320, analysisFPS: Double? = 5, keyframesOnly: Bool = false,
                adaptive: AdaptiveDecode? = nil, transport: Transport = .tcp, openTimeout: Double = 10, stallTimeout: Double = 5,
                decoderThreads: Int = 1, clipBufferSeconds: Double = 0, clipBufferMaxBytes: Int = 32 << 20,
                keepFullFrames: Bool = false,
                startTime: Double? = nil, formatOptions: [String: String] = [:]) {
        self.analysisWidth = analysisWidth
        self.analysisFPS = analysisFPS
        self.keyframesOnly = keyframesOnly
        self.adaptive = adaptive
        self.transport = transport
        self.openTimeout = openTimeout
        self.stallTimeout = stallTimeout
        self.decoderThreads = decoderThreads
        self.clipBufferSeconds = clipBufferSeconds
        self.clipBufferMaxBytes = clipBufferMaxBytes
        self.keepFullFrames = keepFullFrames
        self.startTime = startTime
        self.formatOptions = formatOptions
    }
}

/// What kind of input a URL names; decides which timeouts apply and whether end of stream is normal.
enum InputKind: Equatable {
    case file, rtsp, http, udp, other

    init(url: String) {
        let lower = url.lowercased()
        if lower.hasPrefix("rtsp://") || lower.hasPrefix("rtsps://") { self = .rtsp }
        else if lower.hasPrefix("http://") || lower.hasPrefix("https://") { self = .http }
        else if lower.hasPrefix("udp://") || lower.hasPrefix("rtp://") { self = .udp }
        else if lower.hasPrefix("file:") || !lower.contains("://") { self = .file }
        else { self = .other }
    }

    /// Live inputs never end on their own: an end of stream there is a failure to reconnect from.
    var isLive: Bool { self != .file }
}

/// Adaptive decoding: only keyframes while the scene is still (also from the start), every frame (at the analysis
/// rate) as soon as it changes, back to keyframes after a quiet period.
///
/// The signal is the ingest's own: the share of the analysis plane that changed between two analysis frames
/// (between keyframes while still), plus a hold the consumer can put on (``DecodeHold``, e.g. while a case is
/// open). Switching to every frame happens right after a decoded keyframe, so the frames that follow decode
/// from it; nothing waits for the next keyframe.
public struct AdaptiveDecode: Sendable, Equatable {
    /// Seconds without change (and without a hold) after which only keyframes are decoded again. Default 10.
    public var quietSeconds: Double = 10
    /// A pixel counts as changed when its gray level moved by more than this. Default 24.
    public var pixelThreshold: Int = 24
    /// The picture counts as changed when more than this share of its pixels changed. Default 0.002 (0.2 %).
    public var changedShare: Double = 0.002

    /// Creates settings; every parameter has the default documented on its property.
    public init(quietSeconds: Double = 10, pixelThreshold: Int = 24, changedShare: Double = 0.002) {
        self.quietSeconds = quietSeconds
        self.pixelThreshold = pixelThreshold
        self.changedShare = changedShare
    }
}

/// Keeps an adaptive source decoding every frame while it is on, e.g. while the consumer has a case open; shared
/// between the consumer and the reading thread.
public final class DecodeHold: Sendable {
    private let on = Atomic(false)

    /// Off.
    public init() {}

    /// Whether every frame must be decoded now.
    public var isOn: Bool { on.load(ordering: .relaxed) }

    /// Puts the hold on or takes it off; the reader reads it at its next analysis frame.
    public func set(_ value: Bool) { on.store(value, ordering: .relaxed) }
}
