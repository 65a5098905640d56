import PimsimKernels
import XCTest

final class TernaryGEMMTests: XCTestCase {
    func testHandComputedTernaryDotProducts() {
        // a row 0: [1, -1, 0, 1]; row 1: [0, 0, -1, -1]; b row 0: [1, 1, 1, -1]
        let a = PackedTernaryMatrix(values: [1, -1, 0, 1, 0, 0, -1, -1], rows: 2, columns: 4)
        let b = PackedTernaryMatrix(values: [1, 1, 1, -1], rows: 1, columns: 4)
        XCTAssertEqual(TernaryGEMM.multiply(a, b), [1 - 1 + 0 - 1, 0 + 0 - 1 + 1])
    }
}
