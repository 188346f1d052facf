public import Foundation

/// What the camera page (探头考评) reads: registered cameras, their latest sample and picture, the daily uptime
/// rollup and today's drafts; a few rows per camera whatever the month holds.
public protocol CameraStatusReading: Sendable {
    /// Every registered camera, by group and id.
    func registeredCameras() async throws -> [RegisteredCamera]

    /// The latest status sample of every camera that has one.
    func latestSamples() async throws -> [String: CameraStatusSample]

    /// Online time per camera over the local days from `first` to `last` (inclusive), in the store's time zone.
    func uptime(from first: Date, through last: Date) async throws -> [String: CameraUptime]

    /// When each camera's latest picture was taken (the page links a picture only when there is one).
    func pictureTimes() async throws -> [String: Date]

    /// The camera's latest analysed picture and when it was taken, or `nil`.
    func picture(camera: String) async throws -> (jpeg: Data, at: Date)?

    /// Drafts first seen in `period`, counted per camera.
    func draftCounts(firstSeenIn period: Range<Date>) async throws -> [String: Int]
}
