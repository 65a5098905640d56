import Foundation
import PimsimCore
import XCTest

final class NetJSONRoundTripTests: XCTestCase {
    func testWritingThenReadingIsLossless() throws {
        let graph = try Fixtures.tinyTrained()
        let text = NetJSON.encode(graph)
        XCTAssertEqual(try NetJSON.decode(text), graph)
        XCTAssertEqual(NetJSON.encode(try NetJSON.decode(text)), text, "encoding is stable")
    }

    func testEveryZooNetworkRoundTrips() throws {
        for name in ModelZoo.names {
            let graph = try ModelZoo.network(named: name)
            XCTAssertEqual(try NetJSON.decode(NetJSON.encode(graph)), graph, name)
        }
    }

    func testBinaryWeightsRoundTrip() throws {
        var nodes = try ModelZoo.network(named: "lenet5", binary: true).nodes
        let i = nodes.firstIndex { $0.name == "fc2" }!
        nodes[i].data.weights = .binary((0..<5120).map { $0 % 3 == 0 ? 1 : -1 })
        let graph = try Graph(name: "b", nodes: nodes)
        XCTAssertEqual(try NetJSON.decode(NetJSON.encode(graph)), graph)
    }

    func testTernaryPackingIsTwoBitsPerWeightLeastSignificantFirst() {
        // weights +1, 0, -1, +1 -> codes 01, 00, 11, 01 -> 0b01_11_00_01
        XCTAssertEqual(WeightPacking.pack(.ternary([1, 0, -1, 1])), [0b0111_0001])
        XCTAssertEqual(WeightPacking.pack(.ternary([-1])), [0b11])
    }

    func testDocumentedExampleFileDecodes() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/tiny-net.json").path
        let graph = try NetJSON.read(path: example)
        XCTAssertEqual(graph, try Fixtures.tinyTrained())
    }
}

/// Malformed net.json files: each error must name the file, the field's JSON path and what was
/// expected, in one line.
final class NetJSONErrorTests: XCTestCase {
    /// The fixture as a mutable JSON tree.
    func fixture() throws -> JSONValue { try JSONParser.parse(NetJSON.encode(try Fixtures.tinyTrained())) }

    /// Decodes `value` as file "bad.json" and returns the error message.
    func message(_ value: JSONValue) -> String { message(JSONWriter.write(value)) }

    func message(_ text: String) -> String {
        do {
            _ = try NetJSON.decode(text, file: "bad.json")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func assertMessage(_ message: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(message.hasPrefix("bad.json: "), "names the file: \(message)", file: file, line: line)
        XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
        for part in parts { XCTAssertTrue(message.contains(part), "\"\(part)\" in: \(message)", file: file, line: line) }
    }

    /// Node `index` of the fixture with `key` set to `value` (nil removes it).
    func withNodeField(_ index: Int, _ key: String, _ value: JSONValue?) throws -> JSONValue {
        try edit(try fixture(), ["nodes", index, key], value)
    }

    func edit(_ root: JSONValue, _ path: [Any], _ value: JSONValue?) throws -> JSONValue {
        guard let head = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch (root, head) {
        case (.object(var pairs), let key as String):
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if rest.isEmpty && value == nil { pairs.remove(at: i) } else { pairs[i].1 = try edit(pairs[i].1, rest, value) }
            } else if let value {
                pairs.append((key, try edit(.object([]), rest, value)))
            }
            return .object(pairs)
        case (.array(var items), let i as Int):
            items[i] = try edit(items[i], rest, value)
            return .array(items)
        default:
            throw InputError(expected: "a path into the fixture")
        }
    }

    // Node indices in the fixture: 0 input, 1 conv, 2 bn, 3 act, 4 pool, 5 fc.

    func testInvalidJSONSyntaxNamesLineAndColumn() {
        assertMessage(message("{\n  \"format\": \"pimsim-net\",\n}"), contains: ["line 3, column 1", "valid JSON"])
    }

    func testWrongTypeNamesField() throws {
        assertMessage(message(try withNodeField(1, "kernel", .string("3"))), contains: ["$.nodes[1].kernel", "expected an integer", "\"3\""])
    }

    func testUnknownOpIsRejectedWithSuggestion() throws {
        assertMessage(message(try withNodeField(1, "op", .string("conv3d"))), contains: ["$.nodes[1].op", "did you mean \"conv2d\""])
    }

    func testNegativeSize() throws {
        assertMessage(message(try withNodeField(1, "out_channels", .int(-2))), contains: ["$.nodes[1].out_channels", "an integer from 1 to 16,777,216 (2^24)", "-2"])
    }

    func testZeroKernel() throws {
        assertMessage(message(try withNodeField(1, "kernel", .int(0))), contains: ["$.nodes[1].kernel", "an integer from 1 to 16,777,216 (2^24)", "found 0"])
    }

    func testNegativeInputShape() throws {
        assertMessage(message(try withNodeField(0, "shape", .ints([1, -4, 4]))), contains: ["$.nodes[0].shape[1]", "an integer from 1 to 16,777,216 (2^24)"])
    }

    func testGroupsThatDoNotDivideChannels() throws {
        assertMessage(message(try withNodeField(1, "groups", .int(2))), contains: ["$.nodes[1].groups", "divisor of the input channels 1"])
    }

    func testDanglingReference() throws {
        assertMessage(message(try withNodeField(2, "inputs", .array([.string("convv")]))), contains: ["$.nodes[2].inputs[0]", "did you mean \"conv\"", "\"convv\""])
    }

    func testCycle() throws {
        let cyclic = try withNodeField(1, "inputs", .array([.string("act")]))
        assertMessage(message(cyclic), contains: ["acyclic", "cycle", "\"conv\" -> \"bn\" -> \"act\" -> \"conv\""])
    }

    func testTruncatedBase64() throws {
        let root = try fixture()
        guard case .string(let data) = try JSONReader(root).field("nodes").array()[1].field("weights").field("data").value else { return XCTFail() }
        let truncated = try edit(root, ["nodes", 1, "weights", "data"], .string(String(data.prefix(4))))
        assertMessage(message(truncated), contains: ["$.nodes[1].weights.data", "5 bytes of ternary2 data for 18 weights", "truncated"])
        let broken = try edit(root, ["nodes", 1, "weights", "data"], .string(String(data.dropLast())))
        assertMessage(message(broken), contains: ["$.nodes[1].weights.data", "base64"])
    }

    func testWeightCountMismatch() throws {
        // 20 zero weights fill the same 5 bytes exactly, so decoding passes and the shape check fails.
        let root = try edit(try fixture(), ["nodes", 1, "weights", "data"], .string("AAAAAAA="))
        assertMessage(message(try edit(root, ["nodes", 1, "weights", "count"], .int(20))), contains: ["$.nodes[1].weights.count", "18 weights", "found 20"])
    }

    func testNaNScale() throws {
        let text = JSONWriter.write(try edit(try fixture(), ["nodes", 1, "scale"], .object([("per_layer", .string("@NAN@"))])))
            .replacingOccurrences(of: "\"@NAN@\"", with: "NaN")
        assertMessage(message(text), contains: ["$.nodes[1].scale.per_layer", "finite number", "nan"])
    }

    func testMissingRequiredField() throws {
        assertMessage(message(try withNodeField(1, "kernel", nil)), contains: ["$.nodes[1].kernel", "required"])
    }

    func testMisspeltFieldIsNotIgnored() throws {
        assertMessage(message(try withNodeField(1, "strid", .int(2))), contains: ["$.nodes[1].strid", "did you mean \"stride\""])
    }

    func testWrongVersion() throws {
        assertMessage(message(try edit(try fixture(), ["version"], .int(2))), contains: ["$.version", "version 1"])
    }

    func testDuplicateNodeName() throws {
        assertMessage(message(try withNodeField(2, "name", .string("conv"))), contains: ["$.nodes[2].name", "unique"])
    }

    func testResidualShapeMismatch() throws {
        var root = try fixture()
        guard case .object(var top) = root, let i = top.firstIndex(where: { $0.0 == "nodes" }), case .array(var nodes) = top[i].1 else { return XCTFail() }
        nodes.insert(.object([("name", .string("sum")), ("op", .string("add")), ("inputs", .array([.string("act"), .string("pool")]))]), at: 4)
        top[i].1 = .array(nodes)
        root = .object(top)
        assertMessage(message(try edit(root, ["output"], .string("sum"))), contains: ["$.nodes[4].inputs", "same shape", "2x4x4 and 2x1x1"])
    }

    func testThresholdCountMismatch() throws {
        assertMessage(message(try edit(try fixture(), ["nodes", 3, "thresholds", "low"], .numbers([0.1, 0.2, 0.3] as [Double]))),
                      contains: ["$.nodes[3].thresholds.low", "1 or 2 values", "found 3"])
    }

    func testNegativeVariance() throws {
        assertMessage(message(try edit(try fixture(), ["nodes", 2, "variance"], .numbers([-1.0, 1.0] as [Double]))), contains: ["$.nodes[2].variance[0]", ">= 0"])
    }

    func testUnknownPrecision() throws {
        assertMessage(message(try edit(try fixture(), ["nodes", 1, "precision", "weights"], .string("quaternary"))),
                      contains: ["$.nodes[1].precision.weights", "ternary, binary"])
    }

    func testKernelLargerThanInput() throws {
        let root = try withNodeField(1, "padding", .int(0))
        assertMessage(message(try edit(root, ["nodes", 1, "kernel"], .int(5))), contains: ["$.nodes[1].kernel", "at most 4"])
    }

    func testInvalidTernaryCode() throws {
        // "AAAC" decodes to bytes 00 00 02: weight 8 has the unused code 10.
        let root = try edit(try fixture(), ["nodes", 1, "weights", "data"], .string("AAACAAA="))
        assertMessage(message(root), contains: ["$.nodes[1].weights.data", "unused code 10"])
    }

    func testAccuracyOutOfRange() throws {
        assertMessage(message(try edit(try fixture(), ["metadata", "test_accuracy"], .number(97.3))), contains: ["$.metadata.test_accuracy", "from 0 to 1"])
    }

    func testMissingPrecisionOnWeightedLayer() throws {
        assertMessage(message(try withNodeField(1, "precision", nil)), contains: ["$.nodes[1].precision", "precision of weights and inputs"])
    }

    func testMissingFileNamesTheFile() {
        XCTAssertThrowsError(try NetJSON.read(path: "/nonexistent/net.json")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/net.json: expected an existing file, found no such file")
        }
    }

    func testUnknownZooNameSuggests() {
        XCTAssertThrowsError(try NetworkLoader.load("resnet2")) { XCTAssertTrue("\($0)".contains("did you mean \"resnet20\""), "\($0)") }
    }
}
