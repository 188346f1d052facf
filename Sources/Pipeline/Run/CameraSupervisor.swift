public import Foundation
public import FrameIngest
public import Logging
import Synchronization

/// Keeps one live camera analysed until cancelled: its source reconnects by itself, and a worker that fails
/// (a store error, a rule that cannot be built) is logged, counted and restarted, so one bad camera never
/// stops the others.
///
/// Every wait (reconnect back-off, worker restart, status sampling) is on the injected clock, so tests drive
/// reconnects in process without sleeping (Hummingbird's `MemoryPersistDriver<C: Clock>` does the same).
public struct CameraSupervisor<C: Clock>: Sendable where C.Duration == Duration {
    /// The analysis worker (config, store, logger).
    public let worker: CameraWorker
    /// Where the camera's counters go.
    public let metrics: GroupMetrics
    /// Overflow policy, back-off and warm-up of the camera's source.
    public let settings: LiveSourceSettings
    /// The clock every wait is on.
    public let clock: C
    /// Shared by the group's supervisors: how many cameras may open at once; `nil` = no limit.
    public let openLimiter: OpenLimiter?
    /// Seconds between camera status samples written to the store (for uptime reports).
    public var sampleInterval: Double = 60
    /// Seconds raw status samples are kept; older ones are deleted once a day (and at each start of the camera's
    /// analysis). The daily uptime rollup, which the camera page and the yearly report read, is kept.
    public var sampleRetention: Double = 35 * 86_400
    /// Seconds to wait before restarting a failed worker.
    public var restartDelay: Double = 5
    /// The newest full-resolution picture, stored with each status sample for the camera page.
    private let latest = LatestPicture()

    /// Creates a supervisor for `worker.camera`.
    /// - Parameters:
    ///   - settings: default: the group's (``GroupConfig/liveSource``).
    ///   - openLimiter: shared by every supervisor of the group (``LiveSourceSettings/openConcurrency``).
    ///   - clock: what back-off, the start-up delay, restarts and sampling wait on.
    public init(worker: CameraWorker, metrics: GroupMetrics, settings: LiveSourceSettings? = nil,
                openLimiter: OpenLimiter? = nil, clock: C) {
        self.worker = worker
        self.metrics = metrics
        self.settings = settings ?? worker.group.liveSource
        self.openLimiter = openLimiter
        self.clock = clock
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let camera = worker.camera
        let options = worker.group.ingestOptions(for: camera)
        var base = WorkerSummary()
        while !Task.isCancelled {
            let source = ReconnectingSource(url: camera.url, options: options, policy: settings.policy,
                                            backoff: settings.backoff, warmUpFrames: settings.warmUpFrames,
                                            startup: settings.startup, openLimiter: openLimiter, clock: clock)
            let watcher = Task { await watch(source) }
            do {
                let summary = try await worker.analyse(
                    source.events(),
                    startClip: { try source.startClip(preRoll: $0, postRoll: $1, to: $2) },
                    progress: { [base] in metrics.record($0, base: base, camera: camera.id) },
                    picture: { [latest] in latest.set($0) },
                    evidenceStream: camera.evidenceURL,
                    decodeHold: source.decodeHold,
                    settlingOwedEvidence: true)
                base.add(summary)
            } catch where !Task.isCancelled {
                worker.logger.error("analysis failed, restarting in \(Int(restartDelay)) s: \(error)")
                metrics.recordWorkerRestart(camera: camera.id)
                try? await clock.sleep(for: .seconds(restartDelay))
            } catch {}
            watcher.cancel()
            await watcher.value
        }
    }

    /// Follows the source's status: metrics on every change, a stored sample every ``sampleInterval``, and a log
    /// line (password removed) when the camera goes offline or comes back.
    private func watch(_ source: ReconnectingSource<C>) async {
        let camera = worker.camera.id
        var lastSample: C.Instant?
        var lastState: SourceStatus.State?
        let ticker = Task {
            // The first sample soon after start, so the camera page has a picture within seconds, not a minute.
            var wait = min(5, sampleInterval)
            var lastPrune: C.Instant?
            while !Task.isCancelled {
                try? await clock.sleep(for: .seconds(wait))
                await storeSample(camera: camera)
                if lastPrune.map({ $0.duration(to: clock.now) >= .seconds(86_400) }) ?? true {
                    lastPrune = clock.now
                    await pruneSamples(camera: camera)
                }
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
            if lastSample.map({ $0.duration(to: clock.now) >= .seconds(sampleInterval) }) ?? true {
                lastSample = clock.now
                await storeSample(camera: camera)
            }
        }
    }

    private func pruneSamples(camera: String) async {
        do {
            let deleted = try await worker.store.pruneStatusSamples(camera: camera,
                                                                    before: Date().addingTimeInterval(-sampleRetention))
            if deleted > 0 { worker.logger.info("status samples older than the retention deleted", metadata: ["count": "\(deleted)"]) }
        } catch where !Task.isCancelled {
            worker.logger.error("status samples not pruned: \(error)")
        } catch {}
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

extension CameraSupervisor where C == ContinuousClock {
    /// A supervisor that waits on the system's continuous clock.
    public init(worker: CameraWorker, metrics: GroupMetrics, settings: LiveSourceSettings? = nil,
                openLimiter: OpenLimiter? = nil) {
        self.init(worker: worker, metrics: metrics, settings: settings, openLimiter: openLimiter, clock: ContinuousClock())
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
