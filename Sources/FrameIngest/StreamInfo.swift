/// Facts about the video stream an input carries, as FFmpeg reports them after probing.
public struct StreamInfo: Sendable, Equatable, Codable {
    /// Container or protocol demuxer, e.g. `rtsp`, `mov,mp4,m4a,3gp,3g2,mj2`.
    public var container: String
    /// Codec short name, e.g. `h264`, `mpeg4`.
    public var codec: String
    /// Coded width in pixels.
    public var width: Int
    /// Coded height in pixels.
    public var height: Int
    /// Frames per second from the stream's average (or real base) rate; `nil` when unknown.
    public var fps: Double?
    /// Stream duration in seconds when the container knows it (files); `nil` for live streams.
    public var duration: Double?
    /// Bit rate in bits per second when known.
    public var bitRate: Int?
    /// The container's `creation_time` tag (when the recording started, as the recorder wrote it), if any.
    public var creationTime: String? = nil
}
