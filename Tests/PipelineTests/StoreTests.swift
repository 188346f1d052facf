import Detector
import Foundation
import GRDB
import Testing
@testable import Pipeline

/// The SQLite case store: schema, idempotent upserts, numbering, queries. Real files in a temporary folder;
/// the schema alone in memory.
@Suite("case store")
struct StoreTests {
    let clock = CaseFixture.origin
    let context = CaseFixture.context()

    func openedEvent(track: Int = 1, box: (Double, Double, Double, Double) = (0.4, 0.5, 0.5, 0.7),
                     first: Double = 10, camera: CameraRef = CaseFixture.camera) -> CaseEvent {
        var t = IncidentTracker(cameraID: camera.id)
        return t.ingest(CaseFixture.finding(.start, track: track, box: box, first: first, last: first + 60),
                        context: CaseFixture.context(camera: camera), clock: clock)[0]
    }

    @Test func migrationsCreateTheSchemaInMemory() throws {
        let db = try DatabaseQueue()
        try SQLiteCaseStore.migrator.migrate(db)
        try db.read { db in
            #expect(try SQLiteCaseStore.migrator.appliedIdentifiers(db) == ["v1-cases", "v2-camera-status", "v3-review",
                                                                               "v4-camera-status-configured-fps",
                                                                               "v5-audit-log-no-replace", "v6-push-state",
                                                                               "v7-camera-groups", "v8-queue-indexes",
                                                                               "v9-camera-uptime-days", "v10-evidence-due",
                                                                               "v11-uptime-day-stats", "v12-evidence-notes"])
            #expect(try SQLiteCaseStore.migrator.hasCompletedMigrations(db))
            #expect(try db.tableExists("cases") && db.tableExists("evidence") && db.tableExists("camera_status"))
            let columns = try db.columns(in: "cases").map(\.name)
            for name in ["incident_key", "case_number", "category_code", "grid_code", "camera_gb28181_id",
                         "first_seen_at", "first_seen_stream", "rule_version", "status", "status_reason", "reviewer",
                         "decided_at", "incident_state"] {
                #expect(columns.contains(name), "cases.\(name)")
            }
        }
        // Evidence must belong to a case.
        #expect(throws: DatabaseError.self) {
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO evidence (case_id, role, sha256, relative_path, byte_count, media_type, added_at)
                    VALUES (42, 'after', ?, 'x', 1, 'image/jpeg', 0)
                    """, arguments: [String(repeating: "a", count: 64)])
            }
        }
    }

    @Test func aFileStoreUsesWALAndForeignKeysAndSurvivesReopening() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let path = folder + "/cases.sqlite"
        do {
            let store = try SQLiteCaseStore(path: path)
            try await store.apply(openedEvent())
            let (mode, keys) = try await store.pool.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
            }
            #expect(mode == "wal")
            #expect(keys == 1)
        }
        let reopened = try SQLiteCaseStore(path: path)
        #expect(try await reopened.cases(CaseQuery()).count == 1)
        #expect(try await reopened.integrityCheck() == ["ok"])
    }

    @Test func applyingTheSameIncidentTwiceKeepsOneRow() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let event = openedEvent()
        let first = try await store.apply(event)
        let second = try await store.apply(event)
        #expect(first.caseNumber == "SW-20261122-gs-east-03-0001")
        #expect(second == first)
        #expect(try await store.cases(CaseQuery()).count == 1)

        // A re-scan of the same recording replays the same events: still one case, same number.
        var rescan = IncidentTracker(cameraID: CaseFixture.camera.id)
        for e in rescan.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)
            + rescan.ingest(CaseFixture.finding(.end, first: 10, last: 200), context: context, clock: clock)
            + rescan.finish() {
            try await store.apply(e)
        }
        let all = try await store.cases(CaseQuery())
        #expect(all.count == 1)
        #expect(all.first?.caseNumber == "SW-20261122-gs-east-03-0001")
        #expect(all.first?.incidentState == .closed)
        #expect(all.first?.dwell == 190)
    }

    @Test func updatesKeepNumberStatusAndEvidenceAndNeverMoveLastSeenBack() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let opened = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)[0]
        let stored = try await store.apply(opened)
        let number = try #require(stored.caseNumber)
        try await store.attachEvidence([0xFF, 0xD8, 0xFF, 0xD9], fileExtension: "jpg", role: .after,
                                       toIncident: opened.draft.incidentKey)
        let decidedAt = Date(timeIntervalSince1970: 1_795_310_000)
        try await store.decide(caseNumber: number, status: .confirmed,
                               decision: CaseDecision(reason: "属实", reviewer: "坐席 07", decidedAt: decidedAt))
        let later = t.ingest(CaseFixture.finding(.end, first: 10, last: 300), context: context, clock: clock)[0]
        let updated = try await store.apply(later)
        #expect(updated.caseNumber == number)
        #expect(updated.status == .confirmed)
        #expect(updated.decision == CaseDecision(reason: "属实", reviewer: "坐席 07", decidedAt: decidedAt))
        #expect(updated.evidence[.after]?.byteCount == 4)
        #expect(updated.lastSeen == clock.wallClock(300))
        #expect(updated.incidentState == .lingering)
        // Replaying the older `opened` event does not rewind the case.
        let replayed = try await store.apply(opened)
        #expect(replayed.lastSeen == clock.wallClock(300))
        #expect(replayed.dwell == 290)
    }

    @Test func everyFieldRoundTrips() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let event = t.ingest(CaseFixture.finding(.start, first: 10.25, last: 70.5), context: context, clock: clock,
                             fullFrame: FrameFormat(width: 1920, height: 1080))[0]
        var stored = try await store.apply(event)
        #expect(stored.caseNumber != nil)
        stored.caseNumber = nil
        #expect(stored == event.draft)
    }

    @Test func caseNumbersCountPerCameraAndDay() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: TimeZone(identifier: "UTC")!)
        let other = CameraRef(id: "old town/7", name: "老城 7号")
        let a = try await store.apply(openedEvent(track: 1, first: 10))
        let b = try await store.apply(openedEvent(track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 20))
        let c = try await store.apply(openedEvent(track: 1, first: 10, camera: other))
        let d = try await store.apply(openedEvent(track: 1, first: 86_400 + 5))
        #expect(a.caseNumber == "SW-20261122-gs-east-03-0001")
        #expect(b.caseNumber == "SW-20261122-gs-east-03-0002")
        #expect(c.caseNumber == "SW-20261122-old_town_7-0001")
        #expect(d.caseNumber == "SW-20261123-gs-east-03-0001")
    }

    @Test func queriesFilterByStatusCameraAndTime() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        let other = CameraRef(id: "cam-2", name: "二号")
        let a = try await store.apply(openedEvent(track: 1, first: 10))
        _ = try await store.apply(openedEvent(track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 500))
        _ = try await store.apply(openedEvent(track: 1, first: 20, camera: other))
        try await store.decide(caseNumber: a.caseNumber!, status: .rejected,  // `!`: the store numbers every case
                               decision: CaseDecision(reason: "阴影误报", decidedAt: clock.wallClock(900)))
        #expect(try await store.cases(CaseQuery()).map(\.firstSeenStream) == [10, 20, 500])
        #expect(try await store.cases(CaseQuery(status: .draft)).count == 2)
        #expect(try await store.cases(CaseQuery(status: .rejected)).first?.decision?.reason == "阴影误报")
        #expect(try await store.cases(CaseQuery(camera: "cam-2")).count == 1)
        #expect(try await store.cases(CaseQuery(firstSeenFrom: clock.wallClock(15))).count == 2)
        #expect(try await store.cases(CaseQuery(firstSeenUntil: clock.wallClock(15))).count == 1)
        #expect(try await store.cases(CaseQuery(limit: 1)).count == 1)
        #expect(try await store.openIncidents(camera: CaseFixture.camera.id).count == 2)
        #expect(try await store.case(number: a.caseNumber!)?.status == .rejected)  // `!`: as above
        await #expect(throws: CaseStoreError.noSuchCase("SW-nope")) {
            try await store.decide(caseNumber: "SW-nope", status: .confirmed, decision: nil)
        }
        await #expect(throws: CaseStoreError.noSuchCase("no-such-incident")) {
            try await store.attachEvidence([1], fileExtension: "jpg", role: .after, toIncident: "no-such-incident")
        }
    }

    @Test func cameraStatusSamplesAreRecorded() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        let t0 = clock.origin
        try await store.record(CameraStatusSample(camera: "c1", at: t0, state: .connecting, fpsAnalysed: 0, drops: 0))
        try await store.record(CameraStatusSample(camera: "c1", at: t0 + 60, state: .online, fpsAnalysed: 4.9, drops: 2,
                                                  configuredFPS: 5))
        try await store.record(CameraStatusSample(camera: "c2", at: t0 + 60, state: .offline, fpsAnalysed: 0, drops: 0))
        let samples = try await store.statusSamples(camera: "c1", since: t0 + 1)
        #expect(samples == [CameraStatusSample(camera: "c1", at: t0 + 60, state: .online, fpsAnalysed: 4.9, drops: 2,
                                               configuredFPS: 5)])
    }

    @Test func aDatabaseFromBeforeTheConfiguredRateKeepsItsSamples() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let path = folder + "/cases.sqlite"
        let t0 = clock.origin
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteCaseStore.migrator.migrate(old, upTo: "v3-review")
            try await old.write { db in
                try db.execute(sql: "INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops) VALUES ('c1', ?, 'online', 4.5, 0)",
                               arguments: [t0.timeIntervalSince1970])
            }
        }
        let store = try SQLiteCaseStore(path: path)
        try await store.record(CameraStatusSample(camera: "c1", at: t0 + 60, state: .online, fpsAnalysed: 5, drops: 0,
                                                  configuredFPS: 5))
        let samples = try await store.statusSamples(camera: "c1", since: t0)
        #expect(samples.map(\.configuredFPS) == [nil, 5])
        #expect(samples.map(\.fpsAnalysed) == [4.5, 5])
    }

    @Test func anUncommittedWriteIsNotThereAfterACrash() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let path = folder + "/cases.sqlite"
        let store = try SQLiteCaseStore(path: path)
        try await store.apply(openedEvent(track: 1, first: 10))

        // A second connection is half-way through a transaction with many rows (more than its page cache holds, so
        // pages reach the WAL) when the machine stops: copy the files as they are on disk at that moment.
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = 2") }
        let writer = try DatabaseQueue(path: path, configuration: config)
        let crashed = folder + "/crashed"
        try FileManager.default.createDirectory(atPath: crashed, withIntermediateDirectories: true)
        try writer.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            for i in 0..<2000 {
                try db.execute(sql: "INSERT INTO camera_status (camera_id, at, state, fps_analysed, drops) VALUES (?, ?, 'online', 5, 0)",
                               arguments: ["cam-\(i)", Double(i)])
            }
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + "/cases.sqlite" + suffix)
            }
            try db.execute(sql: "ROLLBACK")
        }
        // The uncommitted rows did reach the WAL: recovery has something to ignore.
        let wal = try FileManager.default.attributesOfItem(atPath: crashed + "/cases.sqlite-wal")[.size] as? Int
        #expect((wal ?? 0) > 100_000)
        let recovered = try SQLiteCaseStore(path: crashed + "/cases.sqlite")
        #expect(try await recovered.integrityCheck() == ["ok"])
        #expect(try await recovered.cases(CaseQuery()).count == 1)
        let statusRows = try await recovered.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM camera_status") }
        #expect(statusRows == 0)
    }
}
