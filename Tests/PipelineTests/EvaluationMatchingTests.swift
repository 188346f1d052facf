import Foundation
import Pipeline
import Testing

/// The scoring rule of ../shared/eval/README.md on hand-made cases and events.
@Suite("Evaluation matching")
struct EvaluationMatchingTests {
    static let bag = LabelledEvent(id: "bag", kind: .dumping, placedAt: 14.5, unattendedFrom: 20, end: 39,
                                   box: LabelBox(440, 355, 515, 435))

    private func dumping(_ id: String, at time: Double, _ box: LabelBox) -> ScoredCase {
        ScoredCase(id: id, rule: "abandoned-object", firstSeen: time, box: box)
    }

    @Test func overlappingCaseInTheWindowMatches() {
        let score = Matching.score(file: "a", cases: [dumping("c1", at: 25, LabelBox(450, 360, 520, 440))], events: [Self.bag])
        #expect(score.matched == 1 && score.falsePositives.isEmpty && score.misses.isEmpty)
        #expect(score.precision == 1 && score.recall == 1)
    }

    @Test func iouRuleAtTheThreshold() {
        // Event box 75x80 = 6000 px²; case boxes of the same size sharing a vertical strip, centres outside the
        // grown box, so only the IoU decides.
        let justEnough = LabelBox(440 - 60, 355, 440 + 15, 435)    // 75 wide, overlap 15: IoU 1200/10800 = 0.111
        let tooLittle = LabelBox(440 - 70, 355, 440 + 5, 435)      // overlap 5: IoU 400/11600 = 0.034
        #expect(justEnough.iou(Self.bag.box) > 0.1)
        #expect(tooLittle.iou(Self.bag.box) < 0.1)
        #expect(Matching.matches(dumping("c", at: 20, justEnough), Self.bag))
        #expect(!Matching.matches(dumping("c", at: 20, tooLittle), Self.bag))
        #expect(Matching.mismatch(dumping("c", at: 20, tooLittle), Self.bag)?.contains("IoU 0.03") == true)
    }

    @Test func centreInsideTheGrownBoxMatchesWithoutOverlap() {
        // A small box just right of the event: no overlap, centre 10 px past the right edge; the grown box
        // reaches 75 * 0.25 = 18.75 px further.
        let beside = LabelBox(520, 390, 530, 400)
        #expect(beside.iou(Self.bag.box) == 0)
        #expect(Matching.matches(dumping("c", at: 20, beside), Self.bag))
        let farther = LabelBox(535, 390, 545, 400)   // centre 25 px past the edge
        #expect(!Matching.matches(dumping("c", at: 20, farther), Self.bag))
    }

    @Test func timeWindowIsPlacedAtToEndPlusFiveSeconds() {
        let box = Self.bag.box
        #expect(!Matching.matches(dumping("c", at: 14.4, box), Self.bag))
        #expect(Matching.matches(dumping("c", at: 14.5, box), Self.bag))
        #expect(Matching.matches(dumping("c", at: 44, box), Self.bag))
        #expect(!Matching.matches(dumping("c", at: 44.1, box), Self.bag))
        #expect(Matching.mismatch(dumping("c", at: 50, box), Self.bag) == "first seen 50.0 s outside [14.5, 44.0] of event bag")
    }

    @Test func secondCaseForTheSameEventIsADuplicateFalsePositive() {
        let score = Matching.score(file: "a", cases: [dumping("late", at: 30, Self.bag.box), dumping("early", at: 21, Self.bag.box)],
                                   events: [Self.bag])
        #expect(score.matched == 1 && score.matches.first?.caseID == "early")
        #expect(score.duplicates == 1 && score.falsePositives.count == 1)
        #expect(score.falsePositives.first?.why == "duplicate: event bag already matched by case early")
        #expect(score.precision == 0.5 && score.recall == 1)
    }

    @Test func kindMustAgree() {
        let vending = ScoredCase(id: "v", rule: "stationary-occupancy", firstSeen: 20, box: Self.bag.box)
        let activity = ScoredCase(id: "z", rule: "zone-activity", firstSeen: 20, box: Self.bag.box)
        let score = Matching.score(file: "a", cases: [vending, activity], events: [Self.bag])
        #expect(score.matched == 0 && score.falsePositives.count == 2 && score.misses.count == 1)
        #expect(score.falsePositives.map(\.why).sorted() == ["no vending event in this clip",
                                                              "rule zone-activity raises no dumping or vending case"])
        #expect(score.misses.first?.why == "no dumping case in this clip")
        #expect(EventKind(rule: "abandoned-object") == .dumping && EventKind(rule: "stationary-occupancy") == .vending)
    }

    @Test func eachEventTakesTheCaseThatLeavesTheMostMatches() {
        // c1 fits both events, c2 only the first: a greedy pass would give c1 the first and lose the second.
        let e1 = LabelledEvent(id: "e1", kind: .dumping, placedAt: 0, end: 60, box: LabelBox(100, 100, 140, 140))
        let e2 = LabelledEvent(id: "e2", kind: .dumping, placedAt: 0, end: 60, box: LabelBox(130, 100, 170, 140))
        let c1 = dumping("c1", at: 10, LabelBox(100, 100, 140, 140))
        let c2 = dumping("c2", at: 20, LabelBox(100, 100, 135, 140))
        let score = Matching.score(file: "a", cases: [c1, c2], events: [e1, e2])
        #expect(Matching.matches(c1, e2) && !Matching.matches(c2, e2))
        #expect(score.matched == 2 && score.falsePositives.isEmpty)
    }

    @Test func reportTotalsAddUpOverClips() {
        let hit = Matching.score(file: "a", cases: [dumping("c", at: 20, Self.bag.box)], events: [Self.bag])
        let fp = Matching.score(file: "b", cases: [dumping("d", at: 5, LabelBox(0, 0, 10, 10))], events: [])
        let empty = Matching.score(file: "c", cases: [], events: [])
        let report = EvaluationReport(clips: [hit, fp, empty])
        #expect(report.cases == 2 && report.events == 1 && report.matched == 1)
        #expect(report.precision == 0.5 && report.recall == 1)
        #expect(empty.precision == nil && empty.recall == nil)
    }

    @Test func labelFileProblemsAreListedTogether() {
        let file = LabelFile(format: 2, clips: [
            LabelledClip(file: "x.avi", frameSize: [320], events: [
                LabelledEvent(id: "e", kind: .dumping, placedAt: 10, end: 5, box: LabelBox(10, 10, 5, 20)),
            ]),
        ])
        #expect(file.problems() == [
            "format: 2 is not supported (only 1)",
            "clips[0] (x.avi).frame_size: [320] is not [width, height]",
            "clips[0] (x.avi).events[0] (e).box: [10,10,5,20] is empty or inverted",
            "clips[0] (x.avi).events[0] (e): end 5.0 is before placed_at 10.0",
        ])
    }

    @Test func sharedLabelFileLoads() throws {
        let samples = try LabelFile.load(path: repositoryRoot + "/samples/labels.json")
        #expect(samples.clips.map(\.file).contains("street-vending.mp4"))
        #expect(samples.clips.flatMap(\.events).map(\.kind).contains(.vending))
    }

    @Test func familiesAreScoredApartInTheOrderTheyFirstAppear() {
        let found = Matching.score(file: "a.avi", cases: [dumping("c", at: 20, Self.bag.box)], events: [Self.bag])
        let missed = Matching.score(file: "a.night-ir.mp4", family: "night-ir", cases: [], events: [Self.bag])
        let noisy = Matching.score(file: "b.night-ir.mp4", family: "night-ir",
                                   cases: [dumping("d", at: 5, LabelBox(0, 0, 10, 10))], events: [])
        let quiet = Matching.score(file: "b.avi", cases: [], events: [])
        let families = EvaluationReport(clips: [found, missed, noisy, quiet]).families
        #expect(families.map(\.family) == ["original", "night-ir"])
        let original = families[0].report, night = families[1].report
        #expect(original.clips.map(\.file) == ["a.avi", "b.avi"])
        #expect(original.cases == 1 && original.events == 1 && original.matched == 1 && original.recall == 1)
        #expect(night.clips.count == 2 && night.cases == 1 && night.events == 1 && night.matched == 0)
        #expect(night.falsePositives == 1 && night.misses == 1 && night.precision == 0 && night.recall == 0)
    }

    @Test func labelledClipsCarryFamilyAndSourceOrDefaultToOriginal() throws {
        let json = """
            {"format": 1, "clips": [
              {"file": "a.avi", "frame_size": [320, 240], "events": []},
              {"file": "a.rain.mp4", "family": "rain", "source": "a.avi", "frame_size": [320, 240], "events": []}
            ]}
            """
        let file = try JSONDecoder().decode(LabelFile.self, from: Data(json.utf8))
        #expect(file.clips.map(\.family) == ["original", "rain"])
        #expect(file.clips.map(\.source) == [nil, "a.avi"])
        #expect(file.problems().isEmpty)
        var empty = file
        empty.clips[1].family = ""
        #expect(empty.problems() == ["clips[1] (a.rain.mp4).family: must not be empty (leave it out for footage as recorded)"])
    }

    private static let location = Location(address: "Test", longitude: 0, latitude: 0, gridCode: "000000000000000")
    // Built-in rule types with default options always decode; a failure here is a bug in the registry.
    private static let dumpingRule = try! RuleConfig(type: "abandoned-object", category: CaseCategory(code: "06010", name: "dumping"))
    private static let vendingRule = try! RuleConfig(type: "stationary-occupancy", category: CaseCategory(code: "09006", name: "vending"))

    private func group(_ cameras: [CameraConfig]) -> GroupConfig {
        GroupConfig(group: GroupInfo(id: "eval"), store: StoreConfig(databasePath: "/tmp/unused.sqlite"), cameras: cameras)
    }

    @Test func sharedRulesCameraOnlyWhenEveryCameraScansAlike() {
        let a = CameraConfig(id: "a", url: "clips/a.avi", location: Self.location, rules: [Self.dumpingRule, Self.vendingRule])
        var b = CameraConfig(id: "b", url: "clips/b.avi", location: Self.location, rules: [Self.dumpingRule, Self.vendingRule])
        #expect(group([a, b]).sharedRulesCamera?.id == "a")
        #expect(group([a, b]).cameras(forClipFile: "b.avi").map(\.id) == ["b"])
        #expect(group([a, b]).cameras(forClipFile: "c.avi").isEmpty)
        b.rules = [Self.dumpingRule]
        #expect(group([a, b]).sharedRulesCamera == nil)
        b.rules = a.rules
        b.analysisFPS = 10
        #expect(group([a, b]).sharedRulesCamera == nil)
    }

    @Test func clipCameraIdComesFromTheFileNameAndIsUnique() {
        let template = CameraConfig(id: "aboda-4", name: "ABODA 4", url: "../x/aboda_video4.avi", location: Self.location,
                                    rules: [Self.dumpingRule])
        let rain = GroupConfig.clipCamera(for: "ABODA_video4 (bag).rain.mp4", like: template, avoiding: ["aboda-4"])
        #expect(rain.id == "aboda-video4-bag-rain")
        #expect(rain.rules == template.rules && rain.name == "ABODA_video4 (bag).rain.mp4")
        let again = GroupConfig.clipCamera(for: "aboda-video4-bag.rain.avi", like: template, avoiding: ["aboda-4", rain.id])
        #expect(again.id == "aboda-video4-bag-rain-2")
        let long = GroupConfig.clipCamera(for: String(repeating: "x", count: 70) + ".mp4", like: template,
                                          avoiding: [String(repeating: "x", count: 64)])
        #expect(long.id == String(repeating: "x", count: 62) + "-2")
        #expect(GroupConfig.clipCamera(for: "___.mp4", like: template, avoiding: []).id == "clip")
    }
}
