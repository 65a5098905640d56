/// Shape inference and validation of one node, with errors located at `$.nodes[i].field`.
struct NodeContext {
    let node: Node
    let listIndex: Int

    func error(_ field: String, expected: String, found: String) -> InputError {
        InputError(location: "$.nodes[\(listIndex)].\(field)", expected: "\(expected) (node \"\(node.name)\")", found: found)
    }

    /// A size field: 1 ... `SizeLimits.dimension`.
    func requirePositive(_ value: Int, _ field: String) throws {
        guard value >= 1, value <= SizeLimits.dimension else {
            throw error(field, expected: "an integer from 1 to \(SizeLimits.describe(SizeLimits.dimension))", found: "\(value)")
        }
    }

    /// Padding: 0 ... `SizeLimits.dimension`.
    func requireNonNegative(_ value: Int, _ field: String) throws {
        guard value >= 0, value <= SizeLimits.dimension else {
            throw error(field, expected: "an integer from 0 to \(SizeLimits.describe(SizeLimits.dimension))", found: "\(value)")
        }
    }

    /// The output tensor of this node holds at most `SizeLimits.tensorValues` values; `field` is
    /// the size field that made it large.
    func requireTensor(_ shape: TensorShape, _ field: String) throws -> TensorShape {
        guard SizeLimits.product(shape.array, limit: SizeLimits.tensorValues) != nil else {
            throw error(field, expected: "an output of at most \(SizeLimits.describe(SizeLimits.tensorValues)) values",
                        found: "\(shape.channels) x \(shape.height) x \(shape.width)")
        }
        return shape
    }

    /// Connections, weights and MACs of a weighted layer within `SizeLimits`; `field` is its
    /// output-size field.
    func requireLayerCounts(input: TensorShape, output: TensorShape, kernel: Int, groups: Int, linear: Bool, field: String) throws {
        let perGroup = linear ? input.count : input.channels / groups
        guard let connections = SizeLimits.product([kernel, kernel, perGroup], limit: SizeLimits.connections) else {
            throw error(linear ? "inputs[0]" : "kernel", expected: "at most \(SizeLimits.describe(SizeLimits.connections)) connections per output (k x k x Cin / groups)",
                        found: "\(kernel) x \(kernel) x \(perGroup)")
        }
        guard SizeLimits.product([output.channels, connections], limit: SizeLimits.layerWeights) != nil else {
            throw error(field, expected: "at most \(SizeLimits.describe(SizeLimits.layerWeights)) weights in one layer",
                        found: "\(output.channels) outputs x \(connections) connections")
        }
        guard SizeLimits.product([output.count, connections], limit: SizeLimits.networkMACs) != nil else {
            throw error(field, expected: "at most \(SizeLimits.describe(SizeLimits.networkMACs)) multiply-accumulates per inference",
                        found: "\(output.count) outputs x \(connections) connections")
        }
    }

    /// Output size of a sliding window: floor((size + 2 * padding - kernel) / stride) + 1.
    func windowOutput(_ size: Int, kernel: Int, stride: Int, padding: Int, field: String) throws -> Int {
        let span = size + 2 * padding
        guard kernel <= span else {
            throw error(field, expected: "a kernel of at most \(span) (input \(size) plus padding 2 x \(padding))", found: "\(kernel)")
        }
        return (span - kernel) / stride + 1
    }

    func inferShape(inputShapes: [TensorShape]) throws -> TensorShape {
        let isWeighted = node.operation.isWeighted
        if isWeighted, node.precision == nil {
            throw error("precision", expected: "the precision of weights and inputs, e.g. {\"weights\": \"ternary\", \"inputs\": \"ternary\"}", found: "nothing")
        }
        if !isWeighted, node.precision != nil {
            throw error("precision", expected: "no precision (only conv2d and linear have one)", found: "a precision")
        }
        switch node.operation {
        case .input(let shape):
            try requirePositive(shape.channels, "shape[0]")
            try requirePositive(shape.height, "shape[1]")
            try requirePositive(shape.width, "shape[2]")
            return try requireTensor(shape, "shape")
        case .conv2d(let c):
            let x = inputShapes[0]
            try requirePositive(c.outChannels, "out_channels")
            try requirePositive(c.kernel, "kernel")
            try requirePositive(c.stride, "stride")
            try requireNonNegative(c.padding, "padding")
            try requirePositive(c.groups, "groups")
            guard x.channels % c.groups == 0 else {
                throw error("groups", expected: "a divisor of the input channels \(x.channels)", found: "\(c.groups)")
            }
            guard c.outChannels % c.groups == 0 else {
                throw error("groups", expected: "a divisor of out_channels \(c.outChannels)", found: "\(c.groups)")
            }
            let h = try windowOutput(x.height, kernel: c.kernel, stride: c.stride, padding: c.padding, field: "kernel")
            let w = try windowOutput(x.width, kernel: c.kernel, stride: c.stride, padding: c.padding, field: "kernel")
            let output = try requireTensor(TensorShape(channels: c.outChannels, height: h, width: w), "out_channels")
            try requireLayerCounts(input: x, output: output, kernel: c.kernel, groups: c.groups, linear: false, field: "out_channels")
            return output
        case .linear(let l):
            try requirePositive(l.outFeatures, "out_features")
            let x = inputShapes[0]
            guard x.height == 1, x.width == 1 else {
                throw error("inputs[0]", expected: "a flat vector input (insert a flatten or global_avgpool node)", found: "shape \(x)")
            }
            let output = TensorShape.vector(l.outFeatures)
            try requireLayerCounts(input: x, output: output, kernel: 1, groups: 1, linear: true, field: "out_features")
            return output
        case .batchNorm, .activation:
            return inputShapes[0]
        case .add:
            guard inputShapes[0] == inputShapes[1] else {
                throw error("inputs", expected: "two inputs of the same shape", found: "\(inputShapes[0]) and \(inputShapes[1])")
            }
            return inputShapes[0]
        case .pool(let p):
            try requirePositive(p.kernel, "kernel")
            try requirePositive(p.stride, "stride")
            try requireNonNegative(p.padding, "padding")
            // As PyTorch: every window then holds an input cell (padding never fills a whole window).
            guard p.padding <= p.kernel / 2 else {
                throw error("padding", expected: "at most half the kernel, \(p.kernel / 2)", found: "\(p.padding)")
            }
            let x = inputShapes[0]
            let h = try windowOutput(x.height, kernel: p.kernel, stride: p.stride, padding: p.padding, field: "kernel")
            let w = try windowOutput(x.width, kernel: p.kernel, stride: p.stride, padding: p.padding, field: "kernel")
            let output = try requireTensor(TensorShape(channels: x.channels, height: h, width: w), "padding")
            guard SizeLimits.product([output.count, p.kernel, p.kernel], limit: SizeLimits.networkMACs) != nil else {
                throw error("kernel", expected: "at most \(SizeLimits.describe(SizeLimits.networkMACs)) operations (outputs x k x k)",
                            found: "\(output.count) outputs x \(p.kernel) x \(p.kernel)")
            }
            return output
        case .globalAvgPool:
            return .vector(inputShapes[0].channels)
        case .flatten:
            return .vector(inputShapes[0].count)
        case .shortcut(let s):
            try requirePositive(s.stride, "stride")
            let x = inputShapes[0]
            guard s.outChannels >= x.channels else {
                throw error("out_channels", expected: "at least the input channels \(x.channels) (option A pads channels with zeros)", found: "\(s.outChannels)")
            }
            try requirePositive(s.outChannels, "out_channels")
            return try requireTensor(TensorShape(channels: s.outChannels, height: (x.height + s.stride - 1) / s.stride,
                                                 width: (x.width + s.stride - 1) / s.stride), "out_channels")
        }
    }

    /// Checks trained data against the node's shape: counts, value ranges, finiteness.
    func validateData(inputShapes: [TensorShape], outputShape: TensorShape) throws {
        let data = node.data
        let channels = outputShape.channels
        func requireCount(_ values: [Float], _ field: String, _ counts: [Int]) throws {
            guard counts.contains(values.count) else {
                throw error(field, expected: counts.count == 1 ? "\(counts[0]) values" : counts.map(String.init).joined(separator: " or ") + " values", found: "\(values.count)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw error("\(field)[\(bad)]", expected: "a finite number", found: "\(values[bad])")
            }
        }
        if let weights = data.weights {
            guard node.operation.isWeighted else { throw error("weights", expected: "no weights (only conv2d and linear have weights)", found: "weights") }
            let input = inputShapes[0]
            var expectedCount = 0
            if case .conv2d(let c) = node.operation { expectedCount = c.outChannels * input.channels / c.groups * c.kernel * c.kernel }
            if case .linear(let l) = node.operation { expectedCount = l.outFeatures * input.count }
            guard weights.count == expectedCount else {
                throw error("weights.count", expected: "\(expectedCount) weights for this layer's shape", found: "\(weights.count)")
            }
            switch (weights, node.precision!.weights) {
            case (.ternary, .ternary), (.binary, .binary), (.float32, _): break
            default: throw error("weights.encoding", expected: "an encoding matching the weight precision \(node.precision!.weights)", found: weights.kindName + " weights")
            }
            if case .float32(let v) = weights, let bad = v.firstIndex(where: { !$0.isFinite }) {
                throw error("weights[\(bad)]", expected: "a finite number", found: "\(v[bad])")
            }
        }
        if let scale = data.scale {
            guard node.operation.isWeighted else { throw error("scale", expected: "no scale (only conv2d and linear)", found: "a scale") }
            switch scale {
            case .perLayer(let s): try requireCount([s], "scale.value", [1])
            case .perChannel(let v): try requireCount(v, "scale.values", [channels])
            case .signed(let p, let n):
                try requireCount(p, "scale.positive", [1, channels])
                try requireCount(n, "scale.negative", [1, channels])
            }
        }
        if let bias = data.bias {
            guard node.operation.isWeighted else { throw error("bias_values", expected: "no bias values (only conv2d and linear)", found: "bias values") }
            var hasBias = false
            if case .conv2d(let c) = node.operation { hasBias = c.bias }
            if case .linear(let l) = node.operation { hasBias = l.bias }
            guard hasBias else { throw error("bias_values", expected: "no bias values, since \"bias\" is false", found: "\(bias.count) values") }
            try requireCount(bias, "bias_values", [channels])
        }
        if let bn = data.batchNorm {
            guard case .batchNorm = node.operation else { throw error("gamma", expected: "batch norm parameters only on batchnorm nodes", found: "parameters") }
            try requireCount(bn.gamma, "gamma", [channels])
            try requireCount(bn.beta, "beta", [channels])
            try requireCount(bn.mean, "mean", [channels])
            try requireCount(bn.variance, "variance", [channels])
            if let bad = bn.variance.firstIndex(where: { $0 < 0 }) {
                throw error("variance[\(bad)]", expected: "a number >= 0", found: "\(bn.variance[bad])")
            }
            guard bn.epsilon.isFinite, bn.epsilon >= 0 else { throw error("epsilon", expected: "a finite number >= 0", found: "\(bn.epsilon)") }
        }
        if let t = data.thresholds {
            guard case .activation(let f) = node.operation, f == .ternary || f == .sign else {
                throw error("thresholds", expected: "thresholds only on ternary or sign activations", found: "thresholds")
            }
            try requireCount(t.low, "thresholds.low", [1, channels])
            try requireCount(t.high, "thresholds.high", [1, channels])
            if t.low.count == t.high.count, let bad = zip(t.low, t.high).enumerated().first(where: { $0.element.0 > $0.element.1 })?.offset {
                throw error("thresholds.low[\(bad)]", expected: "low <= high", found: "\(t.low[bad]) > \(t.high[bad])")
            }
        }
        if let stats = data.statistics {
            for (field, value) in [("stats.weight_density", stats.weightDensity), ("stats.input_density", stats.inputDensity)] {
                if let v = value, !(v >= 0 && v <= 1) { throw error(field, expected: "a fraction from 0 to 1", found: "\(v)") }
            }
        }
    }
}
