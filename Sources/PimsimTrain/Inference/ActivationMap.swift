import PimsimCore
import PimsimKernels

/// One node's values for a chunk of images in the integer evaluator, position-major (NHWC):
/// position (image, y, x), then channel. Ternary and binary activations stay bit-packed (rows =
/// positions, columns = channels), the form the next layer's ternary products read; everything
/// else is float32.
struct ActivationMap {
    enum Values {
        /// Values in {-1, 0, +1}: n*h*w rows of c columns.
        case bits(PackedTernaryMatrix)
        /// data[((image * h + y) * w + x) * c + channel].
        case real([Float])
    }

    var n: Int, h: Int, w: Int, c: Int
    var values: Values

    var positions: Int { n &* h &* w }
    var count: Int { positions &* c }

    /// Float values (bit-packed values unpacked).
    func real() -> [Float] {
        switch values {
        case .real(let data): return data
        case .bits(let packed):
            let words = packed.wordsPerRow, channels = c, groups = (c &+ 7) / 8
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                packed.nonzero.withUnsafeBytes { nz in
                    packed.negative.withUnsafeBytes { ng in
                        Self.expansion.withUnsafeBufferPointer { table in
                            for row in 0..<positions {
                                let source = row &* words &* 8, target = out.baseAddress! + row &* channels
                                for g in 0..<groups {
                                    // Eight channels from one byte per plane: nonzero - 2 negative.
                                    let v = table[Int(nz[source &+ g])] - 2 * table[Int(ng[source &+ g])]
                                    let valid = min(8, channels &- g &* 8)
                                    if valid == 8 {
                                        UnsafeMutableRawPointer(target + g &* 8).storeBytes(of: v, as: SIMD8<Float>.self)
                                    } else {
                                        for lane in 0..<valid { target[g &* 8 &+ lane] = v[lane] }
                                    }
                                }
                            }
                        }
                    }
                }
                initialized = count
            }
        }
    }

    /// Lane r of entry b = bit r of b, as 0 or 1.
    static let expansion: [SIMD8<Float>] = (0..<256).map { byte in SIMD8<Float>((0..<8).map { Float((byte >> $0) & 1) }) }

    /// Bit-packed values; float values must all be -1, 0 or +1 (`error` otherwise, with the value).
    func bits(orThrow error: (Float) -> Error) throws -> PackedTernaryMatrix {
        switch values {
        case .bits(let packed): return packed
        case .real(let data):
            if let bad = data.first(where: { $0 != 0 && $0 != 1 && $0 != -1 }) { throw error(bad) }
            return data.withUnsafeBufferPointer {
                PackedTernaryMatrix(values: $0.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: positions, columns: c,
                                    low: -0.5, high: 0.5, threads: 1)
            }
        }
    }

    /// Values that are not 0.
    var nonzeroCount: Int {
        switch values {
        case .bits(let packed): return packed.nonzero.reduce(0) { $0 &+ $1.nonzeroBitCount }
        case .real(let data): return data.reduce(0) { $0 &+ ($1 != 0 ? 1 : 0) }
        }
    }

    func withReal(_ data: [Float], c: Int? = nil, h: Int? = nil, w: Int? = nil) -> ActivationMap {
        ActivationMap(n: n, h: h ?? self.h, w: w ?? self.w, c: c ?? self.c, values: .real(data))
    }

    /// Applies `body(value, channel)` to every value.
    func mapReal(_ body: (Float, Int) -> Float) -> ActivationMap {
        var data = real()
        let channels = c
        data.withUnsafeMutableBufferPointer { values in
            for position in 0..<positions {
                let row = position &* channels
                for channel in 0..<channels { values[row &+ channel] = body(values[row &+ channel], channel) }
            }
        }
        return withReal(data)
    }

    /// Max or average pooling over each channel (average over the window positions inside the
    /// image). Max pooling keeps bit-packed values packed: the maximum of values in {-1, 0, +1} is
    /// +1 if any is +1, else 0 if any is 0, else -1.
    func pooled(_ attributes: PoolAttributes) -> ActivationMap {
        let k = attributes.kernel, s = attributes.stride, p = attributes.padding
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        func window(_ oy: Int, _ ox: Int) -> (Range<Int>, Range<Int>) {
            (max(0, oy &* s &- p)..<min(h, oy &* s &- p &+ k), max(0, ox &* s &- p)..<min(w, ox &* s &- p &+ k))
        }
        if case .bits(let packed) = values, attributes.kind == .max {
            var out = PackedTernaryMatrix(rows: n &* oh &* ow, columns: c)
            let words = packed.wordsPerRow
            packed.nonzero.withUnsafeBufferPointer { nz in
                packed.negative.withUnsafeBufferPointer { ng in
                    out.nonzero.withUnsafeMutableBufferPointer { outNz in
                        out.negative.withUnsafeMutableBufferPointer { outNg in
                            for b in 0..<n {
                                for oy in 0..<oh {
                                    for ox in 0..<ow {
                                        let (rows, columns) = window(oy, ox), target = ((b &* oh &+ oy) &* ow &+ ox) &* words
                                        for word in 0..<words {
                                            var plus: UInt64 = 0, allNegative = ~UInt64(0)
                                            for y in rows {
                                                for x in columns {
                                                    let source = ((b &* h &+ y) &* w &+ x) &* words &+ word
                                                    plus |= nz[source] & ~ng[source]
                                                    allNegative &= ng[source]
                                                }
                                            }
                                            outNz[target &+ word] = plus | allNegative
                                            outNg[target &+ word] = allNegative
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return ActivationMap(n: n, h: oh, w: ow, c: c, values: .bits(out))
        }
        let data = real(), channels = c, isMax = attributes.kind == .max
        var out = [Float](repeating: 0, count: n &* oh &* ow &* c)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let (rows, columns) = window(oy, ox), target = ((b &* oh &+ oy) &* ow &+ ox) &* channels
                    for channel in 0..<channels {
                        // The first largest value in row-major window order (PoolLayer's rule).
                        var best = data[((b &* h &+ rows.lowerBound) &* w &+ columns.lowerBound) &* channels &+ channel], sum: Float = 0
                        for y in rows {
                            for x in columns {
                                let v = data[((b &* h &+ y) &* w &+ x) &* channels &+ channel]
                                if v > best { best = v }
                                sum += v
                            }
                        }
                        out[target &+ channel] = isMax ? best : sum / Float(rows.count &* columns.count)
                    }
                }
            }
        }
        return ActivationMap(n: n, h: oh, w: ow, c: c, values: .real(out))
    }

    /// Mean over the positions of each image and channel (n x 1 x 1 x c).
    func globalAveraged() -> ActivationMap {
        let data = real(), plane = h &* w, channels = c
        var out = [Float](repeating: 0, count: n &* channels)
        for b in 0..<n {
            for channel in 0..<channels {
                var sum: Float = 0
                for position in 0..<plane { sum += data[(b &* plane &+ position) &* channels &+ channel] }
                out[b &* channels &+ channel] = sum / Float(plane)
            }
        }
        return ActivationMap(n: n, h: 1, w: 1, c: channels, values: .real(out))
    }

    /// (n x 1 x 1 x c*h*w) in the graph's flatten order: channel, then y, then x.
    func flattened() -> ActivationMap {
        let data = real(), plane = h &* w, channels = c
        var out = [Float](repeating: 0, count: count)
        for b in 0..<n {
            for position in 0..<plane {
                for channel in 0..<channels {
                    out[(b &* channels &+ channel) &* plane &+ position] = data[(b &* plane &+ position) &* channels &+ channel]
                }
            }
        }
        return ActivationMap(n: n, h: 1, w: 1, c: count / n, values: .real(out))
    }

    /// ResNet option-A shortcut: every stride-th position, channels moved up by
    /// (outChannels - c) / 2, the others zero.
    func shortcut(_ attributes: ShortcutAttributes, outShape: TensorShape) -> ActivationMap {
        let s = attributes.stride, offset = (outShape.channels - c) / 2, oh = outShape.height, ow = outShape.width
        if case .bits(let packed) = values {
            var out = PackedTernaryMatrix(rows: n &* oh &* ow, columns: outShape.channels)
            let sourceWords = packed.wordsPerRow, targetWords = out.wordsPerRow
            let wordShift = offset >> 6, bitShift = UInt64(offset & 63)
            func move(_ source: [UInt64], _ target: inout [UInt64]) {
                source.withUnsafeBufferPointer { from in
                    target.withUnsafeMutableBufferPointer { to in
                        for b in 0..<n {
                            for y in 0..<oh {
                                for x in 0..<ow {
                                    let row = ((b &* h &+ y &* s) &* w &+ x &* s) &* sourceWords, targetRow = ((b &* oh &+ y) &* ow &+ x) &* targetWords
                                    for word in 0..<sourceWords {
                                        let value = from[row &+ word], slot = targetRow &+ word &+ wordShift
                                        to[slot] |= value << bitShift
                                        if bitShift != 0 && word &+ wordShift &+ 1 < targetWords { to[slot &+ 1] |= value >> (64 &- bitShift) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            move(packed.nonzero, &out.nonzero)
            move(packed.negative, &out.negative)
            return ActivationMap(n: n, h: oh, w: ow, c: outShape.channels, values: .bits(out))
        }
        let data = real(), outChannels = outShape.channels
        var out = [Float](repeating: 0, count: n &* oh &* ow &* outChannels)
        for b in 0..<n {
            for y in 0..<oh {
                for x in 0..<ow {
                    let source = ((b &* h &+ y &* s) &* w &+ x &* s) &* c, target = ((b &* oh &+ y) &* ow &+ x) &* outChannels &+ offset
                    for channel in 0..<c { out[target &+ channel] = data[source &+ channel] }
                }
            }
        }
        return ActivationMap(n: n, h: oh, w: ow, c: outChannels, values: .real(out))
    }
}
