import Foundation
import PimsimCore
import XCTest

/// End-to-end tests of `pimsim run` and `pimsim hw`.
final class RunCommandTests: XCTestCase {
    func testDefaultRunComparesTheFiveSeedConfigurations() {
        let (status, out, err) = runPimsim(["run"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.hasPrefix("resnet20 on reram-1t1r (144 x 128 arrays"), out)
        XCTAssertTrue(out.contains("densities: assumed (config: non-zero ternary inputs 0.5"), out)
        for label in ["No Split", "144 -> 2 x 72", "All split to 144", "All split to 72", "All split to 36"] {
            XCTAssertTrue(out.contains(label), label)
        }
        for column in ["parameters", "arrays", "ADCs", "sense amps", "ADC conv./inf.", "energy nJ/inf.", "area mm2", "latency us/inf.", "energy x"] {
            XCTAssertTrue(out.contains(column), column)
        }
        let noSplit = out.split(separator: "\n").first { $0.hasPrefix("No Split ") }!
        XCTAssertTrue(noSplit.hasSuffix("1.00x     1.00x   1.00x      1.00x        88.38"), String(noSplit))
        XCTAssertTrue(out.contains("seed acc. %"))
        XCTAssertFalse(out.lowercased().contains("nan"))
        XCTAssertFalse(out.contains("inf "))
    }

    func testJSONHasTheContractFields() throws {
        let (status, out, err) = runPimsim(["run", "resnet20", "--split", "none,144", "--format", "json"])
        XCTAssertEqual(status, 0, err)
        let root = try JSONReader.parse(out, file: "out.json")
        let configurations = try root.field("configurations").array()
        XCTAssertEqual(configurations.count, 2)
        for c in configurations {
            XCTAssertNoThrow(try c.string("split"))
            for key in ["parameters", "macs", "arrays", "adcs", "sense_amps", "adc_conversions", "energy_pj", "area_mm2", "latency_ns"] {
                XCTAssertNoThrow(try c.field(key).double(), key)
            }
            XCTAssertNoThrow(try c.field("energy_breakdown_pj").field("adcs").double())
            for layer in try c.field("layers").array() {
                XCTAssertNoThrow(try layer.string("name"))
                XCTAssertNoThrow(try layer.int("connections"))
                XCTAssertNoThrow(try layer.field("readout").oneOf(["sense_amp", "adc"]))
                for key in ["arrays", "adcs", "sense_amps", "adc_conversions", "energy_pj", "latency_ns"] {
                    XCTAssertNoThrow(try layer.field(key).double(), key)
                }
            }
        }
        XCTAssertEqual(try configurations[0].string("split"), "none")
        XCTAssertEqual(try configurations[1].string("split"), "144")
        let adcsNone = try configurations[0].field("adcs").double(), adcsSplit = try configurations[1].field("adcs").double()
        XCTAssertGreaterThan(adcsNone, adcsSplit)
        let readouts = try configurations[1].field("layers").array().map { try $0.string("readout") }
        XCTAssertEqual(readouts.filter { $0 == "adc" }.count, 2)  // conv1 (int8 input) and fc (logits)
    }

    func testCSVHasOneRowPerConfigurationAndLayer() {
        let (status, out, err) = runPimsim(["run", "lenet5", "--split", "none,72", "--format", "csv"])
        XCTAssertEqual(status, 0, err)
        let lines = out.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("network,hardware,split,split_label,row_kind,layer,precision,connections,groups,readout"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("lenet5,reram-1t1r,none,No Split,layer,conv1,") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("lenet5,reram-1t1r,72,All split to 72,total,,") })
        XCTAssertEqual(lines.count, 1 + (4 + 1) + (5 + 1), "a header; per configuration its layers (72 adds conv2.pw) and a total")
    }

    func testOneConfigurationGivesAPerLayerTableAndPrecisionOverrideWorks() {
        let (status, out, err) = runPimsim(["run", "resnet20", "--split", "none", "--hw", "isaac", "--precision", "16/16"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("int16/int16"))
        XCTAssertTrue(out.contains("s3b3c2"))
        XCTAssertFalse(out.contains("sense_amp "))  // ISAAC digitises everything
    }

    /// --precision on a net.json whose trained weights fix the precision: one line naming the
    /// file and the flag (was a bare JSON path and a dump of the weight array).
    func testPrecisionOverrideOnTrainedWeightsNamesFileAndFlag() throws {
        let path = (try ResourceLocator.locate("examples") as NSString).appendingPathComponent("tiny-net.json")
        let result = runPimsim(["run", path, "--precision", "16/16"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim run: \(path): --precision 16/16: expected an encoding matching the weight precision int16 (node \"conv\"), found ternary weights\n")
    }

    /// The energy of a huge --inferences exceeds Int and the fixed notation: printed in exponent
    /// form, no trap; per-inference columns are unchanged and say so.
    func testHugeInferenceCountDoesNotTrap() {
        let result = runPimsim(["run", "--split", "none", "--inferences", "9223372036854775807"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("energy nJ, 9,223,372,036,854,775,807 inf."), result.out)
        XCTAssertTrue(result.out.contains("9.170e+21"), result.out)  // 994.2 nJ x 9.22e18
        XCTAssertTrue(result.out.contains("303,114"), result.out)  // ADC conversions per inference
    }

    /// Array sizes whose cell counts overflow 64-bit integers are input errors, not traps.
    func testHugeArrayRowsIsAnError() {
        let result = runPimsim(["run", "--array-rows", "9223372036854775807"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim run: --array-rows: expected an integer from 1 to 1048576, found \"9223372036854775807\"\n")
    }

    /// ISAAC's chip-level HyperTransport leakage is most of its energy: the report says so.
    func testStaticPowerDominanceIsStated() {
        let isaac = runPimsim(["run", "resnet20", "--split", "none", "--hw", "isaac", "--precision", "16/16"])
        XCTAssertEqual(isaac.status, 0, isaac.err)
        XCTAssertTrue(isaac.out.contains("No Split: static power dominates: leakage is 99 % of the energy (of it: hypertransport (per chip)"), isaac.out)
        XCTAssertFalse(runPimsim(["run", "resnet20", "--split", "none"]).out.contains("static power dominates"))
    }

    /// Constants derived by arithmetic print rounded for reading.
    func testHwShowRoundsConstants() {
        let show = runPimsim(["hw", "show", "isaac"])
        XCTAssertTrue(show.out.contains("8b: 1.5625 pJ"), show.out)
        XCTAssertTrue(show.out.contains("0.390625 pJ"), show.out)
        XCTAssertFalse(show.out.contains("0000000"), show.out)
    }

    func testArrayRowsOverrideChangesTheMapping() throws {
        let (_, out, _) = runPimsim(["run", "resnet20", "--split", "none", "--array-rows", "576", "--format", "json"])
        let layers = try JSONReader.parse(out, file: nil).field("configurations").array()[0].field("layers").array()
        let s3 = layers.first { (try? $0.string("name")) == "s3b3c2" }!
        XCTAssertEqual(try s3.string("readout"), "sense_amp")
    }

    func testPipelinedModeShortensTheIntervalNotTheLatency() throws {
        func configuration(_ extra: [String]) throws -> JSONReader {
            let (status, out, err) = runPimsim(["run", "resnet20", "--split", "144", "--format", "json"] + extra)
            XCTAssertEqual(status, 0, err)
            return try JSONReader.parse(out, file: nil).field("configurations").array()[0]
        }
        let serial = try configuration([]), pipelined = try configuration(["--mode", "pipelined"])
        XCTAssertEqual(try serial.double("latency_ns"), try pipelined.double("latency_ns"))
        XCTAssertEqual(try serial.double("interval_ns"), try serial.double("latency_ns"))
        XCTAssertLessThan(try pipelined.double("interval_ns"), try pipelined.double("latency_ns"))
        // Quantities are per inference; only energy_all_inferences_pj scales with --inferences.
        let twice = try configuration(["--inferences", "2"])
        XCTAssertEqual(try twice.double("energy_pj"), try serial.double("energy_pj"))
        XCTAssertEqual(try twice.double("energy_all_inferences_pj"), 2 * (try serial.double("energy_pj")))
        XCTAssertEqual(try serial.double("energy_all_inferences_pj"), try serial.double("energy_pj"))
    }

    func testBadInputsGiveOneLineErrors() {
        var r = runPimsim(["run", "--hw", "reram"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("pimsim run: --hw: expected a hwconfig name (isaac, neurosim-rram-22nm, reram-1t1r, sram-16t1c) or a .json path, found \"reram\""), r.err)
        r = runPimsim(["run", "--hw", "sram-16tc1"])
        XCTAssertTrue(r.err.contains("(did you mean \"sram-16t1c\"?)"), r.err)
        r = runPimsim(["run", "--precision", "16"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("--precision: expected W/A"), r.err)
        r = runPimsim(["run", "--split", "0"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("--split"), r.err)
        r = runPimsim(["run", "resnet20", "--precision", "float32/float32"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("layer conv1: expected ternary, binary or integer inputs"), r.err)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1)
    }

    func testHwListsAndShowsConfigsWithSources() {
        var r = runPimsim(["hw"])
        XCTAssertEqual(r.status, 0, r.err)
        for name in ["reram-1t1r", "sram-16t1c", "isaac", "neurosim-rram-22nm"] { XCTAssertTrue(r.out.contains(name), name) }
        r = runPimsim(["hw", "show", "isaac"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("components.adc.energy_pj_by_adc_bits"))
        XCTAssertTrue(r.out.contains("ISAAC (Shafiee et al., ISCA 2016) Table I"))
        r = runPimsim(["hw", "show", "nosuch"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err, "pimsim hw: NAME: expected a hwconfig name (isaac, neurosim-rram-22nm, reram-1t1r, sram-16t1c) or a .json path, found \"nosuch\"\n")
        r = runPimsim(["hw", "list"])
        XCTAssertEqual(r.status, 2)
    }

    func testHwShowPeak() {
        var r = runPimsim(["hw", "show", "isaac", "--peak", "--precision", "16/16"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("int16/int16  adc 8b    16,128  41.29  0.6274    0.4833    65.81     85.42"), r.out)
        r = runPimsim(["hw", "show", "reram-1t1r", "--peak"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out.split(separator: "\n").filter { $0.hasPrefix("ternary/ternary  sense_amp") || $0.hasPrefix("int8/int8") || $0.hasPrefix("int16/int16") }.count, 3, r.out)
        r = runPimsim(["hw", "show", "isaac", "--precision", "8/8"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err, "pimsim hw: --precision: expected --peak (the precision is that of the peak figures), found no --peak\n")
    }

    func testDuplicateReportsCopiesAndInterval() throws {
        var r = runPimsim(["run", "vgg7", "--hw", "isaac", "--precision", "16/16", "--split", "none", "--duplicate", "auto"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("weights duplicated auto within 16,128 arrays (16,064 arrays used; copies per layer 37,36,9,9,3,3,1,1): interval 46.40 us"), r.out)
        XCTAssertTrue(r.out.contains("copies  arrays"), r.out)
        r = runPimsim(["run", "lenet5", "--split", "none", "--duplicate", "2,1,1,1", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let c = try JSONReader.parse(r.out, file: nil).field("configurations").array()[0]
        XCTAssertEqual(try c.string("duplication"), "2,1,1,1")
        let conv1 = try c.field("layers").array()[0]
        XCTAssertEqual(try conv1.int("duplicates"), 2)
        XCTAssertEqual(try conv1.int("arrays"), 2 * (try conv1.int("arrays_per_copy")))
        r = runPimsim(["run", "--max-arrays", "100"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err, "pimsim run: --max-arrays: expected --duplicate auto (the budget is that of automatic duplication), found --duplicate none\n")
        r = runPimsim(["run", "--duplicate", "auto"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("--duplicate auto: expected an array budget"), r.err)
    }

    func testNodeAndVddScaleTheConfig() throws {
        func energy(_ extra: [String]) throws -> Double {
            let (status, out, err) = runPimsim(["run", "resnet20", "--split", "144", "--format", "json"] + extra)
            XCTAssertEqual(status, 0, err)
            return try JSONReader.parse(out, file: nil).field("configurations").array()[0].double("dynamic_energy_pj")
        }
        let own = try energy([]), at22 = try energy(["--node", "22"]), at45 = try energy(["--node", "45"])
        XCTAssertEqual(own, at22)  // reram-1t1r is a 22 nm config at its nominal 0.85 V
        XCTAssertGreaterThan(at45, own)
        XCTAssertGreaterThan(try energy(["--vdd", "1.0"]), own)
        var r = runPimsim(["hw", "show", "reram-1t1r", "--node", "45"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("values at 45 nm, 1 V (lp)"), r.out)
        XCTAssertTrue(r.out.contains("0.0417 pJ at logic, 65 nm, 1.1 V"), r.out)  // the comparator as published
        r = runPimsim(["run", "--node", "3"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.err, "pimsim run: --node: expected a node from 7 to 180 nm (scaling model stillmaker-baas-2017), found 3\n")
        r = runPimsim(["sweep", "--hw", "isaac", "--node", "32,22", "--array-rows", "128", "--split", "none", "--readout", "adc", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        // The node is a cost-side axis: one mapping, priced at each node (docs/sweep.md).
        XCTAssertTrue(lines[1].hasPrefix("0,resnet20,isaac,128,") && lines[1].hasSuffix(",32.0,0.9"), String(lines[1]))
        XCTAssertTrue(lines[2].hasPrefix("1,resnet20,isaac,128,") && lines[2].hasSuffix(",22.0,0.85"), String(lines[2]))
    }
}

final class RunDensityBannerTests: XCTestCase {
    /// A network whose file measures three of its four layers says which layer is still assumed.
    func testBannerNamesTheLayersWithAssumedDensities() throws {
        var nodes = try ModelZoo.network(named: "lenet5").nodes
        for i in nodes.indices where ["conv2", "fc1", "fc2"].contains(nodes[i].name) {
            nodes[i].data.statistics = LayerStatistics(weightDensity: 0.4, inputDensity: 0.3)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-density-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NetJSON.write(try Graph(name: "lenet5", nodes: nodes), to: path)
        let (status, out, err) = runPimsim(["run", path, "--split", "none"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("densities: measured from the network file for 3 of 4 layers; assumed for conv1 (config:"), out)
    }
}
