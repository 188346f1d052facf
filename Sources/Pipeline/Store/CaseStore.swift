public import Foundation

/// Every capability of a case store, for the composition root (the command line), which opens one store and hands
/// each caller only the protocol it needs: ``CaseWriting`` to camera workers, ``CaseReviewing``,
/// ``CameraStatusReading``, ``AccountStore`` and ``QueueWatching`` to the
/// review desk, ``DeliveryTracking`` to `push`.
///
/// ``SQLiteCaseStore`` (one group, one file) and `PostgresCaseStore` (many groups on many hosts) implement all.
public typealias CaseStore = CaseWriting & CaseReviewing & CameraStatusReading & AccountStore & DeliveryTracking
    & QueueWatching

/// A filter for ``CaseReading/cases(_:)``; `nil` fields match everything.
public struct CaseQuery: Sendable, Hashable {
    /// Only cases with this status.
    public var status: CaseStatus?
    /// Only this camera's cases.
    public var camera: String?
    /// Only cases first seen at or after this time.
    public var firstSeenFrom: Date?
    /// Only cases first seen before this time.
    public var firstSeenUntil: Date?
    /// Only cases decided at or after this time (for export of confirmations since a moment).
    public var decidedFrom: Date?
    /// At most this many cases.
    public var limit: Int?

    /// Creates a query.
    public init(status: CaseStatus? = nil, camera: String? = nil, firstSeenFrom: Date? = nil,
                firstSeenUntil: Date? = nil, decidedFrom: Date? = nil, limit: Int? = nil) {
        self.status = status
        self.camera = camera
        self.firstSeenFrom = firstSeenFrom
        self.firstSeenUntil = firstSeenUntil
        self.decidedFrom = decidedFrom
        self.limit = limit
    }
}

/// One observation of a camera's health.
public struct CameraStatusSample: Sendable, Hashable {
    /// What a camera was doing.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Frames arrive and are analysed.
        case online
        /// Connecting or reconnecting.
        case connecting
        /// No frames (dead address, stalled stream).
        case offline
    }

    /// Camera id.
    public var camera: String
    /// When the sample was taken (wall clock).
    public var at: Date
    /// The state then.
    public var state: State
    /// Frames analysed per second over the sample period.
    public var fpsAnalysed: Double
    /// Frames dropped (drop-oldest) over the sample period.
    public var drops: Int
    /// The analysis rate the camera was configured for then (`nil` in samples stored before it was recorded).
    public var configuredFPS: Double?

    /// Creates a sample.
    public init(camera: String, at: Date, state: State, fpsAnalysed: Double, drops: Int, configuredFPS: Double? = nil) {
        self.camera = camera
        self.at = at
        self.state = state
        self.fpsAnalysed = fpsAnalysed
        self.drops = drops
        self.configuredFPS = configuredFPS
    }
}

/// Failures of a case store that are not plain database errors.
public enum CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No case has this incident key or case number.
    case noSuchCase(String)
    /// A stored row could not be read back (a value outside its enum, bad JSON).
    case corruptRow(String)

    public var description: String {
        switch self {
        case .noSuchCase(let key): "no case '\(key)'"
        case .corruptRow(let detail): "unreadable case row: \(detail)"
        }
    }
}
