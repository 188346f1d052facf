import ArgumentParser
import Detector
import Foundation
import Pipeline

/// `streetwatch store-bench`: the store's side of `scripts/bench-pg.py`, one measurement per call, printed as one
/// JSON object. Not listed in `--help`: it writes made-up drafts into the store it is given.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-bench",
        abstract: "Measure the case store (used by scripts/bench-pg.py; writes made-up drafts).",
        shouldDisplay: false,
        subcommands: [Insert.self, Queue.self, Report.self])

    /// Inserts drafts through ``CaseWriting/apply(_:)`` as a camera worker does, one transaction each.
    struct Insert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Insert made-up drafts, one transaction each.")

        @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
        var db: String

        @Option(help: "This writer's number: its cameras are bench-<writer>-<n>.")
        var writer: Int

        @Option(help: "Drafts to insert.")
        var count: Int

        @Option(help: "Cameras this writer spreads its drafts over.")
        var cameras = 4

        @Option(help: "Unix time to wait for before the first insert, so that many writers start together.")
        var startAt: Double?

        func run() async throws {
            guard count > 0, cameras > 0 else { throw ValidationError("--count and --cameras must be positive") }
            try await openExistingStore(db).withReady { store in
                // Everything that is not the insert is made before the clock starts.
                let events = (0..<count).map { Self.event(writer: writer, index: $0, cameras: cameras) }
                if let startAt {
                    let wait = startAt - Date().timeIntervalSince1970
                    if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                }
                let started = ContinuousClock.now
                let begun = Date().timeIntervalSince1970
                for event in events { try await store.apply(event) }
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(#"{"writer": \#(writer), "drafts": \#(count), "started": \#(begun), "seconds": \#(seconds)}"#)
            }
        }

        /// Draft `index` of `writer`: an opened left-object case on one of its cameras, first seen `index` seconds
        /// after 2026-11-22T00:00Z, so every draft is a new incident.
        static func event(writer: Int, index: Int, cameras: Int) -> CaseEvent {
            let camera = CameraRef(id: "bench-\(writer)-\(index % cameras)", name: "bench \(writer)/\(index % cameras)")
            let context = CaseContext(
                camera: camera,
                location: CaseLocation(address: "测试路 1 号", longitude: 116.4, latitude: 39.9, gridCode: "110101001001001"),
                category: CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10"),
                ruleID: "abandoned-object", ruleVersion: 1, zoneID: "frame")
            let box = NormalizedBox(x0: 0.4, y0: 0.5, x1: 0.5, y1: 0.7)
            let first = Double(index)
            let finding = Finding(rule: "abandoned-object", phase: .start, track: 1, zone: "frame",
                                  box: box.scaled(width: 320, height: 180), normalizedBox: box, firstSeen: first,
                                  lastSeen: first + 30, area: 600, areaFraction: 0.01, score: 0.8,
                                  facts: ["unattended_seconds": 30])
            var tracker = IncidentTracker(cameraID: camera.id)
            let clock = StreamClock(origin: Date(timeIntervalSince1970: 1_795_305_600))
            // `[0]`: a start finding on a fresh tracker always opens exactly one incident.
            return tracker.ingest(finding, context: context, clock: clock)[0]
        }
    }

    /// Times queue pages as the desk reads them: the first page, a page deep in the queue, a camera's first page.
    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time queue pages (median of --repeat reads each).")

        @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
        var db: String

        @Option(help: "Reads per page kind; the median and the slowest are printed.")
        var `repeat` = 20

        @Option(help: "A case number whose cursor starts the deep page.")
        var deepAfter: String

        @Option(help: "The camera of the filtered page.")
        var camera: String

        func run() async throws {
            try await openExistingStore(db).withReady { store in
                guard let deep = try await store.queueCursor(caseNumber: deepAfter) else {
                    throw CommandFailure("no case \(deepAfter)")
                }
                let total = try await store.queueCount(QueueQuery(status: nil))
                var results: [String] = []
                let kinds: [(String, QueueQuery, QueueCursor?)] = [
                    ("first", QueueQuery(), nil), ("deep", QueueQuery(), deep),
                    ("camera", QueueQuery(camera: camera), nil),
                ]
                for (name, query, cursor) in kinds {
                    var times: [Double] = []
                    var rows = 0
                    for _ in 0..<max(1, `repeat`) {
                        let started = ContinuousClock.now
                        rows = try await store.queue(query, after: cursor, limit: 50).count
                        let elapsed = ContinuousClock.now - started
                        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    }
                    times.sort()
                    results.append(#""\#(name)": {"rows": \#(rows), "median_ms": \#(times[times.count / 2]), "max_ms": \#(times.last ?? 0)}"#)
                }
                print("{\"cases\": \(total), " + results.joined(separator: ", ") + "}")
            }
        }
    }

    /// Times the yearly report as `streetwatch report` makes it: reading the store, then the Markdown text.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time building the yearly report (read + Markdown).")

        @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
        var db: String

        @Option(help: "The calendar year.")
        var year: Int

        func run() async throws {
            try await openExistingStore(db).withReady { store in
                let started = ContinuousClock.now
                let report = try await YearlyReport.build(year: year, store: store, timeZone: store.timeZone)
                let built = ContinuousClock.now
                let text = report.markdown()
                let written = ContinuousClock.now
                func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
                print(#"{"cameras": \#(report.coverage.count), "cases": \#(report.accuracy.total.flagged), "#
                      + #""build_seconds": \#(seconds(built - started)), "markdown_seconds": \#(seconds(written - built)), "#
                      + #""markdown_bytes": \#(text.utf8.count)}"#)
            }
        }
    }
}
