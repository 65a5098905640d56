import PimsimKernels
import XCTest

/// Runs `body` once with each kernel instruction set this CPU supports selected (AVX-512, AVX2
/// and baseline on an AVX-512 x86-64 machine; NEON on arm64), then restores the default. The
/// kernel tests run their reference checks through it, so every compiled path is checked:
/// ternary results bit for bit, float results within the rounding bound.
func forEachKernelISA(_ body: (KernelISA) throws -> Void) rethrows {
    let initial = KernelISA.active
    defer { KernelISA.select(initial) }
    for isa in KernelISA.supported {
        XCTAssertTrue(KernelISA.select(isa))
        XCTAssertEqual(KernelISA.active, isa)
        try body(isa)
    }
}

final class KernelISATests: XCTestCase {
    func testSupportedSetsAreCompiledAndTheDefaultIsTheBest() {
        let compiled = KernelISA.compiled, supported = KernelISA.supported
        XCTAssertFalse(supported.isEmpty)
        XCTAssertTrue(supported.allSatisfy(compiled.contains), "\(supported) not all in \(compiled)")
        // Best first, in the order of the enum (avx512, avx2, baseline, neon).
        XCTAssertEqual(supported, supported.sorted { KernelISA.allCases.firstIndex(of: $0)! < KernelISA.allCases.firstIndex(of: $1)! })
        XCTAssertEqual(KernelISA.active, supported[0])
        #if arch(x86_64)
        XCTAssertTrue(supported.contains(.baseline), "baseline x86-64 runs everywhere")
        XCTAssertFalse(KernelISA.select(.neon), "NEON cannot be selected on x86-64")
        #elseif arch(arm64)
        XCTAssertEqual(supported, [.neon])
        #endif
        XCTAssertEqual(KernelISA.active, supported[0], "a refused selection changes nothing")
    }

    /// The same float product on every path: each within the rounding bound of the exact
    /// result, so any two paths agree to within twice that bound.
    func testFloatPathsAgree() {
        var random = TestRandom(seed: 23)
        let (m, n, k) = (37, 101, 600)
        let a = random.floats(m * k), b = random.floats(k * n)
        for transposeB in [false, true] {
            let exact = ExactProduct(a, b, m, n, k, false, transposeB)
            var results: [KernelISA: [Float]] = [:]
            forEachKernelISA { isa in
                results[isa] = FloatGEMM.multiply(a, b, m: m, n: n, k: k, transposeB: transposeB)
                XCTAssertLessThanOrEqual(exact.worstErrorOverBound(results[isa]!, plus: nil), 1, "\(isa), transposeB \(transposeB)")
            }
            XCTAssertEqual(results.count, KernelISA.supported.count)
        }
    }

    /// Ternary products, fused thresholds and packing give identical bits on every path.
    func testTernaryPathsAreBitIdentical() {
        var random = TestRandom(seed: 29)
        let (aRows, bRows, columns) = (70, 300, 1153)
        let a = (0..<aRows * columns).map { _ in random.ternary() }
        let activations = random.floats(bRows * columns)
        let low = (0..<aRows).map { Int32($0 % 9) - 20 }, high = low.map { $0 + 30 }
        var products: [[Int32]] = [], fused: [PackedTernaryMatrix] = [], packed: [PackedTernaryMatrix] = []
        forEachKernelISA { _ in
            let packedA = PackedTernaryMatrix(values: a, rows: aRows, columns: columns)
            let packedB = PackedTernaryMatrix(values: activations, rows: bRows, columns: columns, low: -0.3, high: 0.3)
            packed.append(packedB)
            products.append(TernaryGEMM.multiply(packedA, packedB))
            fused.append(TernaryGEMM.multiplyAndTernarize(packedA, packedB, low: low, high: high))
        }
        XCTAssertEqual(Set(products).count, 1)
        XCTAssertEqual(Set(fused.map(\.nonzero)).count, 1)
        XCTAssertEqual(Set(fused.map(\.negative)).count, 1)
        XCTAssertEqual(Set(packed.map(\.nonzero)).count, 1)
        XCTAssertEqual(Set(packed.map(\.negative)).count, 1)
    }
}
