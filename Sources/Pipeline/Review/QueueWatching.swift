public import Foundation
import GRDB

/// A change an open review queue shows live: a new draft, or a case whose status changed.
public struct QueueChange: Sendable, Hashable, Codable {
    /// 案卷号.
    public var caseNumber: String
    /// The status now: `draft` for a new draft (and an undone verdict), `confirmed` or `rejected`.
    public var status: String
    /// Camera id.
    public var camera: String

    enum CodingKeys: String, CodingKey {
        case caseNumber = "case", status, camera
    }
}

/// The queue's changes as they happen, for the desk's live queue (server-sent events).
public protocol QueueWatching: Sendable {
    /// Changes from now on, until the consumer stops iterating. Nothing is replayed: a page that reconnects
    /// reloads instead.
    func queueChanges() -> AsyncThrowingStream<QueueChange, any Error>
}

extension SQLiteCaseStore {
    /// New drafts, found by reading rows past the highest id once a second (an index read): `run` writes the file
    /// from another process, and SQLite has no way to tell this one. Verdicts are not reported.
    public func queueChanges() -> AsyncThrowingStream<QueueChange, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task { [pool] in
                do {
                    var last = try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM cases") } ?? 0
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        let rows = try await pool.read { db in
                            try Row.fetchAll(db, sql: """
                                SELECT id, case_number, status, camera_id FROM cases WHERE id > ? ORDER BY id LIMIT 500
                                """, arguments: [last])
                        }
                        for row in rows {
                            last = row["id"]
                            continuation.yield(QueueChange(caseNumber: row["case_number"], status: row["status"],
                                                           camera: row["camera_id"]))
                        }
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
