import PimsimCore
import XCTest

final class GraphTests: XCTestCase {
    func testLeNet5ShapesByHand() throws {
        let g = try ModelZoo.network(named: "lenet5")
        // 28 -5+1-> 24 -pool-> 12 -5+1-> 8 -pool-> 4; 64*4*4 = 1024 -> 512 -> 10
        let expected: [String: TensorShape] = [
            "conv1": TensorShape(channels: 32, height: 24, width: 24), "pool1": TensorShape(channels: 32, height: 12, width: 12),
            "conv2": TensorShape(channels: 64, height: 8, width: 8), "pool2": TensorShape(channels: 64, height: 4, width: 4),
            "flatten": .vector(1024), "fc1": .vector(512), "fc2": .vector(10),
        ]
        for (name, shape) in expected { XCTAssertEqual(g.shapes[g.index(of: name)!], shape, name) }
        XCTAssertEqual(g.nodes[g.outputIndex].name, "fc2")
    }

    func testLayerGeometryOfAGroupedConvolution() throws {
        let nodes = [
            Node(name: "x", operation: .input(TensorShape(channels: 8, height: 5, width: 5))),
            Node(name: "c", operation: .conv2d(Conv2DAttributes(outChannels: 4, kernel: 3, stride: 2, padding: 1, groups: 2, bias: true)), inputs: ["x"], precision: .ternary),
        ]
        let g = try XCTUnwrap(try Graph(name: "g", nodes: nodes).weightedLayers.first)
        XCTAssertEqual(g.output, TensorShape(channels: 4, height: 3, width: 3))  // (5 + 2 - 3) / 2 + 1 = 3
        XCTAssertEqual(g.connections, 36)                                        // 3 * 3 * 8 / 2
        XCTAssertEqual(g.weightCount, 144)
        XCTAssertEqual(g.macs, 4 * 9 * 36)
    }

    func testParameterCountOfTheTinyFixtureByHand() throws {
        let r = ParameterAccounting.report(for: try Fixtures.tinyTrained())
        // conv 2*1*3*3 = 18; bn 2*2 = 4; fc 2*3 + 3 = 9
        XCTAssertEqual(r.layers.map(\.parameters), [18, 4, 9])
        XCTAssertEqual(r.parameters, 31)
        XCTAssertEqual(r.weightBits, 18 * 2 + 6 * 32)
    }

    func testNodesOutOfOrderAreSortedTopologically() throws {
        let nodes = [
            Node(name: "b", operation: .activation(.relu), inputs: ["a"]),
            Node(name: "a", operation: .input(TensorShape(channels: 1, height: 2, width: 2))),
        ]
        XCTAssertEqual(try Graph(name: "g", nodes: nodes).nodes.map(\.name), ["a", "b"])
    }

    func testGraphWithTwoLooseEndsNeedsAnOutput() {
        let nodes = [
            Node(name: "a", operation: .input(TensorShape(channels: 1, height: 2, width: 2))),
            Node(name: "b", operation: .activation(.relu), inputs: ["a"]),
            Node(name: "c", operation: .activation(.relu), inputs: ["a"]),
        ]
        XCTAssertThrowsError(try Graph(name: "g", nodes: nodes)) { XCTAssertTrue("\($0)".contains("$.output"), "\($0)") }
        XCTAssertNoThrow(try Graph(name: "g", nodes: nodes, output: "c"))
    }

    func testPrecisionOverrideForBaselines() throws {
        let g = try ModelZoo.network(named: "resnet20").withPrecision(try LayerPrecision(spec: "16/16"))
        XCTAssertTrue(g.weightedLayers.allSatisfy { $0.precision == LayerPrecision(weights: .integer(bits: 16), inputs: .integer(bits: 16)) })
        XCTAssertThrowsError(try LayerPrecision(spec: "16")) { XCTAssertTrue("\($0)".hasPrefix("--precision: expected W/A"), "\($0)") }
        XCTAssertEqual(try LayerPrecision(spec: "t/binary"), LayerPrecision(weights: .ternary, inputs: .binary))
    }
}

final class JSONParserTests: XCTestCase {
    func testScalarsEscapesAndNesting() throws {
        let v = try JSONParser.parse(#"{"a": [1, -2.5e3, true, false, null], "s": "x\"\u00e9\n\ud83d\ude00"}"#)
        XCTAssertEqual(v, .object([("a", .array([.number(1), .number(-2500), .bool(true), .bool(false), .null])), ("s", .string("x\"é\n😀"))]))
    }

    func testWriterRoundTrips() throws {
        let v = JSONValue.object([("k", .string("tab\there \"quoted\"")), ("n", .numbers([0.1, 1e-7, 3] as [Double])), ("o", .object([]))])
        XCTAssertEqual(try JSONParser.parse(JSONWriter.write(v)), v)
    }

    func testSyntaxErrorsArePositioned() {
        for (text, fragment) in [("[1,]", "column 4"), ("{\"a\" 1}", "':' after a key"), ("01", "leading zeros"), ("{\"a\":1,\"a\":2}", "unique keys"), ("[1] x", "end of the document"), ("\"abc", "closing")] {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { XCTAssertTrue("\($0)".contains(fragment), "\(text): \($0)") }
        }
    }

    func testReaderRejectsNonFiniteAndWrongTypesWithPath() throws {
        let r = JSONReader(try JSONParser.parse(#"{"x": [1, NaN], "y": "3"}"#), file: "f.json")
        XCTAssertThrowsError(try r.field("x").doubles()) { XCTAssertEqual("\($0)", "f.json: $.x[1]: expected a finite number, found nan") }
        XCTAssertThrowsError(try r.int("y")) { XCTAssertEqual("\($0)", "f.json: $.y: expected an integer, found the string \"3\"") }
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestion.closest(to: "restnet20", among: ModelZoo.names), "resnet20")
        XCTAssertNil(Suggestion.closest(to: "transformer", among: ModelZoo.names))
    }
}

final class HardtanhNodeTests: XCTestCase {
    func testHardtanhActivationRoundTripsThroughNetJSON() throws {
        let nodes = [
            Node(name: "x", operation: .input(TensorShape(channels: 2, height: 3, width: 3))),
            Node(name: "h", operation: .activation(.hardtanh), inputs: ["x"]),
        ]
        let graph = try Graph(name: "h", nodes: nodes)
        let text = NetJSON.encode(graph)
        XCTAssertTrue(text.contains("\"function\": \"hardtanh\""), text)
        XCTAssertEqual(try NetJSON.decode(text), graph)
    }
}
