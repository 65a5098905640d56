import PimsimCore
import PimsimSim
import XCTest

/// Weight duplication (docs/cost-model.md, "Weight duplication"): copies split a layer's
/// positions, so latency falls and instances grow while the event counts stay the work's.
final class DuplicationTests: XCTestCase {
    let int16 = LayerPrecision(weights: .integer(bits: 16), inputs: .integer(bits: 16))

    func testExplicitCopiesSplitPositionsAndKeepTheEvents() throws {
        let graph = try ModelZoo.network(named: "vgg7").withPrecision(int16)
        let config = try HardwareConfig.load("isaac")
        let one = try Simulator.run(graph, on: config)
        let copies = [4, 3, 1, 1, 1, 1, 1, 1]
        let dup = try Simulator.run(graph, on: config, duplication: .factors(copies))
        for (i, (a, b)) in zip(one.layers, dup.layers).enumerated() {
            XCTAssertEqual(b.mapping.duplicates, copies[i])
            XCTAssertEqual(b.mapping.allArrays, a.mapping.arrays * copies[i])
            // conv1_1 and conv1_2: 1,024 positions; ceil(1024 / 3) = 342 steps of 16 input bits.
            let steps = (a.mapping.positions + copies[i] - 1) / copies[i] * a.mapping.bitCycles
            XCTAssertEqual(b.schedule.steps, steps)
            XCTAssertEqual(b.schedule.latencyNS, Double(steps) * a.schedule.stepNS, accuracy: 1e-9)
            // The work is the same: every event but the idle cycles.
            var ea = a.events, eb = b.events
            (ea.idleCycles, eb.idleCycles) = (0, 0)
            XCTAssertEqual(ea, eb, a.mapping.name)
        }
        XCTAssertEqual(dup.instances.arrays, one.instances.arrays + 3 * 8 + 2 * 72)
        XCTAssertEqual(dup.instances.adcs, one.instances.adcs + 3 * 8 + 2 * 72)
        XCTAssertEqual(dup.layers[0].schedule.latencyNS, 256 * 16 * 100)
        XCTAssertEqual(dup.layers[1].schedule.latencyNS, 342 * 16 * 100)
        // Pipelined: the interval is the slowest layer, now conv1_2.
        XCTAssertEqual(dup.intervalNS, dup.layers[1].schedule.latencyNS)
        XCTAssertEqual(dup.dynamicPJ, one.dynamicPJ, accuracy: one.dynamicPJ * 1e-12)
    }

    /// Issue 12: auto on isaac at 16/16 fills the chip, raises throughput, and makes the energy
    /// per inference mostly dynamic with the ADCs the largest component.
    func testAutoOnISAACBalancesThePipelineWithinTheChip() throws {
        let graph = try ModelZoo.network(named: "vgg7").withPrecision(int16)
        let config = try HardwareConfig.load("isaac")
        let one = try Simulator.run(graph, on: config)
        let auto = try Simulator.run(graph, on: config, duplication: .auto(maxArrays: nil))
        let budget = 168 * 12 * 8
        XCTAssertEqual(auto.arrayBudget, budget)
        XCTAssertLessThanOrEqual(auto.instances.arrays, budget)
        XCTAssertGreaterThan(auto.inferencesPerSecond, 10 * one.inferencesPerSecond)
        XCTAssertGreaterThan(auto.dynamicPJ, auto.staticPJ)
        let largest = auto.breakdown.max { $0.pJ < $1.pJ }!
        XCTAssertEqual(largest.name, "adcs")
        // Without duplication static power dominates (the 94-99 %).
        XCTAssertGreaterThan(one.staticPJ, 0.9 * one.energyPJ)
        // Greedy on the slowest layer: one more step of it would not fit the budget.
        let slowest = auto.layers.max { $0.schedule.latencyNS < $1.schedule.latencyNS }!.mapping
        let stepsNow = (slowest.positions + slowest.duplicates - 1) / slowest.duplicates
        let needed = (slowest.positions + stepsNow - 2) / (stepsNow - 1)
        XCTAssertGreaterThan(auto.instances.arrays + slowest.arrays * (needed - slowest.duplicates), budget)
        XCTAssertEqual(auto.intervalNS, auto.layers.map(\.schedule.latencyNS).max()!)
    }

    func testAutoLayerByLayerShortensLatencyAsTheBudgetGrows() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let config = try HardwareConfig.load("reram-1t1r")
        let base = try Simulator.run(graph, on: config, split: .uniform(144))
        var previous = base.latencyNS
        for extra in [10, 100, 1000] {
            let r = try Simulator.run(graph, on: config, split: .uniform(144), duplication: .auto(maxArrays: base.instances.arrays + extra))
            XCTAssertLessThanOrEqual(r.instances.arrays, base.instances.arrays + extra)
            XCTAssertLessThan(r.latencyNS, previous)
            XCTAssertEqual(r.intervalNS, r.latencyNS)
            previous = r.latencyNS
        }
        // A budget below one copy of every layer leaves the mapping as it is.
        let tight = try Simulator.run(graph, on: config, split: .uniform(144), duplication: .auto(maxArrays: 1))
        XCTAssertEqual(tight.latencyNS, base.latencyNS)
    }

    func testBadDuplicationsAreErrors() throws {
        let graph = try ModelZoo.network(named: "lenet5")
        let config = try HardwareConfig.load("reram-1t1r")
        func message(_ d: Duplication) -> String {
            do { _ = try Simulator.run(graph, on: config, duplication: d); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(.auto(maxArrays: nil)), "--duplicate auto: expected an array budget: --max-arrays N, or organisation.tiles_per_chip in reram-1t1r, found neither")
        XCTAssertEqual(message(.factors([2, 2])), "--duplicate: expected 4 copy counts (one per weighted layer: conv1, conv2, fc1, fc2), found 2")
        XCTAssertEqual(message(.factors([2, 2, 2, 1])), "--duplicate: expected at most 1 copies of fc1 (its output positions), found 2")
        // Copies that would overflow the cell counts are an error, not a trap: 2^20 x 2^20 arrays,
        // 2,048 copies of conv1 (4,096 positions at 64 x 64) = 2^51 cells.
        var giant = config
        giant.rows = Constant(Double(1 << 20), unit: "rows", source: "test")
        giant.columns = Constant(Double(1 << 20), unit: "columns", source: "test")
        let wide = try ModelZoo.network(named: "resnet20", input: TensorShape(channels: 3, height: 64, width: 64))
        let layers = try Simulator.run(wide, on: giant).layers.count
        for d in [Duplication.factors([2048] + Array(repeating: 1, count: layers - 1)), .auto(maxArrays: Int.max)] {
            XCTAssertThrowsError(try Simulator.run(wide, on: giant, duplication: d)) {
                XCTAssertTrue("\($0)".hasPrefix("--duplicate: expected copies whose arrays hold at most 1,125,899,906,842,624 (2^50) cells, found more at "), "\($0)")
            }
        }
        XCTAssertThrowsError(try Duplication.parse("2,0", maxArrays: nil)) {
            XCTAssertEqual("\($0)", "--duplicate: expected auto, none or one copy count >= 1 per weighted layer (e.g. 16,4,4,2,2,1,1,1), found \"2,0\"")
        }
    }
}
