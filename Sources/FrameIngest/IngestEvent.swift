public import Detector

/// What a source hands downstream, in stream order.
public enum IngestEvent: Sendable {
    /// An analysis frame, with the full-resolution picture when ``IngestOptions/keepFullFrames`` is on.
    case frame(VideoFrame, FullFrame?)
    /// Frames before and after this point do not follow each other (reconnect, corrupt data, a time jump):
    /// rules should reset their models. Carries the cause.
    case discontinuity(FFmpegError)

    /// The analysis frame, if this is one.
    public var frame: VideoFrame? {
        if case .frame(let frame, _) = self { return frame }
        return nil
    }
}

/// Running totals of one reader.
public struct ReaderCounters: Sendable, Equatable, Codable {
    /// Video packets read from the input.
    public var packetsRead = 0
    /// Non-key packets dropped before decoding in keyframe-only mode.
    public var packetsSkipped = 0
    /// Pictures the decoder produced.
    public var framesDecoded = 0
    /// Decoded pictures not handed out because of the analysis rate.
    public var framesSkippedForRate = 0
    /// Analysis frames handed out.
    public var framesDelivered = 0
    /// Packets or pictures the decoder rejected as corrupt.
    public var decodeErrors = 0
    /// Adaptive decoding: switches between keyframes only and every frame, both ways.
    public var decodeSwitches = 0
    /// Adaptive decoding: whether every frame is decoded now (`false`: keyframes only).
    public var decodingEveryFrame = true

    /// All zero.
    public init() {}
}
