import PimsimKernels
import XCTest

final class TernaryGEMMTests: XCTestCase {
    func testHandComputedTernaryDotProducts() {
        // a row 0: [1, -1, 0, 1]; row 1: [0, 0, -1, -1]; b row 0: [1, 1, 1, -1]
        let a = PackedTernaryMatrix(values: [1, -1, 0, 1, 0, 0, -1, -1], rows: 2, columns: 4)
        let b = PackedTernaryMatrix(values: [1, 1, 1, -1], rows: 1, columns: 4)
        XCTAssertEqual(TernaryGEMM.multiply(a, b), [1 - 1 + 0 - 1, 0 + 0 - 1 + 1])
    }

    /// Rows not multiples of 8 (row groups of `a`) or 4 (tiles of `b`), columns not multiples of
    /// 64 (padding bits), on one thread and on all cores, against a plain integer loop; also the
    /// position-major (transposed) output.
    func testRandomTernaryProductsAreExact() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 3)
            let shapes = [(1, 1, 1), (3, 5, 63), (8, 4, 64), (9, 7, 65), (13, 30, 200), (64, 201, 576), (17, 3, 1000),
                          (130, 1100, 700)]
            for (aRows, bRows, columns) in shapes {
                let a = (0..<aRows * columns).map { _ in random.ternary() }
                let b = (0..<bRows * columns).map { _ in random.ternary() }
                let expected = referenceProduct(a, b, aRows, bRows, columns)
                let packedA = PackedTernaryMatrix(values: a, rows: aRows, columns: columns)
                let packedB = PackedTernaryMatrix(values: b, rows: bRows, columns: columns)
                var transposed = [Int32](repeating: 0, count: aRows * bRows)
                for i in 0..<aRows { for j in 0..<bRows { transposed[j * aRows + i] = expected[i * bRows + j] } }
                for threads in [1, 2] {
                    XCTAssertEqual(TernaryGEMM.multiply(packedA, packedB, threads: threads), expected,
                                   "\(isa) a \(aRows)x\(columns), b \(bRows)x\(columns), threads \(threads)")
                    var out = [Int32](repeating: -7, count: aRows * bRows)
                    out.withUnsafeMutableBufferPointer { TernaryGEMM.multiply(packedA, packedB, intoTransposed: $0.baseAddress!, threads: threads) }
                    XCTAssertEqual(out, transposed, "\(isa) position-major, a \(aRows)x\(columns), b \(bRows)x\(columns), threads \(threads)")
                }
            }
        }
    }

    /// Binary {-1, +1} operands (XNOR-Net) use the same planes with every nonzero bit set.
    func testRandomBinaryProductsAreExact() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 5)
            for (aRows, bRows, columns) in [(5, 9, 77), (16, 33, 128), (70, 300, 1153), (64, 1000, 1000)] {
                let aFloats = random.floats(aRows * columns), bFloats = random.floats(bRows * columns)
                let a = aFloats.map { $0 < 0 ? Int8(-1) : 1 }, b = bFloats.map { $0 < 0 ? Int8(-1) : 1 }
                let packedA = PackedTernaryMatrix(signsOf: aFloats, rows: aRows, columns: columns)
                let packedB = PackedTernaryMatrix(signsOf: bFloats, rows: bRows, columns: columns)
                XCTAssertEqual(packedA, PackedTernaryMatrix(values: a, rows: aRows, columns: columns))
                XCTAssertTrue(packedA.isBinary && packedB.isBinary)
                XCTAssertEqual(TernaryGEMM.multiply(packedA, packedB), referenceProduct(a, b, aRows, bRows, columns),
                               "\(isa) a \(aRows)x\(columns), b \(bRows)x\(columns)")
            }
        }
    }

    /// A binary operand times a ternary one takes the ternary path and stays exact.
    func testMixedBinaryAndTernaryProductsAreExact() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 17)
            let (aRows, bRows, columns) = (11, 21, 130)
            let a = (0..<aRows * columns).map { _ in random.next() % 2 == 0 ? Int8(1) : -1 }
            let b = (0..<bRows * columns).map { _ in random.ternary() }
            let packedA = PackedTernaryMatrix(values: a, rows: aRows, columns: columns)
            let packedB = PackedTernaryMatrix(values: b, rows: bRows, columns: columns)
            XCTAssertTrue(packedA.isBinary)
            XCTAssertFalse(packedB.isBinary)
            XCTAssertEqual(TernaryGEMM.multiply(packedA, packedB), referenceProduct(a, b, aRows, bRows, columns), "\(isa)")
            XCTAssertEqual(TernaryGEMM.multiply(packedB, packedA), referenceProduct(b, a, bRows, aRows, columns), "\(isa)")
        }
    }

    func testIsBinaryLooksAtEveryValue() {
        var values = [Int8](repeating: 1, count: 3 * 70)
        XCTAssertTrue(PackedTernaryMatrix(values: values, rows: 3, columns: 70).isBinary)
        values[2 * 70 + 69] = 0  // last value of the last row, in the partial last word
        XCTAssertFalse(PackedTernaryMatrix(values: values, rows: 3, columns: 70).isBinary)
    }

    func testBinaryDotProductOfEqualRowsIsTheLength() {
        let values = [Float](repeating: -0.5, count: 3 * 100)
        let packed = PackedTernaryMatrix(signsOf: values, rows: 3, columns: 100)
        XCTAssertEqual(TernaryGEMM.multiply(packed, packed), [Int32](repeating: 100, count: 9))
    }

    func testInt8PackingRoundTripsAndPaddingIsZero() {
        forEachKernelISA { isa in
            var random = TestRandom(seed: 9)
            for (rows, columns) in [(1, 1), (3, 63), (5, 64), (7, 65), (4, 130), (600, 700)] {
                let values = (0..<rows * columns).map { _ in random.ternary() }
                let packed = PackedTernaryMatrix(values: values, rows: rows, columns: columns)
                XCTAssertEqual(packed.values(), values, "\(isa) \(rows)x\(columns)")
                XCTAssertEqual(packed.wordsPerRow, (columns + 63) / 64)
                let usedBits = columns % 64
                if usedBits != 0 {
                    let padding = ~UInt64(0) << UInt64(usedBits)
                    for row in 0..<rows {
                        let last = row * packed.wordsPerRow + packed.wordsPerRow - 1
                        XCTAssertEqual(packed.nonzero[last] & padding, 0)
                        XCTAssertEqual(packed.negative[last] & padding, 0)
                    }
                }
            }
        }
    }

    func testHandPackedBitLayout() {
        // Column c goes to bit c % 64 of word c / 64; -1 sets both planes.
        let packed = PackedTernaryMatrix(values: [1, 0, -1, 0, 0, 0, 0, 1], rows: 1, columns: 8)
        XCTAssertEqual(packed.nonzero, [0b1000_0101])
        XCTAssertEqual(packed.negative, [0b0000_0100])
    }

    /// +1 where x > high, -1 where x < low, 0 in between and at the thresholds.
    func testFloatThresholdPackingMatchesTheRule() {
        forEachKernelISA { isa in
            let hand = PackedTernaryMatrix(values: [-2, -0.5, 0, 0.5, 0.6, 3, .nan], rows: 1, columns: 7, low: -0.5, high: 0.5)
            XCTAssertEqual(hand.values(), [-1, 0, 0, 0, 1, 1, 0], "\(isa)")
            var random = TestRandom(seed: 13)
            for (rows, columns) in [(2, 17), (9, 64), (33, 150), (700, 520)] {
                let x = random.floats(rows * columns)
                let low = random.floats(columns).map { -abs($0) }, high = random.floats(columns).map { abs($0) }
                let packed = x.withUnsafeBufferPointer {
                    PackedTernaryMatrix(values: $0.baseAddress!, rows: rows, columns: columns, lowPerColumn: low, highPerColumn: high)
                }
                let expected = x.indices.map { i -> Int8 in
                    let c = i % columns
                    return x[i] > high[c] ? 1 : (x[i] < low[c] ? -1 : 0)
                }
                XCTAssertEqual(packed, PackedTernaryMatrix(values: expected, rows: rows, columns: columns), "\(isa) \(rows)x\(columns)")
            }
        }
    }

    func testZeroColumnsGiveZeroProducts() {
        let a = PackedTernaryMatrix(rows: 3, columns: 0), b = PackedTernaryMatrix(rows: 2, columns: 0)
        XCTAssertEqual(TernaryGEMM.multiply(a, b), [0, 0, 0, 0, 0, 0])
    }

    private func referenceProduct(_ a: [Int8], _ b: [Int8], _ aRows: Int, _ bRows: Int, _ columns: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: aRows * bRows)
        for i in 0..<aRows {
            for j in 0..<bRows {
                var dot: Int32 = 0
                for c in 0..<columns { dot += Int32(a[i * columns + c]) * Int32(b[j * columns + c]) }
                out[i * bRows + j] = dot
            }
        }
        return out
    }
}
