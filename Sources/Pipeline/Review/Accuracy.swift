public import Foundation
import GRDB

/// One draft as the accuracy tracker sees it: where it came from and what the reviewer said.
public struct ReviewRecord: Sendable, Hashable {
    /// 案卷号.
    public var caseNumber: String
    /// Camera id.
    public var camera: String
    /// Rule id.
    public var rule: String
    /// Category code and name, e.g. `09006 占道经营`.
    public var category: String
    /// When the problem was first seen (decides the month).
    public var firstSeen: Date
    /// When the draft was stored (review latency starts here).
    public var createdAt: Date
    /// Status now.
    public var status: CaseStatus
    /// Parsed reason of a verdict.
    public var reason: ReviewReason?
    /// When the verdict was given.
    public var decidedAt: Date?

    /// Creates a record.
    public init(caseNumber: String, camera: String, rule: String, category: String, firstSeen: Date, createdAt: Date,
                status: CaseStatus, reason: ReviewReason? = nil, decidedAt: Date? = nil) {
        self.caseNumber = caseNumber
        self.camera = camera
        self.rule = rule
        self.category = category
        self.firstSeen = firstSeen
        self.createdAt = createdAt
        self.status = status
        self.reason = reason
        self.decidedAt = decidedAt
    }
}

/// The 95 % Wilson score interval of a proportion (better than p ± 1.96·SE near 0 %, 100 % and for small n).
///
/// https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval
/// - Returns: `nil` when `trials` is 0.
public func wilsonInterval(successes: Int, trials: Int, z: Double = 1.959963984540054) -> ClosedRange<Double>? {
    guard trials > 0 else { return nil }
    let n = Double(trials), p = Double(successes) / n, z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
    return max(0, centre - half)...min(1, centre + half)
}

/// Precision after review for one group of drafts (a camera, a rule, a month, or all).
public struct AccuracyRow: Sendable, Hashable, Codable {
    /// The group: camera id, rule id, category, `2026-03`, or `total`.
    public var key: String
    /// 视频自动识别问题数: every draft in the group.
    public var flagged: Int
    /// 立案数.
    public var confirmed: Int
    /// 不予立案数.
    public var rejected: Int
    /// Not reviewed yet.
    public var pending: Int
    /// confirmed ÷ (confirmed + rejected); `nil` before any verdict.
    public var precision: Double?
    /// 95 % Wilson interval, lower bound.
    public var wilsonLow: Double?
    /// 95 % Wilson interval, upper bound.
    public var wilsonHigh: Double?
    /// Median seconds from draft to verdict.
    public var medianLatency: Double?

    /// Confirmed plus rejected.
    public var reviewed: Int { confirmed + rejected }

    /// Counts `records` under `key`.
    public init(key: String, records: some Sequence<ReviewRecord>) {
        self.key = key
        var flagged = 0, confirmed = 0, rejected = 0
        var latencies: [Double] = []
        for record in records {
            flagged += 1
            switch record.status {
            case .confirmed: confirmed += 1
            case .rejected: rejected += 1
            case .draft: continue
            }
            if let decided = record.decidedAt { latencies.append(max(0, decided.timeIntervalSince(record.createdAt))) }
        }
        self.flagged = flagged
        self.confirmed = confirmed
        self.rejected = rejected
        pending = flagged - confirmed - rejected
        let reviewed = confirmed + rejected
        precision = reviewed > 0 ? Double(confirmed) / Double(reviewed) : nil
        let interval = wilsonInterval(successes: confirmed, trials: reviewed)
        wilsonLow = interval?.lowerBound
        wilsonHigh = interval?.upperBound
        latencies.sort()
        medianLatency = latencies.isEmpty ? nil
            : latencies.count % 2 == 1 ? latencies[latencies.count / 2]
            : (latencies[latencies.count / 2 - 1] + latencies[latencies.count / 2]) / 2
    }
}

/// How much of its time a camera was actually watched (探头考评), from the run's own status samples.
public struct CameraCoverage: Sendable, Hashable, Codable {
    /// Camera id.
    public var camera: String
    /// Hours between samples that found the camera online.
    public var onlineHours: Double
    /// Hours from the camera's first sample in the period to the period's end (or now, or its last sample).
    public var scheduledHours: Double
    /// Mean analysed frames per second over online samples.
    public var meanAnalysedFPS: Double?
    /// The configured analysis rate: given, else the one the latest sample recorded.
    public var configuredFPS: Double?

    /// onlineHours ÷ scheduledHours.
    public var onlineRate: Double? { scheduledHours > 0 ? min(1, onlineHours / scheduledHours) : nil }
    /// meanAnalysedFPS ÷ configuredFPS.
    public var fpsRatio: Double? {
        guard let meanAnalysedFPS, let configuredFPS, configuredFPS > 0 else { return nil }
        return meanAnalysedFPS / configuredFPS
    }

    /// Sums online time from consecutive samples of one camera (sorted by time).
    ///
    /// The state of a sample holds until the next one, but at most `maxGap` seconds: a process that was not
    /// running wrote no samples, and that time must count as not watched.
    public init(camera: String, samples: [CameraStatusSample], period: Range<Date>, configuredFPS: Double? = nil,
                maxGap: TimeInterval = 300) {
        self.camera = camera
        let inPeriod = samples.filter { period.contains($0.at) }.sorted { $0.at < $1.at }
        self.configuredFPS = configuredFPS ?? inPeriod.last { $0.configuredFPS != nil }?.configuredFPS
        // The last sample holds for the usual sampling interval (the median gap), not for a whole `maxGap`.
        let gaps = zip(inPeriod.dropFirst(), inPeriod).map { $0.at.timeIntervalSince($1.at) }.sorted()
        let usual = min(maxGap, gaps.isEmpty ? 0 : gaps[gaps.count / 2])
        var online: TimeInterval = 0
        for (i, sample) in inPeriod.enumerated() where sample.state == .online {
            let next = i + 1 < inPeriod.count ? inPeriod[i + 1].at
                : min(period.upperBound, sample.at.addingTimeInterval(usual))
            online += min(maxGap, max(0, next.timeIntervalSince(sample.at)))
        }
        onlineHours = online / 3600
        if let first = inPeriod.first, let last = inPeriod.last {
            let end = max(min(period.upperBound, last.at.addingTimeInterval(usual)), min(period.upperBound, Date()))
            scheduledHours = max(0, end.timeIntervalSince(first.at)) / 3600
        } else {
            scheduledHours = 0
        }
        let fps = inPeriod.filter { $0.state == .online }.map(\.fpsAnalysed)
        meanAnalysedFPS = fps.isEmpty ? nil : fps.reduce(0, +) / Double(fps.count)
    }
}

/// Precision after review, grouped every way the centre reports it.
public struct AccuracySummary: Sendable, Hashable, Codable {
    /// All drafts of the period.
    public var total: AccuracyRow
    /// Per camera, by id.
    public var byCamera: [AccuracyRow]
    /// Per rule, by id.
    public var byRule: [AccuracyRow]
    /// Per category (`code name`).
    public var byCategory: [AccuracyRow]
    /// Per month (`yyyy-MM`), in order.
    public var byMonth: [AccuracyRow]
    /// Rejections per reason, in the fixed list's order; reasons never used are listed with 0.
    public var rejectedByReason: [ReasonCount]

    /// One reason's count.
    public struct ReasonCount: Sendable, Hashable, Codable {
        /// The reason.
        public var reason: RejectReason
        /// How many rejections gave it.
        public var count: Int
    }

    /// Groups `records`; months are calendar months in `timeZone`.
    public init(records: [ReviewRecord], timeZone: TimeZone) {
        func rows(_ key: (ReviewRecord) -> String) -> [AccuracyRow] {
            Dictionary(grouping: records, by: key).map { AccuracyRow(key: $0.key, records: $0.value) }.sorted { $0.key < $1.key }
        }
        total = AccuracyRow(key: "total", records: records)
        byCamera = rows(\.camera)
        byRule = rows(\.rule)
        byCategory = rows(\.category)
        byMonth = rows { monthKey($0.firstSeen, timeZone: timeZone) }
        var counts: [RejectReason: Int] = [:]
        for record in records where record.status == .rejected {
            counts[record.reason?.reason ?? .other, default: 0] += 1
        }
        rejectedByReason = RejectReason.allCases.map { ReasonCount(reason: $0, count: counts[$0] ?? 0) }
    }
}

/// `yyyy-MM` of `date` in `timeZone`.
func monthKey(_ date: Date, timeZone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.year, .month], from: date)
    // `!`: a Gregorian calendar always yields year and month when asked for them.
    return String(format: "%04d-%02d", c.year!, c.month!)
}

/// Reads what the accuracy tracker needs.
extension SQLiteCaseStore {
    /// Every draft first seen in `period`, with its verdict.
    public func reviewRecords(firstSeenIn period: Range<Date>) async throws -> [ReviewRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT case_number, camera_id, rule_id, category_code, category_name, first_seen_at, created_at,
                       status, status_reason, decided_at
                FROM cases WHERE first_seen_at >= ? AND first_seen_at < ? ORDER BY first_seen_at, id
                """, arguments: [period.lowerBound.timeIntervalSince1970, period.upperBound.timeIntervalSince1970]).map { row in
                let r = RowReader(row, "cases")
                guard let status = CaseStatus(rawValue: try r("status")) else {
                    throw CaseStoreError.corruptRow("status of \(try r("case_number") as String)")
                }
                let decided: Double? = try r("decided_at")
                return ReviewRecord(caseNumber: try r("case_number"), camera: try r("camera_id"), rule: try r("rule_id"),
                                    category: "\(try r("category_code") as String) \(try r("category_name") as String)",
                                    firstSeen: Date(timeIntervalSince1970: try r("first_seen_at")),
                                    createdAt: Date(timeIntervalSince1970: try r("created_at")), status: status,
                                    reason: ReviewReason(stored: try r("status_reason")),
                                    decidedAt: decided.map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
