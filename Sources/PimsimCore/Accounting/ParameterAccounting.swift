/// Parameters and weight memory of one layer (a node that has parameters).
public struct LayerParameterCount: Equatable, Sendable {
    public let name: String
    /// The net.json op name.
    public let op: String
    public let outputShape: TensorShape
    /// Groups of a convolution (1 for linear); nil for batch norm.
    public let groups: Int?
    /// Connections per output (k*k*Cin/groups, or input features); nil for batch norm.
    public let connections: Int?
    /// Weights plus bias (conv2d, linear) or gamma plus beta (batch norm; running statistics are
    /// buffers, not parameters, as in PyTorch's count).
    public let parameters: Int
    /// Weights only.
    public let weights: Int
    /// Weight memory at the layer's weight precision (2 bits per ternary weight), bias excluded.
    public let weightBits: Int
    /// The same weights stored as float32.
    public let float32WeightBits: Int
    /// Whether the layer's connections exceed the array rows or split size being checked against;
    /// nil when there is no limit or the layer has no connections.
    public let exceedsLimit: Bool?
}

/// The comparator thresholds of one group activation (`X.group_act`) of a split layer.
public struct GroupThresholdCount: Equatable, Sendable {
    public let name: String
    public let channels: Int
    /// Thresholds stored for the activation: the lengths of its `low` and `high` lists (ternary)
    /// or of its one list (sign) when it carries trained thresholds; otherwise what `pimsim train`
    /// exports, one per channel per comparator (2 x channels for ternary, channels for sign).
    public let constants: Int
}

/// Parameter accounting of a whole network.
public struct ParameterReport: Equatable, Sendable {
    public let network: String
    public let split: SplitSpec
    /// The connection limit `exceedsLimit` was checked against, if any.
    public let limit: Int?
    public let layers: [LayerParameterCount]
    /// Thresholds of the split layers' group activations: per-channel constants that are neither
    /// weights nor parameters in seed 000's count, reported apart from `parameters`.
    public let groupThresholds: [GroupThresholdCount]

    /// Sum of `groupThresholds` constants.
    public var groupThresholdConstants: Int { groupThresholds.reduce(0) { $0 + $1.constants } }

    public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
    public var weightBits: Int { layers.reduce(0) { $0 + $1.weightBits } }
    public var float32WeightBits: Int { layers.reduce(0) { $0 + $1.float32WeightBits } }
    /// Layers that still exceed the limit.
    public var exceeding: [LayerParameterCount] { layers.filter { $0.exceedsLimit == true } }
}

public enum ParameterAccounting {
    /// Counts the parameters of every layer of `graph`, and apart from them the thresholds of its
    /// group activations. A batch norm before a group activation (`X.group_bn`, which
    /// `pimsim train` adds and folds into the activation's thresholds) is not counted as
    /// parameters: its γ and β become those thresholds.
    /// - Parameter limit: flag weighted layers with more connections than this (array rows or S).
    public static func report(for graph: Graph, split: SplitSpec = .none, limit: Int? = nil) -> ParameterReport {
        var layers: [LayerParameterCount] = []
        var thresholds: [GroupThresholdCount] = []
        for (index, node) in graph.nodes.enumerated() {
            if node.name.hasSuffix(NetworkSplitter.groupBatchNormSuffix) { continue }
            if node.name.hasSuffix(NetworkSplitter.groupActivationSuffix), case .activation(let f) = node.operation, f == .ternary || f == .sign {
                let channels = graph.shapes[index].channels
                let stored = node.data.thresholds.map { f == .sign ? $0.high.count : $0.low.count + $0.high.count }
                thresholds.append(GroupThresholdCount(name: node.name, channels: channels, constants: stored ?? (f == .sign ? 1 : 2) * channels))
                continue
            }
            if let g = graph.layerGeometry(at: index) {
                let bits = g.weightCount * g.precision.weights.storageBits
                layers.append(LayerParameterCount(
                    name: node.name, op: node.operation.name, outputShape: g.output, groups: g.groups, connections: g.connections,
                    parameters: g.weightCount + (g.hasBias ? g.outChannels : 0), weights: g.weightCount,
                    weightBits: bits, float32WeightBits: g.weightCount * Precision.float32.storageBits,
                    exceedsLimit: limit.map { g.connections > $0 }))
            } else if case .batchNorm = node.operation {
                let channels = graph.shapes[index].channels
                layers.append(LayerParameterCount(
                    name: node.name, op: node.operation.name, outputShape: graph.shapes[index], groups: nil, connections: nil,
                    parameters: 2 * channels, weights: 0, weightBits: 0, float32WeightBits: 0, exceedsLimit: nil))
            }
        }
        return ParameterReport(network: graph.name, split: split, limit: limit, layers: layers, groupThresholds: thresholds)
    }
}
