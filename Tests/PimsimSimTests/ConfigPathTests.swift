import Foundation
import PimsimCore
import PimsimSim
import XCTest

/// Settings by path (`--set`, `--vary`): resolution, errors that list the valid paths, values
/// checked as the file's, equality with an edited file, and the cost-side / geometry-side split
/// the fast sweep relies on.
final class ConfigPathTests: XCTestCase {
    static let configs = ["reram-1t1r", "sram-16t1c", "isaac"]

    func testPathsResolveInEveryForm() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        XCTAssertEqual(try ConfigPath.resolve("array.cycle_ns", in: config, flag: "--set").description, "array.cycle_ns")
        XCTAssertTrue(try ConfigPath.resolve("array.cycle_ns", in: config, flag: "--set").isCostSide)
        XCTAssertFalse(try ConfigPath.resolve("readout.adc_sharing", in: config, flag: "--set").isCostSide)
        let short = try ConfigPath.resolve("sense_amp.energy_pj", in: config, flag: "--set")
        let long = try ConfigPath.resolve("components.sense_amp.energy_pj", in: config, flag: "--set")
        XCTAssertEqual(short, long)
        XCTAssertEqual(short.description, "sense_amp.energy_pj")
        XCTAssertEqual(try ConfigPath.resolve("adc.energy_pj_by_adc_bits.9", in: config, flag: "--set").description, "adc.energy_pj_by_adc_bits.9")
        // Every path of every shipped config resolves to itself.
        for name in Self.configs {
            let c = try HardwareConfig.load(name)
            for path in ConfigPath.all(in: c) { XCTAssertEqual(try ConfigPath.resolve(path.description, in: c, flag: "--set"), path) }
        }
    }

    func testAnUnknownPathNamesTheConfigAndListsTheValidPaths() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        XCTAssertThrowsError(try ConfigPath.resolve("adc.energy_pj", in: config, flag: "--vary")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("\(config.file!): --vary: expected a setting of reram-1t1r (adc has adc.count, adc.energy_pj_by_adc_bits.4, "), message)
            XCTAssertTrue(message.contains(": array.rows, array.columns, "), message)
            XCTAssertTrue(message.hasSuffix("interconnect.static_mw, found \"adc.energy_pj\""), message)
        }
        XCTAssertThrowsError(try ConfigPath.resolve("array.cycle_n", in: config, flag: "--set")) {
            XCTAssertTrue("\($0)".contains("(did you mean \"array.cycle_ns\"?)"), "\($0)")
        }
        XCTAssertThrowsError(try ConfigPath.resolve("adc.energy_pj_by_adc_bits.3", in: config, flag: "--set"))  // no such entry
    }

    func testValuesAreCheckedAsTheFilesAre() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        func message(_ path: String, _ value: String) -> String {
            do {
                let p = try ConfigPath.resolve(path, in: config, flag: "--set")
                _ = try config.setting(p, to: try p.value(value, flag: "--set"), source: "test")
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(message("array.rows", "1.5"), "--set array.rows: expected an integer from 1 to 1048576, found \"1.5\"")
        XCTAssertEqual(message("array.cycle_ns", "0"), "--set array.cycle_ns: expected a number > 0, found \"0\"")
        XCTAssertEqual(message("readout.sense_ns", "0"), "no error")
        XCTAssertEqual(message("assumed_densities.input_nonzero", "1.1"), "--set assumed_densities.input_nonzero: expected a number from 0 to 1, found \"1.1\"")
        XCTAssertEqual(message("schedule.mode", "fast"), "--set schedule.mode: expected one of layer_by_layer, pipelined, found \"fast\"")
        XCTAssertEqual(message("adc.energy_pj_by_adc_bits.9", "0"), "--set adc.energy_pj_by_adc_bits.9: expected a number > 0, found \"0\"")
        XCTAssertEqual(message("sense_amp.energy_pj", "nan"), "--set sense_amp.energy_pj: expected a number >= 0, found \"nan\"")
        // Checks across fields run on the changed config.
        XCTAssertEqual(message("array.columns", "1"), "\(config.file!): $.array.columns: expected at least cells_per_ternary_weight (2) columns, found 1")
        XCTAssertEqual(message("readout.adc_resolution_rule", "fixed"), "\(config.file!): $.readout.adc_bits: expected a resolution (required when adc_resolution_rule is fixed), found nothing")
    }

    /// `--set` gives exactly what the file with the value written in gives.
    func testASettingEqualsTheEditedFile() throws {
        let path = try ResourceLocator.locate("hwconfigs/reram-1t1r.json")
        var json = try JSONSerialization.jsonObject(with: Data(try TextFile.read(path).utf8)) as! [String: Any]
        var array = json["array"] as! [String: Any]
        var cycle = array["cycle_ns"] as! [String: Any]
        cycle["value"] = 7.5
        array["cycle_ns"] = cycle
        json["array"] = array
        var components = json["components"] as! [[String: Any]]
        let adc = components.firstIndex { $0["name"] as? String == "adc" }!
        var table = components[adc]["energy_pj_by_adc_bits"] as! [String: Any]
        var values = table["values"] as! [Double]
        values[2] = 0.37  // 6 bits
        table["values"] = values
        components[adc]["energy_pj_by_adc_bits"] = table
        let buffer = components.firstIndex { $0["name"] as? String == "output_buffer" }!
        components[buffer]["static_mw"] = ["value": 0.25, "unit": "mW", "source": "test"]
        json["components"] = components
        let edited = try HardwareConfig.parse(String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self), file: "edited.json")

        var set = try HardwareConfig.load("reram-1t1r")
        for (p, v) in [("array.cycle_ns", "7.5"), ("adc.energy_pj_by_adc_bits.6", "0.37"), ("output_buffer.static_mw", "0.25")] {
            let resolved = try ConfigPath.resolve(p, in: set, flag: "--set")
            set = try set.setting(resolved, to: try resolved.value(v, flag: "--set"), source: "test")
        }
        let graph = try ModelZoo.network(named: "resnet20")
        for split in SplitSpec.seedConfigurations {
            let a = try Simulator.run(graph, on: edited, split: split), b = try Simulator.run(graph, on: set, split: split)
            XCTAssertEqual(a.energyPJ, b.energyPJ, "\(split)")
            XCTAssertEqual(a.areaMM2, b.areaMM2, "\(split)")
            XCTAssertEqual(a.latencyNS, b.latencyNS, "\(split)")
            XCTAssertEqual(a.components, b.components, "\(split)")
        }
        let base = try Simulator.run(graph, on: try HardwareConfig.load("reram-1t1r"), split: .uniform(144))
        XCTAssertNotEqual(try Simulator.run(graph, on: set, split: .uniform(144)).energyPJ, base.energyPJ)
    }

    /// What the fast sweep relies on: a cost-side setting never changes a design's profile (its
    /// mapping and event counts), and pricing the profile with the changed constants vector
    /// equals simulating the changed config.
    func testCostSideSettingsChangeOnlyTheConstants() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let networks = try [SplitSpec.none, .uniform(72)].map { try SplitNetwork(graph, split: $0) }
        var checked = 0
        for name in Self.configs {
            let config = try HardwareConfig.load(name)
            let designs = try networks.map { try MappedDesign($0, on: config) }
            for path in ConfigPath.all(in: config) where path.isCostSide {
                let constants = CostConstants(config)
                let slot = try XCTUnwrap(path.slot(in: constants.layout), path.description)
                // A different valid value: counts are integers (arrays per macro) or any > 0.
                let old = constants.values[slot]
                let new = path.takesIntegers ? old + 1 : (old == 0 ? 0.5 : old * 1.5)
                let changed = try config.setting(path, to: .number(new), source: "test")
                var vector = constants
                vector.values[slot] = new
                XCTAssertEqual(CostConstants(changed).values, vector.values, path.description)
                for (network, design) in zip(networks, designs) {
                    let redone = try MappedDesign(network, on: changed)
                    XCTAssertEqual(redone.mapping, design.mapping, path.description)
                    // The same profile; its instances are re-organised at every point anyway.
                    XCTAssertEqual(redone.profile.layers, design.profile.layers, path.description)
                    XCTAssertEqual(redone.profile.instances.organised(arraysPerMacro: Int(config.arraysPerMacro.value), macrosPerTile: Int(config.macrosPerTile.value)),
                                   design.profile.instances, path.description)
                    let direct = try Simulator.run(network, on: changed)
                    XCTAssertEqual(CostModel.evaluate(design.profile, vector), direct.totals, "\(name) \(path)")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
        // A geometry-side setting does change the mapping.
        let config = try HardwareConfig.load("reram-1t1r")
        let sharing = try ConfigPath.resolve("readout.adc_sharing", in: config, flag: "--set")
        XCTAssertNotEqual(config.adcSharing.value, 2)
        let shared = try MappedDesign(networks[0], on: config.setting(sharing, to: .number(2), source: "test"))
        XCTAssertTrue(shared.mapping != (try MappedDesign(networks[0], on: config).mapping))
    }
}
