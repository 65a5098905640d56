import PimsimCore

/// A tiny trained network with every kind of trained data net.json carries:
/// input 1x4x4 -> conv 3x3 (2 out, pad 1, ternary) -> batchnorm -> ternary activation
/// -> global avg pool -> linear 2 -> 3 (float weights, bias).
enum Fixtures {
    /// examples/tiny-net.json's note saying what it is.
    static let examplePurpose = "format example for docs/net-json.md: every kind of field, with illustrative values; not a trained network. pimsim params reads it; pimsim eval cannot run it (a 4x4 input and separate positive/negative scales) nor pimsim run (a float32 classifier has no crossbar mapping)"

    static func tinyTrained() throws -> Graph {
        let t = LayerPrecision.ternary
        var nodes = [
            Node(name: "input", operation: .input(TensorShape(channels: 1, height: 4, width: 4))),
            Node(name: "conv", operation: .conv2d(Conv2DAttributes(outChannels: 2, kernel: 3, padding: 1)), inputs: ["input"], precision: t),
            Node(name: "bn", operation: .batchNorm, inputs: ["conv"]),
            Node(name: "act", operation: .activation(.ternary), inputs: ["bn"]),
            Node(name: "pool", operation: .globalAvgPool, inputs: ["act"]),
            Node(name: "fc", operation: .linear(LinearAttributes(outFeatures: 3, bias: true)), inputs: ["pool"],
                 precision: LayerPrecision(weights: .float32, inputs: .float32)),
        ]
        nodes[1].data = NodeData(weights: .ternary([1, 0, -1, 0, 1, 1, -1, -1, 0, 0, 0, 1, -1, 0, 1, 1, 1, -1]),
                                 scale: .signed(positive: [0.5, 0.25], negative: [0.75, 0.125]),
                                 statistics: LayerStatistics(weightDensity: 12.0 / 18.0, inputDensity: 0.5))
        nodes[2].data = NodeData(batchNorm: BatchNormParameters(gamma: [1.5, -0.5], beta: [0.1, 0.2], mean: [0.01, -0.02], variance: [1.0, 0.3], epsilon: 1e-5))
        nodes[3].data = NodeData(thresholds: ActivationThresholds(low: [-0.3, -0.2], high: [0.3, 0.25]))
        nodes[5].data = NodeData(weights: .float32([0.1, -0.2, 0.3, -0.4, 0.5, -0.6]), bias: [0.01, 0.02, 0.03],
                                 statistics: LayerStatistics(inputDensity: 0.75))
        return try Graph(name: "tiny", nodes: nodes, output: "fc",
                         metadata: NetworkMetadata(dataset: "mnist5k", testAccuracy: 0.9731, notes: ["quantizer": "twn", "purpose": Self.examplePurpose]))
    }
}
