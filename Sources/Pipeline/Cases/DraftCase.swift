public import Detector
public import Foundation

/// How a stream's timestamps map to wall-clock time: `wall = origin + streamTime`.
///
/// For a recording, `origin` is when it started (`scan --start`, or the file's creation time); for a live
/// camera, the wall-clock time of stream time 0 as measured when the first frame arrived. After a reconnect that
/// resets timestamps, hand the tracker a new clock.
public struct StreamClock: Sendable, Hashable {
    /// Wall-clock time of stream time 0.
    public var origin: Date

    /// Creates a clock whose stream time 0 is `origin`.
    public init(origin: Date) {
        self.origin = origin
    }

    /// The wall-clock time of `streamTime`.
    public func wallClock(_ streamTime: Timestamp) -> Date {
        origin.addingTimeInterval(streamTime)
    }
}

/// Review status of a case (状态).
public enum CaseStatus: String, Sendable, Hashable, CaseIterable {
    /// Made by the machine, waiting for a reviewer.
    case draft
    /// A reviewer confirmed it (立案).
    case confirmed
    /// A reviewer rejected it (不予立案), with a reason.
    case rejected
}

/// A reviewer's decision on a case.
public struct CaseDecision: Sendable, Hashable {
    /// Why it was rejected (or a note on a confirmation).
    public var reason: String?
    /// Who decided.
    public var reviewer: String?
    /// When.
    public var decidedAt: Date

    /// Creates a decision record.
    public init(reason: String? = nil, reviewer: String? = nil, decidedAt: Date) {
        self.reason = reason
        self.reviewer = reviewer
        self.decidedAt = decidedAt
    }
}

/// Where the incident behind a case stands; the tracker's state, persisted so a restart can resume it.
public enum IncidentState: String, Sendable, Hashable, CaseIterable {
    /// The detector still reports the object (a track is open).
    case active
    /// The object's tracks ended; a new sighting within the cooldown re-attaches to this incident.
    case lingering
    /// Over: a new sighting opens a new case.
    case closed
}

/// What kind of evidence a file is.
public enum EvidenceRole: String, Sendable, Hashable, CaseIterable {
    /// The scene before the object (from the background model or an earlier frame).
    case before
    /// A full-resolution picture with the box drawn.
    case after
    /// A short MP4 around the moment.
    case clip
}

/// A stored evidence file, named by its content.
public struct EvidenceRef: Sendable, Hashable {
    /// SHA-256 of the content, 64 lowercase hex digits.
    public var sha256: String
    /// Path relative to the database's folder: `evidence/<sha256[0..2]>/<sha256>.<ext>`.
    public var relativePath: String
    /// Size in bytes.
    public var byteCount: Int
    /// MIME type, e.g. `image/jpeg`, `video/mp4`.
    public var mediaType: String

    /// Creates a reference.
    public init(sha256: String, relativePath: String, byteCount: Int, mediaType: String) {
        self.sha256 = sha256
        self.relativePath = relativePath
        self.byteCount = byteCount
        self.mediaType = mediaType
    }
}

/// The numbers the detector decided on, kept with the case.
public struct DetectorFacts: Sendable, Hashable {
    /// Rule id, e.g. `abandoned-object`.
    public var ruleID: String
    /// Rule algorithm version.
    public var ruleVersion: Int
    /// Zone id.
    public var zoneID: String
    /// Seconds from first to last sighting (wall clock, across re-attachments).
    public var dwell: Double
    /// Area in analysis pixels (largest reported).
    public var area: Int
    /// Area as a fraction of the frame or zone (see ``Finding/areaFraction``).
    public var areaFraction: Double
    /// Confidence 0–1 (highest reported).
    public var score: Double
    /// The rule's own numbers (``Finding/facts``) from the latest finding.
    public var values: [String: Double]

    /// Creates detector facts.
    public init(ruleID: String, ruleVersion: Int, zoneID: String, dwell: Double, area: Int, areaFraction: Double,
                score: Double, values: [String: Double]) {
        self.ruleID = ruleID
        self.ruleVersion = ruleVersion
        self.zoneID = zoneID
        self.dwell = dwell
        self.area = area
        self.areaFraction = areaFraction
        self.score = score
        self.values = values
    }
}

/// A machine-made draft case (案卷草稿): one per incident, with every field of DOMAIN.md's table.
///
/// The tracker fills everything it knows; the store adds ``caseNumber`` on first insert and keeps
/// ``evidence``, ``status`` and ``decision``, which the tracker never changes.
public struct DraftCase: Sendable, Hashable {
    /// Deterministic idempotency key of the incident (``IncidentTracker/incidentKey(camera:rule:zone:clock:firstSeen:)``);
    /// unique in the store, so re-scanning the same recording maps to the same case.
    public var incidentKey: String
    /// 案卷号, e.g. `SW-20261122-gs-east-03-0001`; `nil` until the store assigns it.
    public var caseNumber: String?
    /// 问题来源 (`eventSrc`): always `视频智能识别` for this pipeline.
    public var source: String
    /// 问题类型 (`recType`).
    public var kind: CaseKind
    /// 大类 / 小类 (`mainType` / `subType`).
    public var category: CaseCategory
    /// The standard of ``category``'s code, e.g. `GB/T 47678.5-2026`.
    public var categoryStandard: String
    /// GB/T 2260 division code, for the 11-digit 事项代码.
    public var divisionCode: String?
    /// 问题描述: generated text saying what, where and how long.
    public var description: String
    /// 位置描述, 坐标, 单元网格.
    public var location: CaseLocation
    /// 摄像机.
    public var camera: CameraRef
    /// Wall-clock time of the first sighting (发现时间).
    public var firstSeen: Date
    /// Wall-clock time of the latest sighting.
    public var lastSeen: Date
    /// Stream time of the first sighting, in the stream the incident was opened in.
    public var firstSeenStream: Timestamp
    /// Stream time of the latest sighting, in the stream that last saw it (after a restart, a different stream).
    public var lastSeenStream: Timestamp
    /// The box as fractions of the frame.
    public var box: NormalizedBox
    /// The box in pixels of the analysis frame.
    public var analysisBox: PixelBox
    /// The box in pixels of the full-resolution frame, when the worker knows that frame's size.
    public var frameBox: PixelBox?
    /// Rule, zone, dwell, area, score and the rule's numbers.
    public var facts: DetectorFacts
    /// Stored evidence by role (图片/视频附件).
    public var evidence: [EvidenceRole: EvidenceRef]
    /// Review status.
    public var status: CaseStatus
    /// The reviewer's decision, once made.
    public var decision: CaseDecision?
    /// The tracker's state for this incident.
    public var incidentState: IncidentState

    /// Creates a case; the tracker and the store are the usual makers.
    public init(incidentKey: String, caseNumber: String? = nil, source: String = DraftCase.videoSource,
                kind: CaseKind, category: CaseCategory, categoryStandard: String = CaseCategory.standard,
                divisionCode: String?, description: String,
                location: CaseLocation, camera: CameraRef, firstSeen: Date, lastSeen: Date,
                firstSeenStream: Timestamp, lastSeenStream: Timestamp, box: NormalizedBox, analysisBox: PixelBox,
                frameBox: PixelBox? = nil, facts: DetectorFacts, evidence: [EvidenceRole: EvidenceRef] = [:],
                status: CaseStatus = .draft, decision: CaseDecision? = nil, incidentState: IncidentState) {
        self.incidentKey = incidentKey
        self.caseNumber = caseNumber
        self.source = source
        self.kind = kind
        self.category = category
        self.categoryStandard = categoryStandard
        self.divisionCode = divisionCode
        self.description = description
        self.location = location
        self.camera = camera
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.firstSeenStream = firstSeenStream
        self.lastSeenStream = lastSeenStream
        self.box = box
        self.analysisBox = analysisBox
        self.frameBox = frameBox
        self.facts = facts
        self.evidence = evidence
        self.status = status
        self.decision = decision
        self.incidentState = incidentState
    }

    /// The value of ``source``: 视频智能识别.
    public static let videoSource = "视频智能识别"

    /// The 大类 part of the category code (its first two digits), e.g. `09` (`mainType`).
    public var mainCategoryCode: String { String(category.code.prefix(2)) }

    /// The 11-digit 事项代码: the 6-digit division code followed by the 5-digit category code; `nil` without a
    /// division code.
    public var fullCategoryCode: String? {
        guard let divisionCode, !divisionCode.isEmpty else { return nil }
        return divisionCode + category.code
    }

    /// Seconds from first to last sighting.
    public var dwell: Double { facts.dwell }
}

/// The 问题描述 text: what, where, how long. Kept short and factual so a reviewer can read it at a glance.
///
/// `疑似占道经营：东门路12号（摄像机 东门 3号，区域 stall-strip），已持续约 5分12秒。`
public func caseDescription(category: CaseCategory, location: CaseLocation, camera: CameraRef, zoneID: String,
                            dwell: Double) -> String {
    "疑似\(category.name)：\(location.address)（摄像机 \(camera.name)，区域 \(zoneID)），已持续约 \(chineseDuration(dwell))。"
}

/// `dwell` seconds as `1小时3分`, `5分12秒` or `40秒`.
func chineseDuration(_ seconds: Double) -> String {
    let total = max(0, Int(seconds.rounded()))
    let h = total / 3600, m = total % 3600 / 60, s = total % 60
    if h > 0 { return "\(h)小时\(m)分" }
    if m > 0 { return "\(m)分\(s)秒" }
    return "\(s)秒"
}
