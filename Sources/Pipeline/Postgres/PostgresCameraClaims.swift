import Foundation
import PostgresNIO

/// Camera ownership across hosts: a session-level `pg_try_advisory_lock` per camera, held on one dedicated
/// connection for the life of the process. PostgreSQL releases a session's advisory locks when its connection
/// ends, so a host that dies frees its cameras for the next process that starts.
extension PostgresCaseStore: CameraClaiming {
    public func claimCameras(_ cameras: [String], group: String) async throws {
        let held = claimConnection.withLock { $0 }
        let connection: PostgresConnection
        if let held {
            connection = held
        } else {
            do {
                connection = try await PostgresConnection.connect(configuration: settings.connectionConfiguration(),
                                                                  id: Int(getpid()), logger: logger)
            } catch let error as PSQLError {
                throw PostgresStoreError(error)
            }
        }
        var taken: [String] = []
        do {
            let host = ProcessInfo.processInfo.hostName
            let name = String("streetwatch group '\(group)' on \(host) (pid \(getpid()))".prefix(63))
            try await connection.rows("SELECT set_config('application_name', \(name), false)", logger)
            for camera in cameras.sorted() {
                let got = try await connection.rows("SELECT pg_try_advisory_lock(hashtextextended('cam:' || \(camera), 0))", logger)
                    .first?.decode(Bool.self)
                guard got == true else {
                    let holder = try await connection.rows("""
                        SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                        WHERE l.locktype = 'advisory' AND l.granted
                            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('cam:' || \(camera), 0)
                        """, logger).first?.decode(String.self)
                    throw CameraClaimError(camera: camera, holder: holder.flatMap { $0.isEmpty ? nil : $0 })
                }
                taken.append(camera)
            }
        } catch {
            // Nothing of a refused claim stays held: a new connection goes, a held one gives back what this call took
            // (session advisory locks count, so a camera claimed twice is unlocked once).
            if held == nil {
                try? await connection.close()
            } else {
                for camera in taken {
                    _ = try? await connection.rows("SELECT pg_advisory_unlock(hashtextextended('cam:' || \(camera), 0))", logger)
                }
            }
            throw error
        }
        if held == nil { claimConnection.withLock { $0 = connection } }
    }

    /// Ends the claim connection, which frees every camera this process claimed.
    func releaseCameras() async {
        let held = claimConnection.withLock { held in
            defer { held = nil }
            return held
        }
        try? await held?.close()
    }
}
