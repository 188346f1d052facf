import Detector
import Foundation
import FrameIngest
import Logging
import Pipeline
import TestSupport
import Testing

/// Recordings through the same worker `scan` and `run` use, into a real SQLite store in a temporary folder.
@Suite("Scanning recordings into draft cases")
struct ScanTests {
    static let repository = packageRoot
    static let evalFolder = repository.appendingPathComponent("../shared/eval").standardizedFileURL

    /// Scans `file` as `cameraID` of the group in `config`, into the store in `folder`.
    private func scan(config: String, camera cameraID: String, file: String, start: Date,
                      folder: URL) async throws -> (WorkerSummary, SQLiteCaseStore) {
        let group = try GroupConfig.load(file: Self.repository.appendingPathComponent(config).path)
        let camera = try #require(group.camera(id: cameraID))
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("cases.sqlite").path)
        let worker = CameraWorker(group: group, camera: camera, store: store, logger: Logger(label: "test"))
        let source = ReconnectingSource(url: file, options: group.ingestOptions(for: camera, startTime: start.timeIntervalSince1970),
                                        policy: .block)
        let summary = try await worker.analyse(source.events(), origin: start,
                                               startClip: { try source.startClip(preRoll: $0, postRoll: $1, to: $2) })
        return (summary, store)
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-scan-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func ffprobe(_ path: String) throws -> String {
        try runCommand("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                            "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", path])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks the case has a before and an after JPEG and a clip ffprobe can decode.
    private func expectCompleteEvidence(_ draft: DraftCase, store: SQLiteCaseStore) throws {
        #expect(Set(draft.evidence.keys) == [.before, .after, .clip], "evidence \(draft.evidence.keys)")
        for (role, ref) in draft.evidence {
            let path = store.evidence.path(of: ref)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.count == ref.byteCount)
            if role == .clip {
                let facts = try ffprobe(path).split(separator: ",")
                #expect(facts.count == 2 && (Int(facts[1]) ?? 0) > 25, "clip \(path): \(facts)")
            } else {
                #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
            }
        }
    }

    @Test func generatedLeftObjectBecomesOneDraftAndARescanAddsNone() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = Self.repository.appendingPathComponent("samples/street-left-object.mp4").path
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let (first, store) = try await scan(config: "samples/groups/demo.yaml", camera: "demo-street", file: clip,
                                            start: start, folder: folder)
        #expect(first.draftsCreated == 1, "\(first)")
        let cases = try await store.cases(CaseQuery())
        let draft = try #require(cases.first)
        #expect(cases.count == 1)
        #expect(draft.category.code == "06010")
        #expect(draft.location.gridCode == "110101001001001")
        #expect(draft.status == .draft)
        // The bag appears at 8 s; the rule reports it once it has stood still and unattended.
        #expect(draft.firstSeenStream >= 8 && draft.firstSeenStream < 30)
        try expectCompleteEvidence(draft, store: store)

        let (second, _) = try await scan(config: "samples/groups/demo.yaml", camera: "demo-street", file: clip,
                                         start: start, folder: folder)
        #expect(second.draftsCreated == 0)
        #expect(try await store.cases(CaseQuery()).count == 1)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: evalFolder.appendingPathComponent("labels.json").path),
                   "../shared/eval is absent: the ABODA acceptance scan was not run"))
    func abodaBagBecomesExactlyOneDraftWithEvidence() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = Self.evalFolder.appendingPathComponent("aboda_video4_abandoned_bag.avi").path
        let start = Date(timeIntervalSince1970: 1_795_100_000)
        let (summary, store) = try await scan(config: "samples/groups/eval.yaml", camera: "aboda-4", file: clip,
                                              start: start, folder: folder)
        #expect(summary.draftsCreated == 1)
        let cases = try await store.cases(CaseQuery())
        #expect(cases.count == 1)
        let draft = try #require(cases.first)
        // labels.json: the bag is placed at 14.5 s, box [440, 355, 515, 435] of 720x480.
        #expect(draft.firstSeenStream >= 14.5 && draft.firstSeenStream <= 44)
        let box = draft.box.scaled(width: 720, height: 480)
        let (cx, cy) = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        #expect(cx >= 440 - 18 && cx <= 515 + 18 && cy >= 355 - 20 && cy <= 435 + 20, "box \(box)")
        try expectCompleteEvidence(draft, store: store)

        let (again, _) = try await scan(config: "samples/groups/eval.yaml", camera: "aboda-4", file: clip,
                                        start: start, folder: folder)
        #expect(again.draftsCreated == 0)
        #expect(try await store.cases(CaseQuery()).count == 1)
    }
}
