public import FrameIngest
public import Foundation
import Synchronization

/// Live counters of a running camera group, rendered in the Prometheus text format for `/metrics`.
///
/// Written from each camera's worker and status stream, read by the HTTP handler; one lock guards all.
public final class GroupMetrics: Sendable {
    struct Camera {
        var framesAnalysed = 0
        var framesDropped = 0
        var reconnects = 0
        var stalls = 0
        var decodeSwitches = 0
        var decodingEveryFrame = true
        var online = false
        var state = SourceStatus.State.connecting
        var stallSeconds = 0.0
        var offlineSince: Date?
        var workerRestarts = 0
        var draftsCreated = 0
        var findings: [String: Int] = [:]
        var configuredFPS: Double
        /// (time, frames analysed) at the last rate sample, for the analysed-fps gauge.
        var rateMark: (Date, Int)?
        var fps = 0.0
        /// Capture time (seconds since 1970) of the latest analysed frame of a live camera.
        var lastCapturedAt: Double?
    }

    /// The group id, a label on every series.
    public let group: String
    private let cameras: Mutex<[String: Camera]>
    private let order: [String]

    /// - Parameters:
    ///   - group: group id.
    ///   - cameras: camera ids with their configured analysis rate.
    public init(group: String, cameras: [(id: String, configuredFPS: Double)]) {
        self.group = group
        order = cameras.map(\.id)
        self.cameras = Mutex(Dictionary(uniqueKeysWithValues: cameras.map { ($0.id, Camera(configuredFPS: $0.configuredFPS)) }))
    }

    /// Takes a source status (state, drops, reconnects) of `camera`.
    public func record(_ status: SourceStatus, camera: String, at now: Date = Date()) {
        cameras.withLock { all in
            guard var entry = all[camera] else { return }
            let wasDown = entry.offlineSince
            entry.online = status.state == .online
            entry.state = status.state
            entry.framesDropped = status.framesDropped
            entry.reconnects = status.reconnects
            entry.stalls = status.stalls
            entry.decodeSwitches = status.decodeSwitches
            entry.decodingEveryFrame = status.decodingEveryFrame
            if entry.online, let since = wasDown {
                entry.stallSeconds += now.timeIntervalSince(since)
                entry.offlineSince = nil
            } else if !entry.online && wasDown == nil && status.state != .connecting {
                entry.offlineSince = now
            }
            all[camera] = entry
        }
    }

    /// Takes a worker's running totals for `camera` (`base` = totals of the camera's earlier worker runs).
    public func record(_ summary: WorkerSummary, base: WorkerSummary, camera: String, at now: Date = Date()) {
        cameras.withLock { all in
            guard var entry = all[camera] else { return }
            entry.framesAnalysed = base.frames + summary.frames
            entry.draftsCreated = base.draftsCreated + summary.draftsCreated
            entry.findings = base.findings.merging(summary.findings, uniquingKeysWith: +)
            entry.lastCapturedAt = summary.lastCapturedAt ?? entry.lastCapturedAt
            if let (time, frames) = entry.rateMark {
                let elapsed = now.timeIntervalSince(time)
                if elapsed >= 5 {
                    entry.fps = Double(entry.framesAnalysed - frames) / elapsed
                    entry.rateMark = (now, entry.framesAnalysed)
                }
            } else {
                entry.rateMark = (now, entry.framesAnalysed)
            }
            all[camera] = entry
        }
    }

    /// Counts a worker that failed and is being restarted.
    public func recordWorkerRestart(camera: String) {
        cameras.withLock { $0[camera]?.workerRestarts += 1 }
    }

    /// A camera's state and analysed rate, for `/health` and status samples.
    public func snapshot(camera: String) -> (state: SourceStatus.State, fps: Double, drops: Int, configuredFPS: Double)? {
        cameras.withLock { all in all[camera].map { ($0.state, $0.fps, $0.framesDropped, $0.configuredFPS) } }
    }

    /// Cameras by state, for `/health`.
    public func states() -> [(camera: String, state: SourceStatus.State)] {
        cameras.withLock { all in order.compactMap { id in all[id].map { (id, $0.state) } } }
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func render(at now: Date = Date()) -> String {
        let snapshot = cameras.withLock { $0 }
        var out = ""
        /// One metric family; cameras for which `value` is `nil` get no series.
        func family(_ name: String, _ type: String, _ help: String, _ value: (Camera) -> Double?) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for id in order {
                guard let camera = snapshot[id], let number = value(camera) else { continue }
                out += "\(name){group=\"\(escape(group))\",camera=\"\(escape(id))\"} \(format(number))\n"
            }
        }
        family("streetwatch_camera_online", "gauge", "1 while frames flow from the camera, else 0.") { $0.online ? 1 : 0 }
        family("streetwatch_camera_analysed_fps", "gauge", "Analysis frames per second over the last interval.") { $0.fps }
        family("streetwatch_camera_configured_fps", "gauge", "Configured analysis frames per second.") { $0.configuredFPS }
        family("streetwatch_camera_lag_seconds", "gauge",
               "Wall clock minus the capture time of the latest analysed frame: how far analysis runs behind a live camera.") { camera in
            camera.lastCapturedAt.map { max(0, now.timeIntervalSince1970 - $0) }
        }
        family("streetwatch_camera_frames_analysed_total", "counter", "Analysis frames the rules saw.") { Double($0.framesAnalysed) }
        family("streetwatch_camera_frames_dropped_total", "counter", "Frames dropped because analysis fell behind.") { Double($0.framesDropped) }
        family("streetwatch_camera_reconnects_total", "counter", "Successful reconnects after an outage.") { Double($0.reconnects) }
        family("streetwatch_camera_stalls_total", "counter", "Stalls (no packet within the stall timeout).") { Double($0.stalls) }
        family("streetwatch_camera_decode_switches_total", "counter",
               "Adaptive decoding: switches between keyframes only and every frame, both ways.") { Double($0.decodeSwitches) }
        family("streetwatch_camera_decoding_every_frame", "gauge",
               "1 while every frame is decoded, 0 while only keyframes are (keyframes-only or still adaptive cameras).") {
            $0.decodingEveryFrame ? 1 : 0
        }
        family("streetwatch_camera_offline_seconds_total", "counter", "Seconds spent stalled or offline.") { camera in
            camera.stallSeconds + (camera.offlineSince.map { now.timeIntervalSince($0) } ?? 0)
        }
        family("streetwatch_camera_worker_restarts_total", "counter", "Analysis workers restarted after a failure.") { Double($0.workerRestarts) }
        family("streetwatch_drafts_created_total", "counter", "Draft cases created.") { Double($0.draftsCreated) }
        out += "# HELP streetwatch_rule_findings_total Findings reported by each rule (all phases).\n"
        out += "# TYPE streetwatch_rule_findings_total counter\n"
        for id in order {
            guard let camera = snapshot[id] else { continue }
            for (rule, count) in camera.findings.sorted(by: { $0.key < $1.key }) {
                out += "streetwatch_rule_findings_total{group=\"\(escape(group))\",camera=\"\(escape(id))\",rule=\"\(escape(rule))\"} \(count)\n"
            }
        }
        return out
    }

    private func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
