import PimsimCore
import XCTest

final class SplitTransformTests: XCTestCase {
    let resnet = try! ModelZoo.network(named: "resnet20")

    func testSplittingNeverRaisesConnectionsOfAnyOriginalLayer() throws {
        for spec in SplitSpec.seedConfigurations {
            let split = try NetworkSplitter.split(resnet, spec: spec).graph
            for layer in resnet.weightedLayers {
                let after = try XCTUnwrap(split.layerGeometry(at: try XCTUnwrap(split.index(of: layer.name))))
                XCTAssertLessThanOrEqual(after.connections, layer.connections, "\(layer.name) under \(spec)")
                if let s = spec.uniformLimit, layer.connections > s, layer.kernel > 1 {
                    XCTAssertEqual(after.connections, s, "\(layer.name) under \(spec)")
                }
            }
        }
    }

    func testSplitLayerIsGroupedConvThenActivationThenPointwise() throws {
        let split = try NetworkSplitter.split(resnet, spec: .uniform(72)).graph
        let grouped = try XCTUnwrap(split.node(named: "s2b1c1"))
        guard case .conv2d(let g) = grouped.operation else { return XCTFail("not a conv") }
        XCTAssertEqual(g.groups, 2)  // 16 input channels * 9 = 144 -> 2 x 72
        XCTAssertEqual(split.node(named: "s2b1c1.group_act")?.operation, .activation(.ternary))
        let pw = try XCTUnwrap(split.node(named: "s2b1c1.pw"))
        XCTAssertEqual(pw.operation, .conv2d(Conv2DAttributes(outChannels: 32, kernel: 1)))
        XCTAssertEqual(pw.inputs, ["s2b1c1.group_act"])
        // The batch norm that followed the original convolution now follows the pointwise one.
        XCTAssertEqual(split.node(named: "s2b1c1.bn")?.inputs, ["s2b1c1.pw"])
        // Output shapes are unchanged, so residual paths still line up.
        XCTAssertEqual(split.shapes[split.index(of: "s2b1.add")!], resnet.shapes[resnet.index(of: "s2b1.add")!])
    }

    func testResidualAddStillReadsBothBranches() throws {
        let split = try NetworkSplitter.split(resnet, spec: .uniform(36)).graph
        XCTAssertEqual(split.node(named: "s3b2.add")?.inputs, ["s3b2c2.bn", "s3b1.act"])
    }

    func testBinaryNetworkGetsSignActivationBetweenGroups() throws {
        let xnor = try ModelZoo.network(named: "resnet20", binary: true)
        let split = try NetworkSplitter.split(xnor, spec: .uniform(72)).graph
        XCTAssertEqual(split.node(named: "s1b1c1.group_act")?.operation, .activation(.sign))
    }

    func testRuleSplitsOnlyLayersWithExactlyThatManyConnections() throws {
        let split = try NetworkSplitter.split(resnet, spec: .rules([SplitRule(connections: 288, splitSize: 72)])).graph
        XCTAssertEqual(split.layerGeometry(at: split.index(of: "s2b2c1")!)?.connections, 72)
        XCTAssertEqual(split.layerGeometry(at: split.index(of: "s1b2c1")!)?.connections, 144)
        XCTAssertEqual(split.layerGeometry(at: split.index(of: "s3b2c1")!)?.connections, 576)
    }

    func testRuleThatChannelsCannotHonourIsAnErrorNamingTheLayer() {
        // 144 = 9 * 16 -> 144 / 48 = 3 groups, but 3 does not divide 16 channels.
        XCTAssertThrowsError(try NetworkSplitter.split(resnet, spec: .rules([SplitRule(connections: 144, splitSize: 48)]))) { error in
            XCTAssertTrue("\(error)".contains("s1b1c1"), "\(error)")
            XCTAssertTrue("\(error)".contains("--split"), "\(error)")
        }
    }

    func testUniformSplitThatDoesNotDivideTakesTheNextGroupCountTheChannelsAllow() throws {
        // 144 connections with S = 100: 2 groups give 72 <= 100.
        let split = try NetworkSplitter.split(resnet, spec: .uniform(100)).graph
        XCTAssertEqual(split.layerGeometry(at: split.index(of: "s1b1c1")!)?.connections, 72)
    }

    func testLayerThatCannotBeSplitIsReportedNotHidden() throws {
        // AlexNet's first layer: 11 * 11 * 3 = 363 connections, 3 input channels: at best 121.
        let alexnet = try ModelZoo.network(named: "alexnet")
        let outcome = try NetworkSplitter.split(alexnet, spec: .uniform(72))
        XCTAssertEqual(outcome.unsplittable.map(\.layer), ["conv1"])
        let report = ParameterAccounting.report(for: outcome.graph, split: .uniform(72), limit: 72)
        XCTAssertTrue(report.exceeding.map(\.name).contains("conv1"))
        XCTAssertTrue(report.exceeding.map(\.name).contains("fc8"), "linear layers are flagged, not split")
    }

    func testPointwiseLayersAreNotSplitButFlagged() throws {
        let split = try NetworkSplitter.split(resnet, spec: .uniform(36)).graph
        let report = ParameterAccounting.report(for: split, split: .uniform(36), limit: 36)
        // The 64-channel pointwise convolutions (64 connections) and the classifier exceed 36.
        XCTAssertEqual(report.exceeding.filter { $0.name.hasSuffix(".pw") }.count, 6)
        XCTAssertTrue(report.exceeding.contains { $0.name == "fc" })
    }

    /// Every group activation compares each output channel of its grouped convolution with its
    /// own thresholds: 2 per channel (ternary) or 1 (sign), counted apart from the parameters.
    /// ResNet-20 has 6 split-able 3x3 convolutions per stage with 16, 32 and 64 outputs.
    func testGroupThresholdsAreCountedApartFromParameters() throws {
        let counts: [(SplitSpec, Int, [String])] = [
            (.none, 0, []),
            // 144:72 splits the six 16 -> 16 convolutions and s2b1c1 (16 -> 32, 144 connections).
            (.rules([SplitRule(connections: 144, splitSize: 72)]), 2 * (6 * 16 + 32), ["s1b1c1.group_act", "s2b1c1.group_act"]),
            // 144 splits the five other 32-channel and the six 64-channel convolutions.
            (.uniform(144), 2 * (5 * 32 + 6 * 64), ["s2b1c2.group_act", "s3b3c2.group_act"]),
            (.uniform(72), 2 * (6 * 16 + 6 * 32 + 6 * 64), ["s1b1c1.group_act", "s3b3c2.group_act"]),
            (.uniform(36), 1_344, []),
        ]
        for (spec, constants, names) in counts {
            let outcome = try NetworkSplitter.split(resnet, spec: spec)
            let report = ParameterAccounting.report(for: outcome.graph, split: spec)
            XCTAssertEqual(report.groupThresholdConstants, constants, "\(spec)")
            XCTAssertEqual(report.groupThresholds.count, outcome.split.count, "\(spec): one group activation per split layer")
            for name in names { XCTAssertTrue(report.groupThresholds.contains { $0.name == name }, "\(spec): \(name)") }
        }
        // The seed's parameter totals are untouched (docs/reproducing.md).
        XCTAssertEqual(ParameterAccounting.report(for: try NetworkSplitter.split(resnet, spec: .uniform(72)).graph).parameters, 83_098)
        // XNOR-Net: one comparator (sign) per channel.
        let xnor = try NetworkSplitter.split(try ModelZoo.network(named: "resnet20", binary: true), spec: .uniform(72)).graph
        XCTAssertEqual(ParameterAccounting.report(for: xnor).groupThresholdConstants, 672)
    }

    /// A batch norm named X.group_bn (training's, folded into X.group_act) is not a parameter, and
    /// trained thresholds are counted as stored.
    func testGroupBatchNormIsNotCountedAndStoredThresholdsAre() throws {
        let outcome = try NetworkSplitter.split(resnet, spec: .uniform(72))
        var nodes: [Node] = []
        for var node in outcome.graph.nodes {
            if node.name == "s1b1c1.group_act" {
                nodes.append(Node(name: "s1b1c1.group_bn", operation: .batchNorm, inputs: node.inputs))
                node.inputs = ["s1b1c1.group_bn"]
                node.data.thresholds = ActivationThresholds(low: [-0.5], high: [0.5])  // one pair broadcast to every channel
            }
            nodes.append(node)
        }
        let report = ParameterAccounting.report(for: try outcome.graph.replacingNodes(nodes))
        XCTAssertEqual(report.parameters, 83_098)
        XCTAssertEqual(report.groupThresholdConstants, 1_344 - 2 * 16 + 2)
        XCTAssertFalse(report.layers.contains { $0.name == "s1b1c1.group_bn" })
    }

    func testSpecParsing() throws {
        XCTAssertEqual(try SplitSpec.parseList("none,144:72,144,72,36"), SplitSpec.seedConfigurations)
        XCTAssertEqual(try SplitSpec.parseList("144:72,288:144"), [.rules([SplitRule(connections: 144, splitSize: 72), SplitRule(connections: 288, splitSize: 144)])])
        XCTAssertEqual(try SplitSpec.parseList("144:72;288:144").count, 2)
        for spec in SplitSpec.seedConfigurations { XCTAssertEqual(try SplitSpec(parsing: spec.description), spec) }
        for bad in ["", "abc", "0", "-4", "144:0", "144:100", "72:144", "1:2:3", "144:72,144:36"] {
            XCTAssertThrowsError(try SplitSpec.parseList(bad), bad) { XCTAssertTrue("\($0)".contains("--split"), "\($0)") }
        }
    }

    func testTrainedNetworkIsNotSplitSilently() throws {
        var nodes = try ModelZoo.network(named: "lenet5").nodes
        let conv2 = nodes.firstIndex { $0.name == "conv2" }!
        nodes[conv2].data.weights = .ternary([Int8](repeating: 1, count: 64 * 32 * 25))
        let trained = try Graph(name: "t", nodes: nodes)
        XCTAssertThrowsError(try NetworkSplitter.split(trained, spec: .uniform(72))) { XCTAssertTrue("\($0)".contains("trained"), "\($0)") }
    }
}
