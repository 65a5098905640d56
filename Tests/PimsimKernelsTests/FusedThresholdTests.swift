import PimsimKernels
import XCTest

/// `TernaryGEMM.multiplyAndTernarize` / `multiplyAndBinarize` against the unfused product
/// (`TernaryGEMM.multiply`, itself checked against an integer loop) followed by the threshold rule.
final class FusedThresholdTests: XCTestCase {
    /// a = [[1, -1, 1], [1, 1, 1]], b = [[1, 1, 1], [-1, 1, 0]]: dots (row of a, row of b)
    /// (0,0) = 1, (0,1) = -2, (1,0) = 3, (1,1) = 0. Channel 0: low -1, high 0; channel 1: low 1, high 2.
    func testHandComputedThresholds() {
        let a = PackedTernaryMatrix(values: [1, -1, 1, 1, 1, 1], rows: 2, columns: 3)
        let b = PackedTernaryMatrix(values: [1, 1, 1, -1, 1, 0], rows: 2, columns: 3)
        let ternary = TernaryGEMM.multiplyAndTernarize(a, b, low: [-1, 1], high: [0, 2])
        // Row j of the result = position j: [ch0, ch1] = [1 > 0, 3 > 2] and [-2 < -1, 0 < 1].
        XCTAssertEqual(ternary.values(), [1, 1, -1, -1])
        XCTAssertEqual(ternary.rows, 2)
        XCTAssertEqual(ternary.columns, 2)
        // Sign with thresholds [1, 4]: 1 >= 1, 3 < 4; -2 < 1, 0 < 4.
        let binary = TernaryGEMM.multiplyAndBinarize(a, b, threshold: [1, 4])
        XCTAssertEqual(binary.values(), [1, -1, -1, -1])
        XCTAssertTrue(binary.isBinary)
    }

    /// Odd sizes (channels not multiples of 8 or 64, positions not multiples of 8, columns not
    /// multiples of 64), more than 64 channels (several words per result row), a product split by
    /// rows of `b` and one split by channel groups, ternary and binary operands, one and two threads.
    func testFusedMatchesUnfusedProductAndThreshold() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 11)
            let shapes = [(1, 1, 1), (3, 5, 63), (8, 8, 64), (9, 13, 65), (70, 31, 200), (64, 201, 576), (130, 1100, 700),
                          (300, 20, 9000)]
            for (aRows, bRows, columns) in shapes {
                for binaryOperands in [false, true] {
                    let a = (0..<aRows * columns).map { _ in binaryOperands ? random.sign() : random.ternary() }
                    let b = (0..<bRows * columns).map { _ in binaryOperands ? random.sign() : random.ternary() }
                    let packedA = PackedTernaryMatrix(values: a, rows: aRows, columns: columns)
                    let packedB = PackedTernaryMatrix(values: b, rows: bRows, columns: columns)
                    let dots = TernaryGEMM.multiply(packedA, packedB, threads: 1)
                    // Thresholds around the spread of the dots (about sqrt(columns)), gaps 0 to 2 * spread,
                    // and low = high + 1 (binary) for some channels.
                    let spread = Int32(Double(columns).squareRoot()) + 1
                    let low = (0..<aRows).map { _ in Int32(random.next() % UInt64(2 * spread)) - spread }
                    let high = low.map { $0 + Int32(random.next() % UInt64(2 * spread + 1)) - 1 }
                    let signThreshold = (0..<aRows).map { _ in Int32(random.next() % UInt64(2 * spread)) - spread }
                    var ternaryExpected = [Int8](repeating: 0, count: aRows * bRows)
                    var binaryExpected = [Int8](repeating: 0, count: aRows * bRows)
                    for i in 0..<aRows {
                        for j in 0..<bRows {
                            let dot = dots[i * bRows + j]
                            ternaryExpected[j * aRows + i] = dot > high[i] ? 1 : (dot < low[i] ? -1 : 0)
                            binaryExpected[j * aRows + i] = dot < signThreshold[i] ? -1 : 1
                        }
                    }
                    let label = "\(isa) a \(aRows)x\(columns), b \(bRows)x\(columns), binary operands \(binaryOperands)"
                    for threads in [1, 2] {
                        let ternary = TernaryGEMM.multiplyAndTernarize(packedA, packedB, low: low, high: high, threads: threads)
                        XCTAssertEqual(ternary, PackedTernaryMatrix(values: ternaryExpected, rows: bRows, columns: aRows),
                                       "\(label), threads \(threads)")
                        let binary = TernaryGEMM.multiplyAndBinarize(packedA, packedB, threshold: signThreshold, threads: threads)
                        XCTAssertEqual(binary, PackedTernaryMatrix(values: binaryExpected, rows: bRows, columns: aRows),
                                       "\(label), threads \(threads)")
                        // The in-place forms overwrite every value of a result that held all +1.
                        let ones = [Int8](repeating: 1, count: aRows * bRows)
                        var reused = PackedTernaryMatrix(values: ones, rows: bRows, columns: aRows)
                        TernaryGEMM.multiplyAndTernarize(packedA, packedB, low: low, high: high, into: &reused, threads: threads)
                        XCTAssertEqual(reused, ternary, "\(label), threads \(threads), in place")
                        reused = PackedTernaryMatrix(values: ones, rows: bRows, columns: aRows)
                        TernaryGEMM.multiplyAndBinarize(packedA, packedB, threshold: signThreshold, into: &reused, threads: threads)
                        XCTAssertEqual(reused, binary, "\(label), threads \(threads), in place")
                    }
                }
            }
        }
    }

    /// With no columns every dot is 0: +1 where high < 0, -1 where low > 0.
    func testZeroColumns() {
        let a = PackedTernaryMatrix(rows: 3, columns: 0), b = PackedTernaryMatrix(rows: 2, columns: 0)
        let result = TernaryGEMM.multiplyAndTernarize(a, b, low: [-1, 1, 0], high: [-1, 2, 0])
        XCTAssertEqual(result.values(), [1, -1, 0, 1, -1, 0])
    }
}
