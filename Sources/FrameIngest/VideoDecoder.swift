internal import CFFmpeg

/// A decoder for one video stream. Stays on the ingest thread that created it.
final class VideoDecoder {
    private var context: UnsafeMutablePointer<AVCodecContext>?

    /// Opens a decoder for `stream`.
    ///
    /// The corresponding C functions are `avcodec_find_decoder`, `avcodec_parameters_to_context` and
    /// `avcodec_open2`.
    /// - Parameters:
    ///   - stream: the demuxer's video stream.
    ///   - threads: decoder threads (1 = one core per camera).
    ///   - keyframesOnly: have the decoder discard everything but keyframes (`skip_frame = AVDISCARD_NONKEY`).
    init(stream: UnsafeMutablePointer<AVStream>, threads: Int, keyframesOnly: Bool) throws(FFmpegError) {
        let parameters = stream.pointee.codecpar!  // every stream has codec parameters
        let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw FFmpegError(code: SW_AVERROR_DECODER_NOT_FOUND, function: "avcodec_find_decoder", detail: "codec \(name)")
        }
        context = avcodec_alloc_context3(codec)
        guard let context else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "avcodec_alloc_context3")
        }
        try check(avcodec_parameters_to_context(context, parameters), "avcodec_parameters_to_context", "decoding \(name)")
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(max(1, threads))
        if keyframesOnly { context.pointee.skip_frame = AVDISCARD_NONKEY }
        try check(avcodec_open2(context, codec, nil), "avcodec_open2", "opening the \(name) decoder")
    }

    deinit { avcodec_free_context(&context) }

    /// Hands one compressed packet to the decoder. The corresponding C function is `avcodec_send_packet`.
    /// Call ``receive(into:)`` until it answers `.needsInput` before sending again.
    /// - Throws: ``FFmpegError`` for corrupt data (`AVERROR_INVALIDDATA`) and other decoder failures.
    func send(_ packet: borrowing Packet) throws(FFmpegError) {
        try check(avcodec_send_packet(context, packet.raw), "avcodec_send_packet", "decoding")
    }

    /// Tells the decoder no more packets follow, so it returns the frames it still holds.
    func sendEndOfStream() {
        // Only fails when end of stream was already signalled, which is harmless here.
        _ = avcodec_send_packet(context, nil)
    }

    /// What a receive produced.
    enum Receive {
        /// A decoded picture is in the frame.
        case frame
        /// The decoder needs another packet (C: `AVERROR(EAGAIN)`).
        case needsInput
        /// Every frame has been returned after ``sendEndOfStream()`` (C: `AVERROR_EOF`).
        case endOfStream
    }

    /// Takes the next decoded picture. The corresponding C function is `avcodec_receive_frame`.
    func receive(into frame: borrowing Frame) throws(FFmpegError) -> Receive {
        let status = avcodec_receive_frame(context, frame.raw)
        if status == SW_AVERROR_EAGAIN { return .needsInput }
        if status == SW_AVERROR_EOF { return .endOfStream }
        try check(status, "avcodec_receive_frame", "decoding")
        return .frame
    }
}
