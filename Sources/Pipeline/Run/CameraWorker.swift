public import Detector
public import Foundation
public import FrameIngest
public import Logging

/// What one camera's analysis did, for `scan --json`, logs and metrics.
public struct WorkerSummary: Sendable, Hashable, Codable {
    /// Analysis frames the rules saw.
    public var frames = 0
    /// In-band discontinuities (reconnects, corrupt data) that reset the rules.
    public var discontinuities = 0
    /// Findings per rule id (all phases).
    public var findings: [String: Int] = [:]
    /// Draft cases this run created (a re-scan of the same recording creates none).
    public var draftsCreated = 0
    /// Case events written (opened, updated, closed).
    public var caseEvents = 0
    /// Evidence files attached.
    public var evidenceAttached = 0
    /// Evidence that could not be made (the case is kept; the reason is logged).
    public var evidenceFailures = 0
    /// Stream time of the last frame, seconds.
    public var lastPTS: Double = 0
    /// Wall-clock capture time of the last frame (seconds since 1970), when the source dates its frames
    /// (live cameras, recordings with a start time).
    public var lastCapturedAt: Double?

    /// Nothing yet.
    public init() {}
}

/// One camera's analysis: events in, rules, incident tracking, draft cases and evidence out.
///
/// The same code runs for live cameras (`run`) and recordings (`scan`); only the source differs.
public struct CameraWorker: Sendable {
    /// The group the camera belongs to (defaults for dedup and evidence).
    public let group: GroupConfig
    /// The camera analysed.
    public let camera: CameraConfig
    /// Where cases and evidence go.
    public let store: any CaseWriting
    /// Where problems are reported; the camera id is in its metadata.
    public let logger: Logger

    /// Seconds between the newest full-resolution pictures kept for "before" snapshots, and how far back they
    /// reach: past the longest dwell a vending rule waits (DOMAIN.md: 3–5 minutes) with room to spare.
    static let beforeSpacing: Double = 5
    static let beforeHorizon: Double = 900

    /// Creates a worker for `camera` of `group`.
    public init(group: GroupConfig, camera: CameraConfig, store: any CaseWriting, logger: Logger) {
        self.group = group
        self.camera = camera
        self.store = store
        var logger = logger
        logger[metadataKey: "camera"] = "\(camera.id)"
        self.logger = logger
    }

    /// Analyses `events` until they end.
    /// - Parameters:
    ///   - events: frames and discontinuities from a source.
    ///   - origin: wall-clock time of stream time 0; `nil` takes it from the first frame's capture time
    ///     (live), or the time analysis started.
    ///   - startClip: asks the source for an MP4 clip (`ReconnectingSource.startClip`); `nil` = no clips.
    ///   - progress: called after each frame with its stream time (progress bars, metrics).
    ///   - picture: called with each full-resolution picture analysed (the camera page's latest picture).
    ///   - evidenceStream: the camera's main stream (``CameraConfig/evidenceURL``), opened when a draft is created
    ///     for a full-resolution after picture and clip that replace the analysed stream's; `nil` = none. Live
    ///     cameras only: a recording's main stream is not there to open.
    ///   - decodeHold: put on while the camera has an open case, so an adaptive source decodes every frame then.
    ///   - settlingOwedEvidence: first deal with evidence an earlier process owed this camera's cases: film again
    ///     the clip of an incident still open, mark the rest missing. Only the camera's live worker may (`run`
    ///     is the one process that films the camera); a `scan` beside it would take its clips for its own.
    /// - Throws: source errors (a file that cannot be read), store errors; cancellation ends quietly.
    public func analyse<Events: AsyncSequence<IngestEvent, any Error>>(
        _ events: Events, origin: Date? = nil,
        startClip: (@Sendable (_ preRoll: Double, _ postRoll: Double, _ path: String) throws -> ClipPromise)? = nil,
        progress: (@Sendable (WorkerSummary) -> Void)? = nil,
        picture: (@Sendable (FullFrame) -> Void)? = nil,
        evidenceStream: String? = nil,
        decodeHold: DecodeHold? = nil,
        settlingOwedEvidence: Bool = false
    ) async throws -> WorkerSummary {
        var summary = WorkerSummary()
        var detector: CameraDetector?
        let contexts = caseContexts()
        var tracker = IncidentTracker(cameraID: camera.id, options: TrackerOptions(cooldown: group.defaults.dedupCooldownSeconds))
        let resumed = try await store.openIncidents(camera: camera.id)
        tracker.resume(from: resumed, at: Date())
        // Evidence an earlier process promised and never wrote (killed during a clip's post-roll): nothing in this
        // process is making it, so finish what can still be filmed and mark the rest missing.
        var clipsToFinish = settlingOwedEvidence ? try await settleDueEvidence(open: resumed, canFilm: startClip != nil) : []
        var clock: StreamClock?
        var recent = RecentPictures(spacing: Self.beforeSpacing, horizon: Self.beforeHorizon, time: \FullFrame.pts)
        var clipTasks: [Task<Bool, Never>] = []

        func handle(_ findings: [Finding], full: FullFrame?, clock: StreamClock) async throws {
            for finding in findings {
                summary.findings[finding.rule, default: 0] += 1
                guard let context = contexts[Self.key(rule: finding.rule, zone: finding.zone)] else { continue }
                let frameSize = full.map { FrameFormat(width: $0.width, height: $0.height) }
                for event in tracker.ingest(finding, context: context, clock: clock, fullFrame: frameSize) {
                    let stored = try await store.apply(event)
                    summary.caseEvents += 1
                    guard case .opened = event, stored.evidence.isEmpty else { continue }
                    summary.draftsCreated += 1
                    logger.info("draft case \(stored.caseNumber ?? "?")", metadata: [
                        "rule": "\(finding.rule)", "zone": "\(finding.zone)", "box": "\(finding.normalizedBox)"])
                    await attachSnapshots(for: stored, finding: finding, full: full, recent: recent, summary: &summary)
                    var clipTask: Task<Bool, Never>?
                    if let startClip {
                        // Asked now, so the pre-roll ends at this frame; awaited off the frame loop.
                        clipTask = await film(stored, startClip, summary: &summary)
                    } else {
                        await giveUp(.clip, of: stored, "this source makes no clips")
                    }
                    if let evidenceStream {
                        clipTasks.append(fromMainStream(stored, url: evidenceStream, box: finding.normalizedBox,
                                                        after: clipTask))
                    } else if let clipTask {
                        clipTasks.append(clipTask)
                    }
                }
            }
        }

        do {
            for try await event in events {
                switch event {
                case .frame(let frame, let full):
                    if let startClip, !clipsToFinish.isEmpty {
                        for draft in clipsToFinish {
                            logger.info("clip after a restart", metadata: ["case": "\(draft.caseNumber ?? "?")"])
                            if let task = await film(draft, startClip, summary: &summary) { clipTasks.append(task) }
                        }
                        clipsToFinish = []
                    }
                    var rules = detector ?? CameraDetector(specs: camera.rules.map(\.spec), format: frame.format)
                    let streamClock = clock ?? StreamClock(origin: origin
                        ?? frame.capturedAt.map { Date(timeIntervalSince1970: $0 - frame.pts) } ?? Date())
                    clock = streamClock
                    if let full {
                        recent.offer(full)
                        picture?(full)
                    }
                    let found = rules.process(frame)
                    detector = rules
                    try await handle(found, full: full, clock: streamClock)
                    for event in tracker.advance(to: frame.pts, clock: streamClock) {
                        try await store.apply(event)
                        summary.caseEvents += 1
                    }
                    decodeHold?.set(!tracker.openIncidents.isEmpty)
                    summary.frames += 1
                    summary.lastPTS = frame.pts
                    summary.lastCapturedAt = frame.capturedAt
                    progress?(summary)
                case .discontinuity(let cause):
                    summary.discontinuities += 1
                    logger.warning("discontinuity: rules reset", metadata: ["cause": "\(cause)"])
                    guard let streamClock = clock, var rules = detector else { continue }
                    let found = rules.discontinuity()
                    detector = rules
                    try await handle(found, full: nil, clock: streamClock)
                    tracker.detectorRestarted(at: streamClock.wallClock(summary.lastPTS))
                }
            }
        } catch is CancellationError {}
        if Task.isCancelled {
            // A stop, not an end: open incidents stay open so the next start resumes them without duplicates.
            logger.info("stopped")
            return summary
        }
        if let streamClock = clock, var rules = detector {
            let found = rules.finish(at: summary.lastPTS)
            try await handle(found, full: nil, clock: streamClock)
            for event in tracker.finish() {
                try await store.apply(event)
                summary.caseEvents += 1
            }
        }
        for task in clipTasks {
            if await task.value { summary.evidenceAttached += 1 } else { summary.evidenceFailures += 1 }
        }
        return summary
    }

    /// The case context of each (rule, zone) of the camera.
    func caseContexts() -> [String: CaseContext] {
        var contexts: [String: CaseContext] = [:]
        for entry in camera.rules {
            let location = camera.location
            contexts[Self.key(rule: entry.type, zone: entry.zone.id)] = CaseContext(
                camera: CameraRef(id: camera.id, name: camera.name, gb28181ID: location.gb28181ID),
                location: CaseLocation(address: location.address, longitude: location.longitude,
                                       latitude: location.latitude, crs: location.crs.rawValue, gridCode: location.gridCode),
                category: entry.category, ruleID: entry.type, ruleVersion: entry.spec.descriptor.version,
                zoneID: entry.zone.id, divisionCode: location.divisionCode)
        }
        return contexts
    }

    static func key(rule: String, zone: String) -> String { "\(rule)\u{1F}\(zone)" }

    /// The "after" picture (the moment the case opened, box drawn) and a "before" picture from earlier.
    private func attachSnapshots(for draft: DraftCase, finding: Finding, full: FullFrame?, recent: RecentPictures<FullFrame>,
                                 summary: inout WorkerSummary) async {
        // For a left object the rule reports when it was set down; the scene before that is the "before".
        let placed = finding.facts["placed_at"] ?? finding.firstSeen
        let pictures: [(EvidenceRole, FullFrame?, [NormalizedBox])] = [
            (.before, recent.latest(before: placed - 1), []),
            (.after, full, [finding.normalizedBox]),
        ]
        for (role, picture, boxes) in pictures {
            guard let picture else {
                summary.evidenceFailures += 1
                logger.warning("no picture for the \(role.rawValue) snapshot", metadata: ["case": "\(draft.caseNumber ?? "?")"])
                await giveUp(role, of: draft, "no picture from that moment was kept")
                continue
            }
            do {
                try await store.attachEvidence(try picture.jpeg(boxes: boxes), fileExtension: "jpg", role: role,
                                               toIncident: draft.incidentKey)
                summary.evidenceAttached += 1
            } catch {
                summary.evidenceFailures += 1
                logger.error("\(role.rawValue) snapshot failed: \(error)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
                await giveUp(role, of: draft, "snapshot failed: \(error)")
            }
        }
    }

    /// Waits for the source to write the clip, then stores it. Returns whether it was attached.
    private func attachClip(for draft: DraftCase, promise: ClipPromise, path: String) async -> Bool {
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try await promise.value()
            try await store.attachEvidence(fileAt: path, role: .clip, toIncident: draft.incidentKey)
            return true
        } catch {
            logger.error("clip failed: \(error)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
            await giveUp(.clip, of: draft, "clip failed: \(error)")
            return false
        }
    }

    /// Asks the source for a clip of `draft` ending `clipPostRollSeconds` from now and attaches it off the frame
    /// loop; `nil` (and the clip marked missing) when the source refuses.
    private func film(_ draft: DraftCase,
                      _ startClip: @Sendable (_ preRoll: Double, _ postRoll: Double, _ path: String) throws -> ClipPromise,
                      summary: inout WorkerSummary) async -> Task<Bool, Never>? {
        let path = ScratchClips.newPath()
        do {
            let promise = try startClip(group.defaults.clipPreRollSeconds, group.defaults.clipPostRollSeconds, path)
            return Task { await attachClip(for: draft, promise: promise, path: path) }
        } catch {
            summary.evidenceFailures += 1
            logger.error("clip failed: \(error)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
            await giveUp(.clip, of: draft, "clip failed: \(error)")
            return nil
        }
    }

    /// Opens the main stream now for a full-resolution after picture and a clip (pre-roll + post-roll long), which
    /// replace the analysed stream's once that clip is settled. If the main stream fails, the analysed stream's
    /// stay and the case gets a note saying why. Returns whether a clip is attached.
    private func fromMainStream(_ draft: DraftCase, url: String, box: NormalizedBox,
                                after subClip: Task<Bool, Never>?) -> Task<Bool, Never> {
        let options = group.ingestOptions(for: camera)
        let seconds = max(1, group.defaults.clipPreRollSeconds + group.defaults.clipPostRollSeconds)
        let path = ScratchClips.newPath()
        let shown = camera.displayEvidenceURL ?? "the main stream"
        return Task {
            defer { try? FileManager.default.removeItem(atPath: path) }
            let capture: Result<MainStreamCapture, any Error>
            do {
                capture = .success(try await captureMainStream(url: url, options: options, clipSeconds: seconds,
                                                               clipPath: path))
            } catch {
                capture = .failure(error)
            }
            // The analysed stream's clip first, so that the main stream's, attached after it, replaces it.
            let subAttached = await subClip?.value ?? false
            var replaced: [EvidenceRole] = []
            do {
                let main = try capture.get()
                try await store.attachEvidence(try main.picture.jpeg(boxes: [box]), fileExtension: "jpg", role: .after,
                                               toIncident: draft.incidentKey)
                replaced.append(.after)
                try await store.attachEvidence(fileAt: path, role: .clip, toIncident: draft.incidentKey)
                replaced.append(.clip)
                logger.info("main-stream evidence attached", metadata: [
                    "case": "\(draft.caseNumber ?? "?")", "size": "\(main.picture.width)x\(main.picture.height)"])
                return true
            } catch {
                let kept = [(EvidenceRole.after, "the after picture"), (.clip, "the clip")]
                    .filter { !replaced.contains($0.0) }.map(\.1)
                let note = redactingCredentials(in: "main stream \(shown) gave no evidence (\(error)); "
                    + "\(kept.joined(separator: " and ")) \(kept.count == 1 ? "is" : "are") from the analysed stream")
                logger.warning("\(note)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
                do {
                    try await store.noteEvidence(note, toIncident: draft.incidentKey, at: Date())
                } catch {
                    logger.error("evidence note not stored: \(error)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
                }
                return replaced.contains(.clip) || subAttached
            }
        }
    }

    /// Records why `role` of `draft` will never come; a store error is logged, not thrown (the case stays).
    private func giveUp(_ role: EvidenceRole, of draft: DraftCase, _ reason: String) async {
        do {
            try await store.markEvidenceMissing(role, toIncident: draft.incidentKey, reason: reason)
        } catch {
            logger.error("cannot mark the \(role.rawValue) missing: \(error)", metadata: ["case": "\(draft.caseNumber ?? "?")"])
        }
    }

    /// Evidence of this camera's cases that an earlier process owed and will never write: a clip of an incident
    /// still open is filmed again from the first frame (returned); everything else is marked missing.
    private func settleDueEvidence(open resumed: [DraftCase], canFilm: Bool) async throws -> [DraftCase] {
        var refilm: [DraftCase] = []
        let open = Dictionary(resumed.map { ($0.incidentKey, $0) }, uniquingKeysWith: { first, _ in first })
        for due in try await store.evidenceDue(camera: camera.id) where due.missingReason == nil {
            if due.role == .clip, canFilm, due.incidentOpen, let draft = open[due.incidentKey] {
                refilm.append(draft)
                continue
            }
            logger.warning("\(due.role.rawValue) was never written (the process stopped first); marked missing",
                           metadata: ["case": "\(due.caseNumber)"])
            try await store.markEvidenceMissing(due.role, toIncident: due.incidentKey,
                                                reason: "not written: the process stopped before it was finished")
        }
        return refilm
    }
}

