/// A draft case as scoring sees it: which rule raised it, when it was first seen, where.
public struct ScoredCase: Sendable, Hashable, Codable {
    /// Case number (or any id) for the report.
    public var id: String
    /// Rule id, e.g. `abandoned-object`; the kind follows from it (``EventKind/init(rule:)``).
    public var rule: String
    /// Stream time of the first sighting, seconds from the clip start.
    public var firstSeen: Double
    /// The case box in pixels of the decoded frame.
    public var box: LabelBox

    /// Creates a scored case.
    public init(id: String, rule: String, firstSeen: Double, box: LabelBox) {
        self.id = id
        self.rule = rule
        self.firstSeen = firstSeen
        self.box = box
    }

    /// The violation family of the case, or `nil` for a rule that stands for none.
    public var kind: EventKind? { EventKind(rule: rule) }
}

/// The matching rule of `../shared/eval/README.md`, with its constants.
public enum Matching {
    /// A case first seen up to this many seconds after an event's end still matches it.
    public static let lateSeconds = 5.0
    /// Boxes overlap enough at this IoU or more…
    public static let minIoU = 0.1
    /// …or when the case box centre lies in the event box grown by this fraction of its size on each side.
    public static let centreGrowth = 0.25

    /// Why a case and an event do not match; `nil` when they do.
    public static func mismatch(_ c: ScoredCase, _ e: LabelledEvent) -> String? {
        guard let kind = c.kind else { return "rule \(c.rule) raises no dumping or vending case" }
        if kind != e.kind { return "kind \(kind.rawValue) ≠ event \(e.id) kind \(e.kind.rawValue)" }
        let from = e.placedAt, until = e.end + lateSeconds
        if c.firstSeen < from || c.firstSeen > until {
            return "first seen \(format(c.firstSeen)) s outside [\(format(from)), \(format(until))] of event \(e.id)"
        }
        let iou = c.box.iou(e.box)
        let centre = c.box.centre
        if iou < minIoU && !e.box.grown(by: centreGrowth).contains(x: centre.x, y: centre.y) {
            return "box \(c.box) misses event \(e.id) box \(e.box) (IoU \(format(iou, digits: 2)), centre outside the box grown 25 %)"
        }
        return nil
    }

    /// Whether `c` matches `e`.
    public static func matches(_ c: ScoredCase, _ e: LabelledEvent) -> Bool { mismatch(c, e) == nil }

    /// Scores one clip's cases against its events.
    ///
    /// The pairing is a maximum matching (each event at most one case, each case at most one event), so the
    /// count of matched events does not depend on the order cases arrive in; among equals the earlier case
    /// wins. A case that matches an event only another case already took is a duplicate, counted as a false
    /// positive.
    public static func score(file: String, family: String = LabelledClip.originalFamily, cases: [ScoredCase],
                             events: [LabelledEvent]) -> ClipScore {
        let cases = cases.sorted { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
        // Candidate events per case, best overlap first.
        let candidates: [[Int]] = cases.map { c in
            events.indices.filter { matches(c, events[$0]) }.sorted { c.box.iou(events[$0].box) > c.box.iou(events[$1].box) }
        }
        var caseOfEvent = [Int?](repeating: nil, count: events.count)
        // Kuhn's augmenting paths: few cases and events per clip, so O(V·E) is nothing.
        func augment(_ ci: Int, _ seen: inout [Bool]) -> Bool {
            for ei in candidates[ci] where !seen[ei] {
                seen[ei] = true
                if caseOfEvent[ei] == nil || augment(caseOfEvent[ei]!, &seen) {  // `!`: checked non-nil just before
                    caseOfEvent[ei] = ci
                    return true
                }
            }
            return false
        }
        for ci in cases.indices {
            var seen = [Bool](repeating: false, count: events.count)
            _ = augment(ci, &seen)
        }
        var eventOfCase = [Int?](repeating: nil, count: cases.count)
        for (ei, ci) in caseOfEvent.enumerated() { if let ci { eventOfCase[ci] = ei } }

        var score = ClipScore(file: file, family: family, cases: cases.count, events: events.count)
        for (ci, c) in cases.enumerated() {
            if let ei = eventOfCase[ci] {
                score.matches.append(.init(event: events[ei].id, caseID: c.id, firstSeen: c.firstSeen, box: c.box,
                                           iou: c.box.iou(events[ei].box)))
            } else if let ei = candidates[ci].first, let other = caseOfEvent[ei] {
                score.falsePositives.append(.init(case: c, duplicate: true,
                                                  why: "duplicate: event \(events[ei].id) already matched by case \(cases[other].id)"))
            } else {
                score.falsePositives.append(.init(case: c, duplicate: false, why: nearestMismatch(c, events)))
            }
        }
        for (ei, e) in events.enumerated() where caseOfEvent[ei] == nil {
            let why: String
            if cases.isEmpty {
                why = "no case in this clip"
            } else {
                let sameKind = cases.filter { $0.kind == e.kind }
                why = sameKind.isEmpty ? "no \(e.kind.rawValue) case in this clip"
                    : "nearest \(e.kind.rawValue) case: " + sameKind.map { "\($0.id): \(mismatch($0, e) ?? "matches, but taken")" }.joined(separator: "; ")
            }
            score.misses.append(.init(event: e, why: why))
        }
        return score
    }

    /// For a case with no event: the reason against the closest same-kind event, or why none applies.
    static func nearestMismatch(_ c: ScoredCase, _ events: [LabelledEvent]) -> String {
        guard let kind = c.kind else { return "rule \(c.rule) raises no dumping or vending case" }
        let sameKind = events.filter { $0.kind == kind }
        guard !sameKind.isEmpty else { return "no \(kind.rawValue) event in this clip" }
        let nearest = sameKind.min { a, b in c.box.iou(a.box) > c.box.iou(b.box) }!  // `!`: sameKind is not empty
        return mismatch(c, nearest) ?? "matches event \(nearest.id)"
    }

    /// `value` rounded to `digits` decimals, for reasons.
    static func format(_ value: Double, digits: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return String((value * scale).rounded() / scale)
    }
}

/// How one clip scored.
public struct ClipScore: Sendable, Hashable, Codable {
    /// A case paired with an event.
    public struct Match: Sendable, Hashable, Codable {
        /// Event id.
        public var event: String
        /// Case id.
        public var caseID: String
        /// The case's first-seen stream time.
        public var firstSeen: Double
        /// The case box.
        public var box: LabelBox
        /// IoU of the case box and the event box.
        public var iou: Double
    }
    /// A case that matched no event (duplicates included).
    public struct FalsePositive: Sendable, Hashable, Codable {
        /// The case.
        public var `case`: ScoredCase
        /// Whether it is a second case for an already matched event.
        public var duplicate: Bool
        /// Why it did not match.
        public var why: String
    }
    /// An event no case matched.
    public struct Miss: Sendable, Hashable, Codable {
        /// The event.
        public var event: LabelledEvent
        /// Why no case matched it.
        public var why: String
    }

    /// The clip's file name.
    public var file: String
    /// The clip's family (``LabelledClip/family``): `original`, or the condition a variant was made under.
    public var family: String
    /// Cases the pipeline raised.
    public var cases: Int
    /// Labelled events.
    public var events: Int
    /// Pairs.
    public var matches: [Match] = []
    /// Cases without an event.
    public var falsePositives: [FalsePositive] = []
    /// Events without a case.
    public var misses: [Miss] = []

    /// Creates an empty score.
    public init(file: String, family: String = LabelledClip.originalFamily, cases: Int, events: Int) {
        self.file = file
        self.family = family
        self.cases = cases
        self.events = events
    }

    /// Matched cases (= matched events).
    public var matched: Int { matches.count }
    /// Duplicates among the false positives.
    public var duplicates: Int { falsePositives.filter(\.duplicate).count }
    /// matched ÷ cases; `nil` without cases.
    public var precision: Double? { cases == 0 ? nil : Double(matched) / Double(cases) }
    /// matched ÷ events; `nil` without events.
    public var recall: Double? { events == 0 ? nil : Double(matched) / Double(events) }
}

/// Per-clip and overall scores.
public struct EvaluationReport: Sendable, Hashable, Codable {
    /// One per labelled clip, in label-file order.
    public var clips: [ClipScore]

    /// Creates a report.
    public init(clips: [ClipScore]) { self.clips = clips }

    /// All cases.
    public var cases: Int { clips.reduce(0) { $0 + $1.cases } }
    /// All events.
    public var events: Int { clips.reduce(0) { $0 + $1.events } }
    /// All matches.
    public var matched: Int { clips.reduce(0) { $0 + $1.matched } }
    /// All duplicates.
    public var duplicates: Int { clips.reduce(0) { $0 + $1.duplicates } }
    /// All false positives, duplicates included.
    public var falsePositives: Int { clips.reduce(0) { $0 + $1.falsePositives.count } }
    /// All missed events.
    public var misses: Int { clips.reduce(0) { $0 + $1.misses.count } }
    /// matched ÷ cases over all clips; `nil` without cases.
    public var precision: Double? { cases == 0 ? nil : Double(matched) / Double(cases) }
    /// matched ÷ events over all clips; `nil` without events.
    public var recall: Double? { events == 0 ? nil : Double(matched) / Double(events) }
}

extension EvaluationReport {
    /// The clips of one family scored together.
    public struct FamilyScore: Sendable, Hashable {
        /// `original`, or the condition the variants were made under.
        public var family: String
        /// The family's clips, as a report of their own.
        public var report: EvaluationReport
    }

    /// One score per family, in the order each family first appears among ``clips``.
    public var families: [FamilyScore] {
        var order: [String] = []
        var clipsOfFamily: [String: [ClipScore]] = [:]
        for clip in clips {
            if clipsOfFamily[clip.family] == nil { order.append(clip.family) }
            clipsOfFamily[clip.family, default: []].append(clip)
        }
        return order.map { FamilyScore(family: $0, report: EvaluationReport(clips: clipsOfFamily[$0] ?? [])) }
    }
}
