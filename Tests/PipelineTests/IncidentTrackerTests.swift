import Detector
import Foundation
import Testing
@testable import Pipeline

/// The dedup step: findings → incidents → one draft per object, with time given only through arguments.
@Suite("incident tracker")
struct IncidentTrackerTests {
    let clock = CaseFixture.origin
    let context = CaseFixture.context()

    @Test func oneObjectGivesOneCaseThatUpdatesAndCloses() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        var events = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)
        events += t.ingest(CaseFixture.finding(.update, box: (0.41, 0.5, 0.51, 0.7), first: 10, last: 95), context: context, clock: clock)
        events += t.ingest(CaseFixture.finding(.end, first: 10, last: 130), context: context, clock: clock)
        #expect(events.kinds == ["opened", "updated", "updated"])
        #expect(Set(events.map(\.draft.incidentKey)).count == 1)

        let last = events.last!.draft  // `!`: three events checked above
        #expect(last.incidentState == .lingering)
        #expect(last.dwell == 120)
        #expect(last.lastSeen == clock.wallClock(130))
        #expect(last.firstSeenStream == 10 && last.lastSeenStream == 130)
        #expect(last.description == "疑似暴露垃圾：东门路12号垃圾站（摄像机 东门垃圾站 3号，区域 station），已持续约 2分0秒。")
        #expect(last.facts.ruleVersion == 2)
        #expect(last.fullCategoryCode == "32010206010")

        // Not closed inside cooldown + confirmation delay (120 + 600 s after the last sighting)…
        #expect(t.advance(to: 130 + 720, clock: clock).isEmpty)
        // …closed after it.
        let closing = t.advance(to: 130 + 721, clock: clock)
        #expect(closing.kinds == ["closed"])
        #expect(closing.first?.draft.incidentState == .closed)
        #expect(t.openIncidents.isEmpty)
    }

    @Test func flickerWithinTheCooldownReattachesToTheSameIncident() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let opened = t.ingest(CaseFixture.finding(.start, track: 1, first: 10, last: 70), context: context, clock: clock)
        _ = t.ingest(CaseFixture.finding(.end, track: 1, first: 10, last: 100), context: context, clock: clock)
        // Light flicker: the rule lost the object and found it again 40 s later as a new track, slightly shifted.
        let again = t.ingest(CaseFixture.finding(.start, track: 2, box: (0.42, 0.5, 0.52, 0.71), first: 140, last: 200),
                             context: context, clock: clock)
        #expect(again.kinds == ["updated"])
        #expect(again.first?.draft.incidentKey == opened.first?.draft.incidentKey)
        #expect(again.first?.draft.firstSeen == clock.wallClock(10))
        #expect(again.first?.draft.dwell == 190)
        #expect(again.first?.draft.incidentState == .active)
        // The new track's later findings bind by track id.
        let update = t.ingest(CaseFixture.finding(.update, track: 2, box: (0.1, 0.1, 0.2, 0.2), first: 140, last: 260),
                              context: context, clock: clock)
        #expect(update.kinds == ["updated"])
        #expect(t.openIncidents.count == 1)
    }

    @Test func reappearanceAfterTheCooldownOpensANewCase() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        _ = t.ingest(CaseFixture.finding(.start, track: 1, first: 10, last: 70), context: context, clock: clock)
        _ = t.ingest(CaseFixture.finding(.end, track: 1, first: 10, last: 100), context: context, clock: clock)
        let later = t.ingest(CaseFixture.finding(.start, track: 2, first: 100 + 121, last: 300), context: context, clock: clock)
        #expect(later.kinds == ["opened"])
        #expect(t.openIncidents.count == 2)
    }

    @Test func aDifferentBoxInTheSameZoneOpensASecondCase() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let a = t.ingest(CaseFixture.finding(.start, track: 1, box: (0.1, 0.1, 0.2, 0.3), first: 10, last: 70),
                         context: context, clock: clock)
        let b = t.ingest(CaseFixture.finding(.start, track: 2, box: (0.6, 0.5, 0.7, 0.7), first: 12, last: 72),
                         context: context, clock: clock)
        #expect(a.kinds == ["opened"] && b.kinds == ["opened"])
        #expect(a.first?.draft.incidentKey != b.first?.draft.incidentKey)
    }

    @Test func theSameBoxInAnotherZoneOrRuleIsAnotherIncident() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let a = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)
        let otherZone = CaseFixture.context(zone: "kerb")
        let b = t.ingest(CaseFixture.finding(.start, zone: "kerb", first: 10, last: 70), context: otherZone, clock: clock)
        let otherRule = CaseFixture.context(rule: "stationary-occupancy")
        let c = t.ingest(CaseFixture.finding(.start, rule: "stationary-occupancy", first: 10, last: 70),
                         context: otherRule, clock: clock)
        #expect((a + b + c).kinds == ["opened", "opened", "opened"])
    }

    @Test func theSameFindingsGiveTheSameEvents() {
        func run() -> [CaseEvent] {
            var t = IncidentTracker(cameraID: CaseFixture.camera.id)
            var events: [CaseEvent] = []
            for f in [CaseFixture.finding(.start, track: 1, first: 3.2, last: 63.2),
                      CaseFixture.finding(.start, track: 2, box: (0.7, 0.1, 0.8, 0.2), first: 5, last: 65),
                      CaseFixture.finding(.end, track: 1, first: 3.2, last: 90),
                      CaseFixture.finding(.end, track: 2, box: (0.7, 0.1, 0.8, 0.2), first: 5, last: 95)] {
                events += t.ingest(f, context: context, clock: clock)
                events += t.advance(to: f.lastSeen, clock: clock)
            }
            return events + t.finish()
        }
        let first = run(), second = run()
        #expect(first == second)
        #expect(first.first?.draft.incidentKey == "gs-east-03|abandoned-object|station|1795305600000|3200")
    }

    @Test func anActiveIncidentIsRefreshedWhileTheDetectorIsSilent() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id, options: TrackerOptions(refreshInterval: 30))
        _ = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)
        #expect(t.advance(to: 99, clock: clock).isEmpty)
        let refresh = t.advance(to: 100, clock: clock)
        #expect(refresh.kinds == ["updated"])
        #expect(refresh.first?.draft.lastSeen == clock.wallClock(100))
        #expect(refresh.first?.draft.dwell == 90)
        _ = t.advance(to: 130, clock: clock)
        // The rule's end finding says the object was last seen at 115; it overrides the refresh's 130.
        let end = t.ingest(CaseFixture.finding(.end, first: 10, last: 115), context: context, clock: clock)
        #expect(end.first?.draft.lastSeen == clock.wallClock(115))
    }

    @Test func aRestartedWorkerResumesOpenIncidentsWithoutANewCase() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")

        // First process: an object is confirmed at stream time 70 and still there when the process dies at ~400.
        var before = IncidentTracker(cameraID: CaseFixture.camera.id)
        for event in before.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock) {
            try await store.apply(event)
        }
        for event in before.advance(to: 400, clock: clock) { try await store.apply(event) }

        // Second process starts 10 minutes later with a new stream clock; its detector numbers tracks from 1 again
        // and confirms the same object 5 s after the restart… minus the time it was already alone.
        let restartedAt = clock.wallClock(1000)
        let newClock = StreamClock(origin: restartedAt)
        var after = IncidentTracker(cameraID: CaseFixture.camera.id)
        after.resume(from: try await store.openIncidents(camera: CaseFixture.camera.id), at: restartedAt)
        #expect(after.openIncidents.count == 1)
        let events = after.ingest(CaseFixture.finding(.start, track: 1, box: (0.41, 0.5, 0.5, 0.7), first: 5, last: 65),
                                  context: context, clock: newClock)
        #expect(events.kinds == ["updated"])
        for event in events { try await store.apply(event) }

        let all = try await store.cases(CaseQuery())
        #expect(all.count == 1)
        #expect(all.first?.lastSeen == newClock.wallClock(65))
        #expect(all.first?.incidentState == .active)

        // A different object after the restart still gets its own case.
        let other = after.ingest(CaseFixture.finding(.start, track: 2, box: (0.0, 0.0, 0.1, 0.1), first: 6, last: 66),
                                 context: context, clock: newClock)
        #expect(other.kinds == ["opened"])
    }

    @Test func aLingeringIncidentIsNotHeldPastItsLastSighting() {
        // Resumed lingering incidents keep their own last-seen time: the object had already gone before the stop.
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        _ = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock)
        let lingering = t.ingest(CaseFixture.finding(.end, first: 10, last: 100), context: context, clock: clock)
        var resumed = IncidentTracker(cameraID: CaseFixture.camera.id)
        resumed.resume(from: lingering.map(\.draft), at: clock.wallClock(1000))
        let later = resumed.ingest(CaseFixture.finding(.start, track: 1, first: 1005, last: 1065), context: context,
                                   clock: clock)
        #expect(later.kinds == ["opened"])
    }

    @Test func aDetectorRestartKeepsTheIncidentForTheNewTrack() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        _ = t.ingest(CaseFixture.finding(.start, track: 1, first: 10, last: 70), context: context, clock: clock)
        t.detectorRestarted(at: clock.wallClock(500))
        // Track 1 of the new detector is a different object elsewhere: it must not bind to the old incident by id.
        let elsewhere = t.ingest(CaseFixture.finding(.start, track: 1, box: (0.0, 0.0, 0.1, 0.1), first: 520, last: 580),
                                 context: context, clock: clock)
        #expect(elsewhere.kinds == ["opened"])
        let same = t.ingest(CaseFixture.finding(.start, track: 2, first: 530, last: 590), context: context, clock: clock)
        #expect(same.kinds == ["updated"])
    }

    @Test func theFullFrameBoxIsFilledWhenTheSizeIsKnown() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let e = t.ingest(CaseFixture.finding(.start, first: 10, last: 70), context: context, clock: clock,
                         fullFrame: FrameFormat(width: 1920, height: 1080))
        #expect(e.first?.draft.frameBox == PixelBox(x0: 768, y0: 540, x1: 960, y1: 756))
        #expect(e.first?.draft.analysisBox == PixelBox(x0: 128, y0: 90, x1: 160, y1: 126))
    }
}
