import PimsimCore
import PimsimKernels

/// Checks each layer's backward pass against central finite differences, for the test suite and
/// anyone changing a layer. For a layer y = f(x; θ) on a small random input, the loss is
/// L = Σ r ⊙ y with a fixed random r, so dL/dy = r; the analytic dL/dx and dL/dθ from
/// `backward` are compared with (L(v + h) - L(v - h)) / 2h for every element v, in float32.
public enum GradientCheck {
    /// The layers that have a true gradient (ternary and sign activations use a straight-through
    /// estimator instead, tested against hand-computed masks).
    public enum Subject: String, CaseIterable, Sendable {
        case convolution, stridedPaddedConvolution, groupedConvolution, pointwiseConvolution, linear
        case batchNorm, relu, hardtanh, maxPool, avgPool, globalAvgPool, shortcut, add, flatten, softmaxCrossEntropy
    }

    /// Largest |analytic - numeric| / max(1, |analytic|, |numeric|) over the input and parameter
    /// gradients of `subject` (step h = 1e-2 on inputs drawn from N(0, 1)).
    public static func maximumError(_ subject: Subject, seed: UInt64 = 7) -> Double {
        var rng = SeededGenerator(seed: seed)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in rng.nextGaussian() } }
        func tensor(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Tensor { Tensor(n: n, c: c, h: h, w: w, data: random(n * c * h * w)) }
        var inputs: [Tensor]
        var parameters: [Parameter] = []
        let layer: Layer
        func conv(out: Int, kernel: Int, stride: Int, padding: Int, groups: Int, channels: Int, linear: Bool = false) -> Layer {
            let perOut = linear ? channels * 9 : channels / groups * kernel * kernel
            let w = Parameter(random(out * perOut), workers: 1, decays: true), b = Parameter(random(out), workers: 1, decays: false)
            parameters = [w, b]
            return ConvolutionLayer(weight: w, bias: b, worker: 0, outChannels: out, kernel: kernel, stride: stride, padding: padding, groups: groups, isLinear: linear)
        }
        switch subject {
        case .convolution: inputs = [tensor(2, 3, 5, 5)]; layer = conv(out: 4, kernel: 3, stride: 1, padding: 0, groups: 1, channels: 3)
        case .stridedPaddedConvolution: inputs = [tensor(2, 2, 6, 5)]; layer = conv(out: 3, kernel: 3, stride: 2, padding: 1, groups: 1, channels: 2)
        case .groupedConvolution: inputs = [tensor(2, 4, 4, 4)]; layer = conv(out: 6, kernel: 3, stride: 1, padding: 1, groups: 2, channels: 4)
        case .pointwiseConvolution: inputs = [tensor(2, 4, 3, 3)]; layer = conv(out: 4, kernel: 1, stride: 1, padding: 0, groups: 2, channels: 4)
        case .linear: inputs = [tensor(3, 2, 3, 3)]; layer = conv(out: 5, kernel: 1, stride: 1, padding: 0, groups: 1, channels: 2, linear: true)
        case .batchNorm:
            inputs = [tensor(3, 2, 2, 2)]
            let gamma = Parameter(random(2), workers: 1, decays: false), beta = Parameter(random(2), workers: 1, decays: false)
            parameters = [gamma, beta]
            layer = BatchNormLayer(gamma: gamma, beta: beta, running: RunningStatistics([[0, 0], [1, 1]]), worker: 0)
        case .relu: inputs = [tensor(2, 3, 2, 2)]; layer = ActivationLayer(function: .relu, thresholdingFactor: 0, running: nil)
        case .hardtanh: inputs = [tensor(2, 3, 2, 2)]; layer = ActivationLayer(function: .hardtanh, thresholdingFactor: 0, running: nil)
        case .maxPool: inputs = [tensor(2, 2, 4, 4)]; layer = PoolLayer(attributes: PoolAttributes(kind: .max, kernel: 2, stride: 2))
        case .avgPool: inputs = [tensor(2, 2, 5, 5)]; layer = PoolLayer(attributes: PoolAttributes(kind: .avg, kernel: 3, stride: 2, padding: 1))
        case .globalAvgPool: inputs = [tensor(2, 3, 3, 3)]; layer = GlobalAvgPoolLayer()
        case .shortcut:
            inputs = [tensor(2, 2, 4, 4)]
            layer = ShortcutLayer(attributes: ShortcutAttributes(stride: 2, outChannels: 4), outShape: TensorShape(channels: 4, height: 2, width: 2))
        case .add: inputs = [tensor(2, 2, 3, 3), tensor(2, 2, 3, 3)]; layer = AddLayer()
        case .flatten: inputs = [tensor(2, 2, 3, 3)]; layer = FlattenLayer()
        case .softmaxCrossEntropy:
            let logits = tensor(3, 5, 1, 1), labels = [1, 4, 0]
            let analytic = SoftmaxCrossEntropy.evaluate(logits, labels: labels[...], normalizer: 3).gradient.data
            var worst = 0.0
            for i in 0..<logits.count {
                var plus = logits, minus = logits
                plus.data[i] += step; minus.data[i] -= step
                let numeric = (SoftmaxCrossEntropy.evaluate(plus, labels: labels[...], normalizer: 3).loss
                               - SoftmaxCrossEntropy.evaluate(minus, labels: labels[...], normalizer: 3).loss) / (2 * step)
                worst = max(worst, relativeError(analytic[i], numeric))
            }
            return worst
        }
        let probe = random(layer.forward(inputs, training: true).count)
        func loss() -> Float { zip(layer.forward(inputs, training: true).data, probe).reduce(0) { $0 + $1.0 * $1.1 } }
        _ = loss()
        let y = layer.forward(inputs, training: true)
        let inputGrads = layer.backward(Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: probe))
        var worst = 0.0
        for k in inputs.indices {
            for i in 0..<inputs[k].count {
                let v = inputs[k].data[i]
                inputs[k].data[i] = v + step; let up = loss()
                inputs[k].data[i] = v - step; let down = loss()
                inputs[k].data[i] = v
                worst = max(worst, relativeError(inputGrads[k].data[i], (up - down) / (2 * step)))
            }
        }
        for p in parameters {
            for i in 0..<p.count {
                let v = p.value[i]
                p.value[i] = v + step; p.requantize(); let up = loss()
                p.value[i] = v - step; p.requantize(); let down = loss()
                p.value[i] = v; p.requantize()
                worst = max(worst, relativeError(p.grads[0][i], (up - down) / (2 * step)))
            }
        }
        return worst
    }

    static let step: Float = 1e-2

    static func relativeError(_ a: Float, _ b: Float) -> Double {
        Double(abs(a - b) / max(1, abs(a), abs(b)))
    }
}

extension GradientCheck {
    /// Forward output and backward gradient (for an upstream gradient of ones) of a ternary or
    /// sign activation on `values` (one image, one channel), in training mode: exposes the
    /// threshold δ = τ max|x| and the straight-through mask for hand-computed tests.
    public static func activation(_ function: ActivationFunction, values: [Float], thresholdingFactor: Float, fixedThreshold: Float? = nil)
        -> (output: [Float], gradient: [Float]) {
        let layer = ActivationLayer(function: function, thresholdingFactor: thresholdingFactor, running: RunningStatistics([[0]]), fixedThreshold: fixedThreshold)
        let x = Tensor(n: 1, c: 1, h: 1, w: values.count, data: values)
        let y = layer.forward([x], training: true)
        let g = layer.backward(Tensor(n: 1, c: 1, h: 1, w: values.count, data: [Float](repeating: 1, count: values.count)))
        return (y.data, g[0].data)
    }
}

extension GradientCheck {
    /// Largest |layer - direct| over the outputs of `ConvolutionLayer.forward` against a direct
    /// seven-loop convolution, and over its input gradient against the direct adjoint (each
    /// output gradient added back to the inputs it read), for geometries that take every im2col
    /// path: 3x3 "same" (shifted planes, grouped and not), 1x1, unpadded, strided and padded, and
    /// several images per chunk. A finite-difference check alone would pass a wrong but
    /// self-consistent im2col / col2im pair. With `ternary`: TWN weights on inputs in {-1, 0, +1},
    /// whose forward pass runs on bit-packed inputs (compared with the same loops on the
    /// quantised weights).
    public static func convolutionError(ternary: Bool = false, seed: UInt64 = 11) -> Double {
        var rng = SeededGenerator(seed: seed)
        var worst = 0.0
        // (images, channels, height, width, out, kernel, stride, padding, groups)
        let cases = [(2, 3, 5, 6, 4, 3, 1, 1, 1), (2, 4, 4, 4, 6, 3, 1, 1, 2), (3, 4, 3, 3, 4, 1, 1, 0, 1), (2, 2, 6, 5, 3, 3, 1, 0, 1),
                     (2, 2, 7, 6, 3, 3, 2, 1, 1), (40, 2, 3, 3, 2, 3, 1, 1, 1), (2, 1, 5, 5, 2, 5, 1, 2, 1), (3, 70, 3, 4, 9, 3, 1, 1, 1)]
        for (n, c, h, w, out, k, s, p, groups) in cases {
            let x = Tensor(n: n, c: c, h: h, w: w, data: (0..<n * c * h * w).map { _ in
                ternary ? Float(rng.nextInt(below: 3) - 1) : rng.nextGaussian()
            })
            let perOut = c / groups * k * k
            let parameter = Parameter((0..<out * perOut).map { _ in rng.nextGaussian() }, workers: 1, decays: true,
                                      quantizer: ternary ? .twn : nil, outChannels: out)
            let weights = parameter.effective
            let layer = ConvolutionLayer(weight: parameter, bias: nil, worker: 0, outChannels: out,
                                         kernel: k, stride: s, padding: p, groups: groups, isLinear: false)
            layer.hasTernaryInputs = ternary
            let y = layer.forward([x], training: true)
            let gradient = (0..<y.count).map { _ in rng.nextGaussian() }
            let dx = layer.backward(Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: gradient))[0]
            var expected = [Float](repeating: 0, count: y.count), expectedDx = [Float](repeating: 0, count: x.count)
            let cinG = c / groups, coutG = out / groups
            for b in 0..<n {
                for o in 0..<out {
                    for oy in 0..<y.h {
                        for ox in 0..<y.w {
                            let index = ((b * out + o) * y.h + oy) * y.w + ox
                            for ci in 0..<cinG {
                                let channel = o / coutG * cinG + ci
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        let iy = oy * s - p + ky, ix = ox * s - p + kx
                                        guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                        let input = ((b * c + channel) * h + iy) * w + ix, weight = (o * cinG + ci) * k * k + ky * k + kx
                                        expected[index] += weights[weight] * x.data[input]
                                        expectedDx[input] += weights[weight] * gradient[index]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (a, b) in zip(y.data + dx.data, expected + expectedDx) { worst = max(worst, Double(abs(a - b))) }
        }
        return worst
    }
}
