import PimsimKernels

/// How the integer evaluator turns a bit-packed activation map into the rows of a ternary
/// product (one row per output position), without unpacking anything.
///
/// The input's channels are stored densely: `positionBytes` = ceil(c / 8) bytes per position and
/// plane, positions of a padded image row one after another (zero borders of `padding`
/// positions), images one after another. The kw positions a kernel row covers are then
/// kw * positionBytes contiguous bytes, read as `wordsPerKernelRow` unaligned 64-bit loads; a
/// patch row is kh such groups of words copied side by side. Bits of a loaded word beyond the
/// kernel row (further positions, unused channel bits) meet zero weight bits, so they add
/// nothing: the weights are laid out the same way, weight (ky, kx, c) at column
/// ky * 64 * wordsPerKernelRow + kx * 8 * positionBytes + c. Building the patches is one word
/// copy per 64 bits of each patch row; a 3x3 kernel on 16 channels uses 3 words where 144 bits
/// would fit in 2.25.
///
/// A 1x1 kernel with stride 1 and no padding reads the activation rows as they are (weights in
/// channel order).
struct PatchLayout {
    let kernel: Int, stride: Int, padding: Int, channels: Int
    let positionBytes: Int, wordsPerKernelRow: Int

    init(kernel: Int, stride: Int, padding: Int, channels: Int) {
        (self.kernel, self.stride, self.padding, self.channels) = (kernel, stride, padding, channels)
        positionBytes = (channels &+ 7) / 8
        wordsPerKernelRow = (kernel &* positionBytes &+ 7) / 8
    }

    /// The activation rows are the patch rows.
    var isDirect: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// Columns of a patch row (and of a weight row).
    var columns: Int { isDirect ? channels : kernel &* wordsPerKernelRow &* 64 }

    /// Packs one group's weights (`codes` in OIHW order: rows of channels * kernel * kernel
    /// values) in this layout: one row per output channel.
    func weights(_ codes: ArraySlice<Int8>, outChannels: Int) -> PackedTernaryMatrix {
        var values = [Int8](repeating: 0, count: outChannels &* columns)
        let perOut = channels &* kernel &* kernel
        for o in 0..<outChannels {
            for c in 0..<channels {
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        let code = codes[codes.startIndex &+ o &* perOut &+ (c &* kernel &+ ky) &* kernel &+ kx]
                        let column = isDirect ? c : ky &* 64 &* wordsPerKernelRow &+ kx &* 8 &* positionBytes &+ c
                        values[o &* columns &+ column] = code
                    }
                }
            }
        }
        return PackedTernaryMatrix(values: values, rows: outChannels, columns: columns)
    }

    /// The patch rows of `input` (rows = n*h*w positions, `channels` columns starting at column
    /// `firstChannel`), one per output position (image, oy, ox).
    func patches(_ input: PackedTernaryMatrix, n: Int, h: Int, w: Int, firstChannel: Int) -> PackedTernaryMatrix {
        let oh = (h &+ 2 &* padding &- kernel) / stride &+ 1, ow = (w &+ 2 &* padding &- kernel) / stride &+ 1
        let hp = h &+ 2 &* padding, wp = w &+ 2 &* padding, rowBytes = wp &* positionBytes
        let mapBytes = n &* hp &* rowBytes &+ 8
        let wordsPerPatch = kernel &* wordsPerKernelRow, rows = n &* oh &* ow, total = rows &* wordsPerPatch
        let map = UnsafeMutableRawPointer.allocate(byteCount: 2 &* mapBytes, alignment: 8)
        defer { map.deallocate() }
        let nonzeroMap = map.assumingMemoryBound(to: UInt8.self), negativeMap = nonzeroMap + mapBytes
        nonzeroMap.update(repeating: 0, count: 2 &* mapBytes)
        dense(input, n: n, h: h, w: w, firstChannel: firstChannel, into: nonzeroMap, negativeMap, rowBytes: rowBytes)
        func plane(_ source: UnsafeMutablePointer<UInt8>) -> [UInt64] {
            [UInt64](unsafeUninitializedCapacity: total) { words, initialized in
                var target = words.baseAddress!
                let from = UnsafeRawPointer(source)
                for b in 0..<n {
                    for oy in 0..<oh {
                        var origin = (b &* hp &+ oy &* stride) &* rowBytes
                        for _ in 0..<ow {
                            var offset = origin
                            for _ in 0..<kernel {
                                for i in 0..<wordsPerKernelRow { target[i] = from.loadUnaligned(fromByteOffset: offset &+ i &* 8, as: UInt64.self) }
                                target += wordsPerKernelRow
                                offset &+= rowBytes
                            }
                            origin &+= stride &* positionBytes
                        }
                    }
                }
                initialized = total
            }
        }
        return PackedTernaryMatrix(rows: rows, columns: columns, nonzero: plane(nonzeroMap), negative: plane(negativeMap))
    }

    /// Writes channels firstChannel..<firstChannel+channels of every position into the dense
    /// padded maps (little-endian bytes: channel c of a position at bit c of its bytes).
    private func dense(_ input: PackedTernaryMatrix, n: Int, h: Int, w: Int, firstChannel: Int,
                       into nonzeroMap: UnsafeMutablePointer<UInt8>, _ negativeMap: UnsafeMutablePointer<UInt8>, rowBytes: Int) {
        let words = input.wordsPerRow, hp = h &+ 2 &* padding
        // The whole row in order: its bytes as they are (padding bits past the columns are zero).
        let whole = firstChannel == 0 && channels == input.columns
        input.nonzero.withUnsafeBytes { nz in
            input.negative.withUnsafeBytes { ng in
                for b in 0..<n {
                    for y in 0..<h {
                        var source = ((b &* h &+ y) &* w) &* words
                        var target = (b &* hp &+ y &+ padding) &* rowBytes &+ padding &* positionBytes
                        for _ in 0..<w {
                            if whole {
                                Self.copy(from: nz.baseAddress! + source &* 8, to: nonzeroMap + target, positionBytes)
                                Self.copy(from: ng.baseAddress! + source &* 8, to: negativeMap + target, positionBytes)
                            } else {
                                let nzRow = nz.baseAddress!.assumingMemoryBound(to: UInt64.self) + source
                                let ngRow = ng.baseAddress!.assumingMemoryBound(to: UInt64.self) + source
                                for byte in 0..<positionBytes {
                                    // Channels past this group's (the next group's) are masked off.
                                    let valid = min(8, channels &- byte &* 8), mask = UInt8(truncatingIfNeeded: (1 << valid) &- 1)
                                    nonzeroMap[target &+ byte] = bits(nzRow, words: words, from: firstChannel &+ byte &* 8) & mask
                                    negativeMap[target &+ byte] = bits(ngRow, words: words, from: firstChannel &+ byte &* 8) & mask
                                }
                            }
                            source &+= words
                            target &+= positionBytes
                        }
                    }
                }
            }
        }
    }

    /// Copies `count` bytes with one load and store for the common sizes (a memmove call per
    /// position of 2 bytes cost more than the rest of the patch building).
    @inline(__always)
    private static func copy(from source: UnsafeRawPointer, to target: UnsafeMutablePointer<UInt8>, _ count: Int) {
        let to = UnsafeMutableRawPointer(target)
        switch count {
        case 1: to.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
        case 2: to.storeBytes(of: source.load(as: UInt16.self), as: UInt16.self)
        case 4: to.storeBytes(of: source.load(as: UInt32.self), as: UInt32.self)
        case 8: to.storeBytes(of: source.load(as: UInt64.self), as: UInt64.self)
        default: to.copyMemory(from: source, byteCount: count)
        }
    }

    /// Eight bits of a row of `words` words starting at bit `first` (zero past the row).
    @inline(__always)
    private func bits(_ row: UnsafePointer<UInt64>, words: Int, from first: Int) -> UInt8 {
        let word = first >> 6, shift = UInt64(first & 63)
        var value = row[word] >> shift
        if shift > 56 && word &+ 1 < words { value |= row[word &+ 1] << (64 &- shift) }
        return UInt8(truncatingIfNeeded: value)
    }
}

/// Integer thresholds equivalent to a float threshold on y = Float(acc) * scale + bias.
enum IntegerThresholds {
    /// The largest integer d in -limit-1 ... limit with `holds(d)` false, for a predicate that is
    /// false then true as d grows (binary search).
    static func lastFalse(limit: Int, _ holds: (Int) -> Bool) -> Int {
        var low = -limit &- 1, high = limit  // invariant: answer in low...high
        if holds(low) { return low &- 1 }
        if !holds(high) { return high }
        while high &- low > 1 {
            let middle = low &+ (high &- low) / 2
            if holds(middle) { high = middle } else { low = middle }
        }
        return low
    }
}
