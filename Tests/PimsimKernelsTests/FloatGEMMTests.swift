import PimsimKernels
import XCTest

final class FloatGEMMTests: XCTestCase {
    func testHandComputed() {
        // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
        XCTAssertEqual(FloatGEMM.multiply([1, 2, 3, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2), [19, 22, 43, 50])
        XCTAssertEqual(FloatGEMM.multiply([1, 3, 2, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2, transposeA: true), [19, 22, 43, 50])
        XCTAssertEqual(FloatGEMM.multiply([1, 2, 3, 4], [5, 7, 6, 8], m: 2, n: 2, k: 2, transposeB: true), [19, 22, 43, 50])
    }

    /// Odd shapes (edge tiles in every direction, two k blocks), all transposes, with and without
    /// accumulation, on one thread and on all cores, against a double-precision loop.
    func testRandomShapesMatchReferenceWithinRoundingBound() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 7)
            let shapes = [(1, 1, 1), (3, 5, 7), (8, 48, 16), (9, 49, 17), (17, 95, 300), (64, 100, 577),
                          (130, 97, 513), (7, 1000, 3), (9, 50, 1500)]
            for (m, n, k) in shapes {
                for transposeA in [false, true] {
                    for transposeB in [false, true] {
                        let a = random.floats(m * k), b = random.floats(k * n)
                        let exact = ExactProduct(a, b, m, n, k, transposeA, transposeB)
                        for threads in [1, 2] {
                            for accumulate in [false, true] {
                                let c0 = random.floats(m * n)
                                var c = c0
                                a.withUnsafeBufferPointer { ap in
                                    b.withUnsafeBufferPointer { bp in
                                        c.withUnsafeMutableBufferPointer { cp in
                                            FloatGEMM.multiply(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, m: m, n: n, k: k,
                                                               transposeA: transposeA, transposeB: transposeB,
                                                               accumulate: accumulate, threads: threads)
                                        }
                                    }
                                }
                                let label = "\(isa) m\(m) n\(n) k\(k) tA \(transposeA) tB \(transposeB) acc \(accumulate) threads \(threads)"
                                XCTAssertLessThanOrEqual(exact.worstErrorOverBound(c, plus: accumulate ? c0 : nil), 1,
                                                         "error exceeds the rounding bound for \(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Large enough (2*m*n*k >= 10 MFLOP) that the default call splits the work across cores:
    /// by rows, by columns, both with B read in place (at most 16 rows per worker), and a weight
    /// gradient (transposed B, small C, long k: vector dot products) split by blocks of B's rows.
    func testMultiThreadedSplitsMatchReference() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 11)
            for (m, n, k, transposeB) in [(200, 301, 97, false), (24, 2000, 150, false), (16, 3000, 120, false), (32, 100, 2000, false),
                                          (16, 145, 5003, true)] {
                let a = random.floats(m * k), b = random.floats(k * n)
                let exact = ExactProduct(a, b, m, n, k, false, transposeB)
                XCTAssertLessThanOrEqual(exact.worstErrorOverBound(FloatGEMM.multiply(a, b, m: m, n: n, k: k, transposeB: transposeB), plus: nil),
                                         1, "\(isa) m\(m) n\(n) k\(k) tB \(transposeB)")
            }
        }
    }

    func testZeroDepthClearsOrKeepsC() {
        var c: [Float] = [1, 2, 3, 4]
        let empty: [Float] = [0]
        c.withUnsafeMutableBufferPointer { cp in
            FloatGEMM.multiply(empty, empty, cp.baseAddress!, m: 2, n: 2, k: 0, accumulate: true)
        }
        XCTAssertEqual(c, [1, 2, 3, 4])
        c.withUnsafeMutableBufferPointer { cp in
            FloatGEMM.multiply(empty, empty, cp.baseAddress!, m: 2, n: 2, k: 0)
        }
        XCTAssertEqual(c, [0, 0, 0, 0])
    }
}

/// op(A) * op(B) in double precision, with sum_p |a_ip b_pj| for the rounding bound.
struct ExactProduct {
    let values: [Double], magnitudes: [Double], k: Int

    init(_ a: [Float], _ b: [Float], _ m: Int, _ n: Int, _ k: Int, _ transposeA: Bool, _ transposeB: Bool) {
        var values = [Double](repeating: 0, count: m * n), magnitudes = values
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let product = Double(transposeA ? a[p * m + i] : a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                    sum += product
                    magnitude += abs(product)
                }
                values[i * n + j] = sum
                magnitudes[i * n + j] = magnitude
            }
        }
        (self.values, self.magnitudes, self.k) = (values, magnitudes, k)
    }

    /// max over elements of |c - (exact + c0)| / (2 (k + 1) eps (sum |a b| + |c0|)): at most 1 for
    /// any summation order (the standard dot-product rounding bound, one more term for c0).
    func worstErrorOverBound(_ c: [Float], plus c0: [Float]?) -> Double {
        var worst = 0.0
        for index in values.indices {
            let start = Double(c0?[index] ?? 0)
            let bound = 2 * Double(k + 1) * Double(Float.ulpOfOne) * (magnitudes[index] + abs(start)) + 1e-30
            worst = max(worst, abs(Double(c[index]) - (values[index] + start)) / bound)
        }
        return worst
    }
}

/// Deterministic test data drawn from the library's SplitMix64 generator.
struct TestRandom {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { generator.nextSigned() }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
    /// Uniform in {-1, 0, +1}.
    mutating func ternary() -> Int8 { Int8(truncatingIfNeeded: Int(next() % 3) - 1) }
    /// Uniform in {-1, +1}.
    mutating func sign() -> Int8 { next() % 2 == 0 ? -1 : 1 }
}
