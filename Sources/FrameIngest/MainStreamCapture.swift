import Foundation

/// Evidence taken from a camera's main stream, opened for it alone: its first full-resolution picture and a clip
/// copied from its packets (no re-encoding).
public struct MainStreamCapture: Sendable {
    /// The first picture decoded after opening, at the stream's own resolution.
    public let picture: FullFrame
    /// The clip written, starting at the first keyframe.
    public let clip: ClipInfo
    /// What the stream carries.
    public let stream: StreamInfo
}

/// Opens `url` (a camera's main stream), keeps its first picture, records `clipSeconds` of it to `clipPath` and
/// closes it again. The main stream is never decoded longer than that: evidence needs its resolution, the rules
/// do not.
///
/// Runs on a thread of its own like every source; cancelling the task reaches the blocking FFmpeg call.
/// - Parameters:
///   - url: the main stream (credentials are never shown in errors).
///   - options: transport and timeouts; analysis size and rate do not matter here.
///   - clipSeconds: length of the clip from its first keyframe.
///   - clipPath: where the MP4 goes (through a temporary file renamed into place).
/// - Throws: ``FFmpegError`` when the stream cannot be opened, ends or stalls before the picture and the clip are
///   complete, or the clip cannot be written; `CancellationError` when cancelled.
public func captureMainStream(url: String, options: IngestOptions, clipSeconds: Double,
                              clipPath: String) async throws -> MainStreamCapture {
    var options = options
    options.keepFullFrames = true
    // A small plane and every picture: the analysis frames are only the carrier of the full-resolution ones.
    options.analysisWidth = 64
    options.analysisFPS = nil
    options.keyframesOnly = false
    options.clipBufferSeconds = clipSeconds + 2
    // The channel blocks the reader rather than dropping: nothing here may be lost, and this consumer drains it.
    let connection = Connection(url: url, options: options, policy: .block, name: "evidence")
    let stopper = Stopper(connection)
    defer { withExtendedLifetime(stopper) {} }
    var stream: StreamInfo?
    var picture: FullFrame?
    var promise: ClipPromise?
    while let message = try await stopper.connection.next() {
        switch message {
        case .opened(let info):
            stream = info
        case .event(.frame(_, let full?)):
            guard picture == nil else { continue }
            picture = full
            // From the first keyframe the ring holds (the stream was opened a moment ago) to `clipSeconds` on.
            promise = connection.startClip(preRoll: clipSeconds + 2, postRoll: clipSeconds, to: clipPath)
        case .event:
            continue
        }
        guard let promise else { continue }
        // The clip is written by the reading thread when its last packet arrives; keep draining until then.
        let drain = Task { [stopper] in
            while let _ = try await stopper.connection.next() {}
        }
        defer { drain.cancel() }
        // A cancel stops the reading thread, which then settles the promise at once.
        let result: Result<ClipInfo, FFmpegError> = await withTaskCancellationHandler {
            do throws(FFmpegError) { return .success(try await promise.value()) } catch { return .failure(error) }
        } onCancel: {
            connection.cancel()
        }
        try Task.checkCancellation()
        let clip = try result.get()
        guard let picture, let stream else { break }
        return MainStreamCapture(picture: picture, clip: clip, stream: stream)
    }
    throw FFmpegError(code: FFmpegError.endOfFileCode, function: "captureMainStream",
                      detail: "\(redactingCredentials(in: url)) ended before its evidence was complete")
}
