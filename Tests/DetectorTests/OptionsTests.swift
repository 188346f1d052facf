import Foundation
import Testing
@testable import Detector

/// Decodes `json` as the options of rule `type`, the way the pipeline hands a YAML node to the registry.
private func build(_ type: String, _ json: String) throws -> RuleSpec {
    struct Holder: Decodable {
        let spec: RuleSpec
        init(from decoder: any Decoder) throws {
            // `build` always sets the key; a missing one is a bug in this file.
            let type = decoder.userInfo[ruleTypeKey] as! String
            spec = try RuleRegistry.standard.spec(type: type, options: decoder)
        }
    }
    let decoder = JSONDecoder()
    decoder.userInfo[ruleTypeKey] = type
    return try decoder.decode(Holder.self, from: Data(json.utf8)).spec
}

// A literal, valid key name: the initialiser only fails for... nothing, it is failable for historical reasons.
private let ruleTypeKey = CodingUserInfoKey(rawValue: "ruleType")!

/// The message a configuration error shows, as the pipeline would print it.
private func message(_ type: String, _ json: String) -> String {
    do {
        _ = try build(type, json)
        return "no error"
    } catch {
        return String(describing: error)
    }
}

@Suite struct OptionsTests {
    @Test func defaultsBuildEveryRegisteredRule() throws {
        #expect(RuleRegistry.standard.descriptors.map(\.id) == ["abandoned-object", "stationary-occupancy", "zone-activity"])
        for id in RuleRegistry.standard.descriptors.map(\.id) {
            let spec = try build(id, "{}")
            #expect(spec.descriptor.id == id)
            #expect(spec.makeRule(format: .gray(160, 90)).descriptor.id == id)
        }
    }

    @Test func givenValuesOverrideDefaultsAndTheRestStay() throws {
        let options = try JSONDecoder().decode(AbandonedObjectOptions.self, from: Data(#"{"min_static_seconds": 30}"#.utf8))
        #expect(options.minStaticSeconds == 30)
        #expect(options.unattendedSeconds == AbandonedObjectOptions().unattendedSeconds)
    }

    @Test func unknownKeyIsRejectedWithDidYouMean() {
        #expect(message("abandoned-object", #"{"min_static_secs": 5}"#)
            == "min_static_secs: unknown key (did you mean 'min_static_seconds'?)")
        #expect(message("zone-activity", #"{"schedule": {"window": ["20:00-06:00"]}}"#)
            == "schedule.window: unknown key (did you mean 'windows'?)")
    }

    @Test func unrelatedUnknownKeyListsTheValidOnes() {
        #expect(message("zone-activity", #"{"colour": 1}"#)
            == "colour: unknown key (valid keys: zone, schedule, min_area, min_active_seconds, max_gap_seconds, min_contrast)")
    }

    @Test func outOfRangeValueGivesPathValueAndRange() {
        #expect(message("abandoned-object", #"{"min_static_seconds": 0}"#)
            == "min_static_seconds: value 0 out of range [1 - 3600]")
        #expect(message("stationary-occupancy", #"{"min_area": 1.5}"#)
            == "min_area: value 1.5 out of range [0.0001 - 1]")
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect(message("abandoned-object", #"{"min_static_seconds": 0, "min_area": 0.2, "max_area": 0.1, "zone": {"points": [[0, 0], [2, 0], [1, 1]]}}"#)
            == """
            3 problems:
              zone.points[1]: point [2, 0] outside the frame (fractions in [0 - 1])
              min_static_seconds: value 0 out of range [1 - 3600]
              max_area: value 0.1 is below min_area 0.2
            """)
    }

    @Test func badScheduleIsRejected() {
        #expect(message("zone-activity", #"{"schedule": {"windows": ["20:00-6:00"], "utc_offset": "+8"}}"#)
            == """
            2 problems:
              schedule.windows[0]: '20:00-6:00' is not a window like 20:00-06:00 (start and end must differ)
              schedule.utc_offset: '+8' is not an offset like +08:00 (range -14:00 to +14:00)
            """)
    }

    @Test func unknownRuleTypeSuggestsTheNearestId() {
        #expect(message("abandoned-objects", "{}") == "type: unknown rule type 'abandoned-objects' (did you mean 'abandoned-object'?)")
    }

    @Test func registeringTheSameIdTwiceIsAProgrammerError() async {
        await #expect(processExitsWith: .failure) {
            var registry = RuleRegistry()
            registry.register(ZoneActivityRule.self)
            registry.register(ZoneActivityRule.self)
        }
    }
}

@Suite struct ZoneAndScheduleTests {
    @Test func pixelPolygonMatchesTheSameNormalisedPolygon() {
        let format = FrameFormat.gray(160, 90)
        let normalised = ZoneMask(Zone(polygon: .rectangle(x0: 0.25, y0: 0.5, x1: 0.75, y1: 1)), format: format)
        let pixels = ZoneMask(Zone(polygon: Polygon(points: [[480, 540], [1440, 540], [1440, 1080], [480, 1080]],
                                                    frameSize: [1920, 1080])), format: format)
        #expect(normalised.mask == pixels.mask)
        #expect(normalised.area == 80 * 45)
        #expect(normalised.bounds == PixelBox(x0: 40, y0: 45, x1: 120, y1: 90))
    }

    @Test func exclusionsCutHoles() {
        let zone = Zone(exclude: [.rectangle(x0: 0, y0: 0, x1: 0.5, y1: 1)])
        let mask = ZoneMask(zone, format: .gray(100, 10))
        #expect(mask.area == 500)
        #expect(!mask.isWholeFrame)
    }

    @Test func nightWindowCrossesMidnight() {
        let night = Schedule(windows: ["20:00-06:00"], utcOffset: "+08:00")
        // 2026-01-01 00:00 UTC is 08:00 in UTC+8.
        let midnightUTC = 1_767_225_600.0
        #expect(!night.contains(capturedAt: midnightUTC))                  // 08:00 local
        #expect(night.contains(capturedAt: midnightUTC + 12 * 3600))      // 20:00 local
        #expect(night.contains(capturedAt: midnightUTC - 5 * 3600))       // 03:00 local
        #expect(!night.contains(capturedAt: midnightUTC - 2 * 3600))      // 06:00 local, end exclusive
        #expect(night.contains(capturedAt: nil))
        #expect(Schedule.always.contains(capturedAt: midnightUTC))
    }
}
