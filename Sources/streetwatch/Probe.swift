public import ArgumentParser
public import FrameIngest
import Foundation

/// `streetwatch probe <url>`: what a camera or file carries, and how long opening it took.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show codec, size, frame rate and keyframe interval of a stream or file.")

    @Argument(help: "A file path or an rtsp://, http(s)://, udp:// URL.")
    var url: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Seconds allowed for connecting and probing.")
    var timeout: Double = 10

    @Option(help: "RTSP transport: tcp or udp.")
    var transport: IngestOptions.Transport = .tcp

    func run() throws {
        let options = IngestOptions(transport: transport, openTimeout: timeout, stallTimeout: timeout)
        let report: ProbeReport
        do {
            report = try probe(url: url, options: options)
        } catch {
            throw CommandFailure("cannot probe \(url): \(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let stream = report.stream
        var lines = [
            "url:        \(report.url)",
            "container:  \(stream.container)",
            "codec:      \(stream.codec)",
            "size:       \(stream.width)x\(stream.height)",
            "fps:        \(stream.fps.map { String(format: "%.3f", $0) } ?? "unknown")",
        ]
        if let seconds = report.keyframeIntervalSeconds, let frames = report.keyframeIntervalFrames {
            lines.append(String(format: "keyframes:  every %.2f s (%.1f frames)", seconds, frames))
        } else {
            lines.append("keyframes:  \(report.keyframesSeen) seen in \(report.packetsSampled) packets (interval unknown)")
        }
        if let duration = stream.duration { lines.append(String(format: "duration:   %.2f s", duration)) }
        if let bitRate = stream.bitRate { lines.append("bit rate:   \(bitRate / 1000) kb/s") }
        lines.append(String(format: "opened in:  %.3f s", report.openSeconds))
        print(lines.joined(separator: "\n"))
    }
}

extension IngestOptions.Transport: ExpressibleByArgument {}
