import PimsimCore
import PimsimSim
import XCTest

/// Published totals the shipped configs must reproduce from their component counts.
final class CalibrationTests: XCTestCase {
    /// A 128-input, `outputs`-output 16-bit linear layer: with 16-bit weights in eight 2-bit
    /// cells, 16 outputs per 128-column array, so 1,536 outputs fill the 96 arrays of one tile,
    /// each step (one input bit, 100 ns) using every row, column and ADC: ISAAC at full load.
    func isaacLoad(outputs: Int) throws -> SimulationResult {
        var b = GraphBuilder(input: TensorShape(channels: 128, height: 1, width: 1))
        b.add("fc", .linear(LinearAttributes(outFeatures: outputs, bias: false)),
              precision: LayerPrecision(weights: .integer(bits: 16), inputs: .integer(bits: 16)))
        return try Simulator.run(try b.build(name: "isaac-load"), on: try HardwareConfig.load("isaac"))
    }

    /// Average power (mW = pJ/ns) and area (mm^2) of the components `include` selects.
    func powerAndArea(_ r: SimulationResult, include: (ComponentCost) -> Bool) -> (mW: Double, mm2: Double) {
        let chosen = r.components.filter(include)
        let energy = chosen.reduce(0) { $0 + $1.dynamicPJ + $1.staticPJ }
        return (energy / r.latencyNS, chosen.reduce(0) { $0 + $1.areaUM2 } / 1e6)
    }

    func testISAACTileMatchesTableI() throws {
        let r = try isaacLoad(outputs: 1536)
        XCTAssertEqual(r.instances.arrays, 96)
        XCTAssertEqual(r.instances.macros, 12)
        XCTAssertEqual(r.instances.tiles, 1)
        XCTAssertEqual(r.instances.adcs, 96)
        XCTAssertEqual(r.layers[0].mapping.readout, .adc(bits: 8))
        XCTAssertEqual(r.latencyNS, 1600, accuracy: 1e-9)  // 16 input bits x 100 ns
        let tile = powerAndArea(r) { $0.per != .chip }
        XCTAssertEqual(tile.mW, 330, accuracy: 330 * 0.02)
        XCTAssertEqual(tile.mm2, 0.372, accuracy: 0.372 * 0.02)
    }

    /// ISAAC-CE (Table IV, corrected): 627.5 GOPS/W and 478.95 GOPS/(s mm^2) at 16-bit. The chip
    /// of Table I (168 tiles, 85.4 mm^2, 65.8 W) gives 41.29 TOPS: 627.4 GOPS/W, and 483.4
    /// GOPS/mm^2, 0.9 % above the paper's (which implies 86.2 mm^2; docs/cost-model.md).
    func testISAACPeakEfficiencyMatchesTableIV() throws {
        let peak = try PeakPerformance.compute(try HardwareConfig.load("isaac"), precision: LayerPrecision(weights: .integer(bits: 16), inputs: .integer(bits: 16)))
        XCTAssertEqual(peak.arrays, 168 * 12 * 8)
        XCTAssertEqual(peak.readout, "adc 8b")
        // 16 weights per 128-column array x 128 inputs per 16 x 100 ns, 16,128 arrays.
        XCTAssertEqual(peak.macsPerSecond, 16.0 * 128 * 16_128 / 1.6e-6, accuracy: 1)
        XCTAssertEqual(peak.topsPerWatt, 0.6275, accuracy: 0.6275 * 0.001)
        XCTAssertEqual(peak.topsPerMM2, 0.47895, accuracy: 0.47895 * 0.01)
        XCTAssertEqual(peak.powerW, 65.8, accuracy: 0.05)
    }

    func testISAACChipMatchesTableI() throws {
        let r = try isaacLoad(outputs: 168 * 1536)
        XCTAssertEqual(r.instances.tiles, 168)
        let chip = powerAndArea(r) { _ in true }
        XCTAssertEqual(chip.mW / 1000, 65.8, accuracy: 65.8 * 0.02)
        XCTAssertEqual(chip.mm2, 85.4, accuracy: 85.4 * 0.02)
    }

    /// One 144 x 128 array of ternary weights, every input and weight non-zero (measured
    /// densities of 1), read by comparators: the 16T1C macro at its peak.
    func testSRAM16T1CPeakMatchesJeong2023() throws {
        let config = try HardwareConfig.load("sram-16t1c")
        let dense = NodeData(statistics: LayerStatistics(weightDensity: 1, inputDensity: 1))
        let graph = try Graph(name: "peak", nodes: [
            Node(name: "input", operation: .input(TensorShape(channels: 144, height: 1, width: 1))),
            Node(name: "fc", operation: .linear(LinearAttributes(outFeatures: 128, bias: false)), inputs: ["input"], precision: .ternary, data: dense),
            Node(name: "fc.bn", operation: .batchNorm, inputs: ["fc"]),
            Node(name: "fc.act", operation: .activation(.ternary), inputs: ["fc.bn"]),
        ])
        let r = try Simulator.run(graph, on: config)
        XCTAssertEqual(r.layers[0].mapping.readout, .senseAmp(comparators: 2))
        XCTAssertEqual(r.instances.arrays, 1)
        XCTAssertFalse(r.usesAssumedDensities)
        let ops = 2 * Double(r.macs)
        let gops = ops / r.latencyNS  // operations per ns = GOPS
        let macroPJ = r.components.filter { $0.per.isInsideMacro }.reduce(0) { $0 + $1.dynamicPJ + $1.staticPJ }
        let topsPerWatt = ops / macroPJ  // operations per pJ = TOPS/W
        XCTAssertEqual(gops, 1316, accuracy: 1316 * 0.10)
        XCTAssertEqual(topsPerWatt, 823, accuracy: 823 * 0.10)
    }
}
