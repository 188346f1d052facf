import Detector
import Foundation
@testable import Pipeline
import ReviewFixtures
import Testing
import TestSupport

/// The store protocols, each test run once against SQLite and once against a real PostgreSQL server.
@Suite("store contract (SQLite and PostgreSQL)")
struct StoreContractTests {
    let clock = CaseFixture.origin
    let context = CaseFixture.context()

    func openedEvent(track: Int = 1, box: (Double, Double, Double, Double) = (0.4, 0.5, 0.5, 0.7),
                     first: Double = 10, camera: CameraRef = CaseFixture.camera) -> CaseEvent {
        var t = IncidentTracker(cameraID: camera.id)
        return t.ingest(CaseFixture.finding(.start, track: track, box: box, first: first, last: first + 60),
                        context: CaseFixture.context(camera: camera), clock: clock)[0]
    }

    @Test(arguments: StoreBackend.allCases)
    func upsertsAreIdempotentAndNumbersCountPerCameraAndDay(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var t = IncidentTracker(cameraID: CaseFixture.camera.id)
            let event = t.ingest(CaseFixture.finding(.start, first: 10.25, last: 70.5), context: context, clock: clock,
                                 fullFrame: FrameFormat(width: 1920, height: 1080))[0]
            let first = try await store.apply(event)
            #expect(try await store.apply(event) == first)
            var roundTripped = first
            roundTripped.caseNumber = nil
            #expect(roundTripped == event.draft)
            #expect(first.caseNumber == "SW-20261122-gs-east-03-0001")

            let other = CameraRef(id: "old town/7", name: "老城 7号")
            let b = try await store.apply(openedEvent(track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 20))
            let c = try await store.apply(openedEvent(track: 1, first: 10, camera: other))
            let d = try await store.apply(openedEvent(track: 1, first: 86_400 + 5))
            #expect(b.caseNumber == "SW-20261122-gs-east-03-0002")
            #expect(c.caseNumber == "SW-20261122-old_town_7-0001")
            #expect(d.caseNumber == "SW-20261123-gs-east-03-0001")

            // An update keeps number, verdict and evidence, and never moves last seen back.
            let number = try #require(first.caseNumber)
            try await store.attachEvidence([0xFF, 0xD8, 0xFF, 0xD9], fileExtension: "jpg", role: .after,
                                           toIncident: event.draft.incidentKey)
            let decidedAt = Date(timeIntervalSince1970: 1_795_310_000)
            try await store.decide(caseNumber: number, status: .confirmed,
                                   decision: CaseDecision(reason: "属实", reviewer: "坐席 07", decidedAt: decidedAt))
            let later = t.ingest(CaseFixture.finding(.end, first: 10.25, last: 300), context: context, clock: clock)[0]
            let updated = try await store.apply(later)
            #expect(updated.caseNumber == number)
            #expect(updated.status == .confirmed)
            #expect(updated.decision == CaseDecision(reason: "属实", reviewer: "坐席 07", decidedAt: decidedAt))
            #expect(updated.evidence[.after]?.byteCount == 4)
            #expect(try await store.apply(event).lastSeen == clock.wallClock(300))
            #expect(try await store.openIncidents(camera: CaseFixture.camera.id).map(\.caseNumber)
                    == [number, "SW-20261122-gs-east-03-0002", "SW-20261123-gs-east-03-0001"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func queriesFilterByStatusCameraAndTime(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let other = CameraRef(id: "cam-2", name: "二号")
            let a = try await store.apply(openedEvent(track: 1, first: 10))
            _ = try await store.apply(openedEvent(track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 500))
            _ = try await store.apply(openedEvent(track: 1, first: 20, camera: other))
            let number = try #require(a.caseNumber)
            try await store.decide(caseNumber: number, status: .rejected,
                                   decision: CaseDecision(reason: "阴影误报", decidedAt: clock.wallClock(900)))
            #expect(try await store.cases(CaseQuery()).map(\.firstSeenStream) == [10, 20, 500])
            #expect(try await store.cases(CaseQuery(status: .draft)).count == 2)
            #expect(try await store.cases(CaseQuery(status: .rejected)).first?.decision?.reason == "阴影误报")
            #expect(try await store.cases(CaseQuery(camera: "cam-2")).count == 1)
            #expect(try await store.cases(CaseQuery(firstSeenFrom: clock.wallClock(15))).count == 2)
            #expect(try await store.cases(CaseQuery(firstSeenUntil: clock.wallClock(15))).count == 1)
            #expect(try await store.cases(CaseQuery(decidedFrom: clock.wallClock(800))).count == 1)
            #expect(try await store.cases(CaseQuery(limit: 1)).count == 1)
            #expect(try await store.case(number: number)?.status == .rejected)
            #expect(try await store.case(number: "SW-nope") == nil)
            #expect(try await store.auditLog(caseNumber: number).map(\.actor) == ["system"])
            await #expect(throws: CaseStoreError.noSuchCase("SW-nope")) {
                try await store.decide(caseNumber: "SW-nope", status: .confirmed, decision: nil)
            }
            await #expect(throws: CaseStoreError.noSuchCase("no-such-incident")) {
                try await store.attachEvidence([1], fileExtension: "jpg", role: .after, toIncident: "no-such-incident")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func accountsAndSessions(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await ReviewSeed.seed(store)
            #expect(try await store.verifyPassword(name: ReviewSeed.reviewer, password: ReviewSeed.password)?.role == .reviewer)
            #expect(try await store.verifyPassword(name: ReviewSeed.reviewer, password: "wrong password") == nil)
            #expect(try await store.verifyPassword(name: "nobody", password: ReviewSeed.password) == nil)
            await #expect(throws: AccountError.exists(ReviewSeed.reviewer)) {
                try await store.addUser(name: ReviewSeed.reviewer, role: .admin, password: "another password", cost: 4)
            }
            await #expect(throws: AccountError.weakPassword("shorter than 8 characters")) {
                try await store.addUser(name: "bob", role: .reviewer, password: "short", cost: 4)
            }
            await #expect(throws: AccountError.noSuchUser("nobody")) {
                try await store.setPassword(name: "nobody", password: "long enough password", cost: 4)
            }
            let user = try #require(try await store.user(named: ReviewSeed.reviewer))
            let (token, session) = try await store.createSession(for: user)
            #expect(session.csrfToken.count == 64 && token.count == 64 && token != session.csrfToken)
            #expect(try await store.session(token: token)?.user == user)
            #expect(try await store.session(token: token, now: Date().addingTimeInterval(13 * 3600)) == nil)
            #expect(try await store.session(token: "../../etc/passwd") == nil)
            try await store.setPassword(name: ReviewSeed.reviewer, password: "a new long password", cost: 4)
            #expect(try await store.session(token: token) == nil)
            let (second, _) = try await store.createSession(for: user)
            try await store.endSession(token: second)
            #expect(try await store.session(token: second) == nil)

            let throttle = store.loginThrottle
            for _ in 0..<5 { #expect(try await throttle.begin("Lina", from: "203.0.113.9") == .allowed) }
            guard case .locked = try await throttle.begin("lina", from: "203.0.113.9") else {
                Issue.record("the sixth wrong password from one address should be locked out")
                return
            }
            #expect(try await throttle.begin("lina", from: "198.51.100.4") == .allowed)
            try await throttle.succeeded("lina", from: "198.51.100.4")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func verdictsAreLoggedAndUndoIsLimitedToTheWindow(_ backend: StoreBackend) async throws {
        try await backend.withStore(timeZone: ReviewSeed.timeZone) { store in
            let numbers = try await ReviewSeed.seed(store)
            let t0 = Date()
            try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer, at: t0)
            try await store.review(caseNumber: numbers[1], verdict: .reject(.duplicate, note: "同 \(numbers[0])"),
                                   reviewer: ReviewSeed.reviewer, at: t0)
            #expect(try await store.case(number: numbers[1])?.decision?.reason == "duplicate: 同 \(numbers[0])")
            await #expect(throws: ReviewError.alreadyDecided(numbers[0], .confirmed)) {
                try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
            }
            await #expect(throws: ReviewError.noteRequired) {
                try await store.review(caseNumber: numbers[2], verdict: .reject(.other, note: "  "), reviewer: ReviewSeed.reviewer)
            }
            await #expect(throws: ReviewError.noSuchReviewer("mallory")) {
                try await store.review(caseNumber: numbers[2], verdict: .confirm(), reviewer: "mallory")
            }
            await #expect(throws: ReviewError.noSuchCase("SW-nope")) {
                try await store.review(caseNumber: "SW-nope", verdict: .confirm(), reviewer: ReviewSeed.reviewer)
            }
            let reviewer = try #require(try await store.user(named: ReviewSeed.reviewer))
            let admin = try #require(try await store.user(named: ReviewSeed.admin))
            await #expect(throws: ReviewError.cannotUndo("the 5-minute window has passed")) {
                try await store.undo(caseNumber: numbers[0], by: reviewer, at: t0.addingTimeInterval(301))
            }
            await #expect(throws: ReviewError.cannotUndo("case \(numbers[2]) has no verdict")) {
                try await store.undo(caseNumber: numbers[2], by: admin, at: t0)
            }
            let undo = try await store.undo(caseNumber: numbers[0], by: reviewer, at: t0.addingTimeInterval(60))
            #expect(undo.action == .undo && undo.before == "confirmed" && undo.after == "draft")
            try await store.review(caseNumber: numbers[0], verdict: .reject(.notCityManagement), reviewer: ReviewSeed.admin,
                                   at: t0.addingTimeInterval(120))
            await #expect(throws: ReviewError.cannotUndo("the verdict on \(numbers[0]) is \(ReviewSeed.admin)'s")) {
                try await store.undo(caseNumber: numbers[0], by: reviewer, at: t0.addingTimeInterval(130))
            }
            try await store.undo(caseNumber: numbers[0], by: admin, at: t0.addingTimeInterval(3600))
            let log = try await store.auditLog(caseNumber: numbers[0])
            #expect(log.map(\.action) == [.confirm, .undo, .reject, .undo])
            #expect(log[1].undoes == log[0].id && log[3].undoes == log[2].id)
            #expect(try await store.auditLog().count == 5)
            #expect(try await store.case(number: numbers[0])?.status == .draft)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func twoReviewersDecidingOneDraftGetOneVerdictAndOneAuditRow(_ backend: StoreBackend) async throws {
        try await backend.withStore(timeZone: ReviewSeed.timeZone) { store in
            let numbers = try await ReviewSeed.seed(store)
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let who = i % 2 == 0 ? ReviewSeed.reviewer : ReviewSeed.admin
                        do {
                            _ = try await store.review(caseNumber: numbers[3], verdict: i < 4 ? .confirm() : .reject(.duplicate),
                                                       reviewer: who)
                            return "won"
                        } catch let error as ReviewError {
                            guard case .alreadyDecided(numbers[3], _) = error else { return "\(error)" }
                            return "conflict"
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["conflict", "conflict", "conflict", "conflict", "conflict", "conflict", "conflict", "won"])
            #expect(try await store.auditLog(caseNumber: numbers[3]).count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentWritersKeepNumbersGapFreeAndOneDraftPerIncident(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let events = (0..<25).map { i in openedEvent(track: i + 1, box: (0.01 * Double(i), 0, 0.01 * Double(i) + 0.01, 0.1),
                                                         first: 10 + Double(i)) }
            // Four writers apply the same 25 incidents, each in its own order, all at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for event in writer % 2 == 0 ? events : events.reversed() { try await store.apply(event) }
                    }
                }
                try await group.waitForAll()
            }
            let numbers = try await store.cases(CaseQuery()).compactMap(\.caseNumber).sorted()
            #expect(numbers == (1...25).map { String(format: "SW-20261122-gs-east-03-%04d", $0) })
            #expect(Set(try await store.cases(CaseQuery()).map(\.incidentKey)).count == 25)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theQueuePagesAndFiltersInSQL(_ backend: StoreBackend) async throws {
        try await backend.withStore(timeZone: ReviewSeed.timeZone) { store in
            let numbers = try await ReviewSeed.seed(store)
            try await store.review(caseNumber: numbers[5], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
            let query = QueueQuery()
            #expect(try await store.queueCount(query) == 19)
            #expect(try await store.queueCount(QueueQuery(status: nil)) == 20)
            var seen: [String] = []
            var cursor: QueueCursor?
            while true {
                let page = try await store.queue(query, after: cursor, limit: 7)
                if page.isEmpty { break }
                seen += page.map(\.caseNumber)
                cursor = page.last?.cursor
            }
            let newestFirst = try await store.cases(CaseQuery(status: .draft)).reversed().compactMap(\.caseNumber)
            #expect(seen == Array(newestFirst))
            let second = try await store.queue(query, after: try #require(try await store.queueCursor(caseNumber: seen[7])),
                                               backward: true, limit: 3)
            #expect(second.map(\.caseNumber) == Array(seen[4..<7]))
            let row = try #require(try await store.queue(query, limit: 1).first)
            #expect(row.afterPicture?.count == 64 && row.beforePicture?.count == 64)
            #expect(try await store.evidence(sha256: try #require(row.afterPicture))?.mediaType == "image/png")
            #expect(try await store.evidence(sha256: String(repeating: "0", count: 64)) == nil)
            let camera = ReviewSeed.cameras[1].0
            #expect(try await store.queueCount(QueueQuery(status: nil, camera: camera)) == 8)
            #expect(try await store.queueCount(QueueQuery(status: nil, rule: "stationary-occupancy", category: "09006")) == 6)
            let choices = try await store.queueChoices()
            #expect(choices.cameras == ReviewSeed.cameras.map(\.0).sorted())
            #expect(choices.rules == ["abandoned-object", "stationary-occupancy"])
            #expect(choices.categories == ["06010", "09006"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func cameraStatusUptimeAndTheYearlyReport(_ backend: StoreBackend) async throws {
        try await backend.withStore(timeZone: ReviewSeed.timeZone) { store in
            let numbers = try await ReviewSeed.seed(store)
            try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
            try await store.review(caseNumber: numbers[1], verdict: .reject(.duplicate), reviewer: ReviewSeed.reviewer)
            #expect(try await store.registeredCameras().map(\.id) == ReviewSeed.cameras.map(\.0))
            let latest = try await store.latestSamples()
            #expect(latest[ReviewSeed.cameras[1].0]?.state == .offline)
            #expect(latest[ReviewSeed.cameras[0].0]?.configuredFPS == 5)
            let start = try #require(try await store.statusSamples(camera: ReviewSeed.cameras[0].0, since: .distantPast).first?.at)
            let uptime = try await store.uptime(from: start, through: start.addingTimeInterval(7200))
            #expect(abs((uptime[ReviewSeed.cameras[0].0]?.onlineSeconds ?? 0) - 119 * 60) < 0.01)
            #expect(abs((uptime[ReviewSeed.cameras[1].0]?.onlineSeconds ?? 0) - 60 * 60) < 0.01)
            try await store.recordPicture([1, 2, 3], camera: ReviewSeed.cameras[0].0, at: start)
            try await store.recordPicture([4, 5], camera: ReviewSeed.cameras[0].0, at: start.addingTimeInterval(60))
            #expect(try await store.picture(camera: ReviewSeed.cameras[0].0)?.jpeg == Data([4, 5]))
            #expect(try await store.pictureTimes() == [ReviewSeed.cameras[0].0: start.addingTimeInterval(60)])
            let year = try YearlyReport.yearRange(ReviewSeed.year, timeZone: ReviewSeed.timeZone)
            #expect(try await store.draftCounts(firstSeenIn: year) == [ReviewSeed.cameras[0].0: 12, ReviewSeed.cameras[1].0: 8])
            let report = try await YearlyReport.build(year: ReviewSeed.year, store: store, timeZone: ReviewSeed.timeZone)
            #expect(report.accuracy.total.flagged == 20)
            #expect(report.accuracy.total.confirmed == 1 && report.accuracy.total.rejected == 1)
            #expect(report.accuracy.byCamera.map(\.key) == ReviewSeed.cameras.map(\.0).sorted())
            #expect(report.coverage.map(\.camera) == ReviewSeed.cameras.map(\.0).sorted())
            #expect(report.coverage.first?.onlineHours ?? 0 > 1.9)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pushRemembersDeliveriesAndHandsOutWithdrawalsOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore(timeZone: ReviewSeed.timeZone) { store in
            let numbers = try await ReviewSeed.seed(store)
            try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
            let confirmed = try #require(try await store.case(number: numbers[0]))
            try await store.recordDelivery(of: confirmed)
            #expect(try await store.alreadyDelivered() == [numbers[0]])
            #expect(try await store.takeWithdrawnVerdicts().isEmpty)
            try await store.decide(caseNumber: numbers[0], status: .draft, decision: nil)
            #expect(try await store.alreadyDelivered().isEmpty)
            #expect(try await store.takeWithdrawnVerdicts().map(\.caseNumber) == [numbers[0]])
            #expect(try await store.takeWithdrawnVerdicts().isEmpty)
        }
    }
    @Test(arguments: StoreBackend.allCases)
    func aNewDraftReachesAQueueWatcherWithinTwoSeconds(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(openedEvent(track: 1, first: 10))
            let changes = store.queueChanges()
            // The watcher starts listening (PostgreSQL) or reading past the highest id (SQLite) before the insert.
            try await Task.sleep(for: .milliseconds(500))
            let start = ContinuousClock.now
            let stored = try await store.apply(openedEvent(track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 20))
            let first = try await withThrowingTaskGroup(of: QueueChange?.self) { group in
                group.addTask {
                    for try await change in changes { return change }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(3))
                    return nil
                }
                let winner = try await group.next() ?? nil
                group.cancelAll()
                return winner
            }
            let elapsed = ContinuousClock.now - start
            #expect(first == QueueChange(caseNumber: try #require(stored.caseNumber), status: "draft",
                                         camera: CaseFixture.camera.id))
            #expect(elapsed < .seconds(2), "the new draft took \(elapsed) to reach the watcher")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aNewCaseAwaitsItsThreeFilesUntilEachIsAttachedOrMarkedMissing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let event = openedEvent(track: 1, first: 10)
            let stored = try await store.apply(event)
            let key = stored.incidentKey
            func due() async throws -> [String] {
                try await store.evidenceDue(camera: CaseFixture.camera.id)
                    .map { "\($0.role.rawValue):\($0.missingReason ?? "awaited")" }
            }
            // Ordered by role within a case, byte-wise, on both backends.
            #expect(try await due() == ["after:awaited", "before:awaited", "clip:awaited"])
            let all = try await store.evidenceDue(camera: CaseFixture.camera.id)
            #expect(all.allSatisfy { $0.caseNumber == stored.caseNumber && $0.incidentKey == key && $0.incidentOpen })
            try await store.attachEvidence([1, 2, 3], fileExtension: "jpg", role: .after, toIncident: key)
            try await store.markEvidenceMissing(.clip, toIncident: key, reason: "the process stopped")
            #expect(try await due() == ["before:awaited", "clip:the process stopped"])
            // Applying the same event again (a restart resuming the incident) owes nothing new.
            try await store.apply(event)
            #expect(try await due() == ["before:awaited", "clip:the process stopped"])
            // A file attached after the debt was given up still pays it.
            try await store.attachEvidence([4, 5, 6], fileExtension: "mp4", role: .clip, toIncident: key)
            #expect(try await due() == ["before:awaited"])
            // Another camera's cases owe nothing here; an unknown incident is refused.
            #expect(try await store.evidenceDue(camera: "no-such-camera").isEmpty)
            await #expect(throws: CaseStoreError.self) {
                try await store.markEvidenceMissing(.before, toIncident: "no-such-incident", reason: "x")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func evidenceNotesAreKeptPerCaseInOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.apply(openedEvent(track: 1, first: 10))
            let second = try await store.apply(openedEvent(track: 2, box: (0.1, 0.1, 0.2, 0.2), first: 20))
            let caseNumber = try #require(first.caseNumber)
            #expect(try await store.evidenceNotes(caseNumber: caseNumber) == [])
            try await store.noteEvidence("main stream rtsp://admin:***@cam/101: timed out", toIncident: first.incidentKey,
                                         at: Date(timeIntervalSince1970: 100))
            try await store.noteEvidence("clip from the sub-stream", toIncident: first.incidentKey,
                                         at: Date(timeIntervalSince1970: 101))
            #expect(try await store.evidenceNotes(caseNumber: caseNumber)
                == ["main stream rtsp://admin:***@cam/101: timed out", "clip from the sub-stream"])
            #expect(try await store.evidenceNotes(caseNumber: try #require(second.caseNumber)) == [])
            await #expect(throws: CaseStoreError.self) {
                try await store.noteEvidence("x", toIncident: "no-such-incident", at: Date())
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func rawSamplesArePrunedAndTheYearlyReportReadsTheDailyRollup(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let utc = try #require(TimeZone(identifier: "UTC"))
            // 2025-03-10T00:00Z: an hour online (61 samples, 4 fps); the next day 10 minutes offline, 20 online (5 fps).
            let t0 = Date(timeIntervalSince1970: 1_741_564_800), t1 = t0.addingTimeInterval(86_400)
            var samples = (0...60).map {
                CameraStatusSample(camera: "cam-a", at: t0.addingTimeInterval(Double($0) * 60), state: .online,
                                   fpsAnalysed: 4, drops: 0, configuredFPS: 5)
            }
            samples += (0...9).map {
                CameraStatusSample(camera: "cam-a", at: t1.addingTimeInterval(Double($0) * 60), state: .offline,
                                   fpsAnalysed: 0, drops: 0, configuredFPS: 5)
            }
            samples += (10...30).map {
                CameraStatusSample(camera: "cam-a", at: t1.addingTimeInterval(Double($0) * 60), state: .online,
                                   fpsAnalysed: 5, drops: 0, configuredFPS: 5)
            }
            samples += [0, 60].map {
                CameraStatusSample(camera: "cam-b", at: t0.addingTimeInterval($0), state: .online, fpsAnalysed: 3, drops: 0)
            }
            for sample in samples { try await store.record(sample) }
            let before = try await YearlyReport.build(year: 2025, store: store, timeZone: utc)
            let coverage = try #require(before.coverage.first { $0.camera == "cam-a" })
            // 60 minutes, then the last online state held 5 minutes (the gap cap) into the night, then 20 minutes.
            #expect(abs(coverage.onlineHours - 5100.0 / 3600) < 1e-9)
            #expect(abs(coverage.scheduledHours - (1_767_225_600 - 1_741_564_800) / 3600.0) < 1e-9)
            #expect(abs((coverage.meanAnalysedFPS ?? 0) - 349.0 / 82) < 1e-9)
            #expect(coverage.configuredFPS == 5)
            #expect(before.coverage.map(\.camera) == ["cam-a", "cam-b"])

            #expect(try await store.pruneStatusSamples(camera: "cam-a", before: t1) == 61)
            #expect(try await store.statusSamples(camera: "cam-a", since: .distantPast).count == 31)
            #expect(try await store.statusSamples(camera: "cam-b", since: .distantPast).count == 2)
            // The report and the uptime pages read the rollup, which pruning leaves alone.
            #expect(try await YearlyReport.build(year: 2025, store: store, timeZone: utc) == before)
            #expect(abs((try await store.uptime(from: t0, through: t1)["cam-a"]?.onlineSeconds ?? 0) - 5100) < 1e-9)
            // However late the cut-off, the camera's latest sample stays for the camera page.
            #expect(try await store.pruneStatusSamples(camera: "cam-a", before: t1.addingTimeInterval(86_400)) == 30)
            let latest = try #require(try await store.latestSamples()["cam-a"])
            #expect(latest.at == t1.addingTimeInterval(1800) && latest.state == .online)
        }
    }
}
