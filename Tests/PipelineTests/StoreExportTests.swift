import Foundation
import Testing
@testable import Pipeline

/// The platform export: confirmed cases in the field names of DOMAIN.md.
@Suite("case export")
struct StoreExportTests {
    @Test func confirmedCasesUseThePlatformFieldNames() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let clock = CaseFixture.origin
        let event = t.ingest(CaseFixture.finding(.start, first: 10, last: 310), context: CaseFixture.context(), clock: clock)[0]
        let stored = try await store.apply(event)
        let number = try #require(stored.caseNumber)
        try await store.attachEvidence([1, 2, 3], fileExtension: "jpg", role: .before, toIncident: event.draft.incidentKey)
        try await store.attachEvidence([4, 5, 6], fileExtension: "jpg", role: .after, toIncident: event.draft.incidentKey)
        try await store.attachEvidence([7, 8, 9], fileExtension: "mp4", role: .clip, toIncident: event.draft.incidentKey)
        try await store.decide(caseNumber: number, status: .confirmed,
                               decision: CaseDecision(reviewer: "坐席 07", decidedAt: clock.wallClock(4000)))

        let confirmed = try await store.cases(CaseQuery(status: .confirmed, decidedFrom: clock.wallClock(3600)))
        #expect(confirmed.count == 1)
        #expect(try await store.cases(CaseQuery(status: .confirmed, decidedFrom: clock.wallClock(4001))).isEmpty)

        let line = try PlatformCase(try #require(confirmed.first), timeZone: TimeZone(identifier: "Asia/Shanghai")!).jsonLine()
        #expect(!line.contains("\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["eventSrc"] as? String == "视频智能识别")
        #expect(json["recType"] as? String == "事项")
        #expect(json["mainType"] as? String == "06")
        #expect(json["subType"] as? String == "06010")
        #expect(json["subTypeName"] as? String == "暴露垃圾")
        #expect(json["typeStandard"] as? String == "GB/T 47678.5-2026")
        #expect(json["subType2013"] as? String == "01-10")
        #expect(json["eventCode"] as? String == "32010206010")
        #expect(json["address"] as? String == "东门路12号垃圾站")
        #expect(json["coordinateX"] as? Double == 118.7969)
        #expect(json["coordinateY"] as? Double == 32.0603)
        #expect(json["coordinateSystem"] as? String == "WGS84")
        #expect(json["cellId"] as? String == "320102001001001")
        #expect(json["caseNumber"] as? String == "SW-20261122-gs-east-03-0001")
        #expect(json["discoverTime"] as? String == "2026-11-22T08:00:10+08:00")
        #expect(json["lastSeenTime"] as? String == "2026-11-22T08:05:10+08:00")
        #expect(json["cameraId"] as? String == "gs-east-03")
        #expect(json["deviceId"] as? String == "34020000001320000003")
        #expect(json["status"] as? String == "confirmed")
        #expect((json["eventDesc"] as? String)?.contains("5分0秒") == true)
        let medias = try #require(json["medias"] as? [[String: Any]])
        #expect(medias.map { $0["role"] as? String } == ["before", "after", "clip"])
        #expect(medias.allSatisfy { $0["usage"] as? String == "上报" })
        #expect(medias.map { $0["type"] as? String } == ["image/jpeg", "image/jpeg", "video/mp4"])
        #expect((medias.first?["path"] as? String)?.hasPrefix("evidence/") == true)
        let detector = try #require(json["detector"] as? [String: Any])
        #expect(detector["rule"] as? String == "abandoned-object")
        #expect(detector["ruleVersion"] as? Int == 2)
        #expect(detector["dwellSeconds"] as? Double == 300)
    }

    @Test func longAddressesAreCutTo256Characters() {
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        var context = CaseFixture.context()
        context.location.address = String(repeating: "路", count: 300)
        let draft = t.ingest(CaseFixture.finding(.start, first: 1, last: 61), context: context, clock: CaseFixture.origin)[0].draft
        #expect(PlatformCase(draft, timeZone: .gmt).address.count == 256)
    }
}
