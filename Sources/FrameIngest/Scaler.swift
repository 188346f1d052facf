internal import CFFmpeg

/// Scales decoded pictures to a small packed gray plane. Stays on the ingest thread that created it.
final class Scaler {
    private var context: OpaquePointer?
    /// Output width in pixels.
    let width: Int
    private(set) var height = 0
    private var source = (width: Int32(0), height: Int32(0), format: Int32(-1))

    /// - Parameter width: output width; the height follows each input's aspect ratio, rounded to even.
    init(width: Int) {
        self.width = width
    }

    deinit { sws_freeContext(context) }

    /// The output height for an input of `sourceWidth` × `sourceHeight` (like ffmpeg's `scale=W:-2`).
    static func outputHeight(width: Int, sourceWidth: Int, sourceHeight: Int) -> Int {
        let exact = Double(width) * Double(sourceHeight) / Double(sourceWidth)
        return max(2, Int((exact / 2).rounded()) * 2)
    }

    /// Returns the luma of `frame` scaled to ``width`` × ``height`` (bilinear), packed row by row.
    ///
    /// The corresponding C functions are `sws_getCachedContext` and `sws_scale`. A new context is made only
    /// when the input size or pixel format changes (cameras switch resolution after a reconfiguration).
    func gray(from frame: UnsafeMutablePointer<AVFrame>) throws(FFmpegError) -> [UInt8] {
        let picture = frame.pointee
        if picture.width != source.width || picture.height != source.height || picture.format != source.format {
            height = Self.outputHeight(width: width, sourceWidth: Int(picture.width), sourceHeight: Int(picture.height))
            context = sws_getCachedContext(
                context, picture.width, picture.height, AVPixelFormat(rawValue: picture.format),
                Int32(width), Int32(height), AV_PIX_FMT_GRAY8, SWS_BILINEAR, nil, nil, nil)
            guard context != nil else {
                throw FFmpegError(code: SW_AVERROR_EINVAL, function: "sws_getCachedContext",
                                  detail: "scaling \(picture.width)x\(picture.height) format \(picture.format) to \(width)x\(height) gray")
            }
            source = (picture.width, picture.height, picture.format)
        }
        let count = width * height
        let lineSize = Int32(width)
        var failure: FFmpegError?
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var destinationStrides: [Int32] = [lineSize, 0, 0, 0]
            let rows = withPlanes(of: frame) { planes, strides in
                sws_scale(context, planes, strides, 0, picture.height, &destination, &destinationStrides)
            }
            if rows == Int32(height) {
                initialized = count
            } else {
                failure = FFmpegError(code: rows < 0 ? rows : SW_AVERROR_EINVAL, function: "sws_scale",
                                      detail: "scaled \(rows) of \(height) rows")
                initialized = 0
            }
        }
        if let failure { throw failure }
        return pixels
    }
}
