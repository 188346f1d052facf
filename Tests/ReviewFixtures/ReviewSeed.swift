public import Foundation
public import Pipeline
import Detector

/// Seeded drafts for review tests: a real store in a temporary folder, 20 drafts over two cameras and two rules,
/// each with before/after pictures and a clip.
public enum ReviewSeed {
    /// The year the drafts are in (2026, Asia/Shanghai).
    public static let year = 2026
    /// Reports and months are cut in China Standard Time.
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!  // `!`: a fixed, valid tz database name.
    /// Camera ids, with how many of the 20 drafts each has.
    public static let cameras = [("gs-east-03", "东门垃圾站 3号", 12), ("old-town-07", "老街 7号", 8)]
    /// The group the cameras belong to, as `run` registers it.
    public static let group = ("gs", "垃圾站", "+08:00")
    /// A reviewer and an admin account, with the password of both.
    public static let reviewer = "lina", admin = "chief", password = "correct horse battery"

    /// A 1×1 PNG, so browsers draw the evidence pictures.
    public static let png: [UInt8] = Array(Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)
    // `!`: the literal above is valid base64.

    /// A fresh temporary folder.
    public static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "streetwatch-review-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Opens `<folder>/cases.sqlite` with 20 drafts (case numbers returned oldest first) and two accounts.
    /// - Parameter bcryptCost: low in tests; hashing at the default cost takes a quarter second each.
    public static func store(in folder: String, bcryptCost: UInt8 = 4) async throws -> (SQLiteCaseStore, [String]) {
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: timeZone)
        return (store, try await seed(store, bcryptCost: bcryptCost))
    }

    /// Fills any store (both backends) with the 20 drafts, their evidence, two accounts and two hours of status
    /// samples; returns the case numbers, oldest first.
    public static func seed(_ store: any CaseWriting & AccountStore, bcryptCost: UInt8 = 4) async throws -> [String] {
        try await store.register(group: group.0, name: group.1, utcOffset: group.2, cameras: cameras.map {
            RegisteredCamera(id: $0.0, name: $0.1, group: group.0, groupName: group.1, configuredFPS: 5)
        })
        var numbers: [String] = []
        var i = 0
        for (camera, name, count) in cameras {
            for _ in 0..<count {
                let draft = makeDraft(index: i, camera: CameraRef(id: camera, name: name))
                let stored = try await store.apply(.opened(draft))
                try await store.attachEvidence(png + [UInt8(i)], fileExtension: "png", role: .before, toIncident: draft.incidentKey)
                try await store.attachEvidence(png + [UInt8(i), 1], fileExtension: "png", role: .after, toIncident: draft.incidentKey)
                try await store.attachEvidence([0, 0, 0, 24] + Array("ftypisom".utf8) + [UInt8(i)], fileExtension: "mp4",
                                               role: .clip, toIncident: draft.incidentKey)
                // `!`: the store assigns a number on insert.
                numbers.append(stored.caseNumber!)
                i += 1
            }
        }
        try await store.addUser(name: reviewer, role: .reviewer, password: password, cost: bcryptCost)
        try await store.addUser(name: admin, role: .admin, password: password, cost: bcryptCost)
        // Two hours of samples: camera one online all the time, camera two for the first hour only. Camera one's
        // samples carry the configured rate as `run` writes them; camera two's are in the older form without it.
        let start = firstSeen(0)
        for minute in stride(from: 0, to: 120, by: 1) {
            let at = start.addingTimeInterval(Double(minute) * 60)
            try await store.record(CameraStatusSample(camera: cameras[0].0, at: at, state: .online, fpsAnalysed: 5, drops: 0,
                                                      configuredFPS: 5))
            try await store.record(CameraStatusSample(camera: cameras[1].0, at: at, state: minute < 60 ? .online : .offline,
                                                      fpsAnalysed: minute < 60 ? 4 : 0, drops: 0))
        }
        return numbers.sorted { a, b in a < b }
    }

    /// Draft `index`: months January to October, rule `abandoned-object` for 14 and `stationary-occupancy` for 6.
    static func makeDraft(index: Int, camera: CameraRef) -> DraftCase {
        let vending = index % 10 >= 7
        let category = vending ? CaseCategory(code: "09006", name: "占道经营", code2013: "04-06")
                               : CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10")
        let rule = vending ? "stationary-occupancy" : "abandoned-object"
        let location = CaseLocation(address: "东门路\(index + 1)号", longitude: 118.78 + Double(index) / 1000,
                                    latitude: 32.04, gridCode: "320102001001001")
        let first = firstSeen(index)
        return DraftCase(
            incidentKey: "seed-\(index)", kind: .matter, category: category, divisionCode: "320102",
            description: caseDescription(category: category, location: location, camera: camera, zoneID: "station", dwell: 300),
            location: location, camera: camera, firstSeen: first, lastSeen: first.addingTimeInterval(300),
            firstSeenStream: 10, lastSeenStream: 310, box: NormalizedBox(x0: 0.4, y0: 0.5, x1: 0.5, y1: 0.7),
            analysisBox: PixelBox(x0: 64, y0: 45, x1: 80, y1: 63),
            facts: DetectorFacts(ruleID: rule, ruleVersion: 1, zoneID: "station", dwell: 300, area: 288,
                                 areaFraction: 0.02, score: 0.8, values: ["meanDiff": 41]),
            incidentState: .closed)
    }

    /// 03:00 on day `index % 28 + 1` of month `index % 10 + 1`, 2026, China Standard Time.
    static func firstSeen(_ index: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // `!`: these components always name a real date.
        return calendar.date(from: DateComponents(year: year, month: index % 10 + 1, day: index % 28 + 1, hour: 3,
                                                  minute: index))!
    }

    /// Adds `count` more drafts (camera one, one a minute from 2026-11-01 03:00 +08:00) with pictures and a clip,
    /// for runs longer than the 20 seeded ones; returns their numbers, oldest first.
    public static func addDrafts(_ count: Int, to store: any CaseWriting) async throws -> [String] {
        var numbers: [String] = []
        for i in 0..<count {
            var draft = makeDraft(index: i, camera: CameraRef(id: cameras[0].0, name: cameras[0].1))
            draft.incidentKey = "extra-\(i)"
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            // `!`: these components always name a real date.
            draft.firstSeen = calendar.date(from: DateComponents(year: year, month: 11, day: 1, hour: 3, minute: i))!
            draft.lastSeen = draft.firstSeen.addingTimeInterval(300)
            let stored = try await store.apply(.opened(draft))
            try await store.attachEvidence(png + [UInt8(i % 256), 2], fileExtension: "png", role: .before, toIncident: draft.incidentKey)
            try await store.attachEvidence(png + [UInt8(i % 256), 3], fileExtension: "png", role: .after, toIncident: draft.incidentKey)
            try await store.attachEvidence([0, 0, 0, 24] + Array("ftypisom".utf8) + [UInt8(i % 256), 4], fileExtension: "mp4",
                                           role: .clip, toIncident: draft.incidentKey)
            // `!`: the store assigns a number on insert.
            numbers.append(stored.caseNumber!)
        }
        return numbers
    }

    /// The last two hours as `run` would have recorded them: camera one online with a picture, camera two offline
    /// for the last half hour.
    public static func recordLiveCameras(in store: any CaseWriting, now: Date = Date()) async throws {
        for minute in stride(from: 120, through: 0, by: -1) {
            let at = now.addingTimeInterval(-Double(minute) * 60)
            try await store.record(CameraStatusSample(camera: cameras[0].0, at: at, state: .online, fpsAnalysed: 4.9,
                                                      drops: 0, configuredFPS: 5))
            try await store.record(CameraStatusSample(camera: cameras[1].0, at: at, state: minute > 30 ? .online : .offline,
                                                      fpsAnalysed: minute > 30 ? 4.8 : 0, drops: 0, configuredFPS: 5))
        }
        try await store.recordPicture(png, camera: cameras[0].0, at: now.addingTimeInterval(-20))
    }
}
