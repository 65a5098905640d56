import PimsimCore
import PimsimFPGA
import XCTest

final class OperatorLibraryTests: XCTestCase {
    func testShippedLibraryHasEhliarsOperatorsAndASourceForEveryNumber() throws {
        let lib = try Fixtures.library()
        XCTAssertEqual(lib.fpAdder.luts, Count(261))
        XCTAssertEqual(lib.fpMultiplier.luts, Count(235))
        XCTAssertEqual(lib.fpMultiplier.dsps, Count(2))
        XCTAssertEqual(lib.weightBits, [.float: 32, .ternary: 2, .binary: 1])
        XCTAssertEqual(lib.bram18Shapes.map { $0.depth * $0.width }, [16384, 16384, 16384, 18432, 18432, 18432])
        XCTAssertGreaterThanOrEqual(lib.sources.count, 20)
        XCTAssertFalse(lib.sources.values.contains { $0.allSatisfy(\.isWhitespace) })
    }

    func testWrongUnitInTheLibraryIsRejected() throws {
        let path = try ResourceLocator.locate("hwconfigs/fpga/operators.json")
        let text = try TextFile.read(path).replacingOccurrences(of: "\"value\": 2, \"unit\": \"DSP48E1\"", with: "\"value\": 2, \"unit\": \"DSP48E2\"")
        XCTAssertThrowsError(try OperatorLibrary(json: text, file: "ops.json")) { error in
            XCTAssertEqual("\(error)", "ops.json: $.fp32_multiplier.dsps.unit: expected the unit \"DSP48E1\", found the string \"DSP48E2\"")
        }
    }

    func testMACSpecParsing() throws {
        let paper = try MACSpec(parsing: "float=100,ternary=90")
        XCTAssertEqual(paper.types, [.float, .ternary])
        XCTAssertEqual(paper.count(for: .ternary), 90)
        XCTAssertNil(paper.count(for: .binary))
        XCTAssertEqual(try MACSpec(parsing: "64").types, WeightType.allCases)
        XCTAssertThrowsError(try MACSpec(parsing: "float=0"))
        XCTAssertThrowsError(try MACSpec(parsing: "quaternary=3")) { XCTAssertTrue("\($0)".hasPrefix("--macs: expected a weight type")) }
        XCTAssertThrowsError(try MACSpec(parsing: "float=1,float=2"))
    }
}
