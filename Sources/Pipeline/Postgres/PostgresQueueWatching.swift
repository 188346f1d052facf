import Foundation
import PostgresNIO

/// The live queue from LISTEN/NOTIFY: triggers on `cases` (``PostgresSchema``'s `v4-queue-notify`) notify
/// `streetwatch_queue` when a draft is inserted or a status changes, from whichever host wrote it; PostgreSQL
/// delivers a notification at commit, to every listener.
extension PostgresCaseStore {
    /// The notification channel.
    static let queueChannel = "streetwatch_queue"

    /// Listens on a connection of its own for as long as the consumer iterates. (One connection per open queue
    /// page: fine for a centre's reviewers; a desk serving hundreds of pages would share one listener.)
    public func queueChanges() -> AsyncThrowingStream<QueueChange, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                let connection: PostgresConnection
                do {
                    connection = try await PostgresConnection.connect(configuration: settings.connectionConfiguration(),
                                                                      id: Int.random(in: 1...Int(Int32.max)), logger: logger)
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
                do {
                    for try await notification in try await connection.listen(Self.queueChannel) {
                        if let change = try? JSONDecoder().decode(QueueChange.self, from: Data(notification.payload.utf8)) {
                            continuation.yield(change)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: Task.isCancelled ? nil : error)
                }
                try? await connection.close()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
