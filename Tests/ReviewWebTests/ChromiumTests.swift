import Foundation
import Pipeline
import ReviewFixtures
import TestSupport
import Testing

/// A real headless Chromium (Debian `chromium`, with `fonts-noto-cjk`) against `streetwatch serve` on a seeded
/// store: it logs in, confirms one draft with the C key, rejects another with key 2, and the report page's numbers
/// change; then, in zh-CN and en, it walks the queue, a case, the camera page and the report, and works through
/// the queue by keyboard alone (100 verdicts in zh-CN, 10 in en), timing each verdict on the server.
/// Screenshots are kept in `.build/artifacts/chromium-review/`.
@Suite("review in Chromium", .timeLimit(.minutes(5)))
struct ChromiumTests {
    @Test func aReviewerWorksThroughTheQueueByKeyboardInBothLanguages() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, numbers) = try await ReviewSeed.store(in: folder)
        _ = try await ReviewSeed.addDrafts(120, to: store)
        try await ReviewSeed.recordLiveCameras(in: store)
        let port = freePort()
        // No --time-zone: the group's +08:00 comes from the store.
        let server = try ServerProcess(streetwatchBinary, ["serve", "--db", folder + "/cases.sqlite",
                                                           "--listen", "127.0.0.1:\(port)"], timeout: 30)
        defer { server.kill() }
        #expect(server.readyValue == "http://127.0.0.1:\(port)")

        let artifacts = packageRoot.appendingPathComponent(".build/artifacts/chromium-review").path
        let result = try runCommand(systemPython, [packageRoot.appendingPathComponent("scripts/chromium-review.py").path,
                                                   "http://127.0.0.1:\(port)", ReviewSeed.reviewer, ReviewSeed.password,
                                                   numbers[0], numbers[1], artifacts, String(ReviewSeed.year), "100"])
        #expect(result.status == 0, "\(result.output)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                "\(result.output)")
        #expect(seen["start"] as? String == "/login")
        #expect(seen["afterLogin"] as? String == "/")
        #expect(seen["queueRows"] as? Int == 50)
        let before = try #require(seen["reportBefore"] as? [String: String])
        let after = try #require(seen["reportAfter"] as? [String: String])
        #expect(before["视频自动识别问题数"] == "140" && before["立案数"] == "0" && before["不予立案数"] == "0")
        #expect(before["准确率"] == "—")
        #expect(seen["confirmed"] as? String == "confirmed \(numbers[0])")
        #expect(seen["rejected"] as? String == "rejected \(numbers[1])")
        #expect((seen["rejectedText"] as? String)?.contains("误报-行人/车辆") == true)
        #expect(after["立案数"] == "1" && after["不予立案数"] == "1" && after["待审核"] == "138")
        #expect(after["准确率"] == "50.0 %")
        #expect(after["不予立案-误报-行人/车辆"] == "1")
        #expect(seen["undoneToDraft"] as? Bool == true)
        #expect(seen["noteFocused"] as? String == "note")
        #expect((seen["otherText"] as? String)?.contains("其他") == true, "\(seen["otherText"] ?? "nil")")

        for (lang, decisions) in [("zh", 100), ("en", 10)] {
            let got = try #require(seen[lang] as? [String: Any], "\(lang)")
            #expect(got["lang"] as? String == (lang == "zh" ? "zh-CN" : "en"))
            let found = try #require(got["placeholders"] as? [String: [String]])
            #expect(found.keys.sorted() == ["cameras", "case", "queue", "report"] && found.values.allSatisfy(\.isEmpty), "\(lang): \(found)")
            // Point 3: a picture with its box in every row.
            // (In en the queue holds what the 100 zh-CN verdicts left: 38 drafts.)
            let rows = lang == "zh" ? 50 : 38
            #expect(got["rows"] as? Int == rows && got["thumbnails"] as? Int == rows && got["boxes"] as? Int == rows, "\(lang): \(got)")
            // Point 5: both cameras of the group, one online with its latest picture.
            #expect(got["cameraCards"] as? Int == 2 && got["camerasOnline"] as? Int == 1 && got["cameraPictures"] as? Int == 1)
            #expect(got["glyphsDiffer"] as? Bool == true, "Chinese text draws as boxes: is fonts-noto-cjk installed?")
            // Point 4: focus moves with J/K and is visible; Enter opens; V focuses the clip; every verdict by key.
            #expect((got["focused"] as? String)?.hasPrefix("case SW-") == true && got["focusOutline"] as? String == "solid")
            #expect(got["opened"] as? Bool == true && got["clipFocused"] as? String == "clip")
            #expect(got["decisions"] as? Int == decisions && (got["mismatches"] as? [Any])?.isEmpty == true, "\(lang): \(got)")
            #expect(got["undos"] as? Int == decisions / 10)
            #expect(got["nextPrevious"] as? [Bool] == [true, true])
            #expect((got["preloaded"] as? Int ?? 0) > 0)
            let p95 = try #require(got["serverP95"] as? Double)
            // A guard against a decision that hangs, not a benchmark: the figure is printed below, and on a loaded
            // 2-core machine it has reached 105 ms (60-85 ms when idle).
            #expect(p95 > 0 && p95 < 1000, "\(lang): server time per decision p95 \(p95) ms")
            print("chromium \(lang): \(decisions) decisions, server p95 \(p95) ms (verdict POST p95 \(got["serverPostP95"] ?? 0) ms, next page p95 \(got["serverPageP95"] ?? 0) ms), max \(got["serverMax"] ?? 0) ms, wall p95 \(got["wallP95"] ?? 0) ms")
            for name in ["queue", "case", "cameras", "report"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: "\(artifacts)/\(lang)-\(name).png")[.size] as? Int) ?? 0
                #expect(size > 1000, "screenshot \(lang)-\(name).png")
            }
        }
        // On a tablet (768 px wide) the pages fit without sideways scrolling.
        #expect(seen["tabletOverflow"] as? Bool == false)
        // The browser's verdicts are in the audit log under the reviewer's name: 2 + 100 + 10 verdicts, 12 undos
        // (11 in the queue, 1 before the "other" rejection) each followed by a verdict again.
        let log = try await store.auditLog()
        #expect(log.filter { $0.action == .undo }.count == 12)
        #expect(log.filter { $0.action != .undo }.count == 2 + 110 + 12)
        #expect(log.allSatisfy { $0.actor == ReviewSeed.reviewer })
    }
}
