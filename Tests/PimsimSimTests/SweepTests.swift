import PimsimCore
import PimsimSim
import XCTest

/// The design-space sweep: size and order of the space, equality with direct simulations (on
/// every point of a geometry space and on random points of a constant space), references,
/// skipped points, axis parsing, best points and the Pareto front.
final class SweepTests: XCTestCase {
    func configs() throws -> [HardwareConfig] { [try HardwareConfig.load("reram-1t1r"), try HardwareConfig.load("sram-16t1c")] }

    func space(splits: [SplitSpec] = [.none, .uniform(72)], readouts: [ReadoutChoice] = [.auto, .adc]) throws -> DesignSpace {
        try DesignSpace(configs: configs(), rows: [64, 144, 512], splits: splits, readouts: readouts)
    }

    /// Every point of `space` evaluated in blocks of `blockSize`, in order.
    func evaluate(_ graph: Graph, _ space: DesignSpace, blockSize: Int = 4096) -> (points: [SweepPointResult], blocks: [SweepBlock]) {
        let plan = Sweep.Plan(graph, space: space)
        var blocks: [SweepBlock] = []
        Sweep.run(plan, range: 0..<space.count, blockSize: blockSize, transform: { $0 }, consume: { blocks.append($0) })
        return (blocks.flatMap(\.points), blocks)
    }

    func testThePointsAreTheCrossProductInNestingOrder() throws {
        let base = try configs()
        let cycle = try ConstantAxis.parse("array.cycle_ns=10,20,30", configs: base)
        let rule = try ConstantAxis.parse("readout.adc_resolution_rule=lossless,isaac", configs: base)
        let s = try DesignSpace(configs: base, rows: [64, 144], columns: [128, 256], varied: [cycle, rule], splits: SplitSpec.seedConfigurations, readouts: [.auto, .adc])
        XCTAssertEqual(s.count, 2 * 2 * 2 * 2 * 5 * 2 * 3)
        XCTAssertEqual(s.costCount, 3)
        XCTAssertEqual(s.geometryAxes.map(\.name), ["readout.adc_resolution_rule"])  // geometry-side, nested outside the split
        XCTAssertEqual(s.costAxes.map(\.name), ["array.cycle_ns"])                   // cost-side, innermost
        XCTAssertEqual(s.point(0), DesignPoint(hardware: 0, row: 0, column: 0, sharing: 0, geometry: [0], split: 0, readout: 0, cost: [0]))
        XCTAssertEqual(s.point(1).cost, [1])
        XCTAssertEqual(s.point(3).readout, 1)
        XCTAssertEqual(s.point(6).split, 1)
        XCTAssertEqual(s.point(30).geometry, [1])
        XCTAssertEqual(s.point(60).column, 1)
        XCTAssertEqual(s.point(120).row, 1)
        XCTAssertEqual(s.point(240).hardware, 1)
        var seen = Set<DesignPoint>()
        for i in 0..<s.count {
            let p = s.point(i)
            XCTAssertEqual(s.index(of: p), i)
            XCTAssertEqual(s.geometry(of: i), i / 3)
            seen.insert(p)
        }
        XCTAssertEqual(seen.count, s.count)
    }

    func testEveryPointEqualsADirectSimulation() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space()
        let (points, _) = evaluate(graph, s)
        XCTAssertEqual(points.map(\.index), Array(0..<s.count))
        for point in points {
            let p = s.point(point.index)
            var config = try HardwareConfig.load(["reram-1t1r", "sram-16t1c"][p.hardware])
            config.rows = Constant(Double(s.rows[p.row]), unit: "rows", source: "test")
            if s.readouts[p.readout] == .adc { config.readoutKinds = .adcOnly }
            let direct = try Simulator.run(graph, on: config, split: s.splits[p.split])
            XCTAssertEqual(point.metrics, SweepMetrics(direct), "\(p)")  // exactly: the same computation
            XCTAssertEqual(point.metrics.edpPJNS, direct.energyPJ * direct.latencyNS)
            // The reference: no split, ADC read-out, the same array.
            config.readoutKinds = .adcOnly
            XCTAssertEqual(point.reference, SweepMetrics(try Simulator.run(graph, on: config, split: .none)), "\(p)")
        }
    }

    /// Random points of a space with geometry- and cost-side settings, nodes and supplies equal
    /// `Simulator.run` on the config with the same settings (what `pimsim run --set --node
    /// --vdd` does), to the last bit.
    func testRandomPointsOfAConstantSpaceEqualRunsWithTheSameSettings() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let base = try configs()
        let axes = try [
            "adc.energy_pj_by_adc_bits.8=0.1:3:7", "sense_amp.energy_pj=0.01:0.2:5log", "array.cycle_ns=2,7.5,40",
            "organisation.arrays_per_macro=1,4,16", "input_buffer.static_mw=0,0.3", "digital.interconnect_hops=0:6:4",
            "readout.adc_conversion_ns=0.5,3", "assumed_densities.input_nonzero=0.25,0.75", "schedule.mode=layer_by_layer,pipelined",
        ].map { try ConstantAxis.parse($0, configs: base) }
        let s = try DesignSpace(configs: base, rows: [64, 144], columns: [128, 256], adcSharing: [4, 16], varied: axes,
                                splits: [.none, .uniform(72)], readouts: [.auto, .adc], nodes: [45, 22], supplies: [0.8, 1])
        XCTAssertGreaterThan(s.count, 4_000_000)
        let plan = Sweep.Plan(graph, space: s)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checked = 0
        for _ in 0..<60 {
            // xorshift64*: a fixed sequence of points.
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            let index = Int((state &* 2_685_821_657_736_338_717) % UInt64(s.count))
            let block = Sweep.evaluate(plan, range: index..<(index + 1))
            let p = s.point(index)
            var config = try s.configuration(for: p)
            for (a, axis) in s.costAxes.enumerated() { config = try config.setting(axis.paths[p.hardware], to: axis.values[p.cost[a]], source: "test") }
            config = try config.retargeted(nodeNM: s.nodes![p.node], vddV: s.supplies![p.supply])  // what run --node --vdd does after --set
            let direct = try Simulator.run(graph, on: config, split: s.splits[p.split])
            XCTAssertEqual(block.points.first?.metrics, SweepMetrics(direct), "point \(index): \(p)")
            checked += 1
        }
        XCTAssertEqual(checked, 60)
    }

    /// A block maps a layer once per config and reuses it for every layer of the same key in
    /// any of its splits (`LayerCache`): whole blocks of spaces with many splits, array shapes
    /// and a geometry-side setting, and of a network whose same-shaped layers have different
    /// measured densities (a trained network is costed unsplit), equal `Simulator.run` point by
    /// point, references included.
    func testLayersSharedBetweenSplitsGiveEveryPointItsOwnSimulation() throws {
        let zoo = try ModelZoo.network(named: "resnet20")
        var nodes = zoo.nodes
        var weighted = 0
        for i in nodes.indices where nodes[i].operation.isWeighted {
            weighted += 1
            if weighted % 3 == 1 { nodes[i].data.statistics = LayerStatistics(weightDensity: 0.3 + 0.01 * Double(weighted), inputDensity: 0.4) }
        }
        let measured = try Graph(name: zoo.name, nodes: nodes, output: zoo.nodes[zoo.outputIndex].name, metadata: zoo.metadata)
        let base = try configs()
        let rule = try ConstantAxis.parse("readout.adc_resolution_rule=lossless,isaac", configs: base)
        let splits = try SplitSpec.parseList("none;288:144;144:72;576:288;144:48;288,144,96,72,48,36,24,18,12,9,6,3")
        for (graph, splits, unbuildable) in [(zoo, splits, 1), (measured, [.none], 0)] {
            let s = try DesignSpace(configs: base, rows: [32, 144], columns: [64, 256], adcSharing: [1, 8], varied: [rule], splits: splits,
                                    readouts: [.auto, .adc])
            let (points, _) = evaluate(graph, s)
            XCTAssertEqual(points.count, s.count - unbuildable * s.count / splits.count)  // 144:48 cannot be built
            for point in points {
                let p = s.point(point.index)
                let config = try s.configuration(for: p)
                XCTAssertEqual(point.metrics, SweepMetrics(try Simulator.run(graph, on: config, split: s.splits[p.split])), "\(p)")
                XCTAssertEqual(point.reference, SweepMetrics(try Simulator.run(graph, on: s.configuration(for: p, readout: .adc), split: .none)), "\(p)")
            }
        }
    }

    func testBlocksAndRepeatsDoNotChangeTheResult() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let base = try configs()
        let s = try DesignSpace(configs: base, rows: [64, 144], varied: [try ConstantAxis.parse("array.cycle_ns=5:20:4", configs: base)],
                                splits: [.none, .uniform(72), try SplitSpec(parsing: "27:9")], readouts: [.auto, .adc])
        let whole = evaluate(graph, s)
        let small = evaluate(graph, s, blockSize: 7)
        XCTAssertEqual(whole.points.map(\.metrics), small.points.map(\.metrics))
        XCTAssertEqual(whole.points.map(\.reference), small.points.map(\.reference))
        XCTAssertEqual(whole.points.map(\.index), small.points.map(\.index))
        XCTAssertEqual(evaluate(graph, s).points.map(\.metrics), whole.points.map(\.metrics))
    }

    func testReferencesAreTheNoSplitADCPointEvenWhenNotInTheSpace() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let inSpace = evaluate(graph, try space()).points
        let outside = evaluate(graph, try space(splits: [.uniform(72)], readouts: [.auto])).points
        XCTAssertEqual(outside.count, 6)
        for point in outside {
            XCTAssertEqual(point.reference?.senseAmps, 0)
            // The same array's (none, adc) point of the larger space.
            let match = inSpace.first { $0.reference == point.reference }
            XCTAssertNotNil(match)
        }
        XCTAssertEqual(inSpace[0].reference, inSpace[1].metrics)  // (none, adc) at 64 rows
    }

    func testAPointThatCannotBeBuiltIsSkippedWithItsReason() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        // conv1: 27 connections, 3 input and 16 output channels; 27:9 needs 16 divisible by 3.
        let base = try configs()
        let s = try DesignSpace(configs: base, rows: [64, 144, 512], varied: [try ConstantAxis.parse("sense_amp.energy_pj=0.01,0.02,0.03", configs: base)],
                                splits: [try SplitSpec(parsing: "27:9"), .none], readouts: [.auto])
        let (points, blocks) = evaluate(graph, s, blockSize: 2)
        XCTAssertEqual(points.count, 18)
        XCTAssertTrue(points.allSatisfy { s.splits[s.point($0.index).split] == .none })
        let skipped = blocks.flatMap(\.skipped)
        XCTAssertEqual(skipped.reduce(0) { $0 + $1.count }, 18)
        XCTAssertTrue(skipped.allSatisfy(\.wholeGeometry))
        XCTAssertTrue(skipped[0].reason.hasPrefix("--split: expected a rule the layer's channels allow (layer \"conv1\")"), skipped[0].reason)
        // One entry per geometry within a block: the first block (points 0, 1) is one entry.
        XCTAssertEqual(blocks[0].skipped.map { [$0.first, $0.count] }, [[0, 2]])
        XCTAssertEqual(blocks[0].skipped.first?.reason, skipped[0].reason)
    }

    func testADCReadoutHasNoSenseAmpsAndAtLeastTheADCsOfAuto() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space(splits: SplitSpec.seedConfigurations)
        let points = evaluate(graph, s).points
        var fewerADCs = 0
        for i in stride(from: 0, to: points.count, by: 2) {
            let auto = points[i].metrics, adc = points[i + 1].metrics
            XCTAssertEqual(s.readouts[s.point(points[i].index).readout], .auto)
            XCTAssertEqual(adc.senseAmps, 0)
            XCTAssertGreaterThanOrEqual(adc.adcs, auto.adcs)
            XCTAssertEqual(adc.parameters, auto.parameters)
            if auto.adcs < adc.adcs { fewerADCs += 1 }
        }
        XCTAssertGreaterThan(fewerADCs, 0)  // the sense-amp read-out saves ADCs somewhere in this space
        // 144-row arrays hold a 144-connection group, so split 144 saves ADCs.
        let i = s.index(of: DesignPoint(hardware: 0, row: 1, split: 2, readout: 0))
        XCTAssertLessThan(points[i].metrics.adcs, points[i + 1].metrics.adcs)
    }

    func testRowsAxisParsing() throws {
        XCTAssertEqual(try DesignSpace.parseRows("32:1024"), [32, 64, 128, 256, 512, 1024])
        XCTAssertEqual(try DesignSpace.parseRows("64:64"), [64])
        XCTAssertEqual(try DesignSpace.parseRows("144"), [144])
        XCTAssertEqual(try DesignSpace.parseRows("256,144,72"), [256, 144, 72])
        func message(_ text: String) -> String {
            do { _ = try DesignSpace.parseRows(text); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("0"), "--array-rows: expected array rows R[,R...] (integers from 1 to 1048576) or A:B (powers of two from A to B), found \"0\"")
        XCTAssertEqual(message("64:32"), "--array-rows: expected A:B with A and B powers of two from 1 to 1048576 and A <= B (e.g. 32:1024), found \"64:32\"")
        XCTAssertTrue(message("48:96").hasSuffix("found \"48:96\""))
        XCTAssertTrue(message("32:2097152").hasSuffix("found \"32:2097152\""))
        XCTAssertTrue(message("-8").hasSuffix("found \"-8\""))
        XCTAssertTrue(message("64,,128").hasSuffix("found \"\""))
        XCTAssertTrue(message("1:2:4").hasSuffix("found \"1:2:4\""))
        XCTAssertEqual(message("64,64"), "--array-rows: expected each value once, found \"64\" twice")
    }

    func testReadoutAxisParsing() throws {
        XCTAssertEqual(try ReadoutChoice.parseList("auto,adc"), [.auto, .adc])
        XCTAssertEqual(try ReadoutChoice.parseList("adc"), [.adc])
        XCTAssertThrowsError(try ReadoutChoice.parseList("foo")) {
            XCTAssertEqual("\($0)", "--readout: expected auto or adc, separated by commas (e.g. auto,adc), found \"foo\"")
        }
        XCTAssertThrowsError(try ReadoutChoice.parseList("adc,adc")) {
            XCTAssertEqual("\($0)", "--readout: expected each value once, found \"adc\" twice")
        }
    }

    func testVaryAxisParsing() throws {
        let base = try configs()
        func values(_ text: String) throws -> [SettingValue] { try ConstantAxis.parse(text, configs: base).values }
        XCTAssertEqual(try values("array.cycle_ns=10:20:3"), [.number(10), .number(15), .number(20)])
        XCTAssertEqual(try values("sense_amp.energy_pj=0.01:1:3log"), [.number(0.01), .number(0.01 * pow(1 / 0.01, 0.5)), .number(1)])
        XCTAssertEqual(try values("organisation.arrays_per_macro=1:64:7log"), [1, 2, 4, 8, 16, 32, 64].map { .number(Double($0)) })
        XCTAssertEqual(try values("schedule.mode=pipelined,layer_by_layer"), [.choice("pipelined"), .choice("layer_by_layer")])
        XCTAssertEqual(try values("digital.interconnect_hops=0,2.5"), [.number(0), .number(2.5)])
        func message(_ text: String) -> String {
            do { _ = try ConstantAxis.parse(text, configs: base); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("array.cycle_ns"), "--vary: expected PATH=A:B:N, PATH=A:B:Nlog or PATH=v1,v2,... (e.g. adc.energy_pj_by_adc_bits.9=0.5:2:50), found \"array.cycle_ns\"")
        XCTAssertEqual(message("array.cycle_ns=1:2:1"), "--vary array.cycle_ns: expected A:B:N or A:B:Nlog with numbers A and B and a count N from 2 to 10000000 (e.g. 0.5:2:50 or 1:1000:31log), found \"1:2:1\"")
        XCTAssertEqual(message("array.cycle_ns=0:2:3"), "--vary array.cycle_ns: expected a number > 0, found 0 (from \"0:2:3\")")
        XCTAssertEqual(message("array.cycle_ns=-1:2:3log"), "--vary array.cycle_ns: expected A > 0 and B > 0 for a log range, found \"-1:2:3log\"")
        XCTAssertEqual(message("organisation.arrays_per_macro=1:2:3"), "--vary organisation.arrays_per_macro: expected integers (an integer from 1 to 1048576): choose A, B and N so the steps are whole, found 1.5 in \"1:2:3\"")
        XCTAssertEqual(message("array.cycle_ns=5,5"), "--vary array.cycle_ns: expected each value once, found \"5\" twice")
        XCTAssertEqual(message("schedule.mode=1:2:3"), "--vary schedule.mode: expected a list of one of layer_by_layer, pipelined (A:B:N is for numbers), found \"1:2:3\"")
        XCTAssertEqual(message("array.columns=64,128"), "--vary array.columns: expected the --columns axis for array.columns (it has its own flag), found --vary array.columns")
        XCTAssertTrue(message("bitcell.energy_pj=1,2").hasPrefix("\(base[0].file!): --vary: expected a setting of reram-1t1r"), message("bitcell.energy_pj=1,2"))
    }

    func testParetoFrontOfHandMadeSets() {
        // (area, energy): 0 (1, 9) front; 1 (2, 9) dominated by 0; 2 (3, 4) front; 3 (3, 5) dominated
        // by 2; 5 (5, 1) front; 6 (6, 1) dominated by 5; 7 (3, 4) duplicate of 2.
        let points: [Int: [Double]] = [0: [1, 9], 1: [2, 9], 2: [3, 4], 3: [3, 5], 5: [5, 1], 6: [6, 1], 7: [3, 4]]
        for order in [points.keys.sorted(), points.keys.sorted().reversed(), [6, 2, 7, 0, 3, 5, 1]] {
            var front = ParetoFront(objectives: [.area, .energy])
            for i in order { front.add(i, values: points[i]!) }
            XCTAssertEqual(front.indices, [0, 2, 5], "\(order)")
        }
        // Merging two halves gives the same front as one pass.
        var a = ParetoFront(objectives: [.area, .energy]), b = ParetoFront(objectives: [.area, .energy])
        for i in [0, 1, 2, 3] { a.add(i, values: points[i]!) }
        for i in [5, 6, 7] { b.add(i - 5, values: points[i]!) }
        a.merge(b, offset: 5)
        XCTAssertEqual(a.indices, [0, 2, 5])
        // Three objectives: (1,1,9) (1,9,1) (9,1,1) are all on the front; (2,2,9) is dominated by
        // the first; (2,2,2) dominates none of them and is on it.
        var three = ParetoFront(objectives: [.energy, .area, .latency])
        for (i, v) in [[1.0, 1, 9], [1, 9, 1], [9, 1, 1], [2, 2, 9], [2, 2, 2]].enumerated() { three.add(i, values: v) }
        XCTAssertEqual(three.indices, [0, 1, 4, 2])
        XCTAssertEqual(ParetoFront(objectives: [.area, .energy]).indices, [])
    }

    func testBestAndParetoOnASweep() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let metrics = evaluate(graph, try space(splits: SplitSpec.seedConfigurations)).points.map(\.metrics)
        var best = BestPoints(), front = ParetoFront(objectives: [.area, .energy])
        for (i, m) in metrics.enumerated() { best.add(i, m); front.add(i, m) }
        let e = try XCTUnwrap(best.index(.energy))
        XCTAssertEqual(metrics[e].energyPJ, metrics.map(\.energyPJ).min())
        XCTAssertEqual(e, SweepMetric.energy.best(among: metrics))
        XCTAssertEqual(SweepMetric.edp.value(of: metrics[0]), metrics[0].energyPJ * metrics[0].latencyNS / 1e9)  // pJ*ns -> pJ*s
        XCTAssertTrue(front.contains(e))
        XCTAssertTrue(front.contains(try XCTUnwrap(best.index(.area))))
        // Brute force: the front is exactly the non-dominated points (first of equal pairs).
        for (i, a) in metrics.enumerated() {
            let dominated = metrics.enumerated().contains { j, b in
                (b.areaMM2 <= a.areaMM2 && b.energyPJ <= a.energyPJ && (b.areaMM2 < a.areaMM2 || b.energyPJ < a.energyPJ))
                    || (b.areaMM2 == a.areaMM2 && b.energyPJ == a.energyPJ && j < i)
            }
            XCTAssertEqual(front.contains(i), !dominated, "point \(i)")
        }
    }
}
