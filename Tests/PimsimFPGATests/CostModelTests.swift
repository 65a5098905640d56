import PimsimCore
import PimsimFPGA
import XCTest

/// Hand-computed small layers, one per datapath (formulas in docs/fpga.md).
final class CostModelTests: XCTestCase {
    /// MH = 4 outputs, MW = 9 connections, one position, followed by a quantizing activation.
    func smallLayer(_ input: Precision) -> LayerWorkload {
        LayerWorkload(name: "small", outputs: 4, connections: 9, positions: 1, inputPrecision: input, thresholded: true)
    }

    func testAccumulatorWidths() {
        XCTAssertEqual(Datapath.accumulatorBits(connections: 4096, maxProduct: 1), 14)
        XCTAssertEqual(Datapath.accumulatorBits(connections: 27, maxProduct: 128), 13, "3x3x3 int8 inputs: |sum| <= 3456")
        XCTAssertEqual(Datapath.accumulatorBits(connections: 9, maxProduct: 1), 5)
    }

    func testAdderTreeWidthsGrowWithTheLeavesTheySum() {
        let tree = AdderTree(lanes: 5, productMagnitude: 1, accumulatorBits: 6)
        XCTAssertEqual(tree.widths, [3, 3, 4, 4, 6])
        XCTAssertEqual(tree.adders, 5, "one adder per lane: 4 in the tree, 1 accumulator")
        XCTAssertEqual(tree.carrySlices(carryBitsPerSlice: 4), 6)
        XCTAssertEqual(AdderTree(lanes: 1, productMagnitude: 1, accumulatorBits: 14).widths, [14])
    }

    func testTernaryOnTernaryActivations() throws {
        // N = 8: P = 4 PEs x SIMD 2. Per PE a 3-bit tree adder and a 5-bit accumulator (8 LUT6,
        // 1 + 2 carry slices); 2 comparators of 5 bits per PE; thresholds 8 x 5 x ceil(1/64) LUTRAM.
        let e = try Fixtures.model(memory: .bram).estimate(smallLayer(.ternary), weights: .ternary, macUnits: 8)
        XCTAssertEqual([e.pe, e.simd, e.accumulatorBits, e.adders, e.comparators, e.multipliers], [4, 2, 5, 8, 8, 0])
        XCTAssertEqual(e.resources.logicLUTs, Count(4 * 8 + 8 * 5))
        XCTAssertEqual(e.resources.lutramLUTs, Count(8 * 5))
        XCTAssertEqual(e.resources.ffs, Count(4 * 8 + 8))
        XCTAssertEqual(e.resources.carrySlices, Count(4 * 3 + 8 * 2))
        XCTAssertEqual(e.resources.bram18, Count(1), "16 bits x 5 words fit one RAMB18")
        XCTAssertEqual(e.cycles, 1 * 1 * 5, "ceil(4/4) x ceil(9/2)")
    }

    func testBinaryMatchesFINNsMVAUFormula() throws {
        // FINN with P = 4, Q = 2, W = A = 1: 300 + 1.1 * 4 * (mult 4 + tree 6 + acc 5 + thresholds 5 + comparators 5) = 410.
        let e = try Fixtures.model().estimate(smallLayer(.ternary), weights: .binary, macUnits: 8)
        XCTAssertEqual(e.datapath, .finnMVAU(weightBits: 1, activationBits: 1))
        XCTAssertEqual(e.xnorLanes, 8)
        XCTAssertEqual(e.resources.luts, Count(410))
        XCTAssertEqual(e.resources.logicLUTs, Count(388))
        XCTAssertEqual(e.resources.lutramLUTs, Count(22))
        XCTAssertEqual(e.comparators, 4)
        XCTAssertEqual(e.resources.dsps, .zero)
    }

    func testTernaryWithFINNsFormula() throws {
        // FINN, P = 4, Q = 2, W = A = 2, two thresholds per PE for a ternary output:
        // 300 + 1.1 * 4 * (mult 2*1*4 + tree 4*3 + acc 5 + thresholds 2*5 + comparators 2*5) = 498.
        let model = try LayerCostModel(library: try Fixtures.library(), device: try Fixtures.device(), weightMemory: .bram,
                                       activations: .network, ternaryModel: .finn)
        let e = model.estimate(smallLayer(.ternary), weights: .ternary, macUnits: 8)
        XCTAssertEqual(e.datapath, .finnMVAU(weightBits: 2, activationBits: 2))
        XCTAssertEqual(e.resources.luts, Count(498))
        XCTAssertEqual(e.resources.lutramLUTs, Count(44))
        XCTAssertEqual(e.xnorLanes, 0)
    }

    func testFloatMultiplyAdd() throws {
        let layer = LayerWorkload(name: "f", outputs: 10, connections: 5, positions: 2, inputPrecision: .ternary, thresholded: false)
        let e = try Fixtures.model(memory: .lutram).estimate(layer, weights: .float, macUnits: 3)
        XCTAssertEqual(e.resources.logicLUTs, Count(3 * 496))
        XCTAssertEqual(e.resources.dsps, Count(6))
        XCTAssertEqual(e.resources.ffs, Count(3 * 72))
        // 3 x 32 bits wide, ceil(50 / 3) = 17 words deep: 96 x ceil(17 / 64) LUT6 of LUTRAM.
        XCTAssertEqual(e.resources.lutramLUTs, Count(96))
        XCTAssertEqual(e.cycles, 2 * 4 * 5, "2 positions x ceil(10/3) x ceil(5/1)")
        XCTAssertEqual(e.clockMHz, 305, "the slower of Ehliar's adder (319) and multiplier (305)")
    }

    func testMACUnitsAreCappedAtOnePerWeight() throws {
        let e = try Fixtures.model().estimate(smallLayer(.ternary), weights: .ternary, macUnits: 1_000)
        XCTAssertEqual([e.macUnits, e.pe, e.simd, e.cycles], [36, 4, 9, 1])
    }

    func testBlockRAMPicksTheShapeWithFewestTiles() throws {
        // fc8 ternary, 100 units: 200 bits x 40,960 words. 512 x 36: 80 x 6 = 480; 1024 x 18:
        // 40 x 12 = 480; 2048 x 9: 20 x 23 = 460 RAMB18 (the fewest).
        let e = try Fixtures.model().estimate(try Fixtures.layer("alexnet", "fc8"), weights: .ternary, macUnits: 100)
        XCTAssertEqual(e.resources.bram18, Count(460))
    }

    func testFirstLayerKeepsItsInt8Inputs() throws {
        let conv1 = try Fixtures.layer("resnet20", "conv1")
        let e = try Fixtures.model().estimate(conv1, weights: .ternary, macUnits: 1)
        XCTAssertEqual(e.datapath, .integerAccumulate(activationBits: 8))
        XCTAssertEqual(e.accumulatorBits, 13)
    }

    func testUltraScalePlusCountsDSP48E2AndEightBitCarryChains() throws {
        let device = try Fixtures.device("xczu9eg")
        XCTAssertEqual(device.dspPrimitive, .dsp48e2)
        let layer = LayerWorkload(name: "f", outputs: 10, connections: 5, positions: 1, inputPrecision: .ternary, thresholded: false)
        let float = try Fixtures.model("xczu9eg").estimate(layer, weights: .float, macUnits: 2)
        XCTAssertEqual(float.resources.dsps, Count(4))
        let ternary = try Fixtures.model("xczu9eg").estimate(layer, weights: .ternary, macUnits: 1)
        XCTAssertEqual(ternary.resources.carrySlices, Count(1), "a 5-bit accumulator fits one CARRY8")
    }
}
