/// Single-precision matrix multiply on row-major matrices:
/// C (m x n) = op(A) (m x k) * op(B) (k x n), plus C if `accumulate`.
/// op(A) is A (m x k, leading dimension k) or, with `transposeA`, the transpose of a stored
/// k x m matrix; likewise for B.
///
/// Method (docs/performance.md): packed panels and a register-tiled micro-kernel sized for the
/// instruction set `KernelISA.active` selects (AVX-512, AVX2 + FMA, NEON or baseline); small
/// outputs with a long k and a transposed B (weight gradients) use vector dot products instead.
/// Problems of at least 10 MFLOP run on up to `threads` cores.
public enum FloatGEMM {
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
    ) {
        multiply(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                 accumulate: accumulate, threads: .max)
    }

    /// As above with at most `threads` worker threads (1 = the calling thread only; never more than
    /// the machine's active processors).
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false,
        threads: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "matrix sizes must be non-negative")
        guard m > 0 && n > 0 else { return }
        guard k > 0 else {
            if !accumulate { c.update(repeating: 0, count: m &* n) }
            return
        }
        KernelISA.kernels.floatMultiply(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                        accumulate: accumulate, threads: threads)
    }

    /// Array convenience: returns op(A) * op(B) as a new m x n array.
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matrix sizes do not match m, n, k")
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    multiply(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
                }
            }
        }
        return c
    }
}
