import Foundation
import PimsimCore
import PimsimSim
import XCTest

/// Technology scaling (docs/cost-model.md, "Technology scaling"): the Stillmaker-Baas model and
/// the per-class rules, applied to hwconfig components and time constants.
final class TechnologyScalingTests: XCTestCase {
    func model() throws -> ScalingModel { try XCTUnwrap(try HardwareConfig.load("reram-1t1r").technology).model }

    func reference(_ c: ScalingClass, _ node: Double, _ vdd: Double? = nil, area: Double? = nil) -> TechnologyReference {
        TechnologyReference(scalingClass: c, nodeNM: node, vddV: vdd, areaNodeNM: area, source: "test")
    }

    func testScalingToTheReferenceNodeAndSupplyIsTheIdentity() throws {
        let m = try model()
        // Table nodes and nodes between them (22 nm is not in Stillmaker-Baas's table).
        for node in [180.0, 65, 45, 32, 22, 20, 14, 11, 7] {
            for c in ScalingClass.allCases {
                for roadmap in Roadmap.allCases {
                    let vdd = m.nominalVDD(atNode: node)
                    let f = try m.factors(from: reference(c, node, vdd), toNode: node, vdd: vdd, roadmap: roadmap)
                    XCTAssertEqual(f, .identity, "\(c) at \(node) nm")
                }
            }
        }
    }

    func testLogicEnergyFallsMonotonicallyWithTheNode() throws {
        let m = try model()
        for roadmap in Roadmap.allCases {
            // At the node's nominal supply, and at a fixed 0.9 V, from 180 nm down to 7 nm in 1 nm steps.
            for fixed in [nil, 0.9] {
                var previous = Double.infinity
                for node in stride(from: 180.0, through: 7, by: -1) {
                    let e = try m.logicEnergy(node: node, vdd: fixed ?? m.nominalVDD(atNode: node), roadmap: roadmap)
                    XCTAssertLessThan(e, previous, "\(roadmap) at \(node) nm, vdd \(String(describing: fixed))")
                    previous = e
                }
            }
            var previousArea = Double.infinity
            for node in stride(from: 180.0, through: 7, by: -1) {
                XCTAssertLessThan(m.logicArea(node: node), previousArea, "area at \(node) nm")
                previousArea = m.logicArea(node: node)
            }
        }
    }

    func testFactorsFollowThePublishedFitsAndRules() throws {
        let m = try model()
        // Energy: e(V) = b2 V^2 + b1 V + b0 at 45 nm LP (1.103, -0.362, 0.2767) and 32 nm LP (0.9559, -0.7823, 0.471), 0.9 V.
        let e45 = 1.103 * 0.81 - 0.362 * 0.9 + 0.2767, e32 = 0.9559 * 0.81 - 0.7823 * 0.9 + 0.471
        let logic = try m.factors(from: reference(.logic, 45, 0.9), toNode: 32, vdd: 0.9, roadmap: .lp)
        XCTAssertEqual(logic.energy, e32 / e45, accuracy: 1e-12)
        XCTAssertEqual(logic.staticPower, logic.energy)
        // Area: between table nodes the least-squares per-node areas agree with the table's rounded factor (0.46).
        XCTAssertEqual(logic.area, 0.46, accuracy: 0.02)
        // 22 nm lies between 32 and 20 nm: geometric in ln(node), t = ln(32/22) / ln(32/20).
        let t = log(32.0 / 22) / log(32.0 / 20)
        let e20 = 0.2632 * 0.7225 - 0.14 * 0.85 + 0.06841, e32at085 = 0.9559 * 0.7225 - 0.7823 * 0.85 + 0.471
        XCTAssertEqual(try m.logicEnergy(node: 22, vdd: 0.85, roadmap: .lp), exp((1 - t) * log(e32at085) + t * log(e20)), accuracy: 1e-12)
        // Analog: energy kept, area ~ node^0.797 (the ADC survey regression).
        let analog = try m.factors(from: reference(.analog, 32), toNode: 22, vdd: 0.85, roadmap: .lp)
        XCTAssertEqual(analog.energy, 1)
        XCTAssertEqual(analog.area, pow(22.0 / 32, 0.797323960429599), accuracy: 1e-12)
        // Device: energy kept, area ~ node^2.
        let device = try m.factors(from: reference(.device, 32), toNode: 22, vdd: 0.85, roadmap: .lp)
        XCTAssertEqual(device.energy, 1)
        XCTAssertEqual(device.area, (22.0 / 32) * (22.0 / 32), accuracy: 1e-12)
        // SRAM: a 160 F^2 cell at 22 nm, 300 F^2 at 14 nm (NeuroSim Param.cpp).
        let sram = try m.factors(from: reference(.sram, 22, 0.85), toNode: 14, vdd: 0.8, roadmap: .lp)
        XCTAssertEqual(sram.area, 300 * 14 * 14 / (160 * 22 * 22.0), accuracy: 1e-12)
        // An area published at another node than the energy.
        let split = try m.factors(from: reference(.device, 22, area: 44), toNode: 22, vdd: 0.85, roadmap: .lp)
        XCTAssertEqual(split.area, 0.25, accuracy: 1e-12)
        XCTAssertEqual(try m.factors(from: reference(.none, 180), toNode: 7, vdd: 0.7, roadmap: .hp), .identity)
    }

    func testShippedConfigsScaleEveryComponentAndRetargetConsistently() throws {
        for name in ["reram-1t1r", "sram-16t1c", "isaac", "neurosim-rram-22nm"] {
            let config = try HardwareConfig.load(name)
            let t = try XCTUnwrap(config.technology, name)
            XCTAssertTrue(config.components.allSatisfy { $0.reference != nil }, name)
            // Retargeting to the config's own node and supply changes nothing.
            XCTAssertEqual(try config.retargeted(nodeNM: t.nodeNM, vddV: t.vddV), config, name)
            let graph = try ModelZoo.network(named: "resnet20")
            let here = try Simulator.run(graph, on: config, split: .none)
            let older = try Simulator.run(graph, on: try config.retargeted(nodeNM: 65, vddV: nil), split: .none)
            let newer = try Simulator.run(graph, on: try config.retargeted(nodeNM: 7, vddV: nil), split: .none)
            // The event counts are the mapping's: the node changes only the energies and areas.
            XCTAssertEqual(here.events.adcConversions, newer.events.adcConversions, name)
            XCTAssertEqual(here.events.cellReadsOn, older.events.cellReadsOn, name)
            if t.nodeNM < 65 { XCTAssertGreaterThan(older.areaMM2, here.areaMM2, name) }
            XCTAssertLessThan(newer.areaMM2, here.areaMM2, name)
            XCTAssertLessThanOrEqual(newer.dynamicPJ, here.dynamicPJ, name)
        }
        // reram-1t1r at 22 nm: the 65 nm comparator is scaled down, the 32 nm ADC energy is not.
        let reram = try HardwareConfig.load("reram-1t1r")
        let sense = try XCTUnwrap(reram.components.first { $0.name == "sense_amp" })
        XCTAssertLessThan(try XCTUnwrap(sense.energyPJ).value * sense.factors.energy, 0.0417 / 5)  // as the cost model uses it
        let adc = try XCTUnwrap(reram.components.first { $0.name == "adc" })
        XCTAssertEqual(try XCTUnwrap(adc.energyByBits).value(atBits: 8) * adc.factors.energy, 1.67)
        XCTAssertEqual(try XCTUnwrap(adc.areaByBits).value(atBits: 8) * adc.factors.area, 1200 * pow(22.0 / 32, 0.797323960429599), accuracy: 1e-9)
    }

    func testTechnologyErrorsNameTheFieldOrFlag() throws {
        let text = try TextFile.read((try ResourceLocator.locate("hwconfigs") as NSString).appendingPathComponent("reram-1t1r.json"))
        func error(_ edited: String) -> String {
            do { _ = try HardwareConfig.parse(edited, file: "bad.json"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(error(text.replacingOccurrences(of: "\"value\": 22,\n      \"unit\": \"nm\"", with: "\"value\": 3,\n      \"unit\": \"nm\"")),
                       "bad.json: $.technology.node_nm.value: expected a node from 7 to 180 nm (the range of scaling model stillmaker-baas-2017), found 3")
        XCTAssertEqual(error(text.replacingOccurrences(of: "\"class\": \"analog\",\n        \"node_nm\": 32,", with: "\"class\": \"analog\",")),
                       "bad.json: $.components[5].reference.node_nm: expected a value (required field), found nothing")
        XCTAssertEqual(error(text.replacingOccurrences(of: "\"class\": \"logic\",\n        \"node_nm\": 65,\n        \"vdd_v\": 1.1,", with: "\"class\": \"logic\",\n        \"node_nm\": 65,")),
                       "bad.json: $.components[3].reference.vdd_v: expected the supply (V) of the published figure (required for class logic), found nothing")
        XCTAssertEqual(error(text.replacingOccurrences(of: "\"value\": \"stillmaker-baas-2017\"", with: "\"value\": \"moore\"")),
                       "bad.json: $.technology.scaling_model.value: expected a scaling model in hwconfigs/technology (stillmaker-baas-2017), found \"moore\"")
        // A supply where a fit turns negative (180 nm: e(V) = 24.64 V - 17.98) names its field or flag.
        XCTAssertEqual(error(text.replacingOccurrences(of: "\"class\": \"logic\",\n        \"node_nm\": 65,\n        \"vdd_v\": 1.1,", with: "\"class\": \"logic\",\n        \"node_nm\": 180,\n        \"vdd_v\": 0.5,")),
                       "bad.json: $.components[3].reference.vdd_v: expected a supply at which the energy fit of stillmaker-baas-2017 is positive at 180 nm, found 0.5 V")
        XCTAssertThrowsError(try HardwareConfig.load("reram-1t1r").retargeted(nodeNM: 180, vddV: 0.6)) {
            XCTAssertEqual("\($0)", "--vdd: expected a supply at which the energy fit of stillmaker-baas-2017 is positive at 180 nm, found 0.6 V")
        }
        // A config without a technology section cannot be retargeted.
        let hand = try HardwareConfig.parse(HandComputedExampleTests.config, file: "hand.json")
        XCTAssertNil(hand.technology)
        XCTAssertThrowsError(try hand.retargeted(nodeNM: 22, vddV: nil)) {
            XCTAssertEqual("\($0)", "--node: expected a hwconfig with a technology section (docs/hwconfig.md), found hand, which has none")
        }
        XCTAssertThrowsError(try HardwareConfig.load("isaac").retargeted(nodeNM: 250, vddV: nil)) {
            XCTAssertEqual("\($0)", "--node: expected a node from 7 to 180 nm (scaling model stillmaker-baas-2017), found 250")
        }
    }
}
