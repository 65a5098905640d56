import Foundation
import PimsimCore
import PimsimSim
import XCTest

/// Loading and validating hwconfig files: the shipped ones load, malformed ones fail with one
/// line naming the file and the JSON path.
final class HardwareConfigTests: XCTestCase {
    func shippedText(_ name: String) throws -> String {
        try TextFile.read((try ResourceLocator.locate("hwconfigs") as NSString).appendingPathComponent(name + ".json"))
    }

    func testShippedConfigsLoadAndCiteEverySource() throws {
        for name in ["reram-1t1r", "sram-16t1c", "isaac", "neurosim-rram-22nm"] {
            let config = try HardwareConfig.load(name)
            XCTAssertEqual(config.name, name)
            // Every entry but a component's heading line ("components.NAME") carries a source.
            for entry in config.entries where !(entry.path.hasPrefix("components.") && entry.path.split(separator: ".").count == 2) {
                XCTAssertFalse(entry.source.isEmpty, "\(name) \(entry.path)")
            }
        }
        XCTAssertEqual(try HardwareConfig.load("reram-1t1r").arrayRows, 144)
    }

    /// Parses `name`'s text after `edit`, expecting an error whose message is `expected`.
    func assertError(_ name: String, _ edit: (String) -> String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = edit(try shippedText(name))
        XCTAssertThrowsError(try HardwareConfig.parse(text, file: "bad.json"), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertEqual(message, expected, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
    }

    func testMalformedConfigsGiveOneLineErrors() throws {
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"value\": 144,", with: "\"value\": -144,") },
                        "bad.json: $.array.rows.value: expected an integer >= 1, found -144")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"value\": 144,", with: "\"value\": 9000000000000000,") },
                        "bad.json: $.array.rows.value: expected an integer from 1 to 1048576, found 9000000000000000")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"unit\": \"ns\"", with: "\"unit\": \"us\"") },
                        "bad.json: $.array.cycle_ns.unit: expected the unit \"ns\", found the string \"us\"")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"columns\": {", with: "\"colums\": {") },
                        "bad.json: $.array.colums: expected one of the known fields bits_per_cell, cells_per_ternary_weight, columns, cycle_ns, input_bits_per_cycle, input_encoding, rows (did you mean \"columns\"?), found an unknown field")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"value\": \"bipolar\"", with: "\"value\": \"bipolr\"") },
                        "bad.json: $.array.input_encoding.value: expected one of bipolar, two_phase, paired_rows (did you mean \"bipolar\"?), found the string \"bipolr\"")
        try assertError("isaac", { $0.replacingOccurrences(of: "\"value\": 20.7,", with: "\"value\": \"lots\",") },
                        "bad.json: $.components[7].static_mw.value: expected a number, found the string \"lots\"")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"values\": [\n          0.79,", with: "\"values\": [\n          -0.79,") },
                        "bad.json: $.components[5].energy_pj_by_adc_bits.values[0]: expected a number > 0, found -0.79")
        try assertError("sram-16t1c", { $0.replacingOccurrences(of: "\"name\": \"wordline_driver\"", with: "\"name\": \"bitcell\"") },
                        "bad.json: $.components[1].name: expected a unique component name, found \"bitcell\" again")
        XCTAssertThrowsError(try HardwareConfig.parse(try shippedText("reram-1t1r") + "}", file: "bad.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad.json: "), "\(error)")
            XCTAssertTrue("\(error)".contains("expected valid JSON"), "\(error)")
        }
    }

    /// A finite but huge constant overflows the totals: an error naming the file, not inf in a
    /// table or a trap in the JSON writer.
    func testHugeConstantThatOverflowsIsAnError() throws {
        let text = try shippedText("reram-1t1r").replacingOccurrences(of: "\"value\": 10,", with: "\"value\": 1e308,")
        let config = try HardwareConfig.parse(text, file: "huge.json")
        XCTAssertEqual(config.arrayCycleNS.value, 1e308)
        XCTAssertThrowsError(try Simulator.run(try ModelZoo.network(named: "resnet20"), on: config)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("huge.json: $: expected constants small enough that energy, latency and area stay finite, found energy inf pJ"), message)
            XCTAssertFalse(message.contains("\n"))
        }
    }

    func testMissingSourceAndMissingFieldAreNamed() throws {
        let text = try shippedText("reram-1t1r")
        let noSource = text.replacingOccurrences(of: "\"source\": \"NeuroSim V1.3 Param.cpp (docs/reference/published-figures.md, Devices): read pulse 10 ns\"", with: "\"source\": \" \"")
        XCTAssertNotEqual(noSource, text)
        XCTAssertThrowsError(try HardwareConfig.parse(noSource, file: "x.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.json: $.array.cycle_ns.source: expected a non-empty source"), "\(error)")
        }
        let noRows = text.replacingOccurrences(of: "\"rows\": {", with: "\"rows_\": {")
        XCTAssertThrowsError(try HardwareConfig.parse(noRows, file: "x.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.json: $.array.rows_: expected one of the known fields"), "\(error)")
        }
    }

    func testUnknownNameAndMissingFile() throws {
        XCTAssertThrowsError(try HardwareConfig.load("reram")) { error in
            XCTAssertTrue("\(error)".hasPrefix("--hw: expected a hwconfig name (isaac, neurosim-rram-22nm, reram-1t1r, sram-16t1c)"), "\(error)")
        }
        XCTAssertThrowsError(try HardwareConfig.load("/nonexistent/hw.json")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/hw.json: expected an existing file, found no such file")
        }
    }

    func testADCEnergyTableInterpolatesGeometrically() throws {
        let config = try HardwareConfig.load("sram-16t1c")
        let adc = config.components.first { $0.name == "adc" }!
        XCTAssertEqual(adc.energyByBits!.value(atBits: 4), 0.204, accuracy: 1e-12)
        XCTAssertEqual(adc.energyByBits!.value(atBits: 8), 0.503, accuracy: 1e-12)
        XCTAssertEqual(adc.energyByBits!.value(atBits: 6), (0.204 * 0.503).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(adc.energyByBits!.value(atBits: 3), 0.204, accuracy: 1e-12)  // below the table: first entry
        XCTAssertEqual(adc.energyByBits!.value(atBits: 12), 0.503 * 0.503 / 0.204, accuracy: 1e-12)  // extrapolated
    }
}

extension HardwareConfigTests {
    /// The optional nonideality section and readout.adc_range: read with their sources, and
    /// checked like every other constant.
    func testNonidealitySection() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        let n = try XCTUnwrap(config.nonideality)
        XCTAssertEqual(n.offConductance.value, 0.0588)
        XCTAssertEqual([n.conductanceSigma, n.readNoiseSigma, n.stuckAtLow, n.stuckAtHigh, n.senseAmpOffsetSigma].map(\.value), [0, 0, 0, 0, 0])
        XCTAssertEqual(config.adcRange?.value, 1)
        XCTAssertTrue(config.entries.contains { $0.path == "nonideality.sa_offset_sigma" && $0.value == "0 unit_currents" })
        let section = "\"nonideality\": {\n    \"conductance_sigma\": {\n      \"value\": 0,\n      \"unit\": \"sigma\""
        XCTAssertTrue(try shippedText("reram-1t1r").contains(section))
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: section, with: section.replacingOccurrences(of: "\"unit\": \"sigma\"", with: "\"unit\": \"%\"")) },
                        "bad.json: $.nonideality.conductance_sigma.unit: expected the unit \"sigma\", found the string \"%\"")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"stuck_at_low\": {\n      \"value\": 0,", with: "\"stuck_at_low\": {\n      \"value\": 0.7,")
                                           .replacingOccurrences(of: "\"stuck_at_high\": {\n      \"value\": 0,", with: "\"stuck_at_high\": {\n      \"value\": 0.4,") },
                        "bad.json: $.nonideality.stuck_at_high.value: expected stuck_at_low + stuck_at_high <= 1, found 0.7 + 0.4")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"read_noise_sigma\": {", with: "\"read_noise_sigm\": {") },
                        "bad.json: $.nonideality.read_noise_sigm: expected one of the known fields conductance_sigma, off_conductance, read_noise_sigma, sa_offset_sigma, stuck_at_high, stuck_at_low (did you mean \"read_noise_sigma\"?), found an unknown field")
        try assertError("reram-1t1r", { $0.replacingOccurrences(of: "\"adc_range\": {\n      \"value\": 1,", with: "\"adc_range\": {\n      \"value\": 0,") },
                        "bad.json: $.readout.adc_range.value: expected a number > 0, found 0")
        // Both are optional: a config without them (written before them) loads.
        guard case .object(let pairs) = try JSONParser.parse(try shippedText("reram-1t1r")) else { return XCTFail("not an object") }
        let plain = try HardwareConfig.parse(JSONWriter.write(.object(pairs.filter { $0.0 != "nonideality" })), file: "old.json")
        XCTAssertNil(plain.nonideality)
    }
}
