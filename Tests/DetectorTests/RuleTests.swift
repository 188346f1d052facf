import Testing
@testable import Detector

/// Occupancy options that make the traps meaningful in short scenes (the 180 s default would hide them).
private var quickOccupancy: StationaryOccupancyOptions {
    var o = StationaryOccupancyOptions()
    o.minDwellSeconds = 20
    return o
}

/// Runs the same frames through all three rules on one scene model, as a camera does; returns every finding.
private func runAll(_ frames: [VideoFrame], occupancy: StationaryOccupancyOptions = quickOccupancy)
    -> (findings: [Finding], scene: SceneStats) {
    var detector = CameraDetector(specs: [
        RuleSpec(AbandonedObjectRule.self, options: .init()),
        RuleSpec(StationaryOccupancyRule.self, options: occupancy),
        RuleSpec(ZoneActivityRule.self, options: .init()),
    ], format: frames[0].format)
    var findings = frames.flatMap { detector.process($0) }
    findings += detector.finish(at: frames.last?.pts ?? 0)
    return (findings, detector.sceneStats)
}

@Suite struct AbandonedObjectTests {
    @Test func bagLeftBehindIsReportedOnce() throws {
        var scene = Scene()
        var h = RuleHarness(AbandonedObjectRule.self, format: scene.format)
        for t in times(0, 50) {
            var things: [Scene.Thing] = []
            if t >= 12 { things.append(.bag(x: 0.5, y: 0.7)) }
            // The owner walks in, stands by the bag while setting it down, then walks off to the right.
            if t >= 6 && t < 20 {
                let x = t < 10 ? lerp(0.1, 0.5, t, 6, 10) : t < 14 ? 0.5 : lerp(0.5, 1.1, t, 14, 20)
                things.append(.person(x: x + 0.05, y: 0.6))
            }
            h.push(scene.frame(pts: t, things))
        }
        h.finish()
        #expect(h.starts.count == 1)
        let start = try #require(h.starts.first)
        #expect(start.kind == "abandoned-object.start")
        #expect(start.zone == "frame")
        // Bag: x 0.48–0.52, y 0.665–0.735.
        let bag = NormalizedBox(x0: 0.48, y0: 0.665, x1: 0.52, y1: 0.735).scaled(width: 160, height: 90)
        #expect(start.box.iou(bag) > 0.3, "box \(start.box) vs bag \(bag)")
        #expect(start.firstSeen >= 12 && start.firstSeen <= 22, "left alone at \(start.firstSeen)")
        #expect(start.facts["static_seconds"]! >= 10)
        #expect(h.findings.last?.phase == .end)
        #expect(Set(h.findings.map(\.track)) == [start.track])
    }

    @Test func personWhoStopsBrieflyIsNotReported() throws {
        var scene = Scene()
        var h = RuleHarness(AbandonedObjectRule.self, format: scene.format)
        for t in times(0, 40) {
            // Walks to the middle, stands 8 s (swaying a little), walks on.
            let x = t < 10 ? lerp(0.1, 0.5, t, 0, 10) : t < 18 ? 0.5 + (Int(t * 5) % 4 == 0 ? 0.01 : 0) : lerp(0.5, 1.2, t, 18, 28)
            h.push(scene.frame(pts: t, [.person(x: x, y: 0.5)]))
        }
        h.finish()
        #expect(h.findings.isEmpty, "\(h.findings)")
    }

    @Test func objectOutsideTheZoneIsIgnored() throws {
        var scene = Scene()
        var options = AbandonedObjectOptions()
        options.zone = Zone(id: "left", polygon: .rectangle(x0: 0, y0: 0, x1: 0.4, y1: 1))
        var h = RuleHarness(AbandonedObjectRule.self, options: options, format: scene.format)
        for t in times(0, 40) { h.push(scene.frame(pts: t, t >= 5 ? [.bag(x: 0.7, y: 0.5)] : [])) }
        #expect(h.findings.isEmpty)
    }

    @Test func objectPresentAtStartUpThatLeavesIsAGhostNotAFinding() throws {
        var scene = Scene()
        var h = RuleHarness(AbandonedObjectRule.self, format: scene.format)
        for t in times(0, 40) { h.push(scene.frame(pts: t, t < 3 ? [.bag(x: 0.3, y: 0.5)] : [])) }
        h.finish()
        #expect(h.findings.isEmpty, "\(h.findings)")
    }
}

@Suite struct StationaryOccupancyTests {
    @Test func stallStayingThreeMinutesWithPeopleAroundGivesExactlyOneFinding() throws {
        var scene = Scene()
        var options = StationaryOccupancyOptions()
        options.zone = Zone(id: "sidewalk", polygon: .rectangle(x0: 0, y0: 0.4, x1: 1, y1: 1))
        var h = RuleHarness(StationaryOccupancyRule.self, options: options, format: scene.format)
        let stall = Scene.Thing(x0: 0.35, y0: 0.55, x1: 0.6, y1: 0.8, value: 150)
        for t in times(0, 290) {
            var things: [Scene.Thing] = []
            if t >= 10 && t < 240 { things.append(stall) }
            // Customers and passers-by: three walkers crossing back and forth, in front of the stall too.
            for k in 0..<3 {
                let phase = (t / 12 + Double(k) / 3).truncatingRemainder(dividingBy: 1)
                let x = phase < 0.5 ? phase * 2 : 2 - phase * 2
                things.append(.person(x: 0.05 + 0.9 * x, y: 0.6 + 0.1 * Double(k)))
            }
            h.push(scene.frame(pts: t, things))
        }
        h.finish()
        #expect(h.starts.count == 1, "\(h.findings)")
        let start = try #require(h.starts.first)
        #expect(start.kind == "stationary-occupancy.start")
        #expect(start.zone == "sidewalk")
        #expect(start.facts["dwell_seconds"]! >= 180)
        #expect(start.lastSeen < 240)
        let stallBox = NormalizedBox(x0: 0.35, y0: 0.55, x1: 0.6, y1: 0.8).scaled(width: 160, height: 90)
        #expect(start.box.iou(stallBox) > 0.5, "box \(start.box) vs stall \(stallBox)")
        #expect(Set(h.findings.map(\.track)) == [start.track])
        #expect(h.findings.last?.phase == .end)
    }

    @Test func shortStopIsNotOccupancy() throws {
        var scene = Scene()
        var h = RuleHarness(StationaryOccupancyRule.self, options: quickOccupancy, format: scene.format)
        for t in times(0, 60) { h.push(scene.frame(pts: t, t >= 10 && t < 22 ? [.car(x: 0.5, y: 0.5)] : [])) }
        h.finish()
        #expect(h.findings.isEmpty, "\(h.findings)")
    }
}

@Suite struct ZoneActivityTests {
    /// 03:00 on 2026-01-01 in UTC+8 is 19:00 UTC on 2025-12-31.
    static let threeAM = 1_767_207_600.0

    private func rummaging(_ scene: inout Scene, start: Double?) -> RuleHarness<ZoneActivityRule> {
        var options = ZoneActivityOptions()
        options.zone = Zone(id: "garbage-point", polygon: .rectangle(x0: 0.6, y0: 0.3, x1: 1, y1: 1))
        options.schedule = Schedule(windows: ["20:00-06:00"], utcOffset: "+08:00")
        var h = RuleHarness(ZoneActivityRule.self, options: options, format: scene.format)
        for t in times(0, 30) {
            let things: [Scene.Thing] = t >= 5 && t < 20 ? [.person(x: 0.8 + 0.05 * ((t * 2).truncatingRemainder(dividingBy: 2) - 1), y: 0.6)] : []
            h.push(scene.frame(pts: t, things, capturedAt: start.map { $0 + t }))
        }
        h.finish()
        return h
    }

    @Test func activityAtNightInTheZoneIsReported() throws {
        var scene = Scene()
        let h = rummaging(&scene, start: Self.threeAM)
        #expect(h.starts.count == 1, "\(h.findings)")
        #expect(h.starts.first?.zone == "garbage-point")
        #expect(h.findings.map(\.phase).last == .end)
    }

    @Test func sameActivityAtNoonIsOutsideTheSchedule() throws {
        var scene = Scene()
        let h = rummaging(&scene, start: Self.threeAM + 9 * 3600)
        #expect(h.findings.isEmpty)
        #expect(h.rule.stats.outsideSchedule > 100)
    }

    @Test func framesWithoutCaptureTimeAreInsideEverySchedule() throws {
        var scene = Scene()
        let h = rummaging(&scene, start: nil)
        #expect(h.starts.count == 1)
    }

    @Test func carPassingIsTooShortToBeActivity() throws {
        var scene = Scene()
        var h = RuleHarness(ZoneActivityRule.self, format: scene.format)
        for t in times(0, 20) { h.push(scene.frame(pts: t, [.car(x: lerp(-0.2, 1.2, t, 5, 7), y: 0.5)])) }
        h.finish()
        #expect(h.findings.isEmpty, "\(h.findings)")
    }
}

/// Traps every rule must survive: none of these scenes contains anything to report.
@Suite struct TrapTests {
    @Test(arguments: [1.4, 0.6]) func globalBrightnessJumpProducesNothing(gain: Double) {
        var scene = Scene()
        let frames = times(0, 60).map { t in scene.frame(pts: t, gain: t < 10 ? 1 : gain) }
        let (findings, stats) = runAll(frames)
        #expect(findings.isEmpty, "\(findings)")
        #expect(stats.gainCompensatedFrames > 0)
    }

    @Test func slowRampOverThirtySecondsProducesNothing() throws {
        var scene = Scene()
        let frames = times(0, 60).map { t in scene.frame(pts: t, gain: lerp(1, 1.4, t, 10, 40)) }
        let (findings, _) = runAll(frames)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func heavySensorNoiseProducesNothing() throws {
        var scene = Scene()
        let frames = times(0, 60).map { t in scene.frame(pts: t, noise: 10) }
        let (findings, _) = runAll(frames)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func carPassingProducesNoObjectOrOccupancy() throws {
        var scene = Scene()
        let frames = times(0, 40).map { t in scene.frame(pts: t, [.car(x: lerp(-0.2, 1.2, t, 5, 8), y: 0.5)]) }
        let (findings, _) = runAll(frames)
        #expect(findings.filter { $0.rule != "zone-activity" }.isEmpty, "\(findings)")
    }

    @Test func lightsSwitchedUnevenlyAreSuppressedAndCounted() throws {
        var scene = Scene()
        var h = RuleHarness(AbandonedObjectRule.self, format: scene.format)
        for t in times(0, 40) {
            var f = scene.frame(pts: t)
            // From 10 s the left two thirds of the picture brighten by 50 levels (a floodlight comes on).
            if t >= 10 {
                for y in 0..<90 { for x in 0..<107 { f.pixels[y * 160 + x] &+= 50 } }
            }
            h.push(f)
        }
        h.finish()
        #expect(h.findings.isEmpty, "\(h.findings)")
        // Two thirds of the picture follow one brightness mapping, the rest another: more than a gain can take.
        #expect(h.scene.stats.gainCompensatedFrames + h.scene.stats.suppressedFrames > 0)
        #expect(h.scene.stats.relearns == 1)
    }

    @Test func resetForgetsTheScene() throws {
        var scene = Scene()
        var h = RuleHarness(AbandonedObjectRule.self, format: scene.format)
        for t in times(0, 30) {
            // Carried in from the left and set down at 5 s; the carrier walks on.
            var things: [Scene.Thing] = t >= 5 ? [.bag(x: 0.5, y: 0.5)] : [.bag(x: lerp(0.1, 0.5, t, 1, 5), y: 0.5)]
            if t >= 1 && t < 10 { things.append(.person(x: lerp(0.1, 1.1, t, 1, 10) + 0.05, y: 0.45)) }
            h.push(scene.frame(pts: t, things))
        }
        #expect(h.starts.count == 1)
        h.discontinuity()
        // After the discontinuity the bag is part of the first frame: scenery, not news.
        for t in times(100, 140) { h.push(scene.frame(pts: t, [.bag(x: 0.5, y: 0.5)])) }
        #expect(h.starts.count == 1)
        #expect(h.rule.stats.resets == 1)
    }
}
