import Foundation
import PimsimKernels

/// Independent, reproducible random streams for the Monte Carlo trials.
///
/// Every stream is a `SeededGenerator` (SplitMix64) whose seed is derived from the user's seed
/// and the stream's coordinates (trial, purpose, index) by the SplitMix64 finaliser, so each
/// layer's devices, each layer's comparators and each image's read noise draw from their own
/// stream: results do not depend on the number of threads, the chunking of images, or which
/// other images are evaluated.
enum RandomStreams {
    enum Purpose: UInt64 { case cells = 1, comparators = 2, readNoise = 3 }

    /// The seed of stream (`purpose`, `index`, `sub`) of trial `trial`.
    static func seed(_ seed: UInt64, trial: Int, _ purpose: Purpose, _ index: Int, _ sub: Int = 0) -> UInt64 {
        var h = mix(seed)
        for part in [UInt64(trial), purpose.rawValue, UInt64(index), UInt64(sub)] { h = mix(h ^ mix(part &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// The SplitMix64 output function (Steele, Lea and Flood, OOPSLA 2014).
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Standard normal samples by the ziggurat method of Marsaglia and Tsang ("The Ziggurat Method
/// for Generating Random Variables", J. Statistical Software 5(8), 2000), 128 layers, with the
/// layer index and the sample taken from separate bits (Doornik, "An Improved Ziggurat Method to
/// Generate Normal Random Samples", 2005, on the correlation of the original). Each half of a
/// 64-bit draw makes one sample: 7 bits choose the layer, 24 bits give the signed abscissa.
/// Exact in distribution up to the 24-bit abscissa; about 99 % of samples cost half a draw, a
/// compare and a multiply. Sendable: its tables are immutable after `init`.
public struct NormalSampler: @unchecked Sendable {
    /// The base strip's right edge r and the common area v of the 128 strips (Marsaglia and
    /// Tsang 2000, RNOR: the published constants of the 128-layer normal ziggurat).
    private static let edge = 3.442619855899
    private static let area = 9.91256303526217e-3
    private static let scale = 0x1p23  // the abscissa is a signed 24-bit integer

    /// The tables are computed once per process.
    public static let shared = NormalSampler()

    /// The strips' tables (allocated once for the process and never freed, so copies of the
    /// sampler cost no reference counting in the hot loops).
    private let kn: UnsafePointer<Int32>, wn: UnsafePointer<Float>, fn: UnsafePointer<Double>, wd: UnsafePointer<Double>

    private init() {
        var kn = [Int32](repeating: 0, count: 128), wn = [Double](repeating: 0, count: 128), fn = [Double](repeating: 0, count: 128)
        var dn = Self.edge, tn = dn
        let q = Self.area / exp(-0.5 * dn * dn)
        kn[0] = Int32((dn / q) * Self.scale)
        kn[1] = 0
        wn[0] = q / Self.scale
        wn[127] = dn / Self.scale
        fn[0] = 1
        fn[127] = exp(-0.5 * dn * dn)
        for i in stride(from: 126, through: 1, by: -1) {
            dn = (-2 * log(Self.area / dn + exp(-0.5 * dn * dn))).squareRoot()
            kn[i + 1] = Int32((dn / tn) * Self.scale)
            tn = dn
            fn[i] = exp(-0.5 * dn * dn)
            wn[i] = dn / Self.scale
        }
        func keep<T>(_ values: [T]) -> UnsafePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
            p.initialize(from: values, count: values.count)
            return UnsafePointer(p)
        }
        self.kn = keep(kn); self.wn = keep(wn.map { Float($0) }); self.fn = keep(fn); self.wd = keep(wn)
    }

    /// The sample the 32 bits `u` give (7 bits layer, 24 bits signed abscissa), drawing more from
    /// `g` only on the slow path.
    @inline(__always)
    func sample(_ u: UInt32, _ g: inout SeededGenerator) -> Float {
        let hz = Int32(bitPattern: u) >> 8, iz = Int(u & 127)
        if hz.magnitude < UInt32(kn[iz]) { return Float(hz) * wn[iz] }
        return Float(tail(hz, iz, &g))
    }

    /// The fast path for word `u`: the sample and whether it is valid (else `sample` must be
    /// called for the slow path).
    @inline(__always)
    func fastSample(_ u: UInt32) -> (Float, Bool) {
        let hz = Int32(bitPattern: u) >> 8, iz = Int(u & 127)
        return (Float(hz) * wn[iz], hz.magnitude < UInt32(kn[iz]))
    }

    /// The slow path: the wedges and the base strip's tail.
    private func tail(_ hz0: Int32, _ iz0: Int, _ g: inout SeededGenerator) -> Double {
        var hz = hz0, iz = iz0
        while true {
            let x = Double(hz) * wd[iz]
            if iz == 0 {
                var tailX = 0.0, y = 0.0
                repeat {
                    tailX = -log(unit(&g)) / Self.edge
                    y = -log(unit(&g))
                } while y + y < tailX * tailX
                return hz > 0 ? Self.edge + tailX : -Self.edge - tailX
            }
            if fn[iz] + unit(&g) * (fn[iz - 1] - fn[iz]) < exp(-0.5 * x * x) { return x }
            let u = UInt32(truncatingIfNeeded: g.next())
            hz = Int32(bitPattern: u) >> 8; iz = Int(u & 127)
            if hz.magnitude < UInt32(kn[iz]) { return Double(hz) * wd[iz] }
        }
    }

    /// Uniform in (0, 1).
    @inline(__always)
    private func unit(_ g: inout SeededGenerator) -> Double { (Double(g.next() >> 11) + 0.5) * 0x1p-53 }
}

/// A reproducible stream of standard normal samples (and uniform draws) from one seed: two
/// samples per 64-bit draw of its `SeededGenerator`, the second kept for the next call.
public struct NormalStream: Sendable {
    public var generator: SeededGenerator
    private var pending: Float = 0
    private var hasPending = false

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// The next standard normal sample.
    @inline(__always)
    public mutating func next() -> Float {
        if hasPending {
            hasPending = false
            return pending
        }
        let bits = generator.next(), sampler = NormalSampler.shared
        let first = sampler.sample(UInt32(truncatingIfNeeded: bits), &generator)
        pending = sampler.sample(UInt32(truncatingIfNeeded: bits >> 32), &generator)
        hasPending = true
        return first
    }

    /// Fills `out` with the next `out.count` samples, in blocks: the block's 32-bit words are
    /// drawn first, the ziggurat's fast path runs over all of them without branches, and the
    /// rare slow samples are redone in order after it (so the values differ from `next`'s, but
    /// are as deterministic).
    public mutating func fill(_ out: UnsafeMutableBufferPointer<Float>) {
        guard var p = out.baseAddress else { return }
        let end = p + out.count
        takePending(&p, end: end)
        let sampler = NormalSampler.shared
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.block) { words in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.block) { slow in
                while p < end {
                    let n = min(Self.block, end - p)
                    for i in stride(from: 0, to: n, by: 2) {
                        let bits = generator.next()
                        words[i] = UInt32(truncatingIfNeeded: bits)
                        if i + 1 < n { words[i + 1] = UInt32(truncatingIfNeeded: bits >> 32) }
                    }
                    var slowCount = 0
                    for i in 0..<n {
                        let (value, fast) = sampler.fastSample(words[i])
                        p[i] = value
                        slow[slowCount] = Int32(i)
                        slowCount &+= fast ? 0 : 1
                    }
                    for k in 0..<slowCount {
                        let i = Int(slow[k])
                        p[i] = sampler.sample(words[i], &generator)
                    }
                    p += n
                }
            }
        }
    }

    /// Fills `out` with the samples `out.count` calls of `fill`, each for one sample, would give:
    /// one draw per sample, its upper half unused.
    public mutating func fillSingly(_ out: UnsafeMutableBufferPointer<Float>) {
        guard var p = out.baseAddress else { return }
        let end = p + out.count
        takePending(&p, end: end)
        let sampler = NormalSampler.shared
        while p < end {
            p.pointee = sampler.sample(UInt32(truncatingIfNeeded: generator.next()), &generator)
            p += 1
        }
    }

    /// Writes the pending sample (the second of `next`'s last draw), if any, at `p` and moves `p`
    /// past it (when p < end).
    private mutating func takePending(_ p: inout UnsafeMutablePointer<Float>, end: UnsafeMutablePointer<Float>) {
        guard hasPending, p < end else { return }
        p.pointee = pending
        hasPending = false
        p += 1
    }

    /// Samples per block of `fill`.
    static let block = 256

    /// Uniform in [0, 1) with 53 bits (a fresh draw; a pending normal sample stays pending).
    @inline(__always)
    public mutating func nextUnit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
}
