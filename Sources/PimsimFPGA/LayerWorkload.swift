import PimsimCore

/// What one weighted layer asks of a MAC array, as FINN's matrix-vector unit sees it: an
/// MH x MW weight matrix (MH = output channels, MW = connections = k*k*Cin/groups) applied at
/// `positions` output positions per image.
public struct LayerWorkload: Sendable, Equatable {
    public let name: String
    /// MH: output channels (output neurons of a linear layer).
    public let outputs: Int
    /// MW: connections per output, k * k * Cin / groups.
    public let connections: Int
    /// Output positions per image (1 for a linear layer).
    public let positions: Int
    /// The precision of the layer's inputs in the network.
    public let inputPrecision: Precision
    /// Whether a quantizing activation (ternary or sign) follows, possibly after batch norm and
    /// a residual add: the array then ends in threshold comparators.
    public let thresholded: Bool

    public init(name: String, outputs: Int, connections: Int, positions: Int, inputPrecision: Precision, thresholded: Bool) {
        self.name = name
        self.outputs = outputs
        self.connections = connections
        self.positions = positions
        self.inputPrecision = inputPrecision
        self.thresholded = thresholded
    }

    /// Weights: MH * MW.
    public var weights: Int { outputs * connections }
    /// The most MAC units one layer's array may have: 2^24 (16,777,216), thousands of times any
    /// FPGA's capacity, so resource counts stay far inside 64-bit integers.
    public static let maximumMACUnits = 1 << 24

    /// MAC units of a fully unrolled array (one per weight; more would idle), at most
    /// `maximumMACUnits`.
    public var fullUnroll: Int { min(weights, Self.maximumMACUnits) }

    /// The workloads of every weighted layer of `graph`, in order.
    public static func all(in graph: Graph) -> [LayerWorkload] {
        graph.weightedLayers.map { layer in
            LayerWorkload(name: layer.name, outputs: layer.outChannels, connections: layer.connections, positions: layer.positions,
                          inputPrecision: layer.precision.inputs, thresholded: quantizingActivationFollows(layer.nodeIndex, in: graph))
        }
    }

    /// Follows the layer's output through batch norm and residual adds to a ternary or sign activation.
    static func quantizingActivationFollows(_ index: Int, in graph: Graph) -> Bool {
        var current = index
        while true {
            let next = graph.consumers(of: current)
            guard next.count == 1 else { return false }
            switch graph.nodes[next[0]].operation {
            case .batchNorm, .add: current = next[0]
            case .activation(let f): return f == .ternary || f == .sign
            default: return false
            }
        }
    }
}
