import PimsimCore
import PimsimSim
import XCTest

/// The design-space sweep: size and order of the space, equality with direct simulations,
/// read-out invariants, skipped points, axis parsing and the Pareto front.
final class SweepTests: XCTestCase {
    func space(splits: [SplitSpec] = [.none, .uniform(72)], readouts: [ReadoutChoice] = [.auto, .adc]) throws -> DesignSpace {
        DesignSpace(configs: [try HardwareConfig.load("reram-1t1r"), try HardwareConfig.load("sram-16t1c")],
                    rows: [64, 144, 512], splits: splits, readouts: readouts)
    }

    func testThePointsAreTheCrossProductInNestingOrder() throws {
        let s = try space(splits: SplitSpec.seedConfigurations)
        XCTAssertEqual(s.count, 2 * 3 * 5 * 2)
        let points = s.points
        XCTAssertEqual(points.count, 60)
        XCTAssertEqual(Set(points.map { "\($0.hardware) \($0.rows) \($0.split) \($0.readout)" }).count, 60)
        XCTAssertEqual(points[0], DesignPoint(hardware: 0, rows: 64, split: .none, readout: .auto))
        XCTAssertEqual(points[1], DesignPoint(hardware: 0, rows: 64, split: .none, readout: .adc))
        XCTAssertEqual(points[2].split, SplitSpec.seedConfigurations[1])
        XCTAssertEqual(points[10].rows, 144)
        XCTAssertEqual(points[30].hardware, 1)
        for (i, p) in points.enumerated() {
            let index = s.index(hardware: p.hardware, row: s.rows.firstIndex(of: p.rows)!, split: s.splits.firstIndex(of: p.split)!,
                                readout: s.readouts.firstIndex(of: p.readout)!)
            XCTAssertEqual(index, i)
        }
        let graph = try ModelZoo.network(named: "resnet20")
        let result = Sweep.run(graph, space: s)
        XCTAssertEqual(result.outcomes.count, 60)
        XCTAssertEqual(result.points, points)
    }

    func testEveryPointEqualsADirectSimulation() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space()
        let result = Sweep.run(graph, space: s)
        for (p, outcome) in zip(result.points, result.outcomes) {
            var config = try HardwareConfig.load(["reram-1t1r", "sram-16t1c"][p.hardware])
            config.rows = Constant(Double(p.rows), unit: "rows", source: "test")
            if p.readout == .adc { config.readoutKinds = .adcOnly }
            let direct = try Simulator.run(graph, on: config, split: p.split)
            let m = try XCTUnwrap(outcome.metrics, "\(p)")
            XCTAssertEqual(m.energyPJ, direct.energyPJ, "\(p)")  // exactly: the same computation
            XCTAssertEqual(m.areaMM2, direct.areaMM2, "\(p)")
            XCTAssertEqual(m.latencyNS, direct.latencyNS, "\(p)")
            XCTAssertEqual(m.intervalNS, direct.intervalNS, "\(p)")
            XCTAssertEqual(m.parameters, direct.parameters)
            XCTAssertEqual(m.arrays, direct.instances.arrays)
            XCTAssertEqual(m.adcs, direct.instances.adcs)
            XCTAssertEqual(m.senseAmps, direct.instances.senseAmps)
            XCTAssertEqual(m.adcConversions, direct.events.adcConversions)
            XCTAssertEqual(m.edpPJNS, direct.energyPJ * direct.latencyNS)
        }
    }

    func testADCReadoutHasNoSenseAmpsAndAtLeastTheADCsOfAuto() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space(splits: SplitSpec.seedConfigurations)
        let result = Sweep.run(graph, space: s)
        var fewerADCs = 0
        for i in stride(from: 0, to: result.points.count, by: 2) {
            let auto = try XCTUnwrap(result.outcomes[i].metrics), adc = try XCTUnwrap(result.outcomes[i + 1].metrics)
            XCTAssertEqual(result.points[i].readout, .auto)
            XCTAssertEqual(result.points[i + 1].readout, .adc)
            XCTAssertEqual(adc.senseAmps, 0, "\(result.points[i + 1])")
            XCTAssertGreaterThanOrEqual(adc.adcs, auto.adcs, "\(result.points[i])")
            XCTAssertEqual(adc.parameters, auto.parameters)
            if auto.adcs < adc.adcs { fewerADCs += 1 }
        }
        XCTAssertGreaterThan(fewerADCs, 0)  // the sense-amp read-out saves ADCs somewhere in this space
        // 144-row arrays hold a 144-connection group, so split 144 saves ADCs on both configs.
        let i = s.index(hardware: 0, row: 1, split: 2, readout: 0)
        XCTAssertLessThan(result.outcomes[i].metrics!.adcs, result.outcomes[i + 1].metrics!.adcs)
    }

    func testRepeatedSweepsGiveTheSameOutcomesInTheSameOrder() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space(splits: SplitSpec.seedConfigurations)
        let first = Sweep.run(graph, space: s), second = Sweep.run(graph, space: s)
        XCTAssertEqual(first.outcomes, second.outcomes)
        XCTAssertEqual(first.references, second.references)
    }

    func testReferencesAreTheNoSplitADCPointEvenWhenNotInTheSpace() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let s = try space(splits: [.uniform(72)], readouts: [.auto])
        let result = Sweep.run(graph, space: s)
        XCTAssertEqual(result.outcomes.count, 6)
        for (p, reference) in zip(result.points, result.references) {
            let direct = Sweep.evaluate(graph, point: DesignSpace.reference(of: p), in: s)
            XCTAssertEqual(reference, direct)
            XCTAssertEqual(reference.metrics?.senseAmps, 0)
        }
        let inSpace = Sweep.run(graph, space: try space())
        XCTAssertEqual(inSpace.references[0], inSpace.outcomes[1])  // (none, adc) at 64 rows
        XCTAssertEqual(inSpace.references[3], inSpace.outcomes[1])
    }

    func testAPointThatCannotBeBuiltIsSkippedWithItsReason() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        // conv1: 27 connections, 3 input and 16 output channels; 27:9 needs 16 divisible by 3.
        let s = try space(splits: [try SplitSpec(parsing: "27:9"), .none], readouts: [.auto])
        let result = Sweep.run(graph, space: s)
        XCTAssertEqual(result.outcomes.count, 12)
        for (p, outcome) in zip(result.points, result.outcomes) {
            if p.split == .none {
                XCTAssertNotNil(outcome.metrics)
            } else {
                guard case .skipped(let reason) = outcome else { return XCTFail("\(p) should be skipped") }
                XCTAssertTrue(reason.hasPrefix("--split: expected a rule the layer's channels allow (layer \"conv1\")"), reason)
            }
        }
    }

    func testReadoutChoiceChangesOnlyTheReadoutKinds() throws {
        let config = try HardwareConfig.load("sram-16t1c")
        XCTAssertEqual(ReadoutChoice.auto.apply(to: config), config)
        var expected = config
        expected.readoutKinds = .adcOnly
        expected.readoutKindsSource = ReadoutChoice.adc.apply(to: config).readoutKindsSource
        XCTAssertEqual(ReadoutChoice.adc.apply(to: config), expected)
        let s = DesignSpace(configs: [config], rows: [256], splits: [.none], readouts: [.adc])
        let built = s.configuration(for: s.points[0])
        XCTAssertEqual(built.arrayRows, 256)
        XCTAssertEqual(built.arrayColumns, config.arrayColumns)
        XCTAssertEqual(built.readoutKinds, .adcOnly)
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

    func testParetoFrontOfAHandMadeSet() {
        // (area, energy): 0 (1, 9) front; 1 (2, 9) dominated by 0; 2 (3, 4) front; 3 (3, 5) dominated
        // by 2; 4 skipped; 5 (5, 1) front; 6 (6, 1) dominated by 5; 7 (3, 4) duplicate of 2.
        let points: [(x: Double, y: Double)?] = [(1, 9), (2, 9), (3, 4), (3, 5), nil, (5, 1), (6, 1), (3, 4)]
        XCTAssertEqual(SweepMetric.paretoFront(points), [0, 2, 5])
        XCTAssertEqual(SweepMetric.paretoFront([]), [])
    }

    func testBestAndParetoOnASweep() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let result = Sweep.run(graph, space: try space(splits: SplitSpec.seedConfigurations))
        let metrics = result.outcomes.map(\.metrics)
        let best = try XCTUnwrap(SweepMetric.energy.best(among: metrics))
        XCTAssertEqual(metrics[best]!.energyPJ, metrics.compactMap { $0?.energyPJ }.min())
        XCTAssertEqual(SweepMetric.edp.value(of: metrics[0]!), metrics[0]!.energyPJ * metrics[0]!.latencyNS / 1e9)  // pJ*ns -> pJ*s
        let front = SweepMetric.paretoFront(metrics, x: .area, y: .energy)
        XCTAssertTrue(front.contains(best))
        XCTAssertTrue(front.contains(try XCTUnwrap(SweepMetric.area.best(among: metrics))))
        for i in front {
            let a = metrics[i]!
            XCTAssertFalse(metrics.contains { b in
                guard let b else { return false }
                return b.areaMM2 <= a.areaMM2 && b.energyPJ <= a.energyPJ && (b.areaMM2 < a.areaMM2 || b.energyPJ < a.energyPJ)
            }, "\(result.points[i]) is dominated")
        }
    }
}
