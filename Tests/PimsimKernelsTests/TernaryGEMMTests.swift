import PimsimKernels
import XCTest

final class TernaryGEMMTests: XCTestCase {
    func testHandComputedTernaryDotProducts() {
        // a row 0: [1, -1, 0, 1]; row 1: [0, 0, -1, -1]; b row 0: [1, 1, 1, -1]
        let a = PackedTernaryMatrix(values: [1, -1, 0, 1, 0, 0, -1, -1], rows: 2, columns: 4)
        let b = PackedTernaryMatrix(values: [1, 1, 1, -1], rows: 1, columns: 4)
        XCTAssertEqual(TernaryGEMM.multiply(a, b), [1 - 1 + 0 - 1, 0 + 0 - 1 + 1])
    }

    func testFloatGEMMHandComputed() {
        // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
        XCTAssertEqual(FloatGEMM.multiply([1, 2, 3, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2), [19, 22, 43, 50])
        XCTAssertEqual(FloatGEMM.multiply([1, 3, 2, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2, transposeA: true), [19, 22, 43, 50])
    }
}
