/// Single-precision matrix multiply on row-major matrices:
/// C (m x n) = op(A) (m x k) * op(B) (k x n), plus C if `accumulate`.
/// op(A) is A (m x k, leading dimension k) or, with `transposeA`, the transpose of a stored
/// k x m matrix; likewise for B.
public enum FloatGEMM {
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
    ) {
        // Reference implementation; the optimised kernel replaces the body, not the contract.
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = accumulate ? c[i &* n &+ j] : 0
                for p in 0..<k {
                    let av = transposeA ? a[p &* m &+ i] : a[i &* k &+ p]
                    let bv = transposeB ? b[j &* k &+ p] : b[p &* n &+ j]
                    sum += av * bv
                }
                c[i &* n &+ j] = sum
            }
        }
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
