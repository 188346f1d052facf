import Detector
import Foundation
@testable import Pipeline

/// Shared makers for the store and tracker tests.
enum CaseFixture {
    static let camera = CameraRef(id: "gs-east-03", name: "东门垃圾站 3号", gb28181ID: "34020000001320000003")

    static func context(rule: String = "abandoned-object", zone: String = "station", camera: CameraRef = camera)
        -> CaseContext {
        CaseContext(
            camera: camera,
            location: CaseLocation(address: "东门路12号垃圾站", longitude: 118.7969, latitude: 32.0603,
                                   gridCode: "320102001001001"),
            category: CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10"),
            ruleID: rule, ruleVersion: 2, zoneID: zone, divisionCode: "320102")
    }

    /// 2026-11-22T00:00:00Z.
    static let origin = StreamClock(origin: Date(timeIntervalSince1970: 1_795_305_600))

    /// A finding with a normalized box and a matching 320×180 pixel box.
    static func finding(_ phase: FindingPhase, track: Int = 1, rule: String = "abandoned-object",
                        zone: String = "station", box: (Double, Double, Double, Double) = (0.4, 0.5, 0.5, 0.7),
                        first: Double, last: Double, score: Double = 0.8) -> Finding {
        let n = NormalizedBox(x0: box.0, y0: box.1, x1: box.2, y1: box.3)
        return Finding(rule: rule, phase: phase, track: track, zone: zone, box: n.scaled(width: 320, height: 180),
                       normalizedBox: n, firstSeen: first, lastSeen: last, area: 600, areaFraction: 0.01,
                       score: score, facts: ["unattended_seconds": last - first])
    }

    /// A fresh folder under the temporary directory, removed by `cleanup`.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("streetwatch-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cleanup(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension Array where Element == CaseEvent {
    /// `opened`, `updated`, `closed` per event, for compact expectations.
    var kinds: [String] {
        map {
            switch $0 {
            case .opened: "opened"
            case .updated: "updated"
            case .closed: "closed"
            }
        }
    }
}
