internal import CFFmpeg

/// One compressed packet buffer with a single owner; freed when the owner goes away.
struct Packet: ~Copyable {
    let raw: UnsafeMutablePointer<AVPacket>

    /// The corresponding C function is `av_packet_alloc`.
    init() throws(FFmpegError) {
        guard let raw = av_packet_alloc() else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "av_packet_alloc")
        }
        self.raw = raw
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVPacket>? = raw
        av_packet_free(&pointer)
    }

    /// Whether the packet starts a keyframe (`AV_PKT_FLAG_KEY`).
    var isKeyframe: Bool { raw.pointee.flags & AV_PKT_FLAG_KEY != 0 }
}

/// One decoded picture buffer with a single owner; freed when the owner goes away.
struct Frame: ~Copyable {
    let raw: UnsafeMutablePointer<AVFrame>

    /// The corresponding C function is `av_frame_alloc`.
    init() throws(FFmpegError) {
        guard let raw = av_frame_alloc() else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "av_frame_alloc")
        }
        self.raw = raw
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = raw
        av_frame_free(&pointer)
    }
}

/// An options dictionary handed to an FFmpeg open call; reports what the call left unused.
struct OptionDictionary: ~Copyable {
    private(set) var raw: OpaquePointer?

    init(_ options: [String: String]) {
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&raw, key, value, 0)
        }
    }

    deinit {
        var owned = raw
        av_dict_free(&owned)
    }

    /// Lends the dictionary to a call that may consume entries (`avformat_open_input`, `avcodec_open2`).
    mutating func withPointer<R>(_ body: (UnsafeMutablePointer<OpaquePointer?>) throws(FFmpegError) -> R) throws(FFmpegError) -> R {
        try body(&raw)
    }

    /// Keys the last call did not recognise.
    var keys: [String] {
        var keys: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(raw, "", entry, AV_DICT_IGNORE_SUFFIX) {
            keys.append(String(cString: next.pointee.key))
            entry = next
        }
        return keys
    }
}
