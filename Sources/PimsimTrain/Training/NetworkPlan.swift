import PimsimCore

/// What to train: a zoo network, its split, and the quantiser of each weighted layer.
public struct NetworkPlan: Sendable {
    /// The graph to train (split, with every weighted node's precision set from its quantiser).
    public let graph: Graph
    /// Quantiser per weighted node name.
    public let quantizers: [String: WeightQuantizer]

    /// Builds the graph for `model` on `input` images with `classes` outputs.
    /// - Parameters:
    ///   - quantizer: the run's quantiser. `.xnor` builds the zoo's binary variant (sign
    ///     activations); `.float` turns every weighted layer to float32 and ternary activations to
    ///     ReLU; the others train the zoo's ternary network (ternary activations).
    ///   - floatFirstLast: keep the first and the last weighted layer in float32.
    ///   - overrides: quantiser per layer name (before splitting; a split layer's grouped and
    ///     pointwise parts share it).
    public init(model: String, input: TensorShape, classes: Int, quantizer: WeightQuantizer, split: SplitSpec,
                floatFirstLast: Bool = false, overrides: [String: WeightQuantizer] = [:]) throws {
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
        let split = try NetworkSplitter.split(try zoo.replacingNodes(nodes), spec: split).graph
        var quantizers: [String: WeightQuantizer] = [:]
        for node in split.nodes where node.operation.isWeighted {
            let base = node.name.hasSuffix(".pw") ? String(node.name.dropLast(3)) : node.name
            quantizers[node.name] = chosen[base] ?? chosen[node.name] ?? quantizer
        }
        graph = split
        self.quantizers = quantizers
    }
}
