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

        func size(_ role: EvidenceRole, of draft: DraftCase) throws -> String {
            let ref = try #require(draft.evidence[role], "\(draft.caseNumber ?? "?") has no \(role.rawValue)")
            let info = try FrameReader(url: store.evidence.path(of: ref)).info
            return "\(info.width)x\(info.height)"
        }
        /// The camera's first case once nothing is owed any more and `settled` holds for it.
        func settledCase(_ camera: String, _ settled: (DraftCase) async throws -> Bool) async throws -> DraftCase? {
            let due = try await store.evidenceDue(camera: camera).filter { $0.missingReason == nil }
            guard due.isEmpty, let draft = try await store.cases(CaseQuery(camera: camera)).first,
                  draft.evidence[.clip] != nil, try await settled(draft) else { return nil }
            return draft
        }
        // The main stream's files replace the sub-stream's some seconds after the sub-stream's clip is attached
        // (open, then a clip of pre-roll + post-roll); a failed main stream leaves a note instead.
        var withMain: DraftCase?, gone: DraftCase?
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline, withMain == nil || gone == nil {
            if withMain == nil {
                withMain = try await settledCase("with-main") { draft in
                    try size(.after, of: draft) == "1280x720" && size(.clip, of: draft) == "1280x720"
                }
            }
            if gone == nil {
                gone = try await settledCase("main-gone") { draft in
                    try await !store.evidenceNotes(caseNumber: draft.caseNumber ?? "").isEmpty
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        running.forEach { $0.cancel() }
        for task in running { await task.value }
        var mainNotes: [String] = []
        if let draft = try await store.cases(CaseQuery(camera: "with-main")).first {
            mainNotes = try await store.evidenceNotes(caseNumber: draft.caseNumber ?? "")
        }
        let withMainCase = try #require(withMain, "no case with main-stream after picture and clip; notes: \(mainNotes)")
        let goneCase = try #require(gone, "no case with a note from the camera whose main stream fails")

        #expect(try size(.after, of: withMainCase) == "1280x720")
        #expect(try size(.clip, of: withMainCase) == "1280x720")
        #expect(try size(.before, of: withMainCase) == "640x360", "the moment before is only in the analysed stream")
        #expect(try await store.evidenceNotes(caseNumber: withMainCase.caseNumber ?? "") == [])

        #expect(try size(.after, of: goneCase) == "640x360")
        #expect(try size(.clip, of: goneCase) == "640x360")
        let notes = try await store.evidenceNotes(caseNumber: goneCase.caseNumber ?? "")
        #expect(notes.count == 1)
        let note = notes.first ?? ""
        #expect(note.hasPrefix("main stream rtsp://ops:***@127.0.0.1:\(port)/no-such-mount gave no evidence ("), "\(note)")
        #expect(note.hasSuffix("); the after picture and the clip are from the analysed stream"), "\(note)")
        #expect(!note.contains(Self.password))
    }
}
