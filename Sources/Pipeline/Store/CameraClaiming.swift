/// Makes sure a camera is analysed by one process only, when many group processes share one store.
public protocol CameraClaiming: Sendable {
    /// Claims `cameras` for this process until it ends (or its store connection dies, which frees them for a
    /// process started after it).
    /// - Parameters:
    ///   - group: this process's group id, named in the message another process gets.
    /// - Throws: ``CameraClaimError`` naming the first camera another process holds; nothing is claimed then.
    func claimCameras(_ cameras: [String], group: String) async throws
}

/// A camera of this group is already analysed by another process on the same store.
public struct CameraClaimError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The camera id.
    public var camera: String
    /// Who holds it (group, host and process id), when the database could tell.
    public var holder: String?

    public var description: String {
        "camera '\(camera)' is already run by \(holder ?? "another streetwatch process") on this store; "
            + "a camera is analysed by one process only: remove it from one group, or stop the other process "
            + "(its claim ends with its database connection)"
    }
}

extension SQLiteCaseStore: CameraClaiming {
    /// Claims nothing: an SQLite file is one group's, written by one `run` (two processes on one file are not a
    /// supported setup; the PostgreSQL store is the one for many processes).
    public func claimCameras(_ cameras: [String], group: String) async throws {}
}
