import PimsimCore

/// Steps of evaluation on channel-major (NCHW) tensors, shared with PimsimFunctional's crossbar
/// model; the integer evaluator itself runs on position-major `ActivationMap`s.
extension TernaryEvaluator {
    /// The network input for images `range`: byte p becomes the integer p - 128.
    package static func inputTensor(images: [UInt8], range: Range<Int>, shape: TensorShape) -> Tensor {
        let size = shape.count
        var x = Tensor(n: range.count, c: shape.channels, h: shape.height, w: shape.width)
        for (b, image) in range.enumerated() {
            for k in 0..<size { x.data[b * size + k] = PixelEncoding.integer(images[image * size + k]) }
        }
        return x
    }

    /// The first index of each image's largest logit (`logits`: `images` rows of classes).
    package static func predictions(_ logits: [Float], images: Int) -> [Int] {
        let classes = images == 0 ? 0 : logits.count / images
        return (0..<images).map { b in
            var top = 0
            for j in 1..<classes where logits[b * classes + j] > logits[b * classes + top] { top = j }
            return top
        }
    }

    /// Throws unless `values` are what a layer of `mode` reads: -1, 0, +1 (packed) or integers
    /// of the layer's input width (bit-serial).
    package static func checkInputs(_ values: [Float], mode: WeightedLayer.Mode, node: String, file: String?) throws {
        // A branch-free pass finds whether any value is wrong (NaN compares false, so it is);
        // only then the first wrong one is looked for, for the message.
        switch mode {
        case .bitSerial(let bits):
            let limit = Float(1 << (bits - 1))
            var wrong = false
            for v in values { wrong = wrong || !(v == v.rounded(.towardZero) && v >= -limit && v < limit) }
            if wrong, let bad = values.first(where: { !($0 == $0.rounded(.towardZero) && $0 >= -limit && $0 < limit) }) {
                throw InputError(file: file, location: "node \"\(node)\"", expected: "int\(bits) inputs", found: "input value \(bad)")
            }
        case .packed:
            var wrong = false
            for v in values { wrong = wrong || !(abs(v) * (abs(v) - 1) == 0) }
            if wrong, let bad = values.first(where: { !(abs($0) * (abs($0) - 1) == 0) }) {
                throw InputError(file: file, location: "node \"\(node)\"", expected: "ternary or binary inputs (-1, 0, +1)", found: "input value \(bad)")
            }
        case .float: break
        }
    }

    /// y = α_c acc + bias_c in place, where `y` holds the dot products acc.
    package static func scaleAndBias(_ y: inout Tensor, _ layer: WeightedLayer) {
        let plane = y.plane
        for b in 0..<y.n {
            for c in 0..<y.c {
                let s = layer.scales[c], bias = layer.bias[c]
                for k in 0..<plane { let e = (b * y.c + c) * plane + k; y.data[e] = y.data[e] * s + bias }
            }
        }
    }

    /// The comparisons of a ternary activation: upper = v > high, lower = v < low (sign: upper =
    /// v >= high). `vHigh` and `vLow` let each comparator see its own value (both v when ideal).
    @inlinable
    package static func comparators(_ f: ActivationFunction, vHigh: Float, vLow: Float, high: Float, low: Float) -> (upper: Bool, lower: Bool) {
        f == .sign ? (vHigh >= high, false) : (vHigh > high, vLow < low)
    }

    /// The activation's output for its comparisons: ternary +1 if upper, else -1 if lower, else
    /// 0; sign +1 if upper, else -1.
    @inlinable
    package static func output(_ f: ActivationFunction, upper: Bool, lower: Bool) -> Float {
        f == .sign ? (upper ? 1 : -1) : (upper ? 1 : (lower ? -1 : 0))
    }

    /// Channel `c`'s (low, high) thresholds (one pair may serve every channel).
    @inlinable
    package static func thresholds(_ th: ActivationThresholds, channel c: Int) -> (low: Float, high: Float) {
        (th.low.count == 1 ? th.low[0] : th.low[c], th.high.count == 1 ? th.high[0] : th.high[c])
    }

    /// Runs a node that is not a weighted layer on its input tensors (batch norm, activation,
    /// add, pooling, flatten, shortcut).
    package static func forward(_ node: Node, inputs: [Tensor], outputShape: TensorShape) -> Tensor {
        let input = inputs[0]
        switch node.operation {
        case .batchNorm:
            guard let bn = node.data.batchNorm else { return input }
            var t = input
            let plane = t.plane
            for b in 0..<t.n {
                for c in 0..<t.c {
                    let inv = 1 / (bn.variance[c] + bn.epsilon).squareRoot()
                    for k in 0..<plane {
                        let e = (b * t.c + c) * plane + k
                        t.data[e] = bn.gamma[c] * ((t.data[e] - bn.mean[c]) * inv) + bn.beta[c]
                    }
                }
            }
            return t
        case .activation(let f):
            var t = input
            let plane = t.plane
            switch f {
            case .ternary, .sign:
                let th = node.data.thresholds!
                for b in 0..<t.n {
                    for c in 0..<t.c {
                        let (low, high) = thresholds(th, channel: c)
                        for k in 0..<plane {
                            let e = (b * t.c + c) * plane + k, v = t.data[e]
                            let (upper, lower) = comparators(f, vHigh: v, vLow: v, high: high, low: low)
                            t.data[e] = output(f, upper: upper, lower: lower)
                        }
                    }
                }
            case .relu: t.data = t.data.map { max($0, 0) }
            case .hardtanh: t.data = t.data.map(ActivationLayer.hardtanh)
            case .identity: break
            }
            return t
        case .add:
            var t = input
            let other = inputs[1]
            for k in 0..<t.count { t.data[k] += other.data[k] }
            return t
        case .pool(let p): return PoolLayer(attributes: p).forward([input], training: false)
        case .globalAvgPool: return GlobalAvgPoolLayer().forward([input], training: false)
        case .flatten: return FlattenLayer().forward([input], training: false)
        case .shortcut(let s): return ShortcutLayer(attributes: s, outShape: outputShape).forward([input], training: false)
        case .input, .conv2d, .linear: return input
        }
    }
}
