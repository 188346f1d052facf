import Foundation
import FrameIngest
import Logging
import Pipeline
import TestSupport
import Testing

/// `evidence_url`: a draft's after picture and clip come from the camera's main stream, opened only then; when the
/// main stream cannot be opened, the analysed stream's stay and the case says why. Real GStreamer RTSP server.
@Suite("main-stream evidence", .serialized, .timeLimit(.minutes(3)))
struct MainStreamEvidenceTests {
    static let password = "Main-Secret-7"

    @Test func aDraftTakesItsEvidenceFromTheMainStreamAndKeepsTheSubStreamsWhenItFails() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-main-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freePort()
        // The analysed stream is the 640x360 left-object sample; the main stream a 1280x720 pattern.
        let server = try startRTSPServer(port: port, mounts: [
            "sub=\(packageRoot.appendingPathComponent("samples/street-left-object.mp4").path)",
            "main=testsrc:1280x720@25"], lifetime: 170)
        defer { server.kill() }
        let base = "rtsp://ops:${CAM_PASS}@127.0.0.1:\(port)"
        let group = try GroupConfig.parse(yaml: """
            group: {id: main-evidence, name: Main evidence}
            store: {database: \(folder.path)/cases.sqlite}
            defaults: {analysis_fps: 5, open_timeout_seconds: 5, stall_timeout_seconds: 5, start_jitter_seconds: 0,
                       clip_pre_roll_seconds: 2, clip_post_roll_seconds: 2}
            x-location: &loc {address: Test, lon: 0, lat: 0, grid_code: "000000000000000"}
            x-rules: &rules [{type: abandoned-object, category: "06010", options: {min_static_seconds: 3, unattended_seconds: 3}}]
            cameras:
              - {id: with-main, url: "\(base)/sub", evidence_url: "\(base)/main", location: *loc, rules: *rules}
              - {id: main-gone, url: "\(base)/sub", evidence_url: "\(base)/no-such-mount", location: *loc, rules: *rules}
            """, file: folder.appendingPathComponent("g.yaml").path, environment: ["CAM_PASS": Self.password])
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("cases.sqlite").path)
        let metrics = GroupMetrics(group: "main-evidence", cameras: group.cameras.map { ($0.id, 5) })
        let supervisors = group.cameras.map { camera in
            CameraSupervisor(worker: CameraWorker(group: group, camera: camera, store: store, logger: Logger(label: "test")),
                             metrics: metrics)
        }
        let running = supervisors.map { supervisor in Task { await supervisor.run() } }
        defer { running.forEach { $0.cancel() } }

        // Each camera's first case with before, after and clip settled (attached or given up).
        var cases: [String: DraftCase] = [:]
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline, cases.count < 2 {
            for camera in group.cameras where cases[camera.id] == nil {
                let due = try await store.evidenceDue(camera: camera.id).filter { $0.missingReason == nil }
                if let draft = try await store.cases(CaseQuery(camera: camera.id)).first, due.isEmpty,
                   draft.evidence[.clip] != nil {
                    // The main stream's files replace the sub-stream's: give it the time to.
                    try await Task.sleep(for: .seconds(1))
                    cases[camera.id] = try await store.case(number: draft.caseNumber ?? "")
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        running.forEach { $0.cancel() }
        for task in running { await task.value }
        let withMain = try #require(cases["with-main"], "no case with its clip from the camera with a main stream")
        let gone = try #require(cases["main-gone"], "no case with its clip from the camera whose main stream fails")

        func size(_ role: EvidenceRole, of draft: DraftCase) throws -> String {
            let ref = try #require(draft.evidence[role], "\(draft.caseNumber ?? "?") has no \(role.rawValue)")
            let info = try FrameReader(url: store.evidence.path(of: ref)).info
            return "\(info.width)x\(info.height)"
        }
        #expect(try size(.after, of: withMain) == "1280x720")
        #expect(try size(.clip, of: withMain) == "1280x720")
        #expect(try size(.before, of: withMain) == "640x360", "the moment before is only in the analysed stream")
        #expect(try await store.evidenceNotes(caseNumber: withMain.caseNumber ?? "") == [])

        #expect(try size(.after, of: gone) == "640x360")
        #expect(try size(.clip, of: gone) == "640x360")
        let notes = try await store.evidenceNotes(caseNumber: gone.caseNumber ?? "")
        #expect(notes.count == 1)
        let note = notes.first ?? ""
        #expect(note.hasPrefix("main stream rtsp://ops:***@127.0.0.1:\(port)/no-such-mount gave no evidence ("), "\(note)")
        #expect(note.hasSuffix("); the after picture and the clip are from the analysed stream"), "\(note)")
        #expect(!note.contains(Self.password))
    }
}
