import HummingbirdBcrypt
import NIOPosix

/// bcrypt on threads of its own, at most ``threads`` hashes at a time.
///
/// A bcrypt check costs about a quarter of a second of CPU, on purpose. Run on Swift's cooperative pool (one
/// thread per core), a handful of logins at once would hold every thread and stall all other tasks of the process:
/// the review UI and, under `run`, the camera analysis. Here checks queue for a small NIO thread pool instead, as
/// HummingbirdBcrypt's documentation suggests; a waiting check holds no thread, and how many can wait is bounded
/// by the web server's connection limit.
public final class PasswordHashing: Sendable {
    /// The process's hasher: one thread, so logins never take more than one core from the analysis.
    public static let shared = PasswordHashing(threads: 1)

    /// Hashes that may run at once.
    public let threads: Int
    private let pool: NIOThreadPool

    /// Starts `threads` hashing threads (at least one).
    public init(threads: Int) {
        self.threads = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }

    /// The bcrypt hash of `password` at `cost`.
    /// - Throws: `CancellationError` when the task is cancelled while waiting for a thread.
    public func hash(_ password: String, cost: UInt8) async throws -> String {
        try await pool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`.
    /// - Throws: `CancellationError` when the task is cancelled while waiting for a thread.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
