public import Foundation
public import FrameIngest
public import Logging
import Synchronization

/// Keeps one live camera analysed until cancelled: its source reconnects by itself, and a worker that fails
/// (a store error, a rule that cannot be built) is logged, counted and restarted, so one bad camera never
/// stops the others.
public struct CameraSupervisor: Sendable {
    /// The analysis worker (config, store, logger).
    public let worker: CameraWorker
    /// Where the camera's counters go.
    public let metrics: GroupMetrics
    /// Seconds between camera status samples written to the store (for uptime reports).
    public var sampleInterval: Double = 60
    /// Seconds to wait before restarting a failed worker.
    public var restartDelay: Double = 5
    /// The newest full-resolution picture, stored with each status sample for the camera page.
    private let latest = LatestPicture()

    /// Creates a supervisor for `worker.camera`.
    public init(worker: CameraWorker, metrics: GroupMetrics) {
        self.worker = worker
        self.metrics = metrics
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let camera = worker.camera
        let options = worker.group.ingestOptions(for: camera)
        var base = WorkerSummary()
        while !Task.isCancelled {
            let source = ReconnectingSource(url: camera.url, options: options, policy: .dropOldest)
            let watcher = Task { await watch(source) }
            do {
                let summary = try await worker.analyse(
                    source.events(),
                    startClip: { try source.startClip(preRoll: $0, postRoll: $1, to: $2) },
                    progress: { [base] in metrics.record($0, base: base, camera: camera.id) },
                    picture: { [latest] in latest.set($0) })
                base.add(summary)
            } catch where !Task.isCancelled {
                worker.logger.error("analysis failed, restarting in \(Int(restartDelay)) s: \(error)")
                metrics.recordWorkerRestart(camera: camera.id)
                try? await Task.sleep(for: .seconds(restartDelay))
            } catch {}
            watcher.cancel()
            await watcher.value
        }
    }

    /// Follows the source's status: metrics on every change, a stored sample every ``sampleInterval``, and a log
    /// line (password removed) when the camera goes offline or comes back.
    private func watch<C: Clock>(_ source: ReconnectingSource<C>) async {
        let camera = worker.camera.id
        var lastSample = Date.distantPast
        var lastState: SourceStatus.State?
        let ticker = Task {
            // The first sample soon after start, so the camera page has a picture within seconds, not a minute.
            var wait = min(5, sampleInterval)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(wait))
                await storeSample(camera: camera)
                wait = sampleInterval
            }
        }
        defer { ticker.cancel() }
        for await status in source.statuses {
            metrics.record(status, camera: camera)
            if status.state != lastState {
                switch status.state {
                case .offline, .stalled:
                    worker.logger.warning("camera \(status.state.rawValue)", metadata: [
                        "reason": "\(redactingCredentials(in: status.reason ?? "-"))",
                        "failures": "\(status.consecutiveFailures)"])
                case .online:
                    worker.logger.info("camera online", metadata: ["reconnects": "\(status.reconnects)"])
                case .connecting, .finished:
                    break
                }
                lastState = status.state
            }
            if Date().timeIntervalSince(lastSample) >= sampleInterval {
                lastSample = Date()
                await storeSample(camera: camera)
            }
        }
    }

    private func storeSample(camera: String) async {
        guard let snapshot = metrics.snapshot(camera: camera) else { return }
        let state: CameraStatusSample.State = switch snapshot.state {
        case .online: .online
        case .connecting: .connecting
        case .offline, .stalled, .finished: .offline
        }
        do {
            try await worker.store.record(CameraStatusSample(camera: camera, at: Date(), state: state,
                                                             fpsAnalysed: snapshot.fps, drops: snapshot.drops,
                                                             configuredFPS: snapshot.configuredFPS))
            // Taken once: an offline camera keeps showing its last picture, with that picture's time.
            if let picture = latest.take() {
                try await worker.store.recordPicture(try picture.frame.jpeg(), camera: camera, at: picture.capturedAt)
            }
        } catch where !Task.isCancelled {
            worker.logger.error("status sample not stored: \(error)")
        } catch {}
    }
}

extension WorkerSummary {
    /// Adds another run's totals to these.
    mutating func add(_ other: WorkerSummary) {
        frames += other.frames
        discontinuities += other.discontinuities
        findings.merge(other.findings, uniquingKeysWith: +)
        draftsCreated += other.draftsCreated
        caseEvents += other.caseEvents
        evidenceAttached += other.evidenceAttached
        evidenceFailures += other.evidenceFailures
        lastPTS = other.lastPTS
        lastCapturedAt = other.lastCapturedAt ?? lastCapturedAt
    }
}

/// The newest picture of one camera, handed from the analysis loop to the status sampler.
final class LatestPicture: Sendable {
    private let picture = Mutex<(frame: FullFrame, at: Date)?>(nil)

    /// Keeps `frame` (taken now) instead of the one before.
    func set(_ frame: FullFrame) {
        picture.withLock { $0 = (frame, Date()) }
    }

    /// The picture kept since the last call, if any.
    func take() -> (frame: FullFrame, capturedAt: Date)? {
        picture.withLock { value in
            defer { value = nil }
            return value.map { ($0.frame, $0.at) }
        }
    }
}
