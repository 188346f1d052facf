public import Foundation
import NIOCore
import PostgresNIO

/// The camera page's reads: a few rows per camera from the registry, the latest samples and the daily rollup.
extension PostgresCaseStore {
    public func registeredCameras() async throws -> [RegisteredCamera] {
        try await query("""
            SELECT c.id, c.name, c.group_id, g.name AS group_name, c.configured_fps
            FROM cameras c JOIN camera_groups g ON g.id = c.group_id ORDER BY c.group_id, c.id
            """).map { row in
            let r = PostgresRowReader(row, "cameras")
            return RegisteredCamera(id: try r("id"), name: try r("name"), group: try r("group_id"),
                                    groupName: try r("group_name"), configuredFPS: try r("configured_fps"))
        }
    }

    public func latestSamples() async throws -> [String: CameraStatusSample] {
        // DISTINCT ON reads the (camera_id, at, id) index backwards once per camera.
        let samples = try await query("""
            SELECT DISTINCT ON (camera_id) camera_id, at, state, fps_analysed, drops, fps_configured FROM camera_status
            ORDER BY camera_id, at DESC, id DESC
            """).map(Self.sample)
        return Dictionary(samples.map { ($0.camera, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func uptime(from first: Date, through last: Date) async throws -> [String: CameraUptime] {
        let zone = timeZone
        var result: [String: CameraUptime] = [:]
        for row in try await query("""
            SELECT camera_id, sum(online_seconds) AS online, min(first_at) AS since FROM camera_uptime_days
            WHERE day >= \(dayKey(first, timeZone: zone)) AND day <= \(dayKey(last, timeZone: zone)) GROUP BY camera_id
            """) {
            let (camera, online, since) = try row.decode((String, Double, Double).self)
            result[camera] = CameraUptime(onlineSeconds: online, since: Date(timeIntervalSince1970: since))
        }
        return result
    }

    public func pictureTimes() async throws -> [String: Date] {
        var times: [String: Date] = [:]
        for row in try await query("SELECT camera_id, at FROM camera_pictures") {
            let (camera, at) = try row.decode((String, Double).self)
            times[camera] = Date(timeIntervalSince1970: at)
        }
        return times
    }

    public func picture(camera: String) async throws -> (jpeg: Data, at: Date)? {
        try await query("SELECT jpeg, at FROM camera_pictures WHERE camera_id = \(camera)").first.map {
            let (jpeg, at) = try $0.decode((ByteBuffer, Double).self)
            return (Data(jpeg.readableBytesView), Date(timeIntervalSince1970: at))
        }
    }

    public func draftCounts(firstSeenIn period: Range<Date>) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await query("""
            SELECT camera_id, count(*) FROM cases
            WHERE first_seen_at >= \(period.lowerBound.timeIntervalSince1970) AND first_seen_at < \(period.upperBound.timeIntervalSince1970)
            GROUP BY camera_id
            """) {
            let (camera, n) = try row.decode((String, Int).self)
            counts[camera] = n
        }
        return counts
    }
}
