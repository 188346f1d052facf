import Foundation
import Testing
@testable import Pipeline

/// Evidence files: content-addressed, written atomically, stored once.
@Suite("evidence store")
struct StoreEvidenceTests {
    @Test func bytesAreStoredUnderTheirHash() throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let evidence = EvidenceStore(baseDirectory: folder)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9]
        let ref = try evidence.put(jpeg, fileExtension: "JPG")
        let hash = SHA256.hex(of: jpeg)
        #expect(ref == EvidenceRef(sha256: hash, relativePath: "evidence/\(hash.prefix(2))/\(hash).jpg", byteCount: 9,
                                   mediaType: "image/jpeg"))
        #expect(FileManager.default.contents(atPath: evidence.path(of: ref)) == Data(jpeg))
        #expect(evidence.contains(sha256: hash, fileExtension: "jpg"))
        #expect(evidence.storedFiles() == [ref])
    }

    @Test func equalContentIsStoredOnce() throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let evidence = EvidenceStore(baseDirectory: folder)
        let a = try evidence.put(Array("same picture".utf8), fileExtension: "jpg")
        let b = try evidence.put(Array("same picture".utf8), fileExtension: "jpg")
        let c = try evidence.put(Array("other picture".utf8), fileExtension: "jpg")
        #expect(a == b)
        #expect(a != c)
        #expect(evidence.storedFiles().count == 2)
    }

    @Test func aFileIsCopiedInAndTheSourceRemovedOnRequest() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        var t = IncidentTracker(cameraID: CaseFixture.camera.id)
        let event = t.ingest(CaseFixture.finding(.start, first: 1, last: 61), context: CaseFixture.context(),
                             clock: CaseFixture.origin)[0]
        try await store.apply(event)
        let clip = folder + "/clip-tmp.mp4"
        let bytes = [UInt8](repeating: 7, count: 100_000)
        try Data(bytes).write(to: URL(fileURLWithPath: clip))
        let ref = try await store.attachEvidence(fileAt: clip, role: .clip, toIncident: event.draft.incidentKey,
                                                 removingSource: true)
        #expect(!FileManager.default.fileExists(atPath: clip))
        #expect(ref.mediaType == "video/mp4" && ref.byteCount == 100_000 && ref.sha256 == SHA256.hex(of: bytes))
        let stored = try await store.cases(CaseQuery()).first
        #expect(stored?.evidence[.clip] == ref)
        #expect(FileManager.default.contents(atPath: store.evidence.path(of: ref)) == Data(bytes))

        // Attaching a new picture for the same role replaces the reference.
        let first = try await store.attachEvidence([1, 2, 3], fileExtension: "jpg", role: .after, toIncident: event.draft.incidentKey)
        let second = try await store.attachEvidence([4, 5, 6], fileExtension: "jpg", role: .after, toIncident: event.draft.incidentKey)
        #expect(first != second)
        #expect(try await store.cases(CaseQuery()).first?.evidence[.after] == second)
    }

    @Test func aHalfWrittenFileFromACrashIsNeverVisible() async throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let picture = [UInt8](repeating: 0xAB, count: 50_000)
        let hash = SHA256.hex(of: picture)
        do {
            let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
            var t = IncidentTracker(cameraID: CaseFixture.camera.id)
            try await store.apply(t.ingest(CaseFixture.finding(.start, first: 1, last: 61), context: CaseFixture.context(),
                                           clock: CaseFixture.origin)[0])
            // The process died inside `put`: half the bytes are in the temporary file, nothing was renamed.
            let shard = folder + "/evidence/\(hash.prefix(2))"
            try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
            try Data(picture[..<25_000]).write(to: URL(fileURLWithPath: shard + "/.\(hash).jpg.tmp-1234"))
        }
        let store = try SQLiteCaseStore(path: folder + "/cases.sqlite")
        #expect(try await store.integrityCheck() == ["ok"])
        #expect(!store.evidence.contains(sha256: hash, fileExtension: "jpg"))
        #expect(store.evidence.storedFiles().isEmpty)
        #expect(try await store.cases(CaseQuery()).first?.evidence.isEmpty == true)

        // A young temporary file may be another writer's: kept. At start-up, age 0 clears it.
        #expect(store.evidence.removeLeftoverTemporaryFiles() == 0)
        #expect(store.evidence.removeLeftoverTemporaryFiles(olderThan: 0) == 1)

        // Writing the picture again gives the whole file.
        let ref = try store.evidence.put(picture, fileExtension: "jpg")
        #expect(FileManager.default.contents(atPath: store.evidence.path(of: ref)) == Data(picture))
        #expect(store.evidence.storedFiles() == [ref])
    }

    @Test func aDeadWritersTemporaryFileIsRemovedAtOnceALiveOnesIsKept() throws {
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let evidence = EvidenceStore(baseDirectory: folder)
        let shard = folder + "/evidence/ab"
        try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let dead = shard + "/.ab01.jpg.tmp-\(exited.processIdentifier)-42"
        let live = shard + "/.ab02.jpg.tmp-\(getpid())-43"
        for path in [dead, live] { try Data([1]).write(to: URL(fileURLWithPath: path)) }
        #expect(evidence.removeLeftoverTemporaryFiles() == 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
    }
}
