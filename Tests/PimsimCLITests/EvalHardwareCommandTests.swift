import Foundation
import PimsimCore
import XCTest

/// `pimsim eval NET --hw CONFIG` and `pimsim run TRAINED --hw CONFIG` as a user runs them.
final class EvalHardwareCommandTests: XCTestCase {
    let lenet = "examples/nets/lenet5-twn.json"

    func json(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> JSONReader {
        let run = runPimsim(arguments)
        XCTAssertEqual(run.status, 0, run.err, file: file, line: line)
        return try JSONReader.parse(run.out, file: nil)
    }

    /// The ideal arrays reproduce the integer evaluation; with read noise the trials differ from
    /// it and report how many ADC reads changed; the result does not depend on --threads.
    func testEvalOnTheArrays() throws {
        let integer = runPimsim(["eval", lenet, "--test-limit", "100"])
        XCTAssertEqual(integer.status, 0, integer.err)
        let ideal = try json(["eval", lenet, "--hw", "reram-1t1r", "--test-limit", "100", "--format", "json"])
        let accuracy = try ideal.double("accuracy")
        XCTAssertTrue(integer.out.contains("test accuracy " + String(format: "%.2f", accuracy * 100) + " %"), integer.out)
        XCTAssertEqual(try ideal.field("trials").doubles(), [Double](repeating: accuracy, count: 5))
        XCTAssertEqual(try ideal.double("accuracy_std"), 0)
        let layers = try ideal.field("layers").array()
        XCTAssertEqual(try layers.map { try $0.string("name") }, ["conv1", "conv2", "fc1", "fc2"])
        XCTAssertEqual(try layers.map { try $0.double("adc_codes_differing") }, [0, 0, 0, 0])
        XCTAssertTrue(try layers.allSatisfy { try $0.optionalField("comparator_decisions_differing") == nil })

        let noisy = ["eval", lenet, "--hw", "reram-1t1r", "--test-limit", "100", "--trials", "3", "--read-noise-sigma", "0.1", "--format", "json"]
        let one = try json(noisy + ["--threads", "1"])
        XCTAssertEqual(try one.field("trials").doubles().count, 3)
        XCTAssertTrue(try one.field("layers").array().allSatisfy { try $0.double("adc_codes_differing") > 0 })
        XCTAssertEqual(try one.field("nonideality").double("read_noise_sigma"), 0.1)
        XCTAssertEqual(runPimsim(noisy + ["--threads", "3"]).out, runPimsim(noisy + ["--threads", "1"]).out)
    }

    /// Comparators appear when the groups fit: at 1,024 rows conv2 and fc1 are read by sense
    /// amps, and their offsets change decisions.
    func testComparatorOffsetsOnWideArrays() throws {
        let result = try json(["eval", lenet, "--hw", "reram-1t1r", "--array-rows", "1024", "--test-limit", "50", "--trials", "1",
                               "--sa-offset-sigma", "20", "--format", "json"])
        let layers = try result.field("layers").array()
        XCTAssertEqual(try layers.map { try $0.string("readout") }, ["adc", "sense_amp", "sense_amp", "adc"])
        XCTAssertGreaterThan(try layers[1].double("comparator_decisions_differing"), 0)
        XCTAssertEqual(try layers[0].double("adc_codes_differing"), 0)
    }

    func testTableAndSweepWithChart() throws {
        let table = runPimsim(["eval", lenet, "--hw", "reram-1t1r", "--test-limit", "40", "--trials", "2", "--conductance-sigma", "0.1", "--stuck-at", "0.01,0.02"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("conductance sigma 0.1 (--conductance-sigma)"), table.out)
        XCTAssertTrue(table.out.contains("stuck at low/high 0.01/0.02 (--stuck-at)"), table.out)
        XCTAssertTrue(table.out.contains("Monte Carlo over 2 trials"), table.out)
        XCTAssertTrue(table.err.contains("eval: trial 2/2"), table.err)

        let svg = NSTemporaryDirectory() + "pimsim-sweep-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let sweep = runPimsim(["eval", lenet, lenet, "--hw", "reram-1t1r", "--test-limit", "30", "--trials", "1",
                               "--sweep-sigma", "read-noise=0:0.4:3", "--svg", svg])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        let rows = sweep.out.split(separator: "\n").filter { $0.hasPrefix("0") }
        XCTAssertEqual(rows.map { String($0.prefix { $0 != " " }) }, ["0", "0.2", "0.4"], sweep.out)
        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertEqual(chart.components(separatedBy: "<polyline").count - 1, 2)
    }

    func testMistakesAreOneLineErrors() {
        let cases: [([String], Int32, String)] = [
            (["eval", lenet, "--trials", "3"], 2, "--trials needs --hw CONFIG"),
            (["eval", lenet, lenet], 2, "several networks need --hw CONFIG and --sweep-sigma"),
            (["eval", lenet, lenet, "--hw", "reram-1t1r"], 2, "several networks need --sweep-sigma"),
            (["eval", lenet, "--hw", "reram-1t1r", "--svg", "x.svg"], 2, "--svg needs --sweep-sigma"),
            (["eval", lenet, "--hw", "reram-1t1r", "--stuck-at", "0.6,0.6"], 1, "--stuck-at: expected two fractions P0,P1 >= 0 with P0 + P1 <= 1"),
            (["eval", lenet, "--hw", "reram-1t1r", "--conductance-sigma", "-1"], 1, "--conductance-sigma: expected a number >= 0"),
            (["eval", lenet, "--hw", "reram-1t1r", "--adc-bits", "1"], 1, "--adc-bits: expected an integer >= 2"),
            (["eval", lenet, "--hw", "reram-1t1r", "--sweep-sigma", "noise=0:1:3"], 1, "--sweep-sigma: expected NAME=A:B:N with NAME one of conductance, read-noise, sa-offset"),
            (["eval", lenet, "--hw", "reram-1t1r", "--sweep-sigma", "conductance=0:1:1"], 1, "--sweep-sigma: expected NAME=A:B:N"),
        ]
        for (arguments, status, message) in cases {
            let run = runPimsim(arguments)
            XCTAssertEqual(run.status, status, "\(arguments): \(run.err)")
            XCTAssertTrue(run.err.contains(message), "\(arguments): \(run.err)")
            XCTAssertEqual(run.err.split(separator: "\n").filter { !$0.hasPrefix("eval:") }.count, 1, run.err)
        }
    }

    /// A config whose cells need the off conductance but has no nonideality section.
    func testConfigWithoutNonidealitySection() throws {
        let text = try TextFile.read(try ResourceLocator.locate("hwconfigs/reram-1t1r.json"))
        var root = try JSONParser.parse(text)
        guard case .object(let pairs) = root else { return XCTFail("not an object") }
        root = .object(pairs.filter { $0.0 != "nonideality" })
        let path = NSTemporaryDirectory() + "pimsim-plain-\(UUID().uuidString).json"
        try TextFile.write(JSONWriter.write(root), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ideal = runPimsim(["eval", lenet, "--hw", path, "--test-limit", "20", "--trials", "1"])
        XCTAssertEqual(ideal.status, 0, ideal.err)
        let noisy = runPimsim(["eval", lenet, "--hw", path, "--test-limit", "20", "--conductance-sigma", "0.1"])
        XCTAssertEqual(noisy.status, 1)
        XCTAssertTrue(noisy.err.contains("$.nonideality.off_conductance: expected the off/on conductance ratio"), noisy.err)
    }

    /// Non-idealities set in the config's nonideality section are simulated (and labelled as from
    /// the config); a flag overrides its field: the config's 0.3 read noise gives the flag's 0, so
    /// the trials equal the ideal arrays.
    func testConfigNonidealitySectionAndFlagOverride() throws {
        let text = try TextFile.read(try ResourceLocator.locate("hwconfigs/reram-1t1r.json"))
        let field = "\"read_noise_sigma\": {\n      \"value\": 0,"
        XCTAssertTrue(text.contains(field))
        let path = NSTemporaryDirectory() + "pimsim-noisy-\(UUID().uuidString).json"
        try TextFile.write(text.replacingOccurrences(of: field, with: "\"read_noise_sigma\": {\n      \"value\": 0.3,"), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = ["eval", lenet, "--hw", path, "--test-limit", "60", "--trials", "2"]
        let noisy = try json(base + ["--format", "json"])
        XCTAssertEqual(try noisy.field("nonideality").double("read_noise_sigma"), 0.3)
        XCTAssertTrue(try noisy.field("layers").array().allSatisfy { try $0.double("adc_codes_differing") > 0.01 })
        let trials = try noisy.field("trials").doubles()
        XCTAssertNotEqual(trials[0], trials[1])
        // Mean and sample standard deviation of the two trials.
        XCTAssertEqual(try noisy.double("accuracy_mean"), (trials[0] + trials[1]) / 2, accuracy: 1e-6)
        XCTAssertEqual(try noisy.double("accuracy_std"), abs(trials[0] - trials[1]) / 2.0.squareRoot(), accuracy: 1e-6)
        let table = runPimsim(base)
        XCTAssertTrue(table.out.contains("read noise sigma 0.3 (config)"), table.out)
        let overridden = try json(base + ["--read-noise-sigma", "0", "--format", "json"])
        XCTAssertEqual(try overridden.field("trials").doubles(), [Double](repeating: try overridden.double("accuracy"), count: 2))
        XCTAssertEqual(try overridden.field("layers").array().map { try $0.double("adc_codes_differing") }, [0, 0, 0, 0])
    }

    /// `pimsim run` of a trained file: the ideal hardware's accuracy beside the cost; the
    /// paper's figure only for the zoo's untrained ResNet-20, labelled as published.
    func testRunShowsSimulatedAccuracyOfATrainedNetwork() throws {
        let run = runPimsim(["run", lenet, "--hw", "reram-1t1r", "--test-limit", "100"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("accuracy on the ideal hardware (simulated, pimsim eval --hw): "), run.out)
        let result = try json(["run", lenet, "--hw", "reram-1t1r", "--test-limit", "100", "--format", "json"])
        let ideal = try json(["eval", lenet, "--hw", "reram-1t1r", "--test-limit", "100", "--trials", "1", "--format", "json"])
        XCTAssertEqual(try result.double("hardware_accuracy"), try ideal.double("accuracy"))
        XCTAssertEqual(try result.int("hardware_accuracy_images"), 100)
        let zoo = runPimsim(["run"])
        XCTAssertTrue(zoo.out.contains("published, not simulated"), zoo.out)
        XCTAssertNil(try json(["run", "--format", "json"]).optionalField("hardware_accuracy"))
    }
}
