import Foundation
import Testing
@testable import Detector

/// The failures seen on footage the rules were never tuned on (issue 12), each as a synthetic scene through the
/// scene model and the rules a camera runs. Frames come at 5 fps unless a test says otherwise.
@Suite struct FailureModeTests {
    /// A camera running dumping and vending rules with their defaults on the whole frame, as `eval.yaml` does.
    private struct Camera {
        var detector = CameraDetector(specs: [
            RuleSpec(AbandonedObjectRule.self, options: .init()),
            RuleSpec(StationaryOccupancyRule.self, options: .init()),
        ], format: .gray(160, 90))
        var findings: [Finding] = []
        var last: Timestamp = 0

        mutating func push(_ frame: VideoFrame) {
            findings += detector.process(frame)
            last = frame.pts
        }

        mutating func finish() { findings += detector.finish(at: last) }

        func starts(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule && $0.phase == .start } }
        var dumping: [Finding] { starts("abandoned-object") }
        var vending: [Finding] { starts("stationary-occupancy") }
        var rejected: [RejectionReason: Int] { detector.ruleStats[0].stats.rejected }
    }

    /// The bag of these scenes, in pixels of the 160×90 frame.
    private static let bagBox = NormalizedBox(x0: 0.48, y0: 0.665, x1: 0.52, y1: 0.735).scaled(width: 160, height: 90)

    /// One dumping finding on the bag, first seen in `window`.
    private func expectBagFound(_ camera: Camera, leftIn window: ClosedRange<Double>,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(camera.dumping.count == 1, "dumping starts: \(camera.dumping); rejected \(camera.rejected)",
                sourceLocation: sourceLocation)
        guard let start = camera.dumping.first else { return }
        #expect(start.box.iou(Self.bagBox) > 0.3, "box \(start.box) vs bag \(Self.bagBox)", sourceLocation: sourceLocation)
        #expect(window.contains(start.firstSeen), "left at \(start.firstSeen)", sourceLocation: sourceLocation)
    }

    /// An owner walks in, sets the bag down at 12 s, walks off to the right by 20 s.
    private func owner(at t: Double) -> Scene.Thing? {
        guard t >= 6 && t < 20 else { return nil }
        let x = t < 10 ? lerp(0.1, 0.5, t, 6, 10) : t < 14 ? 0.5 : lerp(0.5, 1.15, t, 14, 20)
        return .person(x: x + 0.06, y: 0.6)
    }

    @Test func bagIsFoundThroughAnExposureJumpAndASlowDarkening() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 90) {
            var things: [Scene.Thing] = t >= 12 ? [.bag(x: 0.5, y: 0.7)] : []
            if let person = owner(at: t) { things.append(person) }
            // Exposure jumps by 35 % at 25 s, then the light fades to 60 % between 40 and 70 s.
            let gain = (t < 25 ? 1 : 1.35) * lerp(1, 0.6, t, 40, 70)
            camera.push(scene.frame(pts: t, things, gain: gain))
        }
        camera.finish()
        expectBagFound(camera, leftIn: 12...35)
        #expect(camera.detector.sceneStats.gainCompensatedFrames > 100)
    }

    @Test func exposureJumpAndDarkeningAloneMakeNoCase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 90) {
            camera.push(scene.frame(pts: t, gain: (t < 25 ? 1 : 1.35) * lerp(1, 0.6, t, 40, 70), offset: t < 50 ? 0 : -8))
        }
        camera.finish()
        #expect(camera.findings.isEmpty, "\(camera.findings)")
    }

    /// Night IR: a third of the daylight contrast, raised black, strong temporal noise.
    @Test func bagIsFoundOnADarkNoisyNightPicture() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 60) {
            var things: [Scene.Thing] = t >= 12 ? [.bag(x: 0.5, y: 0.7)] : []
            if let person = owner(at: t) { things.append(person) }
            camera.push(scene.frame(pts: t, things, gain: 0.3, offset: 6, noise: 12))
        }
        camera.finish()
        // The bag itself is found (a static candidate on the averaged background), but its owner is not: at a
        // third of the contrast under ±12 noise he is below the per-frame motion threshold, so the bag has no
        // bringer and is held back as `no-owner`. Open in issue 12 (docs/evaluation.md); this fails the day the
        // motion test sees him, as it should.
        withKnownIssue("owner invisible to the per-frame motion test on a dark, noisy picture") {
            expectBagFound(camera, leftIn: 12...35)
        }
        #expect(camera.rejected[.noOwner, default: 0] > 0, "\(camera.rejected)")
    }

    @Test func nightNoiseAloneMakesNoCase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 120) { camera.push(scene.frame(pts: t, gain: 0.3, offset: 6, noise: 14)) }
        camera.finish()
        #expect(camera.findings.isEmpty, "\(camera.findings)")
    }

    @Test func bagIsFoundOnAShakingCamera() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 60) {
            var things: [Scene.Thing] = t >= 12 ? [.bag(x: 0.5, y: 0.7)] : []
            if let person = owner(at: t) { things.append(person) }
            let shift = (x: scene.random(-1...1), y: scene.random(-1...1))
            camera.push(scene.frame(pts: t, things, shift: shift))
        }
        camera.finish()
        expectBagFound(camera, leftIn: 12...35)
    }

    @Test func shakeAloneMakesNoCase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 90) {
            let shift = (x: scene.random(-1...1), y: scene.random(-1...1))
            camera.push(scene.frame(pts: t, shift: shift))
        }
        camera.finish()
        #expect(camera.findings.isEmpty, "\(camera.findings)")
    }

    @Test func suitcaseCaseStartsWhenItsOwnerWalksOffNotWhileHeStandsBesideIt() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 90) {
            var things: [Scene.Thing] = t >= 12 ? [.bag(x: 0.5, y: 0.7)] : []
            // He arrives at 8 s, sets the case down at 12 s and stands beside it, shifting his weight, for
            // half a minute; he walks off at 45 s.
            if t >= 8 && t < 52 {
                let x = t < 12 ? lerp(0.1, 0.56, t, 8, 12) : t < 45 ? 0.56 + (Int(t * 5) % 7 == 0 ? 0.012 : 0) : lerp(0.56, 1.15, t, 45, 52)
                things.append(.person(x: x, y: 0.6))
            }
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        expectBagFound(camera, leftIn: 45...65)
        #expect(camera.vending.isEmpty, "\(camera.vending)")
    }

    @Test func bagDroppedBesideAVanIsFoundWhenTheVanDrivesOffInFadingLight() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 120) {
            var things: [Scene.Thing] = []
            // The van pulls in by 10 s; its driver gets out, carries the bag round the back, drops it beside
            // the van at 15 s and gets back in by 17 s. The van stands until 50 s and drives off by 55 s.
            if t < 55 {
                let x = t < 10 ? lerp(-0.2, 0.3, t, 0, 10) : t < 50 ? 0.3 : lerp(0.3, -0.3, t, 50, 55)
                things.append(.car(x: x, y: 0.6))
            }
            if t >= 12 && t < 17 {
                things.append(.person(x: t < 15 ? lerp(0.3, 0.56, t, 12, 15) : lerp(0.56, 0.3, t, 15, 17), y: 0.62))
            }
            if t >= 12 && t < 15 { things.append(.bag(x: lerp(0.3, 0.5, t, 12, 15), y: 0.7)) }
            if t >= 15 { things.append(.bag(x: 0.5, y: 0.7)) }
            camera.push(scene.frame(pts: t, things, gain: lerp(1, 0.55, t, 45, 100)))
        }
        camera.finish()
        expectBagFound(camera, leftIn: 48...80)
    }

    @Test func stallWithItsVendorIsVendingNotDumping() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 260) {
            // The vendor wheels the stall in from the right (4-10 s) and never leaves its side for long: he
            // moves about beside it all the time.
            let x = lerp(1.2, 0.45, t, 4, 10)
            var things: [Scene.Thing] = t >= 4 ? Scene.Thing.stall(x: x, y: 0.6) : []
            if t >= 4 { things.append(.person(x: x + 0.15 + (t >= 10 ? 0.04 * sin(t * 1.3) : 0), y: 0.58 + 0.02 * sin(t * 2.1))) }
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        #expect(camera.dumping.isEmpty, "\(camera.dumping)")
        #expect(camera.vending.count == 1, "\(camera.vending)")
        // Held back as attended by its vendor, or as the stopped thing it is.
        #expect((camera.rejected[.attended] ?? 0) + (camera.rejected[.stoppedMover] ?? 0) > 0, "rejected \(camera.rejected)")
    }

    @Test func travellerStandingByHisSuitcaseForAMinuteIsNeitherCase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 150) {
            var things: [Scene.Thing] = []
            // He stands by his suitcase from 10 s to 100 s, fidgeting, and leaves with it.
            if t >= 10 && t < 100 {
                things.append(.bag(x: 0.5, y: 0.7))
                things.append(.person(x: 0.56 + (Int(t * 5) % 6 == 0 ? 0.012 : 0), y: 0.6))
            }
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        #expect(camera.findings.isEmpty, "\(camera.findings)")
    }

    @Test func personStandingStillWhoseBodySplitsInTwoIsNotACase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 115) {
            var things: [Scene.Thing] = []
            // A close-up person strolls up (2-12 s), waits without moving for 88 s (longer than a bringer at
            // rest keeps an object attended) and walks off (100-106 s). Walking, his
            // swinging arms join him into one wide blob; standing, a band of clothing the colour of the floor
            // parts his head and shoulders from his legs, so the static mask holds two regions, each well under
            // half of his walking size.
            if t >= 2 && t < 106 {
                let x = t < 12 ? lerp(0.3, 0.5, t, 2, 12) : t < 100 ? 0.5 : lerp(0.5, 1.1, t, 100, 106)
                let walking = t < 12 || t >= 100
                things.append(Scene.Thing(x0: x - 0.035, y0: 0.3, x1: x + 0.035, y1: 0.5, value: 40))
                things.append(Scene.Thing(x0: x - 0.035, y0: 0.54, x1: x + 0.035, y1: 0.78, value: 40))
                if walking { things.append(Scene.Thing(x0: x - 0.04, y0: 0.38, x1: x + 0.04, y1: 0.6, value: 40)) }
            }
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        #expect(camera.dumping.isEmpty, "\(camera.dumping)")
        #expect((camera.rejected[.stoppedMover] ?? 0) > 0, "rejected \(camera.rejected)")
    }

    @Test func tinyBlobsAtTheFrameBorderAreRejectedWithTheirReason() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 60) {
            // A speck appears at the right edge and a small thing half out of the picture at the bottom.
            let things: [Scene.Thing] = t >= 10 ? [
                Scene.Thing(x0: 0.985, y0: 0.3, x1: 1.0, y1: 0.34, value: 20),
                Scene.Thing(x0: 0.2, y0: 0.94, x1: 0.26, y1: 1.0, value: 20),
            ] : []
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        #expect(camera.dumping.isEmpty, "\(camera.dumping)")
        #expect((camera.rejected[.border] ?? 0) + (camera.rejected[.tooSmall] ?? 0) > 0, "\(camera.rejected)")
    }

    @Test func bagTakenAwayEndsItsCaseAndLeavesNoSecondOne() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 100) {
            var things: [Scene.Thing] = t >= 12 && t < 50 ? [.bag(x: 0.5, y: 0.7)] : []
            if let person = owner(at: t) { things.append(person) }
            // Somebody comes back for it at 48-50 s and carries it away.
            if t >= 46 && t < 56 { things.append(.person(x: t < 50 ? lerp(0.1, 0.55, t, 46, 50) : lerp(0.55, 0.0, t, 50, 56), y: 0.6)) }
            camera.push(scene.frame(pts: t, things))
        }
        camera.finish()
        expectBagFound(camera, leftIn: 12...35)
        let end = camera.findings.first { $0.rule == "abandoned-object" && $0.phase == .end }
        #expect(end?.facts["removed"] == 1, "\(String(describing: end))")
        #expect((end?.lastSeen ?? 100) < 60)
    }

    @Test func sunlitPatchWhereSomebodyStoodIsNotACase() {
        var scene = Scene()
        var camera = Camera()
        for t in times(0, 60) {
            var frame = scene.frame(pts: t, owner(at: t).map { [$0] } ?? [])
            // While the owner stands there (12 s) a patch of paving around his feet turns 35 % brighter and
            // stays so (the sun out from behind a building): same paving, other light.
            if t >= 12 {
                for y in 56..<70 { for x in 64..<96 { frame.pixels[y * 160 + x] = UInt8(min(255, Double(frame.pixels[y * 160 + x]) * 1.35)) } }
            }
            camera.push(frame)
        }
        camera.finish()
        #expect(camera.dumping.isEmpty, "\(camera.dumping)")
        #expect((camera.rejected[.relit] ?? 0) > 0, "rejected \(camera.rejected)")
    }

    @Test func bagIsFoundAtFiveAndAtTwentyFiveFramesASecond() {
        for fps in [5.0, 25.0] {
            var scene = Scene()
            var camera = Camera()
            for t in times(0, 50, fps: fps) {
                var things: [Scene.Thing] = t >= 12 ? [.bag(x: 0.5, y: 0.7)] : []
                if let person = owner(at: t) { things.append(person) }
                camera.push(scene.frame(pts: t, things))
            }
            camera.finish()
            expectBagFound(camera, leftIn: 12...35)
        }
    }
}
