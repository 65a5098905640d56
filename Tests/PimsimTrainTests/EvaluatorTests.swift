import PimsimCore
import PimsimKernels
import PimsimTrain
import XCTest

/// `TernaryEvaluator` against the documented arithmetic written out as plain loops (NCHW,
/// integer accumulators, y = Float(acc) * scale + bias, thresholds compared in float): a small
/// network that takes every path of the evaluator (int8 first layer, a fused product + threshold
/// with per-channel scales, an explicit batch norm and a residual add, packed max pooling,
/// flatten, a linear classifier), thresholds placed exactly on reachable values of y so that
/// ">" against ">=" matters. The labels are the reference predictions, so every image must be
/// "correct"; the input densities must equal the reference counts. Run on every kernel set.
final class EvaluatorTests: XCTestCase {
    func testTernaryNetworkMatchesPlainArithmetic() throws {
        try check(sign: false, seed: 3)
    }

    func testSignNetworkMatchesPlainArithmetic() throws {
        try check(sign: true, seed: 5)
    }

    private func check(sign: Bool, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let net = TinyNetwork(sign: sign, rng: &rng)
        let count = 240
        let images = (0..<count * 36).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var labels: [Int] = [], nonzero = [Int](repeating: 0, count: 4), total = nonzero
        for i in 0..<count {
            let (logits, inputs) = net.reference(Array(images[(i * 36)..<((i + 1) * 36)]))
            var top = 0
            for j in 1..<logits.count where logits[j] > logits[top] { top = j }
            labels.append(top)
            for (k, input) in inputs.enumerated() {
                nonzero[k] += input.filter { $0 != 0 }.count
                total[k] += input.count
            }
        }
        let initial = KernelISA.active
        defer { KernelISA.select(initial) }
        for isa in KernelISA.supported {
            KernelISA.select(isa)
            let result = try TernaryEvaluator.evaluate(net.graph, images: images, labels: labels, shape: TensorShape(channels: 1, height: 6, width: 6),
                                                       classes: 5, workers: 2)
            XCTAssertEqual(result.correct, count, "\(isa): predictions differ from the plain arithmetic")
            for (k, name) in ["c1", "c2", "c3", "fc"].enumerated() {
                XCTAssertEqual(result.inputDensity[name], Double(nonzero[k]) / Double(total[k]), "\(isa) \(name)")
            }
        }
    }
}

/// input 1x6x6 -> c1 (8, 3x3, pad 1; ternary weights on int8) -> c1.bn (folded) -> c1.act ->
/// c2 (8, 3x3, pad 1; per-channel scales) -> c2.bn (folded) -> c2.act -> c3 (8, 3x3, pad 1) ->
/// c3.bn (parameters) -> add (+ c1.act) -> add.act -> pool (max 2x2) -> flatten -> fc (5, bias).
/// Activations are ternary, or sign with `sign`.
private struct TinyNetwork {
    var graph: Graph!
    let sign: Bool
    var weights: [[Int8]] = [], scales: [[Float]] = [], biases: [[Float]] = []
    var thresholds: [(low: [Float], high: [Float])] = []
    var batchNorm = BatchNormParameters(gamma: [], beta: [], mean: [], variance: [], epsilon: 0)

    init(sign: Bool, rng: inout SeededGenerator) {
        self.sign = sign
        let q: Precision = sign ? .binary : .ternary
        let act: ActivationFunction = sign ? .sign : .ternary
        for (k, size) in [72, 576, 576, 360].enumerated() {
            weights.append((0..<size).map { _ in Int8(truncatingIfNeeded: Int(rng.next() % 3) - 1) })
            let channels = k == 3 ? 5 : 8
            scales.append(k == 1 ? (0..<channels).map { _ in 0.05 + rng.nextUnit() } : [0.01 + rng.nextUnit() / 10])
            biases.append((0..<channels).map { _ in rng.nextSigned() })
        }
        // Thresholds on reachable values y = Float(d) * scale + bias (d a small integer), so the
        // strict and non-strict comparisons give different results on some positions.
        for k in 0..<3 {
            var low: [Float] = [], high: [Float] = []
            for c in 0..<8 {
                let s = scales[k].count == 1 ? scales[k][0] : scales[k][c]
                let b = k == 2 ? 0 : biases[k][c]
                let d = Float(Int(rng.next() % 5)), e = Float(Int(rng.next() % 5))
                high.append(k == 2 ? d * 0.3 : d * s + b)
                low.append(sign ? high[c] : (k == 2 ? -e * 0.3 : -e * s + b))
            }
            thresholds.append((low, high))
        }
        batchNorm = BatchNormParameters(gamma: (0..<8).map { _ in 0.5 + rng.nextUnit() }, beta: (0..<8).map { _ in rng.nextSigned() },
                                        mean: (0..<8).map { _ in rng.nextSigned() }, variance: (0..<8).map { _ in 0.5 + rng.nextUnit() }, epsilon: 1e-5)
        func conv(_ name: String, _ input: String, _ k: Int, inputs: Precision) -> Node {
            Node(name: name, operation: .conv2d(Conv2DAttributes(outChannels: 8, kernel: 3, padding: 1, bias: true)), inputs: [input],
                 precision: LayerPrecision(weights: q, inputs: inputs),
                 data: NodeData(weights: sign ? .binary(weights[k].map { $0 < 0 ? -1 : 1 }) : .ternary(weights[k]),
                                scale: scales[k].count == 1 ? .perLayer(scales[k][0]) : .perChannel(scales[k]), bias: biases[k]))
        }
        func activation(_ name: String, _ input: String, _ k: Int) -> Node {
            Node(name: name, operation: .activation(act), inputs: [input],
                 data: NodeData(thresholds: ActivationThresholds(low: thresholds[k].low, high: thresholds[k].high)))
        }
        if sign { weights = weights.map { $0.map { $0 < 0 ? -1 : 1 } } }
        var c3 = conv("c3", "c2.act", 2, inputs: q)
        c3.data.bias = nil
        if case .conv2d(var a) = c3.operation { a.bias = false; c3.operation = .conv2d(a) }
        graph = try! Graph(name: "tiny", nodes: [
            Node(name: "input", operation: .input(TensorShape(channels: 1, height: 6, width: 6))),
            conv("c1", "input", 0, inputs: .integer(bits: 8)),
            Node(name: "c1.bn", operation: .batchNorm, inputs: ["c1"]),
            activation("c1.act", "c1.bn", 0),
            conv("c2", "c1.act", 1, inputs: q),
            Node(name: "c2.bn", operation: .batchNorm, inputs: ["c2"]),
            activation("c2.act", "c2.bn", 1),
            c3,
            Node(name: "c3.bn", operation: .batchNorm, inputs: ["c3"], data: NodeData(batchNorm: batchNorm)),
            Node(name: "add", operation: .add, inputs: ["c3.bn", "c1.act"]),
            activation("add.act", "add", 2),
            Node(name: "pool", operation: .pool(PoolAttributes(kind: .max, kernel: 2, stride: 2)), inputs: ["add.act"]),
            Node(name: "flatten", operation: .flatten, inputs: ["pool"]),
            Node(name: "fc", operation: .linear(LinearAttributes(outFeatures: 5, bias: true)), inputs: ["flatten"],
                 precision: LayerPrecision(weights: q, inputs: q),
                 data: NodeData(weights: sign ? .binary(weights[3]) : .ternary(weights[3]), scale: .perLayer(scales[3][0]), bias: biases[3])),
        ], output: "fc")
    }

    /// Logits of one image and the inputs of c1, c2, c3 and fc, computed directly.
    func reference(_ image: [UInt8]) -> (logits: [Float], inputs: [[Float]]) {
        let x = image.map { Float(Int($0) - 128) }
        func conv(_ input: [Float], _ channels: Int, _ k: Int, bias: Bool) -> [Float] {
            var out = [Float](repeating: 0, count: 8 * 36)
            for o in 0..<8 {
                for y in 0..<6 {
                    for xx in 0..<6 {
                        var acc = 0
                        for c in 0..<channels {
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    let iy = y - 1 + ky, ix = xx - 1 + kx
                                    guard iy >= 0 && iy < 6 && ix >= 0 && ix < 6 else { continue }
                                    acc += Int(weights[k][((o * channels + c) * 3 + ky) * 3 + kx]) * Int(input[(c * 6 + iy) * 6 + ix])
                                }
                            }
                        }
                        let s = scales[k].count == 1 ? scales[k][0] : scales[k][o]
                        out[(o * 6 + y) * 6 + xx] = Float(acc) * s + (bias ? biases[k][o] : 0)
                    }
                }
            }
            return out
        }
        func activate(_ y: [Float], _ k: Int) -> [Float] {
            y.indices.map { i in
                let c = i / 36, v = y[i]
                return sign ? (v >= thresholds[k].high[c] ? 1 : -1) : (v > thresholds[k].high[c] ? 1 : (v < thresholds[k].low[c] ? -1 : 0))
            }
        }
        let a1 = activate(conv(x, 1, 0, bias: true), 0)
        let a2 = activate(conv(a1, 8, 1, bias: true), 1)
        var y3 = conv(a2, 8, 2, bias: false)
        for i in y3.indices {
            let c = i / 36, inv = 1 / (batchNorm.variance[c] + batchNorm.epsilon).squareRoot()
            y3[i] = batchNorm.gamma[c] * ((y3[i] - batchNorm.mean[c]) * inv) + batchNorm.beta[c] + a1[i]
        }
        let a3 = activate(y3, 2)
        var pooled = [Float](repeating: 0, count: 8 * 9)
        for c in 0..<8 {
            for y in 0..<3 {
                for xx in 0..<3 {
                    pooled[(c * 3 + y) * 3 + xx] = [0, 1, 6, 7].map { a3[c * 36 + (2 * y) * 6 + 2 * xx + $0] }.max()!
                }
            }
        }
        var logits = [Float](repeating: 0, count: 5)
        for o in 0..<5 {
            var acc = 0
            for i in 0..<72 { acc += Int(weights[3][o * 72 + i]) * Int(pooled[i]) }
            logits[o] = Float(acc) * scales[3][0] + biases[3][o]
        }
        return (logits, [x, a1, a2, pooled])
    }
}
