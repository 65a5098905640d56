import Foundation
import PimsimCore
import XCTest

final class ParamsCommandTests: XCTestCase {
    func json(_ arguments: [String]) throws -> JSONReader {
        let result = runPimsim(arguments)
        XCTAssertEqual(result.status, 0, result.err)
        return try JSONReader.parse(result.out, file: "stdout")
    }

    func testSplit72ReportsSeedReductionAndGroupedConvolutions() throws {
        let none = try json(["params", "resnet20", "--split", "none", "--format", "json"]).field("configurations").array()[0]
        let split = try json(["params", "resnet20", "--split", "72", "--format", "json"]).field("configurations").array()[0]
        XCTAssertEqual(try none.int("parameters") - split.int("parameters"), 186_624)
        let layers = try split.field("layers").array()
        let sixteenChannel3x3 = try layers.filter { try $0.string("name").hasPrefix("s1b") && $0.string("op") == "conv2d" && !$0.string("name").hasSuffix(".pw") }
        XCTAssertEqual(sixteenChannel3x3.count, 6)
        for layer in sixteenChannel3x3 {
            XCTAssertEqual(try layer.int("groups"), 2)
            XCTAssertEqual(try layer.int("connections"), 72)
        }
        XCTAssertEqual(try layers.reduce(0) { $0 + (try $1.int("parameters")) }, try split.int("parameters"), "total is the sum of the layers")
    }

    func testSeveralConfigurationsGiveOneObjectEach() throws {
        let report = try json(["params", "resnet20-paper", "--split", "none,144:72,144,72,36", "--format", "json"])
        let totals = try report.field("configurations").array().map { try $0.int("parameters") }
        XCTAssertEqual(totals, [270_538, 263_882, 129_738, 83_914, 59_722])
        XCTAssertEqual(try report.int("unsplit_parameters"), 270_538)
        // One configuration: the same shape, a list of one.
        let one = try json(["params", "resnet20-paper", "--split", "72", "--format", "json"])
        XCTAssertEqual(try one.keys(), try report.keys())
        XCTAssertEqual(try one.field("configurations").array().map { try $0.int("parameters") }, [83_914])
    }

    func testCSVHasALayerRowPerLayerAndATotalPerConfiguration() throws {
        let result = runPimsim(["params", "resnet20-paper", "--split", "none,72", "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        XCTAssertEqual(Array(header.prefix(5)), ["network", "split", "split_label", "row_kind", "layer"])
        let kind = header.firstIndex(of: "row_kind")!, parameters = header.firstIndex(of: "parameters")!
        let totals = lines.filter { $0[kind] == "total" }.map { Int($0[parameters]) }
        XCTAssertEqual(totals, [270_538, 83_914])
        for split in ["none", "72"] {
            let layers = lines.dropFirst().filter { $0[1] == split && $0[kind] == "layer" }.map { Int($0[parameters])! }
            XCTAssertEqual(layers.reduce(0, +), split == "none" ? 270_538 : 83_914, "layer rows add up to the total")
        }
    }

    func testTableShowsTheSeedConfigurations() {
        let result = runPimsim(["params", "resnet20", "--split", "none,144:72,144,72,36"])
        XCTAssertEqual(result.status, 0)
        for label in ["No Split", "144 -> 2 x 72", "All split to 144", "All split to 72", "All split to 36", "186,624", "3.25x"] {
            XCTAssertTrue(result.out.contains(label), "\(label) in\n\(result.out)")
        }
    }

    func testUnknownFlagIsRejectedWithSuggestion() {
        let result = runPimsim(["params", "resnet20", "--spilt", "72"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.err, "pimsim params: unknown option --spilt (did you mean --split?); see 'pimsim params --help'\n")
    }

    func testBadSplitSpecNamesTheFlag() {
        let result = runPimsim(["params", "resnet20", "--split", "72:144"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.hasPrefix("pimsim params: --split: expected none, a split size S"), result.err)
    }

    func testMissingFileExitsOneNamingTheFile() {
        let result = runPimsim(["params", "missing.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim params: missing.json: expected an existing file, found no such file\n")
    }

    func testOutputToADirectoryNamesTheFlagAndTheDirectory() {
        let dir = FileManager.default.temporaryDirectory.path
        for command in [["params", "resnet20"], ["zoo", "lenet5"]] {
            let result = runPimsim(command + ["-o", dir])
            XCTAssertEqual(result.status, 1)
            XCTAssertEqual(result.err, "pimsim \(command[0]): \(dir): -o: expected a writable file path, found a directory\n")
        }
    }

    func testZooListRejectsOptionsThatNeedANetwork() {
        for (option, rest) in [("--output", ["-o", "z.txt"]), ("--input", ["--input", "1x8x8"]), ("--binary", ["--binary"])] {
            let result = runPimsim(["zoo"] + rest)
            XCTAssertEqual(result.status, 2)
            XCTAssertEqual(result.out, "")
            XCTAssertEqual(result.err, "pimsim zoo: \(option) needs a network NAME (pimsim zoo NAME \(option) ...); see 'pimsim zoo --help'\n")
        }
    }

    func testZooInputTooSmallForAKernelNamesTheNetworkAndFlag() {
        let result = runPimsim(["run", "lenet5", "--input", "1x8x8"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim run: lenet5 --input 1x8x8: $.nodes[5].kernel: expected a kernel of at most 2 (input 2 plus padding 2 x 0) (node \"conv2\"), found 5\n")
    }

    func testZooWritesANetworkThatParamsReads() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-zoo-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(runPimsim(["zoo", "lenet5", "-o", path]).status, 0)
        XCTAssertEqual(try json(["params", path, "--format", "json"]).field("configurations").array()[0].int("parameters"), 582_634)
    }

    func testZooAdaptsInputShape() throws {
        let result = runPimsim(["zoo", "resnet20", "--input", "1x28x28"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(try NetJSON.decode(result.out).inputShape, TensorShape(channels: 1, height: 28, width: 28))
    }
}

final class CommandLineTests: XCTestCase {
    func testHelpListsCommandsAndEachCommandHasExamples() {
        let help = runPimsim(["help"])
        XCTAssertEqual(help.status, 0)
        for command in ["zoo", "params"] {
            XCTAssertTrue(help.out.contains("  \(command) "), help.out)
            let own = runPimsim([command, "--help"])
            XCTAssertEqual(own.status, 0)
            XCTAssertTrue(own.out.contains("Usage:") && own.out.contains("Examples:"), own.out)
            XCTAssertEqual(runPimsim(["help", command]).out, own.out)
        }
    }

    func testUnknownCommandSuggests() {
        let result = runPimsim(["parms"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("did you mean 'params'?"), result.err)
    }

    func testMissingPositionalAndExtraPositional() {
        XCTAssertEqual(runPimsim(["params"]).err, "pimsim params: missing argument NET; see 'pimsim params --help'\n")
        XCTAssertTrue(runPimsim(["params", "resnet20", "vgg7"]).err.contains("unexpected argument \"vgg7\""))
    }

    func testOptionNeedsAValue() {
        XCTAssertTrue(runPimsim(["params", "resnet20", "--split"]).err.contains("--split needs a value SPEC"))
        // An option in the value's place is not taken as the value; the message uses the spelling given.
        XCTAssertEqual(runPimsim(["run", "--split", "--hw", "isaac"]).err, "pimsim run: --split needs a value SPEC; see 'pimsim run --help'\n")
        XCTAssertEqual(runPimsim(["run", "-o"]).err, "pimsim run: -o needs a value FILE; see 'pimsim run --help'\n")
    }
}

final class UnusedSplitRuleTests: XCTestCase {
    /// VGG-7 has no 144-connection layer, so 144:72 changes nothing: every command says so.
    func testARuleThatSelectsNoLayerIsWarnedAbout() {
        let warning = "warning: split 144:72: no layer of vgg7 has 144 connections, so 144:72 changes nothing\n"
        XCTAssertEqual(runPimsim(["params", "vgg7", "--split", "144:72"]).err, warning)
        XCTAssertTrue(runPimsim(["run", "vgg7", "--split", "144:72"]).err.contains(warning))
        XCTAssertEqual(runPimsim(["params", "resnet20", "--split", "144:72"]).err, "", "ResNet-20 has 144-connection layers")
    }
}
