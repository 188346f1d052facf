import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Pipeline
import TestSupport
import Testing

/// `streetwatch run` as ops run it: the built binary, a real GStreamer RTSP server with three cameras, one camera
/// pointing at a dead address, `/metrics` read over HTTP, and a `kill -9` while a case is being written.
@Suite("run a live camera group", .serialized, .timeLimit(.minutes(5)))
struct RunGroupTests {
    static let password = "Rtsp-Secret-42"

    /// A group of four cameras: `cam-1` sees the generated left-object clip, `cam-2` and `cam-3` a live test
    /// pattern, `cam-dead` a port nobody listens on.
    private func writeConfig(folder: URL, rtspPort: Int, deadPort: Int, httpPort: Int) throws -> String {
        let yaml = """
            group: {id: live-test, name: Live test}
            store: {database: \(folder.path)/cases.sqlite}
            server: {listen: "127.0.0.1:\(httpPort)"}
            defaults: {analysis_fps: 5, analysis_width: 320, open_timeout_seconds: 3, stall_timeout_seconds: 3, dedup_cooldown_seconds: 60}
            x-location: &loc {address: 测试路 1 号, lon: 116.4, lat: 39.9, grid_code: 110101001001001}
            x-rules: &rules
              - type: abandoned-object
                category: "06010"
                options: {min_static_seconds: 3, unattended_seconds: 3}
            cameras:
              - {id: cam-1, name: C1, url: "rtsp://ops:${CAM_PASS}@127.0.0.1:\(rtspPort)/street", location: *loc, rules: *rules}
              - {id: cam-2, name: C2, url: "rtsp://ops:${CAM_PASS}@127.0.0.1:\(rtspPort)/pattern-a", location: *loc, rules: *rules}
              - {id: cam-3, name: C3, url: "rtsp://ops:${CAM_PASS}@127.0.0.1:\(rtspPort)/pattern-b", location: *loc, rules: *rules}
              - {id: cam-dead, name: Dead, url: "rtsp://ops:${CAM_PASS}@127.0.0.1:\(deadPort)/none", location: *loc, rules: *rules}
            """
        let path = folder.appendingPathComponent("group.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `streetwatch run config` with the camera password in its environment; output goes to `log`.
    private func startRun(config: String, log: URL) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: streetwatchBinary)
        process.arguments = ["run", config]
        process.environment = ProcessInfo.processInfo.environment.merging(["CAM_PASS": Self.password]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The metrics page parsed into `name{labels}` → value, or empty while the server is not up.
    private func metrics(port: Int) async -> [String: Double] {
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { return [:] }
        // A short timeout keeps polling: one request must not use up the whole wait on a busy machine.
        guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 2)) else {
            return [:]
        }
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    private func series(_ name: String, _ camera: String) -> String {
        "\(name){group=\"live-test\",camera=\"\(camera)\"}"
    }

    /// Polls `/metrics` until `condition` holds or `seconds` pass; returns the last page.
    private func waitForMetrics(port: Int, seconds: Double, until condition: ([String: Double]) -> Bool) async throws -> [String: Double] {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var page: [String: Double] = [:]
        while Date() < deadline {
            page = await metrics(port: port)
            if condition(page) { return page }
            try await Task.sleep(for: .milliseconds(500))
        }
        return page
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func liveCamerasRunBesideADeadOneAndAHardKillLosesNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streetwatch-run-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rtspPort = freePort(), httpPort = freePort(), deadPort = freePort()
        let server = try startRTSPServer(port: rtspPort, mounts: [
            "street=\(packageRoot.appendingPathComponent("samples/street-left-object.mp4").path)",
            "pattern-a=testsrc:320x180@25", "pattern-b=testsrc:320x180@25"], lifetime: 240)
        defer { server.kill() }
        let config = try writeConfig(folder: folder, rtspPort: rtspPort, deadPort: deadPort, httpPort: httpPort)
        let log = folder.appendingPathComponent("run.log")
        // What a writer killed in the middle of a file leaves: a hidden temporary file named after its process.
        let shard = folder.appendingPathComponent("evidence/ab")
        try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: true)
        let leftover = shard.appendingPathComponent(".ab\(String(repeating: "0", count: 62)).jpg.tmp-\(try deadProcessID())-7")
        try Data([0xFF, 0xD8]).write(to: leftover)

        // 1. Three live cameras analyse at their configured 5 fps; the dead one shows offline.
        var run = try startRun(config: config, log: log)
        defer { stopProcess(run) }
        let live = ["cam-1", "cam-2", "cam-3"]
        let page = try await waitForMetrics(port: httpPort, seconds: 45) { page in
            // The first seconds after joining a live stream can arrive in a burst; wait for the steady rate.
            live.allSatisfy { page[series("streetwatch_camera_online", $0)] == 1
                && (4.5...5.5).contains(page[series("streetwatch_camera_analysed_fps", $0)] ?? 0) }
                && page[series("streetwatch_camera_online", "cam-dead")] == 0
        }
        guard !page.isEmpty else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? "(no log)"
            Issue.record("no /metrics on port \(httpPort); run is \(run.isRunning ? "running" : "gone"); log:\n\(output)")
            return
        }
        for camera in live {
            #expect(page[series("streetwatch_camera_online", camera)] == 1, "\(camera) not online")
            let fps = page[series("streetwatch_camera_analysed_fps", camera)] ?? 0
            #expect(fps >= 4.5 && fps <= 5.5, "\(camera) analysed \(fps) fps")
            // Drop-oldest may shed a frame or two while the machine is busy (other suites run in parallel);
            // the rate above is what must hold, and drops must be counted, not hidden.
            let dropped = try #require(page[series("streetwatch_camera_frames_dropped_total", camera)])
            let analysed = page[series("streetwatch_camera_frames_analysed_total", camera)] ?? 0
            #expect(dropped <= analysed / 20, "\(camera) dropped \(dropped) of \(analysed) frames")
            // Analysis keeps up with the camera: the latest analysed picture is at most a moment old.
            let lag = try #require(page[series("streetwatch_camera_lag_seconds", camera)], "\(camera) has no lag series")
            #expect(lag < 3, "\(camera) runs \(lag) s behind")
        }
        #expect(page[series("streetwatch_camera_online", "cam-dead")] == 0)
        #expect(page[series("streetwatch_camera_lag_seconds", "cam-dead")] == nil, "a camera never seen has no lag")
        #expect((page[series("streetwatch_camera_offline_seconds_total", "cam-dead")] ?? 0) > 0)

        // 2. Once cam-1 has opened its draft (the clip is still gathering post-roll), kill -9.
        let opened = try await waitForMetrics(port: httpPort, seconds: 75) {
            ($0[series("streetwatch_drafts_created_total", "cam-1")] ?? 0) >= 1
        }
        #expect(opened[series("streetwatch_drafts_created_total", "cam-1")] == 1, "cam-1 opened no draft")
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        #expect(run.terminationReason == .uncaughtSignal)

        // 3. Restart: the open incident resumes instead of becoming a second draft; SIGTERM stops cleanly.
        run = try startRun(config: config, log: log)
        let resumed = try await waitForMetrics(port: httpPort, seconds: 30) { page in
            (page[series("streetwatch_camera_frames_analysed_total", "cam-1")] ?? 0) >= 50
        }
        let analysed = resumed[series("streetwatch_camera_frames_analysed_total", "cam-1")] ?? 0
        #expect(analysed >= 50, "after the restart cam-1 analysed \(analysed) frames in 30 s")
        // The clip the kill interrupted is filmed again (5 s post-roll) or marked missing before the stop.
        let store = folder.appendingPathComponent("cases.sqlite").path
        var awaited = -1
        for _ in 0..<60 {
            awaited = try await DatabaseQueue(path: store).read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM evidence_due d JOIN cases c ON c.id = d.case_id
                    WHERE c.camera_id = 'cam-1' AND d.missing_reason IS NULL
                    """) ?? -1
            }
            if awaited == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(awaited == 0, "cam-1's case still awaits \(awaited) evidence files 30 s after the restart")
        run.terminate()
        let stopDeadline = Date(timeIntervalSinceNow: 10)
        while run.isRunning && Date() < stopDeadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!run.isRunning, "run did not stop within 10 s of SIGTERM")
        #expect(run.terminationStatus == 0 && run.terminationReason == .exit)

        let database = try DatabaseQueue(path: folder.appendingPathComponent("cases.sqlite").path)
        let integrity = try await database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        let drafts = try await database.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM cases WHERE camera_id = 'cam-1'") ?? -1
        }
        #expect(drafts == 1, "cam-1 has \(drafts) cases for one left object")
        // The kill came during the clip's post-roll: the restart films the clip again (the object is still there)
        // or says why it is missing; every file a row names is there with its hash; no temporary file is left.
        let owed = try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.role, d.missing_reason FROM evidence_due d JOIN cases c ON c.id = d.case_id
                WHERE c.camera_id = 'cam-1'
                """)
        }
        #expect(owed.allSatisfy { ($0["missing_reason"] as String?) != nil }, "cam-1 still awaits \(owed)")
        let roles = try await database.read { db in
            try String.fetchSet(db, sql: """
                SELECT e.role FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.camera_id = 'cam-1'
                UNION SELECT d.role FROM evidence_due d JOIN cases c ON c.id = d.case_id WHERE c.camera_id = 'cam-1'
                """)
        }
        #expect(roles == ["before", "after", "clip"], "cam-1's case has neither file nor reason for some role: \(roles)")
        let files = try await database.read { try Row.fetchAll($0, sql: "SELECT relative_path, sha256 FROM evidence") }
        for file in files {
            let bytes = FileManager.default.contents(atPath: folder.path + "/" + (file["relative_path"] as String))
            #expect(bytes.map { SHA256.hex(of: [UInt8]($0)) } == file["sha256"] as String?, "\(file) does not verify")
        }
        let temporary = (FileManager.default.enumerator(atPath: folder.path + "/evidence")?.allObjects as? [String] ?? [])
            .filter { $0.contains(".tmp-") }
        #expect(temporary.isEmpty, "temporary files left: \(temporary)")
        // The group and its cameras are in the store (for serve's times and camera page), without any URL; each
        // live camera's latest analysed picture is kept, the dead one has none.
        let registered = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT c.*, g.utc_offset FROM cameras c JOIN camera_groups g ON g.id = c.group_id ORDER BY c.id")
        }
        #expect(registered.map { $0["id"] as String } == ["cam-1", "cam-2", "cam-3", "cam-dead"])
        #expect(registered.allSatisfy { $0["group_id"] as String == "live-test" && $0["utc_offset"] as String == "+00:00" })
        #expect(!registered.description.contains(Self.password) && !registered.description.contains("rtsp://"))
        let pictures = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT camera_id, substr(jpeg, 1, 3) AS head FROM camera_pictures ORDER BY camera_id")
        }
        #expect(pictures.map { $0["camera_id"] as String } == live)
        #expect(pictures.allSatisfy { ($0["head"] as Data) == Data([0xFF, 0xD8, 0xFF]) })
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(!output.contains(Self.password), "the camera password reached the log")
        #expect(output.contains("rtsp://ops:***@127.0.0.1:\(deadPort)/none"))
    }

    /// The id of a process that has exited (so no process has it now, barring reuse in the moment since).
    private func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
