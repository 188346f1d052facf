import GRDB

extension SQLiteCaseStore {
    /// The evidence file a case references by this SHA-256, or `nil`; the web server serves evidence only this way,
    /// so a request can never name a path.
    public func evidence(sha256: String) async throws -> EvidenceRef? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT sha256, relative_path, byte_count, media_type FROM evidence WHERE sha256 = ? LIMIT 1",
                             arguments: [sha256]).map { row in
                EvidenceRef(sha256: row["sha256"], relativePath: row["relative_path"], byteCount: row["byte_count"],
                            mediaType: row["media_type"])
            }
        }
    }
}
