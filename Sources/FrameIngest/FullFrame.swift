internal import CFFmpeg
public import Detector

/// A decoded full-resolution picture kept for evidence, without copying it.
///
/// `@unchecked Sendable` because nothing writes the picture after it is cloned from the decoder:
/// `av_frame_clone` only takes references, libavutil counts them atomically, and every reader below
/// makes its own output buffer.
public final class FullFrame: @unchecked Sendable {
    private var raw: UnsafeMutablePointer<AVFrame>?
    /// Presentation time in seconds, as on the matching analysis frame.
    public let pts: Double
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int

    /// References `picture`'s buffers; `nil` when out of memory.
    init?(cloning picture: UnsafeMutablePointer<AVFrame>, pts: Double) {
        guard let clone = av_frame_clone(picture) else { return nil }
        raw = clone
        self.pts = pts
        width = Int(clone.pointee.width)
        height = Int(clone.pointee.height)
    }

    deinit { av_frame_free(&raw) }

    /// Encodes the picture as a baseline JPEG with libavcodec's MJPEG encoder, drawing `boxes` in red.
    /// - Parameters:
    ///   - boxes: regions to outline, in normalised coordinates (a finding's `normalizedBox`).
    ///   - quality: MJPEG quantiser scale, 2 (best) … 31 (smallest). Default 3.
    /// - Returns: the JPEG file bytes.
    /// - Throws: ``FFmpegError`` when conversion or encoding fails.
    public func jpeg(boxes: [NormalizedBox] = [], quality: Int = 3) throws(FFmpegError) -> [UInt8] {
        let converted = try Frame()
        let target = converted.raw
        target.pointee.width = Int32(width)
        target.pointee.height = Int32(height)
        target.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        try check(av_frame_get_buffer(target, 0), "av_frame_get_buffer", "allocating a \(width)x\(height) snapshot")
        try convert(into: target)
        for box in boxes { drawOutline(box, on: target) }
        return try JPEGEncoder.encode(target, quality: quality)
    }

    private func convert(into target: UnsafeMutablePointer<AVFrame>) throws(FFmpegError) {
        guard let source = raw else { return }
        guard let context = sws_getContext(
            source.pointee.width, source.pointee.height, AVPixelFormat(rawValue: source.pointee.format),
            target.pointee.width, target.pointee.height, AV_PIX_FMT_YUVJ420P, SWS_BILINEAR, nil, nil, nil)
        else {
            throw FFmpegError(code: SW_AVERROR_EINVAL, function: "sws_getContext", detail: "converting a snapshot to YUVJ420P")
        }
        defer { sws_freeContext(context) }
        let rows = withPlanes(of: source) { sourcePlanes, sourceStrides in
            withMutablePlanes(of: target) { targetPlanes, targetStrides in
                sws_scale(context, sourcePlanes, sourceStrides, 0, source.pointee.height, targetPlanes, targetStrides)
            }
        }
        try check(rows, "sws_scale", "converting a snapshot")
    }

    /// Draws a two-pixel-wide (at 1080p: scaled with the picture) red rectangle into a YUV 4:2:0 picture.
    private func drawOutline(_ box: NormalizedBox, on picture: UnsafeMutablePointer<AVFrame>) {
        let thickness = max(2, width / 480) & ~1
        func clampX(_ v: Double) -> Int { min(max(Int(v * Double(width)) & ~1, 0), width - 2) }
        func clampY(_ v: Double) -> Int { min(max(Int(v * Double(height)) & ~1, 0), height - 2) }
        let (left, top, right, bottom) = (clampX(box.x0), clampY(box.y0), clampX(box.x1), clampY(box.y1))
        guard right > left, bottom > top else { return }
        // BT.601 full-range red.
        let colour: [UInt8] = [76, 85, 255]
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let data = planePointer(picture, plane)
            let stride = Int(planeStride(picture, plane))
            func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
                for y in (y0 >> shift)..<max((y0 >> shift) + 1, y1 >> shift) {
                    let row = data + y * stride
                    for x in (x0 >> shift)..<max((x0 >> shift) + 1, x1 >> shift) { row[x] = colour[plane] }
                }
            }
            let t = thickness
            fill(left, top, right + t, min(top + t, height))
            fill(left, max(bottom - t, 0), right + t, min(bottom + t, height))
            fill(left, top, min(left + t, width), bottom)
            fill(max(right - t, 0), top, min(right + t, width), bottom)
        }
    }
}

/// Encodes one YUVJ420P picture to JPEG bytes.
enum JPEGEncoder {
    static func encode(_ picture: UnsafeMutablePointer<AVFrame>, quality: Int) throws(FFmpegError) -> [UInt8] {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw FFmpegError(code: SW_AVERROR_ENCODER_NOT_FOUND, function: "avcodec_find_encoder", detail: "mjpeg")
        }
        var context = avcodec_alloc_context3(codec)
        guard let encoder = context else {
            throw FFmpegError(code: SW_AVERROR_ENOMEM, function: "avcodec_alloc_context3")
        }
        defer { avcodec_free_context(&context) }
        encoder.pointee.width = picture.pointee.width
        encoder.pointee.height = picture.pointee.height
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        encoder.pointee.time_base = AVRational(num: 1, den: 25)
        encoder.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        try check(avcodec_open2(encoder, codec, nil), "avcodec_open2", "opening the MJPEG encoder")
        let q = Int32(min(max(quality, 2), 31))
        picture.pointee.quality = q * Int32(FF_QP2LAMBDA)
        picture.pointee.pts = 0
        try check(avcodec_send_frame(encoder, picture), "avcodec_send_frame", "encoding a JPEG snapshot")
        let packet = try Packet()
        try check(avcodec_receive_packet(encoder, packet.raw), "avcodec_receive_packet", "encoding a JPEG snapshot")
        return Array(UnsafeBufferPointer(start: packet.raw.pointee.data, count: Int(packet.raw.pointee.size)))
    }
}

/// Lends a frame's plane pointers and strides as the arrays `sws_scale` takes.
func withPlanes<R>(of frame: UnsafeMutablePointer<AVFrame>,
                   _ body: (UnsafePointer<UnsafePointer<UInt8>?>, UnsafePointer<Int32>) -> R) -> R {
    withUnsafePointer(to: frame.pointee.data) { data in
        data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: Int(AV_NUM_DATA_POINTERS)) { planes in
            withUnsafePointer(to: frame.pointee.linesize) { strides in
                strides.withMemoryRebound(to: Int32.self, capacity: Int(AV_NUM_DATA_POINTERS)) { strides in
                    body(planes, strides)
                }
            }
        }
    }
}

/// Lends a frame's writable plane pointers and strides as the arrays `sws_scale` takes.
func withMutablePlanes<R>(of frame: UnsafeMutablePointer<AVFrame>,
                          _ body: (UnsafePointer<UnsafeMutablePointer<UInt8>?>, UnsafePointer<Int32>) -> R) -> R {
    withUnsafePointer(to: frame.pointee.data) { data in
        data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: Int(AV_NUM_DATA_POINTERS)) { planes in
            withUnsafePointer(to: frame.pointee.linesize) { strides in
                strides.withMemoryRebound(to: Int32.self, capacity: Int(AV_NUM_DATA_POINTERS)) { strides in
                    body(planes, strides)
                }
            }
        }
    }
}

private func planePointer(_ frame: UnsafeMutablePointer<AVFrame>, _ plane: Int) -> UnsafeMutablePointer<UInt8> {
    withMutablePlanes(of: frame) { planes, _ in planes[plane]! } // a YUV 4:2:0 buffer has three planes
}

private func planeStride(_ frame: UnsafeMutablePointer<AVFrame>, _ plane: Int) -> Int32 {
    withPlanes(of: frame) { _, strides in strides[plane] }
}
