import PimsimCore

/// Turns a trained `Network` into a graph with `NodeData` (docs/training.md, "Export").
///
/// - Weighted layer: ternary (or binary) codes t, scale α (times 1/128 for a layer fed by the
///   image, whose integer inputs are p - 128), bias. Its output is y = α (t * x) + bias.
/// - A chain weighted layer -> batch norm -> ternary/sign activation (each the only consumer of
///   the one before) is folded: the batch-norm node keeps no parameters and the activation gets
///   per-channel thresholds on y. With s = sqrt(σ² + ε), BN(y) > δ  <=>  y > h and
///   BN(y) < -δ  <=>  y < l for γ > 0, where h = μ + (δ - β) s / γ, l = μ + (-δ - β) s / γ.
///   For γ < 0 the comparisons flip, so the channel's codes and bias are negated (y' = -y) and
///   the thresholds become low = -l, high = -h. γ = 0 gives a constant output, encoded with
///   thresholds at ±Float.greatestFiniteMagnitude. Sign activations use δ = 0 and `high` only.
/// - Other batch norms keep γ, β and the running μ, σ²; other ternary activations get
///   thresholds ±δ (δ the running input threshold).
/// - A REL layer X (T_ex ternarisations) becomes X (t_1, α_1, bias), X.rel2 ... X.relT (t_j, α_j,
///   no bias, same inputs) and adds X.rel_sum2 ... X.rel_sumT; consumers read the last sum.
enum Exporter {
    static func export(_ network: Network) throws -> Graph {
        let graph = network.graph
        var nodes = graph.nodes
        var negate: [Int: [Bool]] = [:]
        var folded = Set<Int>()
        for (a, node) in graph.nodes.enumerated() {
            guard case .activation(let f) = node.operation, f == .ternary || f == .sign else { continue }
            let b = network.inputIndices[a][0]
            guard case .batchNorm = graph.nodes[b].operation, graph.consumers(of: b) == [a] else { continue }
            let w = network.inputIndices[b][0]
            guard graph.nodes[w].operation.isWeighted, graph.consumers(of: w) == [b], let bn = network.batchNorms[b],
                  !isResidual(network, w) else { continue }
            let delta: Float = f == .ternary ? network.thresholds[a]!.values[0][0] : 0
            let channels = bn.gamma.count
            var low = [Float](repeating: 0, count: channels), high = low, flip = [Bool](repeating: false, count: channels)
            for c in 0..<channels {
                let gamma = bn.gamma.value[c], beta = bn.beta.value[c]
                let mean = bn.running.values[0][c], s = (bn.running.values[1][c] + BatchNormLayer.epsilon).squareRoot()
                if gamma == 0 {
                    let big = Float.greatestFiniteMagnitude
                    let out = f == .sign ? (beta >= 0 ? 1 : -1) : (beta > delta ? 1 : (beta < -delta ? -1 : 0))
                    (low[c], high[c]) = out > 0 ? (-big, -big) : (out < 0 ? (big, big) : (-big, big))
                    continue
                }
                let h = mean + (delta - beta) * s / gamma, l = mean + (-delta - beta) * s / gamma
                if gamma > 0 {
                    (low[c], high[c]) = (l, h)
                } else {
                    flip[c] = true
                    (low[c], high[c]) = (-l, -h)
                }
                if f == .sign { low[c] = high[c] }
            }
            negate[w] = flip
            folded.insert(b)
            nodes[a].data.thresholds = ActivationThresholds(low: low, high: high)
        }
        for (i, node) in graph.nodes.enumerated() {
            switch node.operation {
            case .conv2d, .linear:
                nodes[i].data = weightData(network, node: i, negate: negate[i]).data
            case .batchNorm where !folded.contains(i):
                let bn = network.batchNorms[i]!
                nodes[i].data.batchNorm = BatchNormParameters(gamma: bn.gamma.value, beta: bn.beta.value, mean: bn.running.values[0],
                                                              variance: bn.running.values[1], epsilon: BatchNormLayer.epsilon)
            case .activation(let f) where nodes[i].data.thresholds == nil:
                if f == .ternary {
                    let delta = network.thresholds[i]!.values[0][0]
                    nodes[i].data.thresholds = ActivationThresholds(low: [-delta], high: [delta])
                } else if f == .sign {
                    nodes[i].data.thresholds = ActivationThresholds(low: [0], high: [0])
                }
            default: break
            }
        }
        return try expandResidualLayers(network, nodes: nodes)
    }

    static func isResidual(_ network: Network, _ node: Int) -> Bool {
        if case .residual? = network.weights[node]?.weight.quantizer { return true }
        return false
    }

    /// Replaces every REL layer by its T_ex ternary layers and the adds that sum them.
    static func expandResidualLayers(_ network: Network, nodes: [Node]) throws -> Graph {
        let graph = network.graph
        var out: [Node] = []
        var renamed: [String: String] = [:]
        for (i, original) in nodes.enumerated() {
            var node = original
            node.inputs = node.inputs.map { renamed[$0] ?? $0 }
            guard isResidual(network, i), let (weight, _) = network.weights[i] else { out.append(node); continue }
            let inputStep = weightData(network, node: i, negate: nil).inputStep
            let parts = weight.quantizer!.residualParts(weight.value)
            node.data.weights = .ternary(parts[0].codes!)
            node.data.scale = .perLayer(parts[0].scales[0] * inputStep)
            out.append(node)
            var last = node.name
            var operation = node.operation
            if case .conv2d(var c) = operation { c.bias = false; operation = .conv2d(c) }
            if case .linear(var l) = operation { l.bias = false; operation = .linear(l) }
            for (j, part) in parts.enumerated().dropFirst() {
                let extra = Node(name: "\(node.name).rel\(j + 1)", operation: operation, inputs: node.inputs, precision: node.precision,
                                 data: NodeData(weights: .ternary(part.codes!), scale: .perLayer(part.scales[0] * inputStep)))
                let sum = Node(name: "\(node.name).rel_sum\(j + 1)", operation: .add, inputs: [last, extra.name])
                out += [extra, sum]
                last = sum.name
            }
            renamed[node.name] = last
        }
        let output = graph.nodes[graph.outputIndex].name
        return try Graph(name: graph.name, nodes: out, output: renamed[output] ?? output, metadata: graph.metadata)
    }

    /// The node's data and the real value of one integer input step (1/128 after the image, else 1).
    static func weightData(_ network: Network, node i: Int, negate: [Bool]?) -> (data: NodeData, inputStep: Float) {
        let graph = network.graph
        let (weight, bias) = network.weights[i]!
        let outChannels = weight.outChannels, perChannel = weight.count / outChannels
        let fedByImage: Bool = { if case .input = graph.nodes[network.inputIndices[i][0]].operation { return true }; return false }()
        let inputStep: Float = fedByImage ? PixelEncoding.step : 1
        var biasValues = bias?.value
        var data = NodeData()
        func sign(_ c: Int) -> Float { negate?[c] == true ? -1 : 1 }
        if biasValues != nil { for c in 0..<outChannels { biasValues![c] *= sign(c) } }
        data.bias = biasValues
        if let q = weight.quantized, var codes = q.codes {
            for c in 0..<outChannels where sign(c) < 0 { for k in 0..<perChannel { codes[c * perChannel + k] = -codes[c * perChannel + k] } }
            data.weights = weight.quantizer == .xnor ? .binary(codes) : .ternary(codes)
            data.scale = q.perLayer ? .perLayer(q.scales[0] * inputStep) : .perChannel(q.scales.map { $0 * inputStep })
        } else {
            var values = weight.effective
            for c in 0..<outChannels where sign(c) < 0 { for k in 0..<perChannel { values[c * perChannel + k] = -values[c * perChannel + k] } }
            data.weights = .float32(values)
            if fedByImage { data.scale = .perLayer(inputStep) }
        }
        return (data, inputStep)
    }
}
