import Foundation
import TestSupport

/// A fresh folder under the system temp directory, removed by `remove()`.
struct TempFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "streetwatch-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in the folder and returns the file's path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The repository root as a path.
let repositoryRoot = packageRoot.path

/// A config with five different mistakes, one per line marked `# <-`; `GATE_PASS` is left unset.
let fiveMistakesYAML = """
    group:
      id: old-town
      name: Old town sidewalks
    store:
      database: cases.sqlite
    defaults:
      analysis_fps: 5
      tranport: udp                                  # <- misspelt key
    cameras:
      - id: gate-1
        url: rtsp://admin:${GATE_PASS}@10.0.0.7:554/Streaming/Channels/102   # <- variable not set
        location:
          address: 1 Gate Road
          lon: 116.39
          lat: 39.91
          grid_code: 11010100100100                  # <- 14 characters
        rules:
          - type: abandoned-object
            category: 06010
            options:
              min_static_seconds: 0                  # <- below 1
      - id: market-2
        url: rtsp://10.0.0.8/live
        location: {address: Market, lon: 116.4, lat: 39.9, grid_code: 110101001001002}
        rules:
          - type: stationary-occupation              # <- no such rule
            category: 09006

    """

/// What `streetwatch check` and ``ConfigError`` say about ``fiveMistakesYAML`` saved as `file`.
func fiveMistakesReport(file: String) -> String {
    """
    \(file):8:3: defaults.tranport: unknown key (did you mean 'transport'?)
    \(file):11:10: cameras[0].url: environment variable 'GATE_PASS' is not set
    \(file):16:18: cameras[0].location.grid_code: '11010100100100' is not a unit grid code: expected exactly 15 characters 0-9 A-Z, got 14
    \(file):21:31: cameras[0].rules[0].options.min_static_seconds: value 0 out of range [1 - 3600]
    \(file):26:15: cameras[1].rules[0].type: unknown rule type 'stationary-occupation' (did you mean 'stationary-occupancy'?)
    """
}
