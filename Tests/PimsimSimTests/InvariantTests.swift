import PimsimCore
import PimsimSim
import XCTest

/// Properties every simulation must have, on every shipped config and seed configuration.
final class InvariantTests: XCTestCase {
    static let configs = ["reram-1t1r", "sram-16t1c", "isaac", "neurosim-rram-22nm"]

    func allSeedRuns() throws -> [SimulationResult] {
        let graph = try ModelZoo.network(named: "resnet20")
        return try Self.configs.flatMap { name in
            let config = try HardwareConfig.load(name)
            return try SplitSpec.seedConfigurations.map { try Simulator.run(graph, on: config, split: $0) }
        }
    }

    func testTotalEnergyIsTheSumOfLayerEnergiesAndOfComponentEnergies() throws {
        for r in try allSeedRuns() {
            let byComponent = r.components.reduce(0) { $0 + $1.dynamicPJ + $1.staticPJ }
            let byLayer = r.layers.reduce(0) { $0 + $1.cost.energyPJ }
            let byBreakdown = r.breakdown.reduce(0) { $0 + $1.pJ }
            XCTAssertEqual(byLayer, byComponent, accuracy: byComponent * 1e-9, "\(r.hardware) \(r.split)")
            XCTAssertEqual(byBreakdown, r.energyPJ, accuracy: r.energyPJ * 1e-9)
            XCTAssertGreaterThan(r.energyPJ, 0)
        }
    }

    func testALayerWhoseGroupsFitUsesNoADC() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        for name in ["reram-1t1r", "sram-16t1c"] {
            let r = try Simulator.run(graph, on: try HardwareConfig.load(name), split: .uniform(144))
            var fitting = 0
            for l in r.layers where l.mapping.rowTiles == 1 && l.mapping.bitCycles == 1 && l.mapping.name != "fc" {
                fitting += 1
                XCTAssertEqual(l.mapping.readout.kind, "sense_amp", l.mapping.name)
                XCTAssertEqual(l.mapping.adcs, 0, l.mapping.name)
                XCTAssertEqual(l.events.adcConversions, 0, l.mapping.name)
            }
            XCTAssertEqual(fitting, r.layers.count - 2)  // all but conv1 (int8 input) and fc (logits)
            // No split: the 288- and 576-connection layers do not fit and are digitised.
            let unsplit = try Simulator.run(graph, on: try HardwareConfig.load(name), split: .none)
            XCTAssertEqual(unsplit.layers.first { $0.mapping.name == "s3b3c2" }!.mapping.readout.kind, "adc")
            XCTAssertGreaterThan(unsplit.instances.adcs, r.instances.adcs)
        }
    }

    func testResidualAddDoesNotBringBackTheADC() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let r = try Simulator.run(graph, on: try HardwareConfig.load("reram-1t1r"), split: .uniform(72))
        let residual = r.layers.filter { $0.mapping.residual }
        XCTAssertEqual(residual.count, 9)  // the second convolution of each of the 9 blocks
        for l in residual { XCTAssertEqual(l.mapping.readout.kind, "sense_amp", l.mapping.name) }
    }

    func testAllZeroInputsCostNoWordlineEnergy() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        let silent = NodeData(statistics: LayerStatistics(weightDensity: 0.5, inputDensity: 0))
        let graph = try Graph(name: "silent", nodes: [
            Node(name: "input", operation: .input(TensorShape(channels: 16, height: 8, width: 8))),
            Node(name: "conv", operation: .conv2d(Conv2DAttributes(outChannels: 16, kernel: 3, padding: 1)), inputs: ["input"], precision: .ternary, data: silent),
            Node(name: "conv.bn", operation: .batchNorm, inputs: ["conv"]),
            Node(name: "conv.act", operation: .activation(.ternary), inputs: ["conv.bn"]),
        ])
        let r = try Simulator.run(graph, on: config)
        XCTAssertEqual(r.events.wordlineDrives, 0)
        XCTAssertEqual(r.events.cellReadsOn + r.events.cellReadsOff, 0)
        let drivers = r.breakdown.first { $0.name == "drivers" }!.pJ
        let cells = r.breakdown.first { $0.name == "cells" }!.pJ
        XCTAssertEqual(drivers, 0)
        XCTAssertEqual(cells, 0)
        XCTAssertGreaterThan(r.events.comparatorDecisions, 0)  // the comparators still decide
    }

    func testDoublingTheInferenceCountDoublesDynamicEnergy() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        for name in Self.configs {
            let config = try HardwareConfig.load(name)
            let one = try Simulator.run(graph, on: config, split: .uniform(72), inferences: 1)
            let two = try Simulator.run(graph, on: config, split: .uniform(72), inferences: 2)
            XCTAssertEqual(two.dynamicPJ, 2 * one.dynamicPJ, accuracy: one.dynamicPJ * 1e-12, name)
            XCTAssertEqual(two.areaMM2, one.areaMM2)
        }
    }

    func testReportsHaveNoNaNOrInfinity() throws {
        for r in try allSeedRuns() {
            var values = [r.energyPJ, r.areaMM2, r.latencyNS, r.intervalNS, r.inferencesPerSecond] + r.breakdown.map(\.pJ)
            for l in r.layers {
                let e = l.events
                values += [l.cost.energyPJ, l.schedule.latencyNS, l.mapping.utilisation, e.wordlineDrives, e.cellReadsOn, e.cellReadsOff,
                           e.adcConversions, e.digitalAdditions, e.bufferReadBits, e.busyCycles, e.idleCycles]
            }
            for c in r.components { values += [c.dynamicPJ, c.staticPJ, c.areaUM2] }
            XCTAssertTrue(values.allSatisfy(\.isFinite), "\(r.hardware) \(r.split)")
        }
    }

    func testSplittingRemovesADCsAndCutsEnergyOnReRAM() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let config = try HardwareConfig.load("reram-1t1r")
        let none = try Simulator.run(graph, on: config, split: .none)
        let split = try Simulator.run(graph, on: config, split: .uniform(144))
        XCTAssertLessThan(split.events.adcConversions, none.events.adcConversions)
        XCTAssertLessThan(split.breakdown.first { $0.name == "adcs" }!.pJ, none.breakdown.first { $0.name == "adcs" }!.pJ)
        XCTAssertLessThan(split.areaMM2, none.areaMM2)
    }

    func testTrainedWeightsAndMeasuredDensitiesReplaceTheAssumptions() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        // 8 outputs x 16 inputs, every other weight zero: density 0.5; inputs measured 0.25.
        let weights = (0..<128).map { Int8($0 % 2 == 0 ? 0 : ($0 % 4 == 1 ? 1 : -1)) }
        let data = NodeData(weights: .ternary(weights), statistics: LayerStatistics(inputDensity: 0.25))
        let graph = try Graph(name: "trained", nodes: [
            Node(name: "input", operation: .input(TensorShape(channels: 16, height: 1, width: 1))),
            Node(name: "fc", operation: .linear(LinearAttributes(outFeatures: 8, bias: false)), inputs: ["input"], precision: .ternary, data: data),
            Node(name: "fc.act", operation: .activation(.ternary), inputs: ["fc"]),
        ])
        let r = try Simulator.run(graph, on: config)
        let m = r.layers[0].mapping
        XCTAssertEqual(m.weightDensity, 0.5)
        XCTAssertEqual(m.weightDensitySource, .measured)
        XCTAssertEqual(m.inputDensity, 0.25)
        XCTAssertEqual(m.inputDensitySource, .measured)
        XCTAssertFalse(r.usesAssumedDensities)
        // 16 inputs x 0.25 = 4 driven rows; each crosses 8 pairs: 8 x 0.5 = 4 conducting cells, 12 off.
        XCTAssertEqual(r.events.wordlineDrives, 4)
        XCTAssertEqual(r.events.cellReadsOn, 16)
        XCTAssertEqual(r.events.cellReadsOff, 48)
    }
}
