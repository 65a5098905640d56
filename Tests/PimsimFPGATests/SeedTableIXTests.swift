import PimsimCore
import PimsimFPGA
import XCTest

/// Seed 003 (He et al.), Table IX: AlexNet's last layer (4096 x 1000) on a Kintex-7 XC7K480T with
/// 100 floating-point MACs and 90 ternary MACs (docs/reference/seed-tables.md part B).
final class SeedTableIXTests: XCTestCase {
    /// The paper's setting: float activations (its ternary MAC is a floating-point adder) and no
    /// on-chip weight storage counted.
    func paperEstimator() throws -> FPGAEstimator {
        FPGAEstimator(model: try Fixtures.model(memory: .offChip, activations: .float32), layers: [try Fixtures.layer("alexnet", "fc8")])
    }

    func testTheLastLayerIs4096By1000() throws {
        let fc8 = try Fixtures.layer("alexnet", "fc8")
        XCTAssertEqual([fc8.connections, fc8.outputs, fc8.positions], [4096, 1000, 1])
    }

    func testFloatRowMatchesThePaperExactly() throws {
        let float = try paperEstimator().estimate(.float, parallelism: .macs(100))
        XCTAssertEqual(float.multipliers, 100)
        XCTAssertEqual(float.adders, 100)
        XCTAssertEqual(float.total.luts, Count<LUT6>(49_600))
        XCTAssertEqual(float.total.dsps, Count<DSPSlice>(200))
        XCTAssertTrue(float.fits)
    }

    func testTernaryRowMatchesThePaperExactly() throws {
        let ternary = try paperEstimator().estimate(.ternary, parallelism: .macs(90))
        XCTAssertEqual(ternary.multipliers, 0)
        XCTAssertEqual(ternary.adders, 90)
        XCTAssertEqual(ternary.total.luts, Count<LUT6>(23_490))
        XCTAssertEqual(ternary.total.dsps, Count<DSPSlice>(0))
        XCTAssertEqual(ternary.layers[0].datapath, .floatAddSubtract, "261 LUT per ternary MAC is Ehliar's floating-point adder")
    }

    func testAvailableColumnsAreSlicesAndDSP48E1() throws {
        let device = try Fixtures.device()
        XCTAssertEqual(device.slices, Count<Slice>(74_650), "the paper's 'LUT (slices) available'")
        XCTAssertEqual(device.dsps, Count<DSPSlice>(1_920))
        XCTAssertEqual(device.dspPrimitive, .dsp48e1)
        XCTAssertEqual(device.luts, Count<LUT6>(298_600), "the LUT6 the paper's LUT counts should be compared with")
        XCTAssertEqual(device.slices.lutCapacity(lutsPerSlice: device.lutsPerSlice), device.luts)
    }

    func testInThePapersOwnMixedUnitsNinetyFiveTernaryMACsWouldFitBesideTheFloatOnes() {
        // 74,650 "available" - 49,600 used by the float MACs = 25,050; 25,050 / 261 = 95.98.
        XCTAssertEqual((74_650 - 49_600) / 261, 95)
    }

    func testAutoOnTheTrueLUT6BudgetGives602FloatAnd1144TernaryMACs() throws {
        let estimator = try paperEstimator()
        XCTAssertEqual(estimator.largestFitting(.float), 298_600 / (235 + 261))
        XCTAssertEqual(estimator.largestFitting(.ternary), 298_600 / 261)
    }
}
