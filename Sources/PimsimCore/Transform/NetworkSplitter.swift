/// Network splitting (seed 000, Algorithm 1) as a graph transform.
///
/// A convolution with n = k*k*Cin/g0 connections per output that the spec selects becomes
/// 1. the same convolution with g0*m groups (each output sees n/m connections), keeping its name;
/// 2. an activation `<name>.group_act` that quantises each group's partial result in the array that
///    computed it (ternary for ternary inputs, sign for binary, none for other precisions) — the
///    point of splitting is that no partial sum leaves an array in analogue form, so no ADC;
/// 3. a pointwise convolution `<name>.pw` (1x1, Cout -> Cout, g0 groups) that mixes the groups,
///    carrying the original bias. Consumers of the original node now read `<name>.pw`.
/// No batch norm is added: seed 000's parameter reductions (6,656 / 140,800 / 186,624 / 210,816)
/// are exactly grouped plus pointwise weights. (`pimsim train` puts one, `<name>.group_bn`, before
/// the group activation while training and folds it into that activation's per-channel
/// thresholds; `ParameterAccounting` counts those thresholds apart from the parameters.)
///
/// Choosing m: for `N:S`, m = N/S, and both Cin/g0 and Cout/g0 must be multiples of m, or the
/// split is an error. For `S`, m is the smallest integer >= n/S that divides Cin/g0 and Cout/g0,
/// so each output sees at most S connections (exactly S when S divides n and the channels allow,
/// as in every seed configuration). If no such m exists (e.g. 3 input channels with an 11x11
/// kernel) the layer is left whole and listed in `SplitOutcome.unsplittable`; reports flag it as
/// exceeding S. 1x1 convolutions and linear layers are never split: splitting a pointwise layer
/// yields another pointwise layer of the same width. They too are flagged when they exceed S.
public enum NetworkSplitter {
    /// The split network and what could not be split.
    public struct SplitOutcome: Sendable {
        public let graph: Graph
        /// Layers the spec selected that the channel counts did not allow to split, with why.
        public let unsplittable: [(layer: String, reason: String)]
        /// The convolutions that were split, in graph order.
        public let split: [SplitLayer]
    }

    /// One convolution the split replaced by grouped convolution, group activation and pointwise
    /// convolution.
    public struct SplitLayer: Equatable, Sendable {
        /// The original convolution's name, kept by the grouped convolution.
        public let name: String
        /// Connections per output of the original convolution (k*k*Cin/g0).
        public let connections: Int
        /// `<name>.group_act`, or nil when the layer's inputs are not quantised.
        public let groupActivation: String?
        /// `<name>.pw`.
        public let pointwise: String
    }

    /// Suffixes of the nodes a split adds to layer `<name>`, and of the batch norm `pimsim train`
    /// adds before the group activation.
    public static let groupActivationSuffix = ".group_act", pointwiseSuffix = ".pw", groupBatchNormSuffix = ".group_bn"

    /// Applies `spec` to `graph`.
    /// - Throws: `InputError` if the graph carries trained weights (a trained network is trained
    ///   split), or if an `N:S` rule cannot be applied to a layer it selects.
    public static func split(_ graph: Graph, spec: SplitSpec) throws -> SplitOutcome {
        if case .none = spec { return SplitOutcome(graph: graph, unsplittable: [], split: []) }
        var renamed: [String: String] = [:]
        var nodes: [Node] = []
        var unsplittable: [(String, String)] = []
        var split: [SplitLayer] = []
        for (index, original) in graph.nodes.enumerated() {
            var node = original
            node.inputs = node.inputs.map { renamed[$0] ?? $0 }
            guard let geometry = graph.layerGeometry(at: index), isSplittable(geometry), case .conv2d(let conv) = node.operation,
                  let target = targetSize(for: geometry.connections, spec: spec) else {
                nodes.append(node)
                continue
            }
            if graph.hasTrainedData {
                throw InputError(location: "--split", expected: "a shape-only network (a trained network is trained split: pimsim train --split)", found: "trained weights in \"\(graph.name)\"")
            }
            let inPerGroup = geometry.inChannels / conv.groups
            let outPerGroup = conv.outChannels / conv.groups
            guard let factor = splitFactor(connections: geometry.connections, target: target, inPerGroup: inPerGroup, outPerGroup: outPerGroup) else {
                let reason = "\(geometry.connections) connections with \(inPerGroup) input and \(outPerGroup) output channels per group cannot be grouped to at most \(target.size)"
                if target.exact {
                    throw InputError(location: "--split", expected: "a rule the layer's channels allow (layer \"\(node.name)\")", found: reason)
                }
                unsplittable.append((node.name, reason))
                nodes.append(node)
                continue
            }
            var grouped = conv
            grouped.groups = conv.groups * factor
            grouped.bias = false
            node.operation = .conv2d(grouped)
            nodes.append(node)
            var last = node.name
            var groupActivation: String?
            if let function = mixingActivation(for: node.precision!.inputs) {
                groupActivation = node.name + groupActivationSuffix
                nodes.append(Node(name: groupActivation!, operation: .activation(function), inputs: [last]))
                last = groupActivation!
            }
            let pointwise = Conv2DAttributes(outChannels: conv.outChannels, kernel: 1, stride: 1, padding: 0, groups: conv.groups, bias: conv.bias)
            let pointwiseName = node.name + pointwiseSuffix
            nodes.append(Node(name: pointwiseName, operation: .conv2d(pointwise), inputs: [last], precision: node.precision))
            renamed[node.name] = pointwiseName
            split.append(SplitLayer(name: node.name, connections: geometry.connections, groupActivation: groupActivation, pointwise: pointwiseName))
        }
        let outputName = graph.nodes[graph.outputIndex].name
        let splitGraph = try graph.replacingNodes(nodes, output: renamed[outputName] ?? outputName)
        return SplitOutcome(graph: splitGraph, unsplittable: unsplittable, split: split)
    }

    /// The `N:S` rules of `spec` that select no splittable layer of `graph` (a convolution with a
    /// kernel above 1 and exactly N connections): such a rule changes nothing, which is most
    /// likely a typo, so commands warn about it.
    public static func unusedRules(in graph: Graph, spec: SplitSpec) -> [SplitRule] {
        guard case .rules(let rules) = spec else { return [] }
        let splittable = Set(graph.weightedLayers.filter(isSplittable).map(\.connections))
        return rules.filter { !splittable.contains($0.connections) }
    }

    /// Whether a spec may split this layer: convolutions with a kernel above 1 (pointwise
    /// convolutions and linear layers are never split; see the type's documentation).
    static func isSplittable(_ layer: LayerGeometry) -> Bool { layer.operation.isConvolution && layer.kernel > 1 }

    /// The connection count a layer with `connections` should be split to, if the spec selects it.
    static func targetSize(for connections: Int, spec: SplitSpec) -> (size: Int, exact: Bool)? {
        switch spec {
        case .none: return nil
        case .uniform(let s): return connections > s ? (s, false) : nil
        case .rules(let rules): return rules.first { $0.connections == connections }.map { ($0.splitSize, true) }
        }
    }

    /// The group multiplier m, or nil if the channels allow none.
    static func splitFactor(connections: Int, target: (size: Int, exact: Bool), inPerGroup: Int, outPerGroup: Int) -> Int? {
        func allowed(_ m: Int) -> Bool { m >= 2 && inPerGroup % m == 0 && outPerGroup % m == 0 }
        if target.exact { return allowed(connections / target.size) ? connections / target.size : nil }
        // m divides both channel counts, so it is at most the smaller; searched lazily (up to
        // SizeLimits.dimension candidates, no array of them).
        let smallest = (connections + target.size - 1) / target.size
        let largest = min(inPerGroup, outPerGroup)
        return smallest <= largest ? (smallest...largest).first(where: allowed) : nil
    }

    /// The activation that quantises a group's output for a pointwise layer with `inputs`.
    static func mixingActivation(for inputs: Precision) -> ActivationFunction? {
        switch inputs {
        case .ternary: return .ternary
        case .binary: return .sign
        case .integer, .float32: return nil
        }
    }
}
