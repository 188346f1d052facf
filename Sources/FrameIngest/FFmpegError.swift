internal import CFFmpeg

/// An error reported by an FFmpeg call, or by the ingest code around one.
///
/// The message reads like FFmpeg's own, plus what was being done and where:
/// `avformat_open_input failed: Connection refused (-111) while opening rtsp://cam3/main [FrameIngest/Demuxer.swift:41]`.
/// URLs in `detail` never carry passwords (see ``redactingCredentials(in:)``).
public struct FFmpegError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The negative `AVERROR` code.
    public let code: Int32
    /// The C function (or ingest step) that failed, e.g. `avformat_open_input`.
    public let function: String
    /// What was being done, e.g. `opening rtsp://cam3/main`.
    public let detail: String?
    /// `#fileID:#line` of the Swift wrapper that reported it.
    public let location: String

    /// Creates an error; `location` defaults to the caller's file and line.
    public init(code: Int32, function: String, detail: String? = nil,
                fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.function = function
        self.detail = detail
        self.location = "\(fileID):\(line)"
    }

    /// FFmpeg's text for `code` (`av_strerror`).
    public var message: String {
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE) + 1)
        if av_strerror(code, &buffer, buffer.count) != 0 {
            return "error \(code)"
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } // non-empty buffer
    }

    public var description: String {
        var text = "\(function) failed: \(message) (\(code))"
        if let detail { text += " while \(detail)" }
        return text + " [\(location)]"
    }

    /// The stream ended (`AVERROR_EOF`).
    public var isEndOfStream: Bool { code == SW_AVERROR_EOF }
    /// The call was interrupted because its consumer went away (`AVERROR_EXIT`).
    public var isCancellation: Bool { code == SW_AVERROR_EXIT }
    /// No data arrived before a deadline (`ETIMEDOUT`); ingest reports stalls this way.
    public var isTimeout: Bool { code == SW_AVERROR_ETIMEDOUT }

    /// `AVERROR(ETIMEDOUT)`.
    public static var timedOutCode: Int32 { SW_AVERROR_ETIMEDOUT }
    /// `AVERROR(EINVAL)`.
    public static var invalidArgumentCode: Int32 { SW_AVERROR_EINVAL }
    /// `AVERROR_EXIT`.
    public static var exitCode: Int32 { SW_AVERROR_EXIT }
    /// `AVERROR_EOF`.
    public static var endOfFileCode: Int32 { SW_AVERROR_EOF }
}

/// Throws an ``FFmpegError`` when an FFmpeg call returned a negative code; returns the code otherwise.
@discardableResult
func check(_ result: Int32, _ function: String, _ detail: @autoclosure () -> String? = nil,
           fileID: String = #fileID, line: Int = #line) throws(FFmpegError) -> Int32 {
    if result < 0 {
        throw FFmpegError(code: result, function: function, detail: detail(), fileID: fileID, line: line)
    }
    return result
}
