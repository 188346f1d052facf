public import Foundation

/// A confirmed case in the field names a common 数字城管 platform interface takes (DOMAIN.md): `eventSrc`,
/// `recType`, `mainType`/`subType`, `address`, `coordinateX`/`coordinateY`, `cellId`, `medias[]`.
///
/// Names DOMAIN.md does not list are ours and say so by being plain English (`caseNumber`, `discoverTime`,
/// `detector`…); a platform adapter maps them. `caseNumber` doubles as the idempotency key of a push.
public struct PlatformCase: Encodable, Sendable, Hashable {
    /// One attachment (`medias[]`).
    public struct Media: Encodable, Sendable, Hashable {
        /// `上报`: evidence attached when the case is reported.
        public var usage: String
        /// `before`, `after` or `clip`.
        public var role: String
        /// MIME type.
        public var type: String
        /// Path relative to the database's folder.
        public var path: String
        /// SHA-256 of the file, hex.
        public var sha256: String
        /// Bytes.
        public var size: Int
    }

    /// The detector's numbers, for the platform's remarks or our own audit.
    public struct DetectorSummary: Encodable, Sendable, Hashable {
        public var rule: String
        public var ruleVersion: Int
        public var zone: String
        public var dwellSeconds: Double
        public var area: Int
        public var score: Double
        /// Normalized box `[x0, y0, x1, y1]`, 0–1.
        public var box: [Double]
    }

    public var caseNumber: String
    public var eventSrc: String
    public var recType: String
    public var mainType: String
    public var subType: String
    public var subTypeName: String
    public var typeStandard: String
    public var subType2013: String?
    public var eventCode: String?
    public var eventDesc: String
    public var address: String
    public var coordinateX: Double
    public var coordinateY: Double
    public var coordinateSystem: String
    public var cellId: String
    public var discoverTime: String
    public var lastSeenTime: String
    public var cameraId: String
    public var cameraName: String
    public var deviceId: String?
    public var medias: [Media]
    public var detector: DetectorSummary
    public var status: String
    public var reviewer: String?
    public var decidedAt: String?

    /// The platform form of `draft`; times in ISO 8601 with the offset of `timeZone`.
    public init(_ draft: DraftCase, timeZone: TimeZone) {
        let time = { (date: Date) in isoTime(date, timeZone: timeZone) }
        caseNumber = draft.caseNumber ?? draft.incidentKey
        eventSrc = draft.source
        recType = draft.kind.rawValue
        mainType = draft.mainCategoryCode
        subType = draft.category.code
        subTypeName = draft.category.name
        typeStandard = draft.categoryStandard
        subType2013 = draft.category.code2013
        eventCode = draft.fullCategoryCode
        eventDesc = draft.description
        // The platform takes at most 256 characters.
        address = String(draft.location.address.prefix(256))
        coordinateX = draft.location.longitude
        coordinateY = draft.location.latitude
        coordinateSystem = draft.location.crs
        cellId = draft.location.gridCode
        discoverTime = time(draft.firstSeen)
        lastSeenTime = time(draft.lastSeen)
        cameraId = draft.camera.id
        cameraName = draft.camera.name
        deviceId = draft.camera.gb28181ID
        medias = EvidenceRole.allCases.compactMap { role in
            draft.evidence[role].map {
                Media(usage: "上报", role: role.rawValue, type: $0.mediaType, path: $0.relativePath, sha256: $0.sha256,
                      size: $0.byteCount)
            }
        }
        detector = DetectorSummary(rule: draft.facts.ruleID, ruleVersion: draft.facts.ruleVersion,
                                   zone: draft.facts.zoneID, dwellSeconds: (draft.facts.dwell * 10).rounded() / 10,
                                   area: draft.facts.area, score: draft.facts.score,
                                   box: [draft.box.x0, draft.box.y0, draft.box.x1, draft.box.y1])
        status = draft.status.rawValue
        reviewer = draft.decision?.reviewer
        decidedAt = draft.decision.map { time($0.decidedAt) }
    }

    /// One JSON object on one line (JSON Lines), keys sorted, slashes and Chinese unescaped.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// The full stored case for `streetwatch cases --json`: every field, in our own names.
public struct CaseJSON: Encodable, Sendable, Hashable {
    public var caseNumber: String?
    public var incidentKey: String
    public var status: String
    public var statusReason: String?
    public var reviewer: String?
    public var decidedAt: String?
    public var incidentState: String
    public var source: String
    public var kind: String
    public var categoryStandard: String
    public var categoryCode: String
    public var categoryName: String
    public var categoryCode2013: String?
    public var fullCategoryCode: String?
    public var description: String
    public var address: String
    public var longitude: Double
    public var latitude: Double
    public var crs: String
    public var gridCode: String
    public var cameraId: String
    public var cameraName: String
    public var cameraGB28181Id: String?
    public var firstSeen: String
    public var lastSeen: String
    public var firstSeenStream: Double
    public var lastSeenStream: Double
    public var dwellSeconds: Double
    public var box: [Double]
    public var analysisBox: [Int]
    public var frameBox: [Int]?
    public var rule: String
    public var ruleVersion: Int
    public var zone: String
    public var area: Int
    public var areaFraction: Double
    public var score: Double
    public var facts: [String: Double]
    public var evidence: [String: PlatformCase.Media]

    /// Every field of `draft`; times in ISO 8601 with the offset of `timeZone`.
    public init(_ d: DraftCase, timeZone: TimeZone) {
        let time = { (date: Date) in isoTime(date, timeZone: timeZone) }
        caseNumber = d.caseNumber; incidentKey = d.incidentKey
        status = d.status.rawValue; statusReason = d.decision?.reason; reviewer = d.decision?.reviewer
        decidedAt = d.decision.map { time($0.decidedAt) }
        incidentState = d.incidentState.rawValue
        source = d.source; kind = d.kind.rawValue
        categoryStandard = d.categoryStandard; categoryCode = d.category.code; categoryName = d.category.name
        categoryCode2013 = d.category.code2013; fullCategoryCode = d.fullCategoryCode
        description = d.description
        address = d.location.address; longitude = d.location.longitude; latitude = d.location.latitude
        crs = d.location.crs; gridCode = d.location.gridCode
        cameraId = d.camera.id; cameraName = d.camera.name; cameraGB28181Id = d.camera.gb28181ID
        firstSeen = time(d.firstSeen); lastSeen = time(d.lastSeen)
        firstSeenStream = d.firstSeenStream; lastSeenStream = d.lastSeenStream
        dwellSeconds = d.facts.dwell
        box = [d.box.x0, d.box.y0, d.box.x1, d.box.y1]
        analysisBox = [d.analysisBox.x0, d.analysisBox.y0, d.analysisBox.x1, d.analysisBox.y1]
        frameBox = d.frameBox.map { [$0.x0, $0.y0, $0.x1, $0.y1] }
        rule = d.facts.ruleID; ruleVersion = d.facts.ruleVersion; zone = d.facts.zoneID
        area = d.facts.area; areaFraction = d.facts.areaFraction; score = d.facts.score; facts = d.facts.values
        evidence = Dictionary(uniqueKeysWithValues: d.evidence.map { role, ref in
            (role.rawValue, PlatformCase.Media(usage: "上报", role: role.rawValue, type: ref.mediaType,
                                               path: ref.relativePath, sha256: ref.sha256, size: ref.byteCount))
        })
    }
}

/// `2026-11-22T08:31:05+08:00`.
public func isoTime(_ date: Date, timeZone: TimeZone) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = timeZone
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
