/// The size of the 8-bit gray analysis plane every rule receives.
public struct FrameFormat: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels (the analysis width, e.g. 320).
    public var width: Int
    /// Height in pixels (follows the source aspect ratio).
    public var height: Int

    /// A gray 8-bit plane of `width` × `height` pixels.
    public static func gray(_ width: Int, _ height: Int) -> FrameFormat {
        FrameFormat(width: width, height: height)
    }

    /// Creates a format; both sides must be positive.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "frame format \(width)x\(height) must be positive")
        self.width = width
        self.height = height
    }

    public var description: String { "gray8 \(width)x\(height)" }
}

/// A small downscaled gray frame: the value that crosses from ingest to detection.
///
/// Rows are packed (stride == width). Time is the stream's own presentation time in seconds, so rules
/// stay deterministic: replaying a file gives the same findings as watching it live.
public struct VideoFrame: Sendable {
    /// Plane size.
    public let format: FrameFormat
    /// Luma samples, row-major, `format.width * format.height` bytes.
    public var pixels: [UInt8]
    /// Presentation time in seconds of stream time (the first frame of a file is near 0).
    public let pts: Double
    /// Capture time as seconds since 1970-01-01 UTC when the source knows it (live cameras, or a scan
    /// given a start time); used by time-of-day schedules. `nil` means schedules treat the frame as
    /// inside every window.
    public let capturedAt: Double?

    /// Wraps an existing plane.
    /// - Parameters:
    ///   - format: plane size; `pixels.count` must equal `width * height`.
    ///   - pixels: packed luma samples.
    ///   - pts: presentation time in seconds.
    ///   - capturedAt: wall-clock capture time in seconds since 1970 UTC, if known.
    public init(format: FrameFormat, pixels: [UInt8], pts: Double, capturedAt: Double? = nil) {
        precondition(pixels.count == format.width * format.height,
                     "pixel count \(pixels.count) does not match \(format)")
        self.format = format
        self.pixels = pixels
        self.pts = pts
        self.capturedAt = capturedAt
    }

    /// Width in pixels.
    public var width: Int { format.width }
    /// Height in pixels.
    public var height: Int { format.height }

    /// The luma value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 {
        pixels[y * format.width + x]
    }
}
