import Foundation
import FrameIngest
import Pipeline

/// Loads a camera-group config; problems become a ``CommandFailure`` listing each one at file:line:col.
func loadGroup(_ path: String) throws -> GroupConfig {
    do {
        return try GroupConfig.load(file: path)
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// Analyses one recording through `worker` as fast as the CPU allows, with a progress bar on the terminal;
/// `origin` is the wall-clock time of the recording's start. Used by `scan` and `evaluate`.
func scanRecording(_ path: String, worker: CameraWorker, origin: Date, progressTotal: Double?,
                   showProgress: Bool) async throws -> WorkerSummary {
    let source = ReconnectingSource(url: path, options: worker.group.ingestOptions(for: worker.camera,
                                                                                   startTime: origin.timeIntervalSince1970),
                                    policy: .block)
    let bar = ProgressBar(label: URL(fileURLWithPath: path).lastPathComponent, total: progressTotal, enabled: showProgress)
    defer { bar.finish() }
    do {
        return try await worker.analyse(source.events(), origin: origin,
                                        startClip: { try source.startClip(preRoll: $0, postRoll: $1, to: $2) },
                                        progress: { bar.update($0.lastPTS) }, decodeHold: source.decodeHold)
    } catch {
        throw CommandFailure("scanning \(path) failed: \(error)")
    }
}
