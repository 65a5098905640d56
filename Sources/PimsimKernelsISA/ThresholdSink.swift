import PimsimKernelBase

extension TernaryProduct {
    /// The fused layer: every dot thresholded per channel and stored as one bit per plane (see
    /// `KernelSet.ternaryThreshold`). The Int32 dots stay in registers: per 8 x 8 block of dots
    /// 16 bytes are stored instead of 256.
    static func threshold(_ a: TernaryOperand, _ b: TernaryOperand, low: UnsafePointer<Int64>, high: UnsafePointer<Int64>,
                          nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>,
                          resultWordsPerRow: Int, threads: Int) {
        let sink = ThresholdSink(low: UnsafeRawPointer(low).assumingMemoryBound(to: SIMD8<Int64>.self),
                                 high: UnsafeRawPointer(high).assumingMemoryBound(to: SIMD8<Int64>.self),
                                 nonzero: SendablePointer(UnsafeMutableRawPointer(nonzero).assumingMemoryBound(to: UInt8.self)),
                                 negative: SendablePointer(UnsafeMutableRawPointer(negative).assumingMemoryBound(to: UInt8.self)),
                                 rowBytes: resultWordsPerRow &* 8)
        if a.wordsPerRow == 0 {
            // No columns: every dot is 0.
            for j in 0..<b.rows {
                for group in 0..<(a.rows &+ 7) / 8 { sink.row(Dots(), group: group, j: j) }
            }
        } else {
            run(a, b, sink: sink, threads: threads)
        }
    }
}

/// Thresholds each dot and stores the result bits: channel i of row j is bit i % 64 of word i / 64
/// of row j in each plane, so row group g of `a` owns byte g of the row (little-endian words).
struct ThresholdSink: DotSink {
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
    func tile(_ dots: (Dots, Dots, Dots, Dots, Dots, Dots, Dots, Dots), group: Int, j0: Int) {
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
        let d = unsafeBitCast(dots, to: SIMD8<Int64>.self), lo = low.pointer[group], hi = high.pointer[group]
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
        let bytes = unsafeBitCast(lowBytes(bits), to: UInt64.self)
        return UInt8(truncatingIfNeeded: (bytes &* 0x0102_0408_1020_4080) &>> 56)
    }
}
