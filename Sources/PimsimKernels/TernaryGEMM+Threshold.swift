/// Fused ternary layer: the product of `TernaryGEMM` followed by a per-output-channel threshold,
/// written directly as the next layer's packed activations. The Int32 dots stay in registers: per
/// 8 x 8 block of dots the kernel stores 16 bytes instead of 256 (docs/performance.md).
extension TernaryGEMM {
    /// The next layer's ternary activations, packed, b.rows x a.rows (row j = one position of `b`,
    /// column i = one output channel = row i of `a`):
    /// value(j, i) = +1 if d > high[i], -1 if d < low[i], 0 otherwise, with d = sum over k of
    /// a[i][k] * b[j][k] (exact, as `multiply`). Requires low[i] <= high[i] + 1 (the two cases
    /// exclude each other; low = high + 1 gives a binary result). A real threshold t on the
    /// integer dot becomes high = floor(t) for `d > t` and low = ceil(t) for `d < t`.
    public static func multiplyAndTernarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int32], high: [Int32],
                                            threads: Int = .max) -> PackedTernaryMatrix {
        var result = PackedTernaryMatrix(rows: b.rows, columns: a.rows)
        multiplyAndTernarize(a, b, low: low, high: high, into: &result, threads: threads)
        return result
    }

    /// As above, overwriting `result` (b.rows x a.rows, e.g. the previous call's) instead of
    /// allocating one per call, for loops that reuse their activation buffers.
    public static func multiplyAndTernarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int32], high: [Int32],
                                            into result: inout PackedTernaryMatrix, threads: Int = .max) {
        precondition(low.count == a.rows && high.count == a.rows, "one threshold pair per row of a")
        precondition(zip(low, high).allSatisfy { Int64($0) <= Int64($1) + 1 }, "each low threshold must be <= its high threshold + 1")
        thresholded(a, b, low: low.map { Int64($0) }, high: high.map { Int64($0) }, into: &result, threads: threads)
    }

    /// The next layer's binary activations, packed, b.rows x a.rows (XNOR-Net sign with a
    /// per-channel threshold): value(j, i) = -1 if d < threshold[i], +1 otherwise, with d the
    /// exact dot of row i of `a` and row j of `b`. Every nonzero bit is set (`isBinary`).
    public static func multiplyAndBinarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, threshold: [Int32],
                                           threads: Int = .max) -> PackedTernaryMatrix {
        var result = PackedTernaryMatrix(rows: b.rows, columns: a.rows)
        multiplyAndBinarize(a, b, threshold: threshold, into: &result, threads: threads)
        return result
    }

    /// As above, overwriting `result` (b.rows x a.rows) instead of allocating.
    public static func multiplyAndBinarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, threshold: [Int32],
                                           into result: inout PackedTernaryMatrix, threads: Int = .max) {
        precondition(threshold.count == a.rows, "one threshold per row of a")
        // d > t - 1 is d >= t for integers: exactly one of the two cases holds.
        thresholded(a, b, low: threshold.map { Int64($0) }, high: threshold.map { Int64($0) - 1 }, into: &result,
                    threads: threads)
    }

    /// Writes every byte of `result` that holds a channel (bytes past the last group of eight
    /// channels are padding and stay zero).
    private static func thresholded(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int64], high: [Int64],
                                    into result: inout PackedTernaryMatrix, threads: Int) {
        precondition(a.columns == b.columns, "both operands need the same number of columns")
        precondition(result.rows == b.rows && result.columns == a.rows, "the result must be b.rows x a.rows")
        guard a.rows > 0 && b.rows > 0 else { return }
        // Lanes past a.rows never pass either test, so their padding bits are written as zero.
        let groups = (a.rows &+ 7) / 8
        var lowLanes = [Int64](repeating: .min, count: groups &* 8), highLanes = [Int64](repeating: .max, count: groups &* 8)
        lowLanes.replaceSubrange(0..<a.rows, with: low)
        highLanes.replaceSubrange(0..<a.rows, with: high)
        let rowBytes = result.wordsPerRow &* 8
        result.nonzero.withUnsafeMutableBytes { nonzero in
            result.negative.withUnsafeMutableBytes { negative in
                lowLanes.withUnsafeBytes { lowBytes in
                    highLanes.withUnsafeBytes { highBytes in
                        let sink = ThresholdSink(low: lowBytes.baseAddress!.assumingMemoryBound(to: SIMD8<Int64>.self),
                                                 high: highBytes.baseAddress!.assumingMemoryBound(to: SIMD8<Int64>.self),
                                                 nonzero: SendablePointer(nonzero.baseAddress!.assumingMemoryBound(to: UInt8.self)),
                                                 negative: SendablePointer(negative.baseAddress!.assumingMemoryBound(to: UInt8.self)),
                                                 rowBytes: rowBytes)
                        if a.wordsPerRow == 0 {
                            // No columns: every dot is 0.
                            for j in 0..<b.rows {
                                for group in 0..<groups { sink.row(SIMD8(), group: group, j: j) }
                            }
                        } else {
                            run(a, b, sink: sink, threads: threads)
                        }
                    }
                }
            }
        }
    }
}

/// Thresholds each dot and stores the result bits: channel i of row j is bit i % 64 of word i / 64
/// of row j in each plane, so row group g of `a` owns byte g of the row (little-endian words).
private struct ThresholdSink: DotSink {
    /// Per group of eight channels, lane r = channel 8g + r.
    let low: SendablePointer<SIMD8<Int64>>, high: SendablePointer<SIMD8<Int64>>
    let nonzero: SendablePointer<UInt8>, negative: SendablePointer<UInt8>
    /// Bytes per row of the result planes (8 * wordsPerRow).
    let rowBytes: Int

    init(low: UnsafePointer<SIMD8<Int64>>, high: UnsafePointer<SIMD8<Int64>>, nonzero: SendablePointer<UInt8>,
         negative: SendablePointer<UInt8>, rowBytes: Int) {
        self.low = SendablePointer(low)
        self.high = SendablePointer(high)
        self.nonzero = nonzero
        self.negative = negative
        self.rowBytes = rowBytes
    }

    /// Per row j of `b`: lane r of each compare is 0 or 1 (channel 8g + r above high, below low);
    /// the lanes narrow to bytes and one multiply gathers bit 0 of the eight bytes into one byte,
    /// bit r = channel 8g + r (as in `BitPacking`).
    @inline(__always)
    func tile(_ dots: (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>,
                       SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>), group: Int, j0: Int) {
        let lo = low.pointer[group], hi = high.pointer[group]
        let base = j0 &* rowBytes &+ group
        withUnsafeBytes(of: dots) { block in
            for j in 0..<8 {
                let d = block.load(fromByteOffset: j &* 64, as: SIMD8<Int64>.self)
                let plus = Self.gather(SIMD8<UInt64>().replacing(with: 1, where: d .> hi))
                let minus = Self.gather(SIMD8<UInt64>().replacing(with: 1, where: d .< lo))
                nonzero.pointer[base &+ j &* rowBytes] = plus | minus
                negative.pointer[base &+ j &* rowBytes] = minus
            }
        }
    }

    @inline(__always)
    func row(_ dots: SIMD8<UInt64>, group: Int, j: Int) {
        let d = SIMD8<Int64>(truncatingIfNeeded: dots), lo = low.pointer[group], hi = high.pointer[group]
        var plus: UInt8 = 0, minus: UInt8 = 0
        for lane in 0..<8 {
            if d[lane] > hi[lane] { plus |= 1 << UInt8(lane) }
            if d[lane] < lo[lane] { minus |= 1 << UInt8(lane) }
        }
        nonzero.pointer[j &* rowBytes &+ group] = plus | minus
        negative.pointer[j &* rowBytes &+ group] = minus
    }

    /// Bit r of the result = lane r of `bits` (each lane 0 or 1): the lanes narrow to bytes and
    /// x * 0x0102040810204080 moves bit 0 of byte r to bit 56 + r.
    @inline(__always)
    static func gather(_ bits: SIMD8<UInt64>) -> UInt8 {
        let bytes = unsafeBitCast(SIMD8<UInt8>(truncatingIfNeeded: bits), to: UInt64.self)
        return UInt8(truncatingIfNeeded: (bytes &* 0x0102_0408_1020_4080) &>> 56)
    }
}
