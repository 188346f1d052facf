import GRDB

extension SQLiteCaseStore {
    /// The evidence file a case references by this SHA-256, or `nil`; the web server serves evidence only this way,
    /// so a request can never name a path.
    public func evidence(sha256: String) async throws -> EvidenceRef? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT sha256, relative_path, byte_count, media_type FROM evidence WHERE sha256 = ? LIMIT 1",
                             arguments: [sha256]).map { row in
                let r = RowReader(row, "evidence")
                return EvidenceRef(sha256: try r("sha256"), relativePath: try r("relative_path"), byteCount: try r("byte_count"),
                            mediaType: try r("media_type"))
            }
        }
    }
}
