import Foundation
import PimsimCore
import XCTest

/// Issue 9, item 2: inputs that crashed, trapped or hung pimsim are one-line errors naming the
/// file and the field (exit 1). Each case is the reported input, run in-process.
final class RobustnessTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-robust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// LeNet-5 as a JSON tree, changed by `edit`, written to `name`; returns the path.
    func lenet(_ name: String, _ edit: (inout [(String, JSONValue)], inout [JSONValue]) -> Void) throws -> String {
        guard case .object(var root) = try JSONParser.parse(NetJSON.encode(try ModelZoo.network(named: "lenet5"))),
              let n = root.firstIndex(where: { $0.0 == "nodes" }), case .array(var nodes) = root[n].1 else {
            throw XCTSkip("lenet5 is an object with nodes")
        }
        edit(&root, &nodes)
        root[n].1 = .array(nodes)
        let path = (folder as NSString).appendingPathComponent(name)
        try TextFile.write(JSONWriter.write(.object(root)), to: path)
        return path
    }

    /// Sets `key` of the first node whose op (or name) is `op`.
    static func set(_ nodes: inout [JSONValue], op: String, _ key: String, _ value: JSONValue) {
        for i in nodes.indices {
            guard case .object(var pairs) = nodes[i],
                  pairs.contains(where: { ($0.0 == "op" || $0.0 == "name") && $0.1 == .string(op) }) else { continue }
            if let k = pairs.firstIndex(where: { $0.0 == key }) { pairs[k].1 = value } else { pairs.append((key, value)) }
            nodes[i] = .object(pairs)
            return
        }
    }

    func assertOneLineError(_ arguments: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let run = runPimsim(arguments)
        XCTAssertEqual(run.status, 1, "\(arguments): \(run.err)", file: file, line: line)
        XCTAssertEqual(run.err.split(separator: "\n").count, 1, run.err, file: file, line: line)
        XCTAssertTrue(run.err.contains(expected), "\(arguments): \(run.err)", file: file, line: line)
        XCTAssertEqual(run.out, "", file: file, line: line)
    }

    static let commands: [[String]] = [["run"], ["params", "--split", "72"], ["sweep"], ["fpga", "--device", "xc7z020"], ["zoo"]]

    /// Was SIGILL (overflow in NetworkMapper, Graph.macs) or a multi-terabyte allocation abort.
    func testHugeChannelCountsAreErrors() throws {
        for huge in [1 << 40, 1_000_000_000] {
            let path = try lenet("out\(huge).json") { _, nodes in Self.set(&nodes, op: "conv2d", "out_channels", .int(huge)) }
            for command in Self.commands {
                let arguments = command.count == 1 && command[0] == "zoo" ? ["params", path] : [command[0], path] + command.dropFirst()
                assertOneLineError(arguments, "\(path): $.nodes[1].out_channels: expected an integer from 1 to 16,777,216 (2^24) (node \"conv1\"), found \(huge)")
            }
        }
    }

    func testHugeInputShapesAreErrors() throws {
        for huge in [1 << 40, 1_000_000_000] {
            let path = try lenet("in\(huge).json") { _, nodes in Self.set(&nodes, op: "input", "shape", .ints([huge, 28, 28])) }
            for command in Self.commands where command[0] != "zoo" {
                assertOneLineError([command[0], path] + command.dropFirst(), "\(path): $.nodes[0].shape[0]: expected an integer from 1 to 16,777,216 (2^24)")
            }
        }
    }

    /// Each size within its bound, the derived counts not: the count is named.
    func testDerivedCountsAreBounded() throws {
        let tensor = try lenet("tensor.json") { _, nodes in Self.set(&nodes, op: "input", "shape", .ints([1, 16_384, 16_384])) }
        assertOneLineError(["run", tensor], "$.nodes[1].out_channels: expected an output of at most 4,294,967,296 (2^32) values (node \"conv1\"), found 32 x 16380 x 16380")
        let pool = try lenet("pool.json") { _, nodes in
            Self.set(&nodes, op: "maxpool", "kernel", .int(1 << 18))
            Self.set(&nodes, op: "maxpool", "padding", .int(1 << 17))
        }
        assertOneLineError(["params", pool], "$.nodes[4].kernel: expected at most 281,474,976,710,656 (2^48) operations (outputs x k x k)")
        let weights = try lenet("weights.json") { _, nodes in
            Self.set(&nodes, op: "conv1", "out_channels", .int(1 << 20))
            Self.set(&nodes, op: "conv2", "out_channels", .int(1 << 12))
        }
        assertOneLineError(["fpga", weights, "--device", "xc7z020"],
                           "$.nodes[5].out_channels: expected at most 68,719,476,736 (2^36) weights in one layer (node \"conv2\"), found 4096 outputs x 26214400 connections")
    }

    /// Tiny arrays and a big layer: the cell count is bounded, not overflowed.
    func testCellCountOfAMappingIsBounded() throws {
        let big = try lenet("cells.json") { _, nodes in Self.set(&nodes, op: "conv2d", "out_channels", .int(1 << 16)) }
        let config = try TextFile.read(try ResourceLocator.locate("hwconfigs/reram-1t1r.json"))
        let path = (folder as NSString).appendingPathComponent("one-row.json")
        try TextFile.write(config.replacingOccurrences(of: "\"value\": 144,", with: "\"value\": 1,"), to: path)
        XCTAssertTrue(try TextFile.read(path).contains("\"value\": 1,"), "the fixture edit applies")
        let run = runPimsim(["run", big, "--hw", path, "--split", "none", "--array-rows", "1"])
        XCTAssertEqual(run.status, 0, run.err)  // 2^16 x 25 x ... cells are many, but within 2^50
        XCTAssertFalse(run.out.lowercased().contains("nan"))
    }

    /// Was -nan in the table and CSV and a trap in JSONWriter.
    func testAConfigThatCostsNothingIsAnError() throws {
        let config = try TextFile.read(try ResourceLocator.locate("hwconfigs/reram-1t1r.json"))
        guard case .object(var root) = try JSONParser.parse(config), let c = root.firstIndex(where: { $0.0 == "components" }) else {
            return XCTFail("reram-1t1r.json has components")
        }
        root[c].1 = .array([])
        let path = (folder as NSString).appendingPathComponent("empty.json")
        try TextFile.write(JSONWriter.write(.object(root)), to: path)
        for format in ["table", "json", "csv"] {
            assertOneLineError(["run", "--hw", path, "--format", format], "\(path): $.components: expected components with some area")
        }
        assertOneLineError(["sweep", "--hw", path], "$.components: expected components with some area")
        assertOneLineError(["hw", "show", path], "$.components: expected components with some area")
    }

    /// Was quadratic: 80,000 keys took 49 s. Now one pass (the table is the proof of reading).
    func testMetadataWithAHundredThousandNotesIsRead() throws {
        let path = try lenet("notes.json") { root, _ in
            root.append(("metadata", .object([("notes", .object((0..<100_000).map { ("k\($0)", JSONValue.string("v")) }))])))
        }
        let run = runPimsim(["params", path])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(try NetJSON.read(path: path).metadata.notes.count, 100_000)
    }

    /// Was >278 s and 3.2 GB with --format csv: a name is at most 1,024 bytes.
    func testAHugeNetworkNameIsAnError() throws {
        let path = try lenet("name.json") { root, _ in
            root[root.firstIndex { $0.0 == "name" }!].1 = .string(String(repeating: "x", count: 5_000_000))
        }
        assertOneLineError(["run", path, "--format", "csv"], "\(path): $.name: expected a name of at most 1,024 (2^10) bytes, found a name of 5,000,000 bytes")
    }

    /// Was accepted while a negative per_layer was rejected.
    func testNegativeSignedScalesAreErrors() throws {
        let example = try TextFile.read(try ResourceLocator.locate("examples/tiny-net.json"))
        let edits = [("positive[0]", "\"positive\": [0.5, 0.25]", "\"positive\": [-0.5, 0.25]"),
                     ("negative[1]", "\"negative\": [0.75, 0.125]", "\"negative\": [0.75, -0.125]")]
        for (field, old, new) in edits {
            let path = (folder as NSString).appendingPathComponent("scale.json")
            let text = example.replacingOccurrences(of: old, with: new)
            XCTAssertNotEqual(text, example, "the fixture edit applies (\(field))")
            try TextFile.write(text, to: path)
            assertOneLineError(["params", path], "\(path): $.nodes[1].scale.\(field): expected a number > 0, found -")
        }
    }
}
