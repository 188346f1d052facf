import ArgumentParser
import FrameIngest
import Foundation

/// `streetwatch decode <url>`: reads an input into analysis frames and prints what it took.
/// The benchmark script runs this next to the ffmpeg CLI.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a stream or file into gray analysis frames and report counts and CPU time.")

    @Argument(help: "A file path or an rtsp://, http(s)://, udp:// URL.")
    var url: String

    @Option(help: "Analysis width in pixels.")
    var width = 320

    @Option(help: "Analysis frames per second, or 'all' for every decoded frame.")
    var fps = "5"

    @Flag(help: "Decode keyframes only.")
    var keyframesOnly = false

    @Option(help: "Stop after this many seconds of wall time (live inputs).")
    var seconds: Double?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let rate: Double?
        if fps == "all" {
            rate = nil
        } else if let value = Double(fps), value > 0 {
            rate = value
        } else {
            throw ValidationError("--fps must be a positive number or 'all', not '\(fps)'")
        }
        let options = IngestOptions(analysisWidth: width, analysisFPS: rate, keyframesOnly: keyframesOnly)
        let started = Date()
        let cpuBefore = processCPUSeconds()
        let reader: FrameReader
        do {
            reader = try FrameReader(url: url, options: options)
        } catch {
            throw CommandFailure("cannot decode \(url): \(error)")
        }
        var lastPTS = 0.0
        var discontinuities = 0
        do {
            while let event = try reader.next() {
                switch event {
                case .frame(let frame, _): lastPTS = frame.pts
                case .discontinuity: discontinuities += 1
                }
                if let seconds, Date().timeIntervalSince(started) >= seconds { break }
            }
        } catch {
            throw CommandFailure("decoding \(url) failed: \(error)")
        }
        let summary = DecodeSummary(
            url: redactingCredentials(in: url), analysisWidth: reader.format.width, analysisHeight: reader.format.height,
            counters: reader.counters, discontinuities: discontinuities, lastPTS: lastPTS,
            wallSeconds: Date().timeIntervalSince(started), cpuSeconds: processCPUSeconds() - cpuBefore)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            let c = summary.counters
            print("""
                \(summary.url): \(c.framesDelivered) frames of \(summary.analysisWidth)x\(summary.analysisHeight) \
                (decoded \(c.framesDecoded), skipped for rate \(c.framesSkippedForRate), packets \(c.packetsRead), \
                skipped packets \(c.packetsSkipped), decode errors \(c.decodeErrors), discontinuities \(discontinuities))
                """ + String(format: "\nlast pts %.3f s, wall %.3f s, cpu %.3f s", lastPTS, summary.wallSeconds, summary.cpuSeconds))
        }
    }
}

/// The `decode` command's result.
struct DecodeSummary: Codable {
    var url: String
    var analysisWidth: Int
    var analysisHeight: Int
    var counters: ReaderCounters
    var discontinuities: Int
    var lastPTS: Double
    var wallSeconds: Double
    var cpuSeconds: Double
}

/// User plus system CPU seconds this process has used (`getrusage`).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
