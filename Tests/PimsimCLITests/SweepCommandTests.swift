import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PimsimCore
import XCTest

/// End-to-end tests of `pimsim sweep`.
final class SweepCommandTests: XCTestCase {
    static let tableColumns = ["hardware", "rows", "split", "read-out", "parameters", "arrays", "ADCs", "sense amps", "energy nJ",
                               "area mm2", "latency us", "EDP pJ*s", "energy x", "area x", "latency x", "EDP x"]

    func testDefaultSweepHasOneRowPerPointOfTheDefaultSpace() {
        let (status, out, err) = runPimsim(["sweep"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.hasPrefix("resnet20: 2 hwconfigs x 6 array heights x 5 splits x 2 read-outs = 120 design points"), out)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.first { $0.hasPrefix("hardware ") }!
        var position = header.startIndex
        for column in Self.tableColumns {
            let found = header.range(of: column, range: position..<header.endIndex)
            XCTAssertNotNil(found, column)
            position = found?.upperBound ?? position
        }
        let rows = lines.filter { $0.hasPrefix("reram-1t1r ") || $0.hasPrefix("sram-16t1c ") }
        XCTAssertEqual(rows.count, 120, out)  // best and Pareto rows start with a value
        XCTAssertTrue(out.contains("best point per metric"))
        XCTAssertTrue(out.contains("Pareto front of energy against area"))
        // The reference point itself has every ratio 1.00x.
        let reference = rows.first { $0.hasPrefix("reram-1t1r    128  none    adc ") }!
        XCTAssertTrue(reference.hasSuffix("1.00x   1.00x      1.00x  1.00x"), String(reference))
        XCTAssertTrue(err.contains("sweep: 120 of 120 points evaluated (0 skipped)"), err)
        XCTAssertFalse(out.lowercased().contains("nan"))
    }

    func testCSVHasTheTableColumnsAtFullPrecisionAndOneLinePerPoint() throws {
        let (status, out, err) = runPimsim(["sweep", "--hw", "sram-16t1c", "--array-rows", "64,144", "--split", "none,72", "--format", "csv"])
        XCTAssertEqual(status, 0, err)
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 1 * 2 * 2 * 2)
        XCTAssertEqual(lines[0], "point,network,hardware,array_rows,array_columns,columns_per_adc,split,split_label,readout,parameters,macs,arrays,adcs,sense_amps,adc_conversions,energy_pj,area_mm2,latency_ns,interval_ns,edp_pj_ns,energy_x,area_x,latency_x,edp_x,node_nm,vdd_v")
        XCTAssertTrue(lines[1].hasPrefix("0,resnet20,sram-16t1c,64,128,8,none,No Split,auto,269722,"), String(lines[1]))
        XCTAssertTrue(lines[4].hasPrefix("3,resnet20,sram-16t1c,64,128,8,72,All split to 72,adc,83098,"), String(lines[4]))
        // Full precision: energy and EDP agree with each other to the last digit.
        let fields = lines[4].split(separator: ",").map(String.init)
        let energy = try XCTUnwrap(Double(fields[15])), latency = try XCTUnwrap(Double(fields[17])), edp = try XCTUnwrap(Double(fields[19]))
        XCTAssertEqual(edp, energy * latency)  // pJ * ns
        XCTAssertEqual(lines[2].split(separator: ",").suffix(6), ["1.0", "1.0", "1.0", "1.0", "65.0", "1.1"])  // none, adc: the reference, at 65 nm
    }

    func testJSONListsPointsAndSkippedPoints() throws {
        let (status, out, err) = runPimsim(["sweep", "--hw", "reram-1t1r", "--array-rows", "64:128", "--split", "27:9;none;144",
                                            "--readout", "auto", "--format", "json"])
        XCTAssertEqual(status, 0, err)
        let root = try JSONReader.parse(out, file: "out.json")
        XCTAssertEqual(try root.string("network"), "resnet20")
        XCTAssertEqual(try root.field("axes").field("array_rows").ints(), [64, 128])
        let points = try root.field("points").array()
        XCTAssertEqual(points.count, 4)
        for p in points {
            for key in ["hardware", "split", "readout"] { XCTAssertNoThrow(try p.string(key), key) }
            for key in ["array_rows", "parameters", "arrays", "adcs", "sense_amps", "energy_pj", "area_mm2", "latency_ns", "edp_pj_ns",
                        "energy_x", "area_x", "latency_x", "edp_x"] {
                XCTAssertNoThrow(try p.field(key).double(), key)
            }
        }
        XCTAssertEqual(try points.map { try $0.string("split") }, ["none", "144", "none", "144"])
        let skipped = try root.field("skipped").array()
        XCTAssertEqual(skipped.count, 2)
        XCTAssertEqual(try skipped[0].string("split"), "27:9")
        XCTAssertEqual(try skipped[0].int("array_rows"), 64)
        XCTAssertTrue(try skipped[0].string("reason").contains("layer \"conv1\""))
        XCTAssertEqual(err.split(separator: "\n").filter { $0.hasPrefix("sweep: skipped reram-1t1r rows ") }.count, 2, err)
        let best = try root.field("best").field("energy").int(min: 0)
        let energies = try points.map { try $0.double("energy_pj") }
        XCTAssertEqual(energies[best], energies.min())
        XCTAssertEqual(try root.field("pareto_objectives").array().map { try $0.string() }, ["area", "energy"])
        XCTAssertFalse(try root.field("pareto").ints(min: 0).isEmpty)
    }

    func testPrecisionOverrideGivesWhatRunGives() throws {
        let common = ["--hw", "isaac", "--array-rows", "128", "--split", "none", "--precision", "16/16"]
        let sweep = runPimsim(["sweep"] + common + ["--readout", "adc", "--format", "csv"])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        let fields = sweep.out.split(separator: "\n")[1].split(separator: ",")
        let run = runPimsim(["run"] + common + ["--format", "json"])
        XCTAssertEqual(run.status, 0, run.err)
        let configuration = try JSONReader.parse(run.out, file: nil).field("configurations").array()[0]
        XCTAssertEqual(Double(fields[15]), try configuration.double("energy_pj"))
        XCTAssertEqual(Double(fields[16]), try configuration.double("area_mm2"))
        XCTAssertEqual(Int(fields[12]), try configuration.int("adcs"))
        let ternary = runPimsim(["sweep", "--hw", "isaac", "--array-rows", "128", "--split", "none", "--readout", "adc", "--format", "csv"])
        XCTAssertNotEqual(ternary.out.split(separator: "\n")[1].split(separator: ",")[15], fields[15])
    }

    func testRepeatedRunsGiveIdenticalOutput() {
        let args = ["sweep", "--array-rows", "16:2048", "--split", "none,144:72,144,72,36,18", "--format", "csv"]
        let first = runPimsim(args), second = runPimsim(args)
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(first.out.split(separator: "\n").count, 1 + 2 * 8 * 6 * 2)
        XCTAssertEqual(first.out, second.out)
    }

    func testBadAxisValuesGiveOneLineErrorsNamingTheFlag() {
        let cases: [([String], String)] = [
            (["--array-rows", "0"], "pimsim sweep: --array-rows: expected array rows R[,R...] (integers from 1 to 1048576) or A:B (powers of two from A to B), found \"0\""),
            (["--array-rows", "64:32"], "pimsim sweep: --array-rows: expected A:B with A and B powers of two from 1 to 1048576 and A <= B (e.g. 32:1024), found \"64:32\""),
            (["--readout", "foo"], "pimsim sweep: --readout: expected auto or adc, separated by commas (e.g. auto,adc), found \"foo\""),
            (["--hw", "reram-1t1r,nosuch"], "pimsim sweep: --hw: expected a hwconfig name (isaac, neurosim-rram-22nm, reram-1t1r, sram-16t1c) or a .json path, found \"nosuch\""),
            (["--hw", "isaac,isaac"], "pimsim sweep: --hw: expected each value once, found \"isaac\" twice"),
            (["--split", "72,72"], "pimsim sweep: --split: expected each value once, found \"72\" twice"),
            (["--split", "0"], "pimsim sweep: --split: expected none, a split size S"),
            (["--metric", "power"], "pimsim sweep: --metric: expected one of energy, area, latency, edp, adcs, arrays"),
        ]
        for (extra, message) in cases {
            let r = runPimsim(["sweep"] + extra)
            XCTAssertEqual(r.status, 1, "\(extra)")
            XCTAssertTrue(r.err.hasPrefix(message), "\(extra): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, "\(extra): \(r.err)")
            XCTAssertEqual(r.out, "")
        }
        let r = runPimsim(["sweep", "--split", "27:9", "--hw", "isaac", "--array-rows", "128"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("sweep: skipped isaac rows 128 split 27:9 read-out auto: --split: expected a rule"), r.err)
        XCTAssertTrue(r.err.hasSuffix("pimsim sweep: expected at least one design point that can be built, found all 2 skipped (reasons above)\n"), r.err)
    }

    func testMetricWithoutSVGIsAnError() {
        let result = runPimsim(["sweep", "--metric", "edp"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim sweep: --metric: expected --svg FILE (the metric is what the SVG plots), found no --svg\n")
    }

    func testUnwritableSVGPathNamesTheSVGFlag() {
        let result = runPimsim(["sweep", "--hw", "isaac", "--array-rows", "128", "--svg", "/nonexistent-folder/s.svg"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err.split(separator: "\n").last.map(String.init),
                       "pimsim sweep: /nonexistent-folder/s.svg: --svg: expected a writable file path, found no folder /nonexistent-folder")
    }

    func testSVGIsOneWellFormedChartPerHwconfig() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sweep.svg").path
        let (status, _, err) = runPimsim(["sweep", "--metric", "edp", "--svg", path, "-o", dir.appendingPathComponent("t.txt").path])
        XCTAssertEqual(status, 0, err)
        for name in ["reram-1t1r", "sram-16t1c"] {
            let file = dir.appendingPathComponent("sweep-\(name).svg").path
            XCTAssertTrue(err.contains("wrote \(file)"), err)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let parser = XMLParser(data: Data(text.utf8))
            XCTAssertTrue(parser.parse(), "\(file): \(parser.parserError.map { "\($0)" } ?? "")")
            XCTAssertTrue(text.contains("resnet20 on \(name): EDP pJ*s against array rows"))
            XCTAssertEqual(text.components(separatedBy: "<polyline").count - 1, 5 * 2)
            XCTAssertEqual(text.components(separatedBy: "stroke-dasharray").count - 1, 5 * 2)  // adc lines and their legend samples
            XCTAssertEqual(text.components(separatedBy: "<circle").count - 1, 10 * 6 + 10)  // markers + legend
        }
        // A path without an extension still names .svg files.
        let bare = dir.appendingPathComponent("bare").path
        XCTAssertEqual(runPimsim(["sweep", "--array-rows", "64:128", "--metric", "area", "--svg", bare, "-o", dir.appendingPathComponent("t.txt").path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bare + "-reram-1t1r.svg"))
        let single = dir.appendingPathComponent("one.svg").path
        XCTAssertEqual(runPimsim(["sweep", "--hw", "isaac", "--metric", "energy", "--svg", single, "-o", dir.appendingPathComponent("t.txt").path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: single))
    }
}
