import Detector
import FrameIngest
import Foundation
import Testing
@testable import Pipeline

/// Loads `yaml` from a file in a fresh folder and returns the config or the error's text.
private func check(_ yaml: String, environment: [String: String] = [:]) throws -> Result<GroupConfig, ConfigError> {
    let folder = try TempFolder()
    defer { folder.remove() }
    let file = try folder.write("group.yaml", yaml)
    do {
        return .success(try GroupConfig.load(file: file, environment: environment))
    } catch {
        return .failure(error)
    }
}

/// The problems `yaml` has, one line each, with the file named `group.yaml`.
private func problems(_ yaml: String, environment: [String: String] = [:]) -> String {
    do {
        _ = try GroupConfig.parse(yaml: yaml, file: "group.yaml", environment: environment)
        return "no problems"
    } catch {
        return error.description
    }
}

@Suite struct ConfigTests {
    @Test func aPostgresStoreTakesItsPasswordFromTheEnvironmentAndNeedsAnEvidenceFolder() throws {
        func yaml(_ store: String) -> String {
            """
            group: {id: g}
            store: \(store)
            cameras:
              - id: cam-1
                url: rtsp://10.0.0.7/102
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules: [{type: abandoned-object, category: "06010"}]
            """
        }
        #expect(problems(yaml("{database: 'postgres://sw:hunter2@db/cases', evidence: /srv/sw}")) == """
            group.yaml:2:19: store.database: the URL must not carry a password: put it in the environment variable PGPASSWORD
            """)
        #expect(problems(yaml("{database: 'postgres://sw@db/cases'}")) == """
            group.yaml:2:19: store.database: a PostgreSQL database needs store.evidence: the folder (shared by every host) that holds evidence/
            """)
        #expect(problems(yaml("{database: cases.sqlite, evidence: /srv/sw}")) == """
            group.yaml:2:43: store.evidence: only with a PostgreSQL database: an SQLite store keeps evidence/ beside its file
            """)
        let config = try GroupConfig.parse(yaml: yaml("{database: 'postgres://sw@${PGHOST}/cases', password_env: CITY_PG, evidence: /srv/sw}"),
                                           environment: ["PGHOST": "db.city.local"])
        #expect(config.store.isPostgres && config.store.databasePath == "postgres://sw@db.city.local/cases")
        #expect(config.store.passwordVariable == "CITY_PG" && config.store.evidencePath == "/srv/sw/evidence")
    }

    @Test func mainStreamEvidenceURLIsCheckedLikeURLAndItsPasswordHidden() throws {
        func yaml(_ evidence: String) -> String {
            """
            group: {id: g}
            store: {database: /tmp/x.sqlite}
            cameras:
              - id: cam-1
                url: rtsp://admin:${CAM_PASS}@10.0.0.7:554/Streaming/Channels/102
                evidence_url: \(evidence)
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules: [{type: abandoned-object, category: "06010"}]
            """
        }
        let group = try GroupConfig.parse(yaml: yaml("rtsp://admin:${CAM_PASS}@10.0.0.7:554/Streaming/Channels/101"),
                                          file: "g.yaml", environment: ["CAM_PASS": "s3cret"])
        let camera = try #require(group.cameras.first)
        #expect(camera.evidenceURL == "rtsp://admin:s3cret@10.0.0.7:554/Streaming/Channels/101")
        #expect(camera.displayEvidenceURL == "rtsp://admin:***@10.0.0.7:554/Streaming/Channels/101")
        var dumped = ""
        dump(camera, to: &dumped)
        #expect(!dumped.contains("s3cret") && dumped.contains("Channels/101"), "\(dumped)")
        #expect(!"\(group)".contains("s3cret"))

        let error = #expect(throws: ConfigError.self) {
            try GroupConfig.parse(yaml: yaml("rtps://admin:${CAM_PASS}@10.0.0.7/101"), file: "g.yaml",
                                  environment: ["CAM_PASS": "s3cret"])
        }
        #expect(error?.description == """
            g.yaml:6:19: cameras[0].evidence_url: unsupported scheme 'rtps' (did you mean 'rtsps'?); expected rtsp, rtsps, rtmp, http, https, udp, rtp, srt, file or a file path
            """)
    }

    @Test func validConfigLoadsWithExpectedValues() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = try folder.write("group.yaml", """
            group: {id: old-town, name: Old town sidewalks}
            store:
              database: state/cases.sqlite
            server: {listen: "127.0.0.1:9100"}
            defaults:
              analysis_fps: 4
              clip_pre_roll_seconds: 8
              dedup_cooldown_seconds: 90
              utc_offset: "+08:00"
            cameras:
              - id: gate-1
                name: 东门
                url: rtsp://admin:${GATE_PASS}@10.0.0.7:554/Streaming/Channels/102
                analysis_width: 480
                location:
                  address: 东门路 1 号
                  lon: 116.397128
                  lat: 39.916527
                  crs: gcj02
                  grid_code: 11010100100100A
                  gb28181_id: "34020000001320000001"
                rules:
                  - type: abandoned-object
                    category: 06010
                    zone: {id: apron, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]}
                    schedule: {windows: ["20:00-06:00"]}
                    options: {min_static_seconds: 30}
                  - type: stationary-occupancy
                    category: {code: "09999", name: 本地事项}
              - id: clip
                url: clips/street.mp4
                keyframes_only: true
                location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
                rules:
                  - {type: zone-activity, category: "09006", schedule: {windows: ["08:00-09:00"], utc_offset: "+00:00"}}
            """)
        let config = try GroupConfig.load(file: file, environment: ["GATE_PASS": "pw"])

        #expect(config.group == GroupInfo(id: "old-town", name: "Old town sidewalks"))
        #expect(config.store.databasePath == folder.path + "/state/cases.sqlite")
        #expect(config.store.evidencePath == folder.path + "/state/evidence")
        #expect(config.server.listen == "127.0.0.1:9100")
        #expect(config.defaults.analysisFPS == 4)
        #expect(config.defaults.analysisWidth == 320)
        #expect(config.defaults.dedupCooldownSeconds == 90)
        #expect(config.ruleCount == 3)

        let gate = try #require(config.camera(id: "gate-1"))
        #expect(gate.name == "东门")
        #expect(gate.url == "rtsp://admin:pw@10.0.0.7:554/Streaming/Channels/102")
        #expect(gate.location == Location(address: "东门路 1 号", longitude: 116.397128, latitude: 39.916527, crs: .gcj02,
                                          gridCode: "11010100100100A", gb28181ID: "34020000001320000001"))
        #expect(config.ingestOptions(for: gate, startTime: 1_700_000_000) == IngestOptions(
            analysisWidth: 480, analysisFPS: 4, keyframesOnly: false, transport: .tcp, openTimeout: 10, stallTimeout: 5,
            clipBufferSeconds: 8, keepFullFrames: true, startTime: 1_700_000_000))

        let dumping = gate.rules[0]
        #expect(dumping.type == "abandoned-object")
        #expect(dumping.category == CaseCategory(code: "06010", name: "暴露垃圾", code2013: "01-10"))
        #expect(dumping.zone == Zone(id: "apron", polygon: .rectangle(x0: 0, y0: 0.5, x1: 1, y1: 1)))
        #expect(dumping.schedule == Schedule(windows: ["20:00-06:00"], utcOffset: "+08:00"))
        #expect(dumping.options == ["min_static_seconds": 30])
        // Decoded once at load into the typed options the rule runs with, zone and schedule included.
        let typed = try #require(dumping.spec.options as? AbandonedObjectOptions)
        #expect(typed.minStaticSeconds == 30)
        #expect(typed.unattendedSeconds == AbandonedObjectOptions().unattendedSeconds)
        #expect(typed.zone == dumping.zone)
        #expect(typed.schedule == dumping.schedule)
        #expect(dumping.spec.makeRule(format: .gray(320, 180)).descriptor.id == "abandoned-object")
        #expect(gate.rules[1].category == CaseCategory(code: "09999", name: "本地事项"))
        #expect(gate.rules[1].zone == .wholeFrame)

        let clip = try #require(config.camera(id: "clip"))
        #expect(clip.url == folder.path + "/clips/street.mp4")
        #expect(clip.urlTemplate == "clips/street.mp4")
        #expect(config.ingestOptions(for: clip).keyframesOnly)
        #expect(clip.rules[0].schedule.utcOffset == "+00:00")
        #expect(clip.rules[0].spec.descriptor.id == "zone-activity")
    }

    @Test func fiveMistakesAreAllReportedWithTheirPositions() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = try folder.write("group.yaml", fiveMistakesYAML)
        #expect(throws: ConfigError.self) { try GroupConfig.load(file: file, environment: [:]) }
        do {
            _ = try GroupConfig.load(file: file, environment: [:])
        } catch {
            #expect(error.issues.count == 5)
            #expect(error.description == fiveMistakesReport(file: file))
        }
    }

    @Test func secretsStayOutOfDescriptionsAndErrors() throws {
        let secret = "s3cr3t-Pa55word"
        let yaml = """
            group: {id: g}
            store: {database: /tmp/x.sqlite}
            cameras:
              - id: cam-1
                url: rtsp://admin:${CAM_PASS}@10.0.0.7:554/Streaming/Channels/102
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules: [{type: abandoned-object, category: "06010"}]
            """
        let config = try GroupConfig.parse(yaml: yaml, environment: ["CAM_PASS": secret])
        let camera = config.cameras[0]
        #expect(camera.url.contains(secret))
        #expect(camera.displayURL == "rtsp://admin:***@10.0.0.7:554/Streaming/Channels/102")
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), camera.description, camera.debugDescription,
                     "\(config.cameras)", dumped] {
            #expect(!text.contains(secret), "\(text)")
            #expect(text.contains("cam-1"))
        }

        // The same camera next to mistakes: the error names places and variables, never the value.
        let broken = yaml.replacingOccurrences(of: "lon: 1,", with: "lon: 999,")
            + "\n  - {id: cam-2, url: \"rtsp://admin:plain-pw@/x\", location: {address: B, lon: 1, lat: 1, "
            + "grid_code: 000000000000002}, rules: [{type: zone-activity, category: \"06010\"}]}\n"
        let text = problems(broken, environment: ["CAM_PASS": secret])
        #expect(text == """
            group.yaml:6:33: cameras[0].location.lon: value 999 out of range [-180 - 180]
            group.yaml:8:22: cameras[1].url: 'rtsp://admin:***@/x' has no host
            """)
        #expect(!text.contains(secret) && !text.contains("plain-pw"))
    }

    @Test func missingVariablesAreNamedEachTime() {
        let yaml = """
            group: {id: g}
            store: {database: "${STATE_DIRECTORY}/cases.sqlite"}
            cameras:
              - id: cam-1
                url: rtsp://${CAM_USER}:${CAM_PASS}@10.0.0.7/102
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules: [{type: abandoned-object, category: "06010"}]
            """
        #expect(problems(yaml, environment: ["CAM_USER": "admin"]) == """
            group.yaml:2:19: store.database: environment variable 'STATE_DIRECTORY' is not set
            group.yaml:5:10: cameras[0].url: environment variable 'CAM_PASS' is not set
            """)
        let config = try? GroupConfig.parse(yaml: yaml, environment: ["CAM_USER": "admin", "CAM_PASS": "x",
                                                                      "STATE_DIRECTORY": "/var/lib/streetwatch/g"])
        #expect(config?.store.databasePath == "/var/lib/streetwatch/g/cases.sqlite")
        #expect(config?.store.evidencePath == "/var/lib/streetwatch/g/evidence")
        #expect(config?.cameras[0].url == "rtsp://admin:x@10.0.0.7/102")
    }

    @Test func categoryCodeAloneUsesTheBuiltInTableAndUnknownCodesNeedAName() {
        #expect(CaseCategory.builtIn(code: "09006") == CaseCategory(code: "09006", name: "占道经营", code2013: "04-06"))
        #expect(CaseCategory.builtIn.count == 10)
        let yaml = """
            group: {id: g}
            store: {database: x.sqlite}
            cameras:
              - id: cam-1
                url: a.mp4
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules:
                  - {type: abandoned-object, category: 12345}
                  - {type: zone-activity, category: {code: 9006, nmae: x}}
            """
        #expect(problems(yaml) == """
            group.yaml:8:44: cameras[0].rules[0].category: unknown category code '12345': give its name as well \
            ({code: 12345, name: ...}); built in: 09006, 09005, 09001, 06010, 06011, 06036, 06042, 06012, 09009, 09010
            group.yaml:9:48: cameras[0].rules[1].category.code: '9006' is not a 5-digit GB/T 47678.5-2026 code like 09006
            group.yaml:9:54: cameras[0].rules[1].category.nmae: unknown key (did you mean 'name'?)
            """)
    }

    @Test func wrongTypesDuplicatesAndEmptyListsAreReported() {
        let yaml = """
            group: {id: g}
            store: {database: x.sqlite}
            defaults: {analysis_width: wide, transport: tpc}
            cameras:
              - id: cam-1
                url: a.mp4
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules:
                  - {type: abandoned-object, category: "06010"}
                  - {type: abandoned-object, category: "06011"}
              - id: cam-1
                url: b.mp4
                location: 5
                rules: []
            """
        #expect(problems(yaml) == """
            group.yaml:3:28: defaults.analysis_width: expected an integer, got 'wide'
            group.yaml:3:45: defaults.transport: 'tpc' is not one of tcp, udp (did you mean 'tcp'?)
            group.yaml:10:9: cameras[0].rules[1]: same type 'abandoned-object' and zone 'frame' as rules[0]; give the zone its own id
            group.yaml:11:9: cameras[1].id: duplicate camera id 'cam-1' (also cameras[0])
            group.yaml:13:15: cameras[1].location: expected a mapping, got '5'
            group.yaml:14:12: cameras[1].rules: a camera needs at least one rule
            """)
    }

    @Test func anAliasBombAsRuleOptionsIsRefusedWithItsPosition() {
        // Nine levels of ten aliases each: 10⁹ values once expanded. Copying the options used to expand it
        // (minutes, gigabytes); now the count stops at the limit.
        var yaml = "x-bomb:\n  - &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...8 {
            let previous = Array(repeating: "*b\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "  - &b\(level) [\(previous)]\n"
        }
        yaml += """
            group: {id: g}
            store: {database: x.sqlite}
            cameras:
              - id: cam-1
                url: a.mp4
                location: {address: A, lon: 1, lat: 1, grid_code: 000000000000001}
                rules:
                  - {type: abandoned-object, category: "06010", options: {min_static_seconds: *b8}}
            """
        #expect(problems(yaml) == "group.yaml:18:62: cameras[0].rules[0].options: more than 10000 values once aliases are expanded")
    }

    @Test func yamlSyntaxErrorsHaveAPosition() {
        #expect(problems("group:\n  id: x\n  name: [unclosed\ncameras: 3\n")
            == "group.yaml:4:8: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at 3:9)")
        #expect(problems("") == "group.yaml:1:1: the file is empty")
        #expect(problems("- 1\n") == "group.yaml:1:1: expected a mapping, got a list")
    }

    @Test func sampleConfigsLoad() throws {
        let demo = try GroupConfig.load(file: repositoryRoot + "/samples/groups/demo.yaml", environment: [:])
        #expect(demo.cameras.map(\.id) == ["demo-street"])
        #expect(FileManager.default.fileExists(atPath: demo.cameras[0].url))
        let eval = try GroupConfig.load(file: repositoryRoot + "/samples/groups/eval.yaml", environment: [:])
        #expect(eval.cameras.count == 6)
        #expect(Set(eval.cameras.map(\.rules)).count == 1)
        // The same clips and rules decoded adaptively, for checking that adaptive decoding finds the same.
        let adaptive = try GroupConfig.load(file: repositoryRoot + "/samples/groups/eval-adaptive.yaml", environment: [:])
        #expect(adaptive.cameras == eval.cameras)
        #expect(adaptive.cameras.allSatisfy { adaptive.decode(for: $0) == .adaptive && eval.decode(for: $0) == .full })
    }

    @Test func aFileThatIsNotUTF8IsReportedWithLineAndColumn() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = folder.path + "/group.yaml"
        // "café" saved as Latin-1 on line 3, after two CJK characters (one column each, three bytes each).
        let bytes = Array("group: {id: g}\nstore: {database: /tmp/x.sqlite}\n# 老城 caf".utf8) + [0xE9, 0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: ConfigError.self) { try GroupConfig.load(file: file, environment: [:]) }
        #expect(error?.description == "\(file):3:9: not valid UTF-8: byte 0xE9 at offset 60; save the file as UTF-8")
    }
}
