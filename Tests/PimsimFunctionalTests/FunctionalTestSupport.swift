import PimsimCore
import PimsimKernels
import PimsimSim
import PimsimTrain
import XCTest

/// The built-in MNIST subset's first `test` test images (no training images).
func mnistTest(_ test: Int) throws -> Dataset {
    try DatasetLoader.load(directory: ResourceLocator.locate("examples/data/mnist5k")).limited(train: 0, test: test)
}

/// A shipped hwconfig.
func shippedConfig(_ name: String) throws -> HardwareConfig { try HardwareConfig.load(name) }

/// Zoo network `name` for MNIST, split by `split`, with deterministic non-trivial "trained" data
/// from `seed`: ternary codes (30 % -1, 40 % 0, 30 % +1), a per-layer scale 1 / (xmax sqrt(n)) so
/// that pre-activations are of order 1, small biases, batch norms folded into the activations
/// that follow them (others keep mean 0, variance 1, gamma 1, beta 0) and thresholds ±0.3. Not an
/// accurate network: a deterministic one whose activations are neither all zero nor all ±1.
func syntheticNetwork(_ name: String, split: SplitSpec = .none, seed: UInt64 = 7) throws -> Graph {
    let mnist = TensorShape(channels: 1, height: 28, width: 28)
    let graph = try NetworkSplitter.split(try ModelZoo.network(named: name, input: mnist, classes: 10), spec: split).graph
    var g = SeededGenerator(seed: seed)
    var nodes = graph.nodes
    for (i, node) in graph.nodes.enumerated() {
        switch node.operation {
        case .conv2d, .linear:
            let geometry = graph.layerGeometry(at: i)!
            let codes = (0..<geometry.weightCount).map { _ -> Int8 in
                let u = g.nextUnit()
                return u < 0.3 ? -1 : (u < 0.7 ? 0 : 1)
            }
            let inputScale: Float = geometry.precision.inputs == .integer(bits: 8) ? 128 : 1
            nodes[i].data.weights = .ternary(codes)
            nodes[i].data.scale = .perLayer(1 / (inputScale * Float(geometry.connections).squareRoot()))
            if geometry.hasBias { nodes[i].data.bias = (0..<geometry.outChannels).map { _ in 0.1 * g.nextSigned() } }
        case .batchNorm:
            let folded = graph.consumers(of: i).allSatisfy {
                if case .activation(let f) = graph.nodes[$0].operation { return f == .ternary || f == .sign }
                return false
            }
            if !folded {
                let c = graph.shapes[i].channels
                nodes[i].data.batchNorm = BatchNormParameters(gamma: .init(repeating: 1, count: c), beta: .init(repeating: 0, count: c),
                                                              mean: .init(repeating: 0, count: c), variance: .init(repeating: 1, count: c), epsilon: 1e-5)
            }
        case .activation(let f) where f == .ternary:
            nodes[i].data.thresholds = ActivationThresholds(low: [-0.3], high: [0.3])
        case .activation(let f) where f == .sign:
            nodes[i].data.thresholds = ActivationThresholds(low: [0], high: [0])
        default: break
        }
    }
    return try graph.replacingNodes(nodes)
}
