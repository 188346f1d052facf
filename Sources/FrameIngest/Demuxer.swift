internal import CFFmpeg

/// An open input and its best video stream. Stays on the ingest thread that created it.
final class Demuxer {
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let interrupt: Interrupt
    private let kind: InputKind
    private let stallTimeout: Double
    /// Set when the stall deadline aborted a read that still returned a packet; the next read fails.
    private var stalled = false
    /// The URL with its password removed, for messages.
    let displayURL: String
    /// Index of the video stream being read.
    private(set) var videoStreamIndex: Int32 = -1

    /// Opens `url`, probes it and selects its best video stream.
    ///
    /// The corresponding C functions are `avformat_open_input`, `avformat_find_stream_info` and
    /// `av_find_best_stream`. The open and the probe share one deadline of `options.openTimeout`.
    /// - Throws: ``FFmpegError``: `ETIMEDOUT` when the deadline passed, `EINVAL` naming any option FFmpeg
    ///   did not recognise, `AVERROR_STREAM_NOT_FOUND` when there is no video, or FFmpeg's own code.
    init(url: String, options: IngestOptions, interrupt: Interrupt) throws(FFmpegError) {
        self.interrupt = interrupt
        self.kind = InputKind(url: url)
        self.stallTimeout = options.stallTimeout
        self.displayURL = redactingCredentials(in: url)

        guard let allocated = avformat_alloc_context() else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "avformat_alloc_context")
        }
        // The callback must be in place before opening: the open itself is what blocks on a silent server.
        allocated.pointee.interrupt_callback = interrupt.callback
        var dictionary = OptionDictionary(Self.formatOptions(kind: kind, options: options))
        var opened: UnsafeMutablePointer<AVFormatContext>? = allocated
        interrupt.arm(seconds: options.openTimeout)
        defer { interrupt.disarm() }
        let what = "opening \(displayURL)"
        // avformat_open_input frees the context it was given when it fails, so `opened` is the only owner.
        let status = try dictionary.withPointer { avformat_open_input(&opened, url, nil, $0) }
        try Self.checkInterruptible(status, "avformat_open_input", what, interrupt: interrupt, timeout: options.openTimeout)
        context = opened

        let unused = dictionary.keys
        if !unused.isEmpty {
            throw FFmpegError(code: SW_AVERROR_EINVAL, function: "avformat_open_input",
                              detail: "\(what): option(s) not recognised: \(unused.joined(separator: ", "))")
        }
        try Self.checkInterruptible(avformat_find_stream_info(opened, nil), "avformat_find_stream_info", "probing \(displayURL)",
                       interrupt: interrupt, timeout: options.openTimeout)
        let index = av_find_best_stream(opened, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        try check(index, "av_find_best_stream", "looking for a video stream in \(displayURL)")
        videoStreamIndex = index
        for i in 0..<Int(opened!.pointee.nb_streams) where i != Int(index) { // opened: set by the successful open
            opened!.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL // streams[i] exists for i < nb_streams
        }
    }

    deinit { avformat_close_input(&context) }

    /// The options every input of this kind gets, then the caller's (which may override them).
    static func formatOptions(kind: InputKind, options: IngestOptions) -> [String: String] {
        let timeoutMicroseconds = String(Int(options.openTimeout * 1_000_000))
        var result: [String: String] = [:]
        switch kind {
        case .rtsp:
            // FFmpeg 5: `timeout` is the socket I/O timeout in µs (the old `stimeout` is gone).
            result["rtsp_transport"] = options.transport.rawValue
            result["timeout"] = timeoutMicroseconds
        case .http, .other:
            result["rw_timeout"] = timeoutMicroseconds
        case .udp:
            result["timeout"] = timeoutMicroseconds
        case .file:
            break
        }
        return result.merging(options.formatOptions) { _, caller in caller }
    }

    /// The selected video stream.
    var stream: UnsafeMutablePointer<AVStream> {
        // Both are set for every Demuxer that finished init.
        context!.pointee.streams[Int(videoStreamIndex)]!
    }

    /// What the container says about the selected stream.
    var info: StreamInfo {
        let parameters = stream.pointee.codecpar!.pointee // every stream has codec parameters
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        let duration: Double? = {
            if stream.pointee.duration > 0 { return Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base) }
            if context!.pointee.duration > 0 { return Double(context!.pointee.duration) / Double(AV_TIME_BASE) }
            return nil
        }()
        let bitRate = parameters.bit_rate > 0 ? parameters.bit_rate : context!.pointee.bit_rate
        return StreamInfo(
            container: String(cString: context!.pointee.iformat.pointee.name),
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            width: Int(parameters.width), height: Int(parameters.height),
            fps: rate.num > 0 && rate.den > 0 ? av_q2d(rate) : nil,
            duration: kind.isLive ? nil : duration,
            bitRate: bitRate > 0 ? Int(bitRate) : nil,
            creationTime: metadataValue("creation_time")
        )
    }

    /// A container metadata tag, e.g. `creation_time`.
    private func metadataValue(_ key: String) -> String? {
        guard let entry = av_dict_get(context!.pointee.metadata, key, nil, 0) else { return nil } // open context
        return String(cString: entry.pointee.value)
    }

    /// What happened to a read.
    enum Read { case packet, endOfStream }

    /// Reads the next packet of the video stream into `packet`.
    ///
    /// The corresponding C function is `av_read_frame`. Live inputs get the stall deadline on each call.
    /// - Throws: ``FFmpegError``: `ETIMEDOUT` on a stall, `AVERROR_EXIT` when interrupted, or FFmpeg's code.
    func read(into packet: borrowing Packet) throws(FFmpegError) -> Read {
        if stalled {
            throw FFmpegError(code: SW_AVERROR_ETIMEDOUT, function: "av_read_frame",
                              detail: "reading \(displayURL) (no data for \(formatSeconds(stallTimeout)) s)")
        }
        if kind.isLive { interrupt.arm(seconds: stallTimeout) }
        defer { interrupt.disarm() }
        while true {
            av_packet_unref(packet.raw)
            let status = av_read_frame(context, packet.raw)
            if status == SW_AVERROR_EOF { return .endOfStream }
            if status == SW_AVERROR_EAGAIN { continue }
            try Self.checkInterruptible(status, "av_read_frame", "reading \(displayURL)", interrupt: interrupt, timeout: stallTimeout)
            // An aborted read can still hand out what the parser held (libavformat flushes its parsers when the
            // demuxer fails); that packet is the last, or the next read would wait a whole stall timeout again.
            if kind.isLive && interrupt.didTimeOut { stalled = true }
            if packet.raw.pointee.stream_index == videoStreamIndex { return .packet }
        }
    }

    /// Like ``check(_:_:_:fileID:line:)`` but names the real cause when the interrupt aborted the call:
    /// RTSP reports an aborted read as "Invalid data found", which would hide a timeout or a cancel.
    private static func checkInterruptible(_ status: Int32, _ function: String, _ detail: String, interrupt: Interrupt,
                              timeout: Double, fileID: String = #fileID, line: Int = #line) throws(FFmpegError) {
        guard status < 0 else { return }
        if interrupt.isRaised {
            throw FFmpegError(code: SW_AVERROR_EXIT, function: function, detail: "\(detail) (cancelled)",
                              fileID: fileID, line: line)
        }
        if interrupt.didTimeOut {
            throw FFmpegError(code: SW_AVERROR_ETIMEDOUT, function: function,
                              detail: "\(detail) (no data for \(formatSeconds(timeout)) s)", fileID: fileID, line: line)
        }
        throw FFmpegError(code: status, function: function, detail: detail, fileID: fileID, line: line)
    }
}

/// `2.5` → "2.5", `10.0` → "10".
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
