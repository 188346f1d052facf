public import Detector
public import Foundation

/// Settings of the incident tracker (the dedup step between findings and draft cases).
public struct TrackerOptions: Sendable, Hashable {
    /// Smallest IoU of normalized boxes for a new track to count as the same object; default 0.3, range 0–1.
    public var iouThreshold: Double
    /// Seconds (wall clock, which is stream time within one stream): the longest gap between an incident's last
    /// sighting and a new sighting's first-seen time for the new one to re-attach; default 120. Covers a light
    /// flicker, a bus passing in front, a short occlusion.
    public var cooldown: Double
    /// Seconds a rule may take to report a re-appearing object (its longest dwell or confirmation time); an
    /// incident closes only when `cooldown + confirmationDelay` passed without a sighting, because a track that
    /// begins within the cooldown is reported only after this delay. Default 600.
    public var confirmationDelay: Double
    /// Seconds between `update` events that refresh an active incident's last-seen time and dwell while its
    /// detector stays silent (a stationary object gives no findings); default 30.
    public var refreshInterval: Double

    /// Creates options; the defaults suit rules whose dwell is at most ten minutes.
    public init(iouThreshold: Double = 0.3, cooldown: Double = 120, confirmationDelay: Double = 600,
                refreshInterval: Double = 30) {
        self.iouThreshold = iouThreshold
        self.cooldown = cooldown
        self.confirmationDelay = confirmationDelay
        self.refreshInterval = refreshInterval
    }
}

/// What the tracker tells the store: a case to create, to update, or whose incident is over.
/// Each carries the whole draft so persisting is one upsert (``CaseWriting/apply(_:)``).
public enum CaseEvent: Sendable, Hashable {
    /// A new incident: create its draft case.
    case opened(DraftCase)
    /// The incident changed (last seen, dwell, box, state).
    case updated(DraftCase)
    /// The incident is over; no finding will attach to it any more.
    case closed(DraftCase)

    /// The draft the event carries.
    public var draft: DraftCase {
        switch self {
        case .opened(let d), .updated(let d), .closed(let d): d
        }
    }
}

/// Turns one camera's findings into incidents — one per object — and each incident into one draft case.
///
/// An incident is keyed by camera + rule + zone and then by the detector's track id or, for a new track, by
/// spatial overlap (IoU of normalized boxes ≥ ``TrackerOptions/iouThreshold``) with an incident that is still
/// active or whose last sighting is within the cooldown. Time comes only from the findings and from
/// ``advance(to:clock:)``: the tracker never reads a clock, so the same findings always give the same events.
///
/// Typical worker loop:
/// ```swift
/// var tracker = IncidentTracker(cameraID: cam.id)
/// tracker.resume(from: try await store.openIncidents(camera: cam.id), at: startedAt)
/// for frame in frames {
///     for finding in rule.process(frame) {
///         for event in tracker.ingest(finding, context: contexts[finding.zone]!, clock: clock) { try await store.apply(event) }
///     }
///     for event in tracker.advance(to: frame.pts, clock: clock) { try await store.apply(event) }
/// }
/// ```
public struct IncidentTracker: Sendable {
    /// The camera whose findings this tracker takes.
    public let cameraID: String
    /// The settings.
    public var options: TrackerOptions
    // In opening order, so ties and event order are deterministic.
    private var incidents: [Incident] = []

    private struct TrackKey: Hashable {
        var rule: String, zone: String, track: Int
    }

    private struct Incident {
        var draft: DraftCase
        /// Tracks of the current detector instance that report this incident.
        var tracks: Set<TrackKey>
        /// The latest moment the object may have been there: last sighting, or the resume time for an incident
        /// that was active when the process stopped (nothing says it left before the stop).
        var heldUntil: Date
        /// Wall time of the last event about this incident, to space out refreshes.
        var lastEmitted: Date
    }

    /// Creates a tracker with no incidents.
    public init(cameraID: String, options: TrackerOptions = TrackerOptions()) {
        self.cameraID = cameraID
        self.options = options
    }

    /// Drafts of the incidents not yet closed, in opening order.
    public var openIncidents: [DraftCase] { incidents.map(\.draft) }

    /// The deterministic incident key: camera, rule, zone, the stream's wall-clock origin and the first-seen
    /// stream time, both in milliseconds. Re-scanning the same recording with the same start time gives the
    /// same key, which the store's UNIQUE constraint turns into the same case.
    public static func incidentKey(camera: String, rule: String, zone: String, clock: StreamClock,
                                   firstSeen: Timestamp) -> String {
        let origin = Int64((clock.origin.timeIntervalSince1970 * 1000).rounded())
        let first = Int64((firstSeen * 1000).rounded())
        return "\(camera)|\(rule)|\(zone)|\(origin)|\(first)"
    }

    /// Re-seeds the tracker after a restart from the store's open incidents (``CaseWriting/openIncidents(camera:)``).
    ///
    /// Incidents that were active at the stop are held until `resumedAt`, so the re-created detector's new track
    /// for the same object re-attaches instead of opening a second case. Other cameras' drafts are ignored.
    /// - Parameters:
    ///   - drafts: open (active or lingering) drafts from the store.
    ///   - resumedAt: wall-clock time the worker starts again.
    public mutating func resume(from drafts: [DraftCase], at resumedAt: Date) {
        for draft in drafts where draft.camera.id == cameraID && draft.incidentState != .closed {
            guard !incidents.contains(where: { $0.draft.incidentKey == draft.incidentKey }) else { continue }
            var held = draft
            let heldUntil = draft.incidentState == .active ? max(draft.lastSeen, resumedAt) : draft.lastSeen
            held.incidentState = .lingering
            incidents.append(Incident(draft: held, tracks: [], heldUntil: heldUntil, lastEmitted: resumedAt))
        }
    }

    /// Forgets track ids after the detector was re-created (reconnect, discontinuity): new tracks will match by
    /// overlap. Incidents that were active are held until `now`.
    public mutating func detectorRestarted(at now: Date) {
        for i in incidents.indices where !incidents[i].tracks.isEmpty {
            incidents[i].tracks = []
            incidents[i].heldUntil = max(incidents[i].heldUntil, now)
            incidents[i].draft.incidentState = .lingering
        }
    }

    /// Takes one finding.
    /// - Parameters:
    ///   - finding: from a rule of this camera.
    ///   - context: config facts for the finding's (rule, zone); `context.camera.id` must be ``cameraID``.
    ///   - clock: maps the finding's stream times to wall clock.
    ///   - fullFrame: size of the full-resolution (evidence) frame, when known, to fill ``DraftCase/frameBox``.
    /// - Returns: `opened` for a new incident, else `updated`.
    public mutating func ingest(_ finding: Finding, context: CaseContext, clock: StreamClock,
                                fullFrame: FrameFormat? = nil) -> [CaseEvent] {
        precondition(context.camera.id == cameraID,
                     "finding of camera '\(context.camera.id)' fed to the tracker of '\(cameraID)'")
        let track = TrackKey(rule: finding.rule, zone: finding.zone, track: finding.track)
        let first = clock.wallClock(finding.firstSeen)

        if let i = incidents.firstIndex(where: { $0.tracks.contains(track) }) {
            apply(finding, track: track, to: i, clock: clock, fullFrame: fullFrame)
            return [.updated(incidents[i].draft)]
        }
        if let i = bestMatch(for: finding, firstSeen: first) {
            apply(finding, track: track, to: i, clock: clock, fullFrame: fullFrame)
            return [.updated(incidents[i].draft)]
        }
        let draft = openDraft(finding, context: context, clock: clock, fullFrame: fullFrame)
        let tracks: Set<TrackKey> = finding.phase == .end ? [] : [track]
        var incident = Incident(draft: draft, tracks: tracks, heldUntil: draft.lastSeen, lastEmitted: draft.lastSeen)
        incident.draft.incidentState = tracks.isEmpty ? .lingering : .active
        incidents.append(incident)
        return [.opened(incident.draft)]
    }

    /// Moves time forward to `streamTime`: refreshes active incidents every ``TrackerOptions/refreshInterval``
    /// and closes lingering ones after ``TrackerOptions/cooldown`` + ``TrackerOptions/confirmationDelay``.
    /// Call it once per analysed frame (or at least every few seconds).
    public mutating func advance(to streamTime: Timestamp, clock: StreamClock) -> [CaseEvent] {
        let now = clock.wallClock(streamTime)
        var events: [CaseEvent] = []
        var keep: [Incident] = []
        for var incident in incidents {
            if !incident.tracks.isEmpty {
                // A live track means the detector still sees the object at the current frame.
                if now.timeIntervalSince(incident.lastEmitted) >= options.refreshInterval, now > incident.draft.lastSeen {
                    incident.draft.lastSeen = now
                    incident.draft.lastSeenStream = streamTime
                    refreshDerived(&incident.draft)
                    incident.heldUntil = max(incident.heldUntil, now)
                    incident.lastEmitted = now
                    events.append(.updated(incident.draft))
                }
                keep.append(incident)
            } else if now.timeIntervalSince(incident.heldUntil) > options.cooldown + options.confirmationDelay {
                incident.draft.incidentState = .closed
                events.append(.closed(incident.draft))
            } else {
                keep.append(incident)
            }
        }
        incidents = keep
        return events
    }

    /// Closes every incident, active or not: the recording ended. Call after the rules' `finish(at:)` findings.
    public mutating func finish() -> [CaseEvent] {
        let events = incidents.map { incident -> CaseEvent in
            var draft = incident.draft
            draft.incidentState = .closed
            return .closed(draft)
        }
        incidents = []
        return events
    }

    private func bestMatch(for finding: Finding, firstSeen: Date) -> Int? {
        var best: (index: Int, iou: Double)?
        for (i, incident) in incidents.enumerated() {
            let d = incident.draft
            guard d.facts.ruleID == finding.rule, d.facts.zoneID == finding.zone else { continue }
            let eligible = !incident.tracks.isEmpty
                || firstSeen.timeIntervalSince(incident.heldUntil) <= options.cooldown
            guard eligible else { continue }
            let overlap = iou(d.box, finding.normalizedBox)
            guard overlap >= options.iouThreshold else { continue }
            if overlap > (best?.iou ?? -1) { best = (i, overlap) }
        }
        return best?.index
    }

    private mutating func apply(_ finding: Finding, track: TrackKey, to i: Int, clock: StreamClock,
                                fullFrame: FrameFormat?) {
        var incident = incidents[i]
        let last = clock.wallClock(finding.lastSeen)
        if finding.phase == .end {
            incident.tracks.remove(track)
        } else {
            incident.tracks.insert(track)
        }
        // An end finding is the rule's last word on when the object was seen; a refresh may have run ahead of it.
        if last > incident.draft.lastSeen || (finding.phase == .end && incident.tracks.isEmpty) {
            incident.draft.lastSeen = max(last, incident.draft.firstSeen)
            incident.draft.lastSeenStream = finding.lastSeen
        }
        incident.draft.box = finding.normalizedBox
        incident.draft.analysisBox = finding.box
        if let fullFrame {
            incident.draft.frameBox = finding.normalizedBox.scaled(width: fullFrame.width, height: fullFrame.height)
        }
        incident.draft.facts.area = finding.area
        incident.draft.facts.areaFraction = finding.areaFraction
        incident.draft.facts.score = max(incident.draft.facts.score, finding.score)
        incident.draft.facts.values = finding.facts
        incident.draft.incidentState = incident.tracks.isEmpty ? .lingering : .active
        refreshDerived(&incident.draft)
        incident.heldUntil = max(incident.heldUntil, incident.draft.lastSeen)
        incident.lastEmitted = max(incident.lastEmitted, last)
        incidents[i] = incident
    }

    private func openDraft(_ f: Finding, context: CaseContext, clock: StreamClock, fullFrame: FrameFormat?) -> DraftCase {
        let first = clock.wallClock(f.firstSeen)
        let last = max(clock.wallClock(f.lastSeen), first)
        let facts = DetectorFacts(ruleID: f.rule, ruleVersion: context.ruleVersion, zoneID: f.zone,
                                  dwell: last.timeIntervalSince(first), area: f.area, areaFraction: f.areaFraction,
                                  score: f.score, values: f.facts)
        var draft = DraftCase(
            incidentKey: Self.incidentKey(camera: cameraID, rule: f.rule, zone: f.zone, clock: clock, firstSeen: f.firstSeen),
            kind: context.kind, category: context.category, categoryStandard: context.categoryStandard,
            divisionCode: context.divisionCode,
            description: "", location: context.location, camera: context.camera, firstSeen: first, lastSeen: last,
            firstSeenStream: f.firstSeen, lastSeenStream: f.lastSeen, box: f.normalizedBox, analysisBox: f.box,
            frameBox: fullFrame.map { f.normalizedBox.scaled(width: $0.width, height: $0.height) },
            facts: facts, incidentState: .active)
        refreshDerived(&draft)
        return draft
    }

    private func refreshDerived(_ draft: inout DraftCase) {
        draft.facts.dwell = draft.lastSeen.timeIntervalSince(draft.firstSeen)
        draft.description = caseDescription(category: draft.category, location: draft.location, camera: draft.camera,
                                            zoneID: draft.facts.zoneID, dwell: draft.facts.dwell)
    }
}

/// Intersection over union of two normalized boxes; 0 when disjoint.
func iou(_ a: NormalizedBox, _ b: NormalizedBox) -> Double {
    let w = min(a.x1, b.x1) - max(a.x0, b.x0)
    let h = min(a.y1, b.y1) - max(a.y0, b.y0)
    guard w > 0, h > 0 else { return 0 }
    let inter = w * h
    let union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter
    return union > 0 ? inter / union : 0
}
