/// The kernels one instruction-set module provides (PimsimKernelsAVX512, PimsimKernelsAVX2,
/// PimsimKernelsPortable: the same sources compiled for different CPUs). PimsimKernels picks one
/// at run time for the CPU it runs on (`KernelISA`) and calls it through this interface; every
/// implementation computes the same results (ternary bit for bit, float within rounding).
package protocol KernelSet: Sendable {
    /// The instruction set the module was compiled for, e.g. "avx2".
    static var instructionSet: String { get }

    /// C (m x n) = op(A) op(B) (+ C when `accumulate`), row-major; m, n, k > 0 (see FloatGEMM).
    static func floatMultiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                              m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool, threads: Int)

    /// out[i * b.rows + j] = dot of row i of `a` and row j of `b` (exact), or out[j * a.rows + i]
    /// when `transposed`; a.wordsPerRow > 0.
    static func ternaryMultiply(_ a: TernaryOperand, _ b: TernaryOperand, into out: UnsafeMutablePointer<Int32>, transposed: Bool,
                                threads: Int)

    /// The fused threshold layer (see TernaryGEMM.multiplyAndTernarize): writes the packed
    /// b.rows x a.rows result, bit i of row j = channel i; low/high hold one Int64 per channel,
    /// padded to a multiple of 8 with (Int64.min, Int64.max).
    static func ternaryThreshold(_ a: TernaryOperand, _ b: TernaryOperand, low: UnsafePointer<Int64>, high: UnsafePointer<Int64>,
                                 nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>,
                                 resultWordsPerRow: Int, threads: Int)

    /// Packs one row of Int8 values into bit-plane words; false if a value is not -1, 0 or +1.
    static func packRow(_ source: UnsafePointer<Int8>, columns: Int,
                        nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) -> Bool

    /// Packs one row of floats: negative where x < low[c]; nonzero where x > high[c] or
    /// x < low[c], or everywhere when `binary`.
    static func packRow(_ source: UnsafePointer<Float>, columns: Int, low: UnsafePointer<Float>, high: UnsafePointer<Float>,
                        binary: Bool, nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>)

    /// ADC reads (PimsimFunctional): acc[p] += shift · actual.read(x[p]) for p < count; returns
    /// how many p have actual.read(x[p]) != reference.read(ideal[p]).
    static func readADC(_ x: UnsafePointer<Float>, ideal: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, shift: Float,
                        actual: ADCLevels, reference: ADCLevels, count: Int) -> Int

    /// Read-noise scales (PimsimFunctional): scale[p] = σ · sqrt(variance[p]) for p < count
    /// (variance >= 0); returns how many are not 0.
    static func noiseScales(_ variance: UnsafePointer<Float>, sigma: Float, into scale: UnsafeMutablePointer<Float>, count: Int) -> Int

    /// Noisy reads (PimsimFunctional): x[p] = sum[p] + scale[p] · z[k], where k counts the
    /// non-zero scales before p (`z` holds one sample per non-zero scale, `drawn` of them, plus
    /// one more entry, 0). `x` and `scale` may be the same buffer.
    static func addNoise(_ sum: UnsafePointer<Float>, scale: UnsafePointer<Float>, samples z: UnsafePointer<Float>, drawn: Int,
                         into x: UnsafeMutablePointer<Float>, count: Int)
}

/// A read-only view of a packed ternary matrix's bit-planes (PackedTernaryMatrix's layout: per
/// row `wordsPerRow` words per plane, column c at bit c % 64 of word c / 64, zero padding bits).
package struct TernaryOperand: @unchecked Sendable {
    package let nonzero: UnsafePointer<UInt64>
    package let negative: UnsafePointer<UInt64>
    package let rows: Int, columns: Int, wordsPerRow: Int
    /// Every value is -1 or +1 (then only the sign planes are read).
    package let isBinary: Bool

    package init(nonzero: UnsafePointer<UInt64>, negative: UnsafePointer<UInt64>, rows: Int, columns: Int, wordsPerRow: Int,
                 isBinary: Bool) {
        self.nonzero = nonzero
        self.negative = negative
        self.rows = rows
        self.columns = columns
        self.wordsPerRow = wordsPerRow
        self.isBinary = isBinary
    }
}
