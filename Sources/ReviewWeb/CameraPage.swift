import Foundation
import Hummingbird
import Pipeline

extension ReviewApp {
    /// A camera counts as online when its latest status sample says so and is at most this old: `run` writes one
    /// a minute (``CameraSupervisor/sampleInterval``), so three missed samples mean the process is not watching.
    static let heartbeatTimeout: TimeInterval = 180

    /// Every camera, grouped by camera group: online or not, latest analysed picture, analysed fps, uptime today
    /// and this month (探头考评, from the daily uptime `run`'s samples keep up), drafts today. Built from what `run`
    /// records in the store; a page reads a few rows per camera whatever the month holds.
    func cameraPage(_ request: Request, session: ReviewSession, now: Date = Date()) async throws -> Response {
        let strings = strings(request)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        // `!`: the first day of the month of a real date always exists.
        let month = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        let registered = try await store.registeredCameras()
        let latest = try await store.latestSamples()
        let uptimeToday = try await store.uptime(from: today, through: now)
        let uptimeMonth = try await store.uptime(from: month, through: now)
        let pictures = try await store.pictureTimes()
        let drafts = try await store.draftCounts(firstSeenIn: today..<now.addingTimeInterval(1))
        // Cameras that wrote samples but were never registered (stores from before registration) still show.
        let unregistered = Set(latest.keys).subtracting(registered.map(\.id)).sorted().map {
            RegisteredCamera(id: $0, name: $0, group: "-", groupName: strings("ungrouped"), configuredFPS: 0)
        }
        let cameras = registered + unregistered
        func uptime(_ days: CameraUptime?, _ latest: CameraStatusSample?) -> String {
            guard let rate = days?.rate(now: now, latest: latest) else { return strings("noData") }
            return percent(rate)
        }
        let groups = Dictionary(grouping: cameras, by: \.group).sorted { $0.key < $1.key }.map { id, members in
            [
                "group": id, "groupName": members[0].groupName,
                "cameras": members.map { camera -> [String: Any] in
                    let latest = latest[camera.id]
                    let online = latest.map { $0.state == .online && now.timeIntervalSince($0.at) <= Self.heartbeatTimeout } ?? false
                    var values: [String: Any] = [
                        "id": camera.id, "name": camera.name, "online": online,
                        "state": strings(online ? "online" : latest == nil ? "noStatus" : "offline"),
                        "draftsToday": drafts[camera.id] ?? 0,
                        "uptimeToday": uptime(uptimeToday[camera.id], latest),
                        "uptimeMonth": uptime(uptimeMonth[camera.id], latest),
                    ]
                    if let latest {
                        values["lastSample"] = timeText(latest.at)
                        let configured = latest.configuredFPS ?? camera.configuredFPS
                        values["fps"] = String(format: "%.1f", latest.fpsAnalysed)
                            + (configured > 0 ? String(format: " / %.1f", configured) : "")
                    }
                    if let at = pictures[camera.id] {
                        values["picture"] = "/cameras/\(percentEncoded(camera.id))/picture"
                        values["pictureAt"] = timeText(at)
                    }
                    return values
                },
            ] as [String: Any]
        }
        return page("cameras", request: request, session: session,
                    values: ["groups": groups, "now": timeText(now), "hasCameras": !cameras.isEmpty])
    }

    /// A camera's latest analysed picture; the camera id is only a key for the database, never a path.
    func cameraPicture(_ camera: String) async throws -> Response {
        guard let picture = try await store.picture(camera: camera) else { return notFound() }
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=30"],
                        body: .init(byteBuffer: ByteBuffer(bytes: picture.jpeg)))
    }
}
