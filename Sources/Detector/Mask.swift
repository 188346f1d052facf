/// Binary-mask helpers on flat `[UInt8]` planes (0 or 1 per pixel, packed rows).
enum Morphology {
    /// 3×3 erosion: a pixel stays 1 only when its whole 8-neighbourhood is 1 (borders count as 0).
    static func erode(_ src: [UInt8], width w: Int, height h: Int, into dst: inout [UInt8], scratch: inout [UInt8]) {
        // Separable: horizontal then vertical minimum.
        src.withUnsafeBufferPointer { s in
            scratch.withUnsafeMutableBufferPointer { t in
                for y in 0..<h {
                    let row = y * w
                    t[row] = 0
                    t[row + w - 1] = 0
                    if w > 2 { for x in 1..<(w - 1) { t[row + x] = s[row + x - 1] & s[row + x] & s[row + x + 1] } }
                }
            }
        }
        scratch.withUnsafeBufferPointer { t in
            dst.withUnsafeMutableBufferPointer { d in
                for x in 0..<w { d[x] = 0; d[(h - 1) * w + x] = 0 }
                if h > 2 {
                    for i in w..<((h - 1) * w) { d[i] = t[i - w] & t[i] & t[i + w] }
                }
            }
        }
    }

    /// 3×3 dilation: a pixel becomes 1 when any 8-neighbour is 1.
    static func dilate(_ src: [UInt8], width w: Int, height h: Int, into dst: inout [UInt8], scratch: inout [UInt8]) {
        src.withUnsafeBufferPointer { s in
            scratch.withUnsafeMutableBufferPointer { t in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<w {
                        let l = x > 0 ? s[row + x - 1] : 0, r = x < w - 1 ? s[row + x + 1] : 0
                        t[row + x] = l | s[row + x] | r
                    }
                }
            }
        }
        scratch.withUnsafeBufferPointer { t in
            dst.withUnsafeMutableBufferPointer { d in
                for i in 0..<(w * h) {
                    let up = i >= w ? t[i - w] : 0, down = i + w < w * h ? t[i + w] : 0
                    d[i] = up | t[i] | down
                }
            }
        }
    }

    /// Opening (erode, then dilate): removes specks and one-pixel lines, keeps the shape of real blobs.
    static func open(_ mask: inout [UInt8], width w: Int, height h: Int, scratch: inout [UInt8], scratch2: inout [UInt8]) {
        erode(mask, width: w, height: h, into: &scratch2, scratch: &scratch)
        dilate(scratch2, width: w, height: h, into: &mask, scratch: &scratch)
    }
}

/// An 8-connected region of 1 pixels.
struct Component: Sendable {
    /// Pixel indices (`y * width + x`).
    var pixels: [Int32]
    /// Bounding box in analysis pixels.
    var box: PixelBox
    /// Number of pixels.
    var area: Int { pixels.count }
}

enum ConnectedComponents {
    /// Labels 8-connected regions of `mask` with a flood fill (fast for the sparse masks rules produce).
    /// - Parameters:
    ///   - mask: 0/1 plane.
    ///   - minArea: smaller regions are dropped.
    ///   - labels: scratch of `width * height`, all zero on entry and on return.
    static func find(_ mask: [UInt8], width w: Int, height h: Int, minArea: Int, labels: inout [UInt8]) -> [Component] {
        var result: [Component] = []
        var stack: [Int32] = []
        mask.withUnsafeBufferPointer { m in
            labels.withUnsafeMutableBufferPointer { seen in
                for start in 0..<m.count where m[start] != 0 && seen[start] == 0 {
                    var pixels: [Int32] = []
                    var box = PixelBox(x0: w, y0: h, x1: 0, y1: 0)
                    seen[start] = 1
                    stack.append(Int32(start))
                    while let p32 = stack.popLast() {
                        let p = Int(p32)
                        pixels.append(p32)
                        let x = p % w, y = p / w
                        box.x0 = min(box.x0, x); box.x1 = max(box.x1, x + 1)
                        box.y0 = min(box.y0, y); box.y1 = max(box.y1, y + 1)
                        for dy in -1...1 {
                            let ny = y + dy
                            if ny < 0 || ny >= h { continue }
                            for dx in -1...1 {
                                let nx = x + dx
                                if nx < 0 || nx >= w || (dx == 0 && dy == 0) { continue }
                                let q = ny * w + nx
                                if m[q] != 0 && seen[q] == 0 {
                                    seen[q] = 1
                                    stack.append(Int32(q))
                                }
                            }
                        }
                    }
                    if pixels.count >= minArea { result.append(Component(pixels: pixels, box: box)) }
                }
                // Leave the scratch clean for the next call: clearing only what was marked is cheaper than a memset.
                for i in 0..<m.count where seen[i] != 0 { seen[i] = 0 }
            }
        }
        return result
    }
}

/// Decides whether a region the long-term model disagrees with shows a new thing or a vanished one.
enum EdgeEvidence {
    /// Summed contrast across the region's outline, in the current frame and in the long-term background
    /// (gain applied).
    ///
    /// An object that arrived brings its outline into the current picture: across the region's border the frame
    /// changes sharply while the background shows continuous ground. A "ghost" (something that was in the
    /// background and left, such as a person standing there at start-up) is the reverse. This is the boundary
    /// test used to tell abandoned from removed objects (Tian, Feris, Hampapur, "Real-time detection of
    /// abandoned and removed objects in complex environments", 2008). Only contrast *across* the outline counts
    /// (inside pixel one step in, outside pixel two steps out, tolerating a mask border a pixel off): edges of
    /// scenery that run *through* the region, such as a kerb the object now hides, do not make it a ghost.
    static func crossContrast(_ component: Component, frame: [UInt8], model: BackgroundModel,
                              inside mask: [UInt8], width w: Int, height h: Int) -> (frame: Float, background: Float) {
        var sumFrame: Float = 0, sumBackground: Float = 0
        for p32 in component.pixels {
            let p = Int(p32)
            let x = p % w, y = p / w
            guard x >= 2, y >= 2, x < w - 2, y < h - 2 else { continue }
            for (step, outside) in [(-1, mask[p - 1] == 0), (1, mask[p + 1] == 0), (-w, mask[p - w] == 0), (w, mask[p + w] == 0)]
            where outside {
                let inner = p - step >= 0 && p - step < mask.count ? p - step : p
                let outer = p + 2 * step
                sumFrame += abs(Float(frame[inner]) - Float(frame[outer]))
                sumBackground += abs(model.longValue(inner) - model.longValue(outer))
            }
        }
        return (sumFrame, sumBackground)
    }
}
