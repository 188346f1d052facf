/// Binary-mask helpers on flat `[UInt8]` planes (0 or 1 per pixel, packed rows).
///
/// Masks are bytes holding 0 or 1, so eight neighbouring pixels combine with one 64-bit AND/OR; a 3×3
/// operation is a horizontal pass then a vertical pass (the structuring element is separable).
enum Morphology {
    /// 3×3 erosion: a pixel stays 1 only when its whole 8-neighbourhood is 1 (outside the frame counts as 0).
    static func erode(_ src: [UInt8], width w: Int, height h: Int, into dst: inout [UInt8], scratch: inout [UInt8]) {
        combine(src, width: w, height: h, into: &dst, scratch: &scratch, and: true)
    }

    /// 3×3 dilation: a pixel becomes 1 when any 8-neighbour is 1.
    static func dilate(_ src: [UInt8], width w: Int, height h: Int, into dst: inout [UInt8], scratch: inout [UInt8]) {
        combine(src, width: w, height: h, into: &dst, scratch: &scratch, and: false)
    }

    /// Opening (erode, then dilate): removes specks and one-pixel lines, keeps the shape of real blobs.
    static func open(_ mask: inout [UInt8], width w: Int, height h: Int, scratch: inout [UInt8], scratch2: inout [UInt8]) {
        erode(mask, width: w, height: h, into: &scratch2, scratch: &scratch)
        dilate(scratch2, width: w, height: h, into: &mask, scratch: &scratch)
    }

    private static func combine(_ src: [UInt8], width w: Int, height h: Int, into dst: inout [UInt8],
                                scratch: inout [UInt8], and: Bool) {
        precondition(w >= 3 && h >= 3, "morphology needs at least 3×3 pixels, got \(w)x\(h)")
        let n = w * h
        src.withUnsafeBufferPointer { s in
            scratch.withUnsafeMutableBufferPointer { t in
                let sr = UnsafeRawPointer(s.baseAddress!), tr = UnsafeMutableRawPointer(t.baseAddress!)
                for y in 0..<h {
                    let row = y * w
                    // Interior columns 1..<w-1, eight at a time, then the remainder.
                    var x = 1
                    while x + 8 <= w - 1 {
                        let l = sr.loadUnaligned(fromByteOffset: row + x - 1, as: UInt64.self)
                        let c = sr.loadUnaligned(fromByteOffset: row + x, as: UInt64.self)
                        let r = sr.loadUnaligned(fromByteOffset: row + x + 1, as: UInt64.self)
                        tr.storeBytes(of: and ? l & c & r : l | c | r, toByteOffset: row + x, as: UInt64.self)
                        x += 8
                    }
                    while x < w - 1 {
                        t[row + x] = and ? s[row + x - 1] & s[row + x] & s[row + x + 1] : s[row + x - 1] | s[row + x] | s[row + x + 1]
                        x += 1
                    }
                    t[row] = and ? 0 : s[row] | s[row + 1]
                    t[row + w - 1] = and ? 0 : s[row + w - 2] | s[row + w - 1]
                }
            }
        }
        scratch.withUnsafeBufferPointer { t in
            dst.withUnsafeMutableBufferPointer { d in
                let tr = UnsafeRawPointer(t.baseAddress!), dr = UnsafeMutableRawPointer(d.baseAddress!)
                var i = w
                while i + 8 <= n - w {
                    let u = tr.loadUnaligned(fromByteOffset: i - w, as: UInt64.self)
                    let c = tr.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let b = tr.loadUnaligned(fromByteOffset: i + w, as: UInt64.self)
                    dr.storeBytes(of: and ? u & c & b : u | c | b, toByteOffset: i, as: UInt64.self)
                    i += 8
                }
                while i < n - w {
                    d[i] = and ? t[i - w] & t[i] & t[i + w] : t[i - w] | t[i] | t[i + w]
                    i += 1
                }
                for x in 0..<w {
                    d[x] = and ? 0 : t[x] | t[x + w]
                    d[n - w + x] = and ? 0 : t[n - w + x] | t[n - 2 * w + x]
                }
            }
        }
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
                let raw = UnsafeRawPointer(m.baseAddress!)
                var visited: [Int32] = []
                var start = 0
                while start < m.count {
                    // Skip empty stretches eight pixels at a time: rule masks are mostly zero.
                    if start + 8 <= m.count, raw.loadUnaligned(fromByteOffset: start, as: UInt64.self) == 0 {
                        start += 8
                        continue
                    }
                    defer { start += 1 }
                    guard m[start] != 0, seen[start] == 0 else { continue }
                    var pixels: [Int32] = []
                    var box = PixelBox(x0: w, y0: h, x1: 0, y1: 0)
                    seen[start] = 1
                    stack.append(Int32(start))
                    while let p32 = stack.popLast() {
                        let p = Int(p32)
                        pixels.append(p32)
                        visited.append(p32)
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
                for p in visited { seen[Int(p)] = 0 }
            }
        }
        return result
    }
}
