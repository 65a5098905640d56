import PimsimCore

/// What to train: a zoo network, its split, and the quantiser of each weighted layer.
public struct NetworkPlan: Sendable {
    /// The graph to train (split, with every weighted node's precision set from its quantiser).
    public let graph: Graph
    /// Quantiser per weighted node name.
    public let quantizers: [String: WeightQuantizer]
    /// The parts of split convolutions (grouped and pointwise), each mapped to the connections
    /// per output of the convolution they replace: He initialisation uses that fan-in for both
    /// (docs/training.md, "Split layers"); every other layer uses its own.
    public let initConnections: [String: Int]
    /// The group activations that read a group batch norm (`groupBatchNorm`): these may use a
    /// fixed threshold (`TrainingOptions.groupThreshold`).
    public let normalisedActivations: Set<String>

    /// Builds the graph for `model` on `input` images with `classes` outputs.
    /// - Parameters:
    ///   - quantizer: the run's quantiser. `.xnor` builds the zoo's binary variant (sign
    ///     activations); `.float` turns every weighted layer to float32 and ternary activations to
    ///     ReLU; the others train the zoo's ternary network (ternary activations).
    ///   - floatFirstLast: keep the first and the last weighted layer in float32.
    ///   - overrides: quantiser per layer name (before splitting; a split layer's grouped and
    ///     pointwise parts share it).
    ///   - groupBatchNorm: put a batch norm `X.group_bn` between each split layer's grouped
    ///     convolution and its group activation (docs/training.md, "Split layers"). The exporter
    ///     folds it into the group activation's per-channel thresholds.
    public init(model: String, input: TensorShape, classes: Int, quantizer: WeightQuantizer, split: SplitSpec,
                floatFirstLast: Bool = false, overrides: [String: WeightQuantizer] = [:], groupBatchNorm: Bool = true) throws {
        let zoo: Graph
        do {
            zoo = try ModelZoo.network(named: model, input: input, classes: classes, binary: quantizer == .xnor)
        } catch let error as InputError where error.location?.hasPrefix("$") == true {
            throw error.inFile("\(model) on \(input) images")  // e.g. a kernel larger than the data's images
        }
        let weighted = zoo.nodes.filter { $0.operation.isWeighted }.map(\.name)
        for name in overrides.keys.sorted() where !weighted.contains(name) {
            throw InputError(location: "--layer-quant", expected: "a weighted layer of \(model): " + weighted.joined(separator: ", "), found: "\"\(name)\"")
        }
        var chosen: [String: WeightQuantizer] = [:]
        var nodes = zoo.nodes
        for i in nodes.indices {
            let node = nodes[i]
            if quantizer == .float, case .activation(.ternary) = node.operation { nodes[i].operation = .activation(.relu) }
            guard node.operation.isWeighted, var precision = node.precision else { continue }
            var q = quantizer
            if floatFirstLast && (node.name == weighted.first || node.name == weighted.last) { q = .float }
            if let o = overrides[node.name] { q = o }
            chosen[node.name] = q
            precision.weights = q.precision
            if quantizer == .float && precision.inputs != .integer(bits: 8) { precision.inputs = .float32 }
            nodes[i].precision = precision
        }
        let outcome = try NetworkSplitter.split(try zoo.replacingNodes(nodes), spec: split)
        var quantizers: [String: WeightQuantizer] = [:], initConnections: [String: Int] = [:]
        for node in outcome.graph.nodes where node.operation.isWeighted {
            quantizers[node.name] = chosen[node.name] ?? quantizer
        }
        for layer in outcome.split {
            quantizers[layer.pointwise] = quantizers[layer.name]
            initConnections[layer.name] = layer.connections
            initConnections[layer.pointwise] = layer.connections
        }
        graph = groupBatchNorm ? try Self.insertingGroupBatchNorms(outcome) : outcome.graph
        normalisedActivations = groupBatchNorm ? Set(outcome.split.compactMap(\.groupActivation)) : []
        self.quantizers = quantizers
        self.initConnections = initConnections
    }

    /// `outcome.graph` with a batch norm `X.group_bn` before every group activation `X.group_act`.
    static func insertingGroupBatchNorms(_ outcome: NetworkSplitter.SplitOutcome) throws -> Graph {
        let activations = Set(outcome.split.compactMap(\.groupActivation))
        var nodes: [Node] = []
        for var node in outcome.graph.nodes {
            if activations.contains(node.name) {
                let bn = Node(name: node.inputs[0] + NetworkSplitter.groupBatchNormSuffix, operation: .batchNorm, inputs: node.inputs)
                nodes.append(bn)
                node.inputs = [bn.name]
            }
            nodes.append(node)
        }
        return try outcome.graph.replacingNodes(nodes)
    }
}
