import Foundation
import PimsimCore
import PimsimKernels

/// Runs an exported network (a graph with trained `NodeData`) on images with integer arithmetic
/// in its weighted layers, as the crossbars compute (docs/training.md, "Integer evaluation").
///
/// - Image input: byte p becomes the integer p - 128.
/// - Ternary/binary weights on ternary/binary inputs: bit-packed dot products with popcount
///   (`TernaryGEMM`), acc = Σ t_w t_x (exact integers).
/// - Ternary/binary weights on intN inputs: bit-serial over the N two's-complement bit planes,
///   acc = Σ_j 2^j (t_w · b_j) - 2^(N-1) (t_w · b_(N-1)), each plane a {0, 1} matrix.
/// - Then y = α_c acc + bias_c. Float32 weights use float arithmetic for acc.
/// - Batch norm: γ (y - μ)/sqrt(σ² + ε) + β; one without parameters whose consumers are all
///   activations with thresholds was folded into them and passes y through.
/// - Ternary activation: +1 if y > high_c, -1 if y < low_c, else 0; sign: +1 if y >= high_c.
/// The result is independent of the number of threads (images are processed in fixed chunks,
/// counts summed in order).
public enum TernaryEvaluator {
    public struct Result: Equatable, Sendable {
        public var correct: Int
        public var total: Int
        /// Fraction of non-zero input values of each weighted layer, by node name.
        public var inputDensity: [String: Double]
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    /// Images per chunk (fixed, so results do not depend on the thread count).
    public static let chunk = 100

    /// Evaluates `graph` on `images` (bytes, CHW per image) with `labels`.
    /// - Parameter progress: called with (images done, images in all) after each chunk of
    ///   images, from the worker that finished it (one call at a time).
    /// - Throws: `InputError` if the graph lacks trained data or does not fit the data.
    public static func evaluate(_ graph: Graph, images: [UInt8], labels: [Int], shape: TensorShape, classes: Int, workers: Int = 2, file: String? = nil,
                                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> Result {
        let plan = try Plan(graph: graph, shape: shape, classes: classes, file: file)
        let chunks = stride(from: 0, to: labels.count, by: chunk).map { $0..<min(labels.count, $0 + chunk) }
        let results = UnsafeMutableBufferPointer<(Int, [Int], [Int])>.allocate(capacity: max(chunks.count, 1))
        results.initialize(repeating: (0, [], []))
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        nonisolated(unsafe) var failure: Error?
        nonisolated(unsafe) var done = 0
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: min(max(workers, 1), max(chunks.count, 1))) { w in
            var k = w
            while k < chunks.count {
                do {
                    out[k] = try plan.run(images: images, labels: labels, range: chunks[k])
                    if let progress {
                        lock.lock(); done += chunks[k].count; progress(done, labels.count); lock.unlock()
                    }
                } catch {
                    lock.lock(); if failure == nil { failure = error }; lock.unlock()
                    return
                }
                k += workers
            }
        }
        if let failure { throw failure }
        var correct = 0
        var nonzero = [Int](repeating: 0, count: plan.weighted.count), total = nonzero
        for k in 0..<chunks.count {
            correct += out[k].0
            for j in nonzero.indices { nonzero[j] += out[k].1[j]; total[j] += out[k].2[j] }
        }
        var density: [String: Double] = [:]
        for (j, i) in plan.weighted.enumerated() { density[graph.nodes[i].name] = total[j] == 0 ? 0 : Double(nonzero[j]) / Double(total[j]) }
        return Result(correct: correct, total: labels.count, inputDensity: density)
    }

    /// A weighted layer prepared for evaluation.
    struct WeightedLayer: Sendable {
        enum Mode: Sendable { case packed, bitSerial(bits: Int), float }
        var mode: Mode
        var outChannels: Int, kernel: Int, stride: Int, padding: Int, groups: Int, isLinear: Bool
        /// Packed codes per group (packed and bit-serial modes).
        var packed: [PackedTernaryMatrix]
        var floatWeights: [Float]
        var scales: [Float]
        var bias: [Float]
    }

    struct Plan: Sendable {
        let graph: Graph
        let inputIndices: [[Int]]
        let weighted: [Int]
        let layers: [Int: WeightedLayer]
        let file: String?

        init(graph: Graph, shape: TensorShape, classes: Int, file: String?) throws {
            self.graph = graph
            self.file = file
            func fail(_ node: Int, _ expected: String, _ found: String) -> InputError {
                InputError(file: file, location: "node \"\(graph.nodes[node].name)\"", expected: expected, found: found)
            }
            guard graph.inputShape == shape else {
                throw InputError(file: file, location: "input", expected: "the data's image shape \(shape)", found: "\(graph.inputShape)")
            }
            guard graph.shapes[graph.outputIndex].count == classes else {
                throw InputError(file: file, location: "output", expected: "\(classes) outputs (the data's classes)", found: "\(graph.shapes[graph.outputIndex].count)")
            }
            inputIndices = graph.nodes.map { $0.inputs.map { graph.index(of: $0)! } }
            var layers: [Int: WeightedLayer] = [:]
            for (i, node) in graph.nodes.enumerated() {
                switch node.operation {
                case .conv2d, .linear:
                    let g = graph.layerGeometry(at: i)!
                    guard let weights = node.data.weights else { throw fail(i, "trained weights (a net.json written by pimsim train)", "none") }
                    let out = g.outChannels
                    let scales: [Float]
                    switch node.data.scale {
                    case .perLayer(let s)?: scales = [Float](repeating: s, count: out)
                    case .perChannel(let v)?: scales = v.count == 1 ? [Float](repeating: v[0], count: out) : v
                    case .signed?: throw fail(i, "a per-layer or per-channel scale", "separate positive and negative scales")
                    case nil: scales = [Float](repeating: 1, count: out)
                    }
                    guard scales.count == out else { throw fail(i, "\(out) per-channel scales", "\(scales.count)") }
                    let bias = node.data.bias ?? [Float](repeating: 0, count: out)
                    var layer = WeightedLayer(mode: .float, outChannels: out, kernel: g.kernel, stride: 1, padding: 0, groups: g.groups,
                                              isLinear: true, packed: [], floatWeights: [], scales: scales, bias: bias)
                    if case .conv2d(let c) = node.operation { (layer.stride, layer.padding, layer.isLinear) = (c.stride, c.padding, false) }
                    switch weights {
                    case .ternary(let codes), .binary(let codes):
                        switch node.precision?.inputs {
                        case .ternary?, .binary?: layer.mode = .packed
                        case .integer(let bits)?: layer.mode = .bitSerial(bits: bits)
                        default: throw fail(i, "ternary, binary or intN inputs for ternary/binary weights", "\(node.precision?.inputs.description ?? "none")")
                        }
                        let perGroup = g.outChannelsPerGroup * g.connections
                        layer.packed = (0..<g.groups).map { k in
                            PackedTernaryMatrix(values: Array(codes[(k * perGroup)..<((k + 1) * perGroup)]), rows: g.outChannelsPerGroup, columns: g.connections)
                        }
                    case .float32(let values): layer.floatWeights = values
                    }
                    layers[i] = layer
                case .batchNorm where node.data.batchNorm == nil:
                    let consumers = graph.consumers(of: i)
                    guard !consumers.isEmpty, consumers.allSatisfy({ graph.nodes[$0].data.thresholds != nil }) else {
                        throw fail(i, "batch-norm parameters (or activations with folded thresholds after it)", "none")
                    }
                case .activation(let f) where (f == .ternary || f == .sign) && node.data.thresholds == nil:
                    throw fail(i, "activation thresholds", "none")
                default: break
                }
            }
            self.layers = layers
            weighted = layers.keys.sorted()
        }

        /// (correct, non-zero inputs per weighted layer, inputs per weighted layer) for `range`.
        func run(images: [UInt8], labels: [Int], range: Range<Int>) throws -> (Int, [Int], [Int]) {
            let shape = graph.inputShape, size = shape.count
            var x = Tensor(n: range.count, c: shape.channels, h: shape.height, w: shape.width)
            for (b, image) in range.enumerated() {
                for k in 0..<size { x.data[b * size + k] = PixelEncoding.integer(images[image * size + k]) }
            }
            var outputs: [Tensor] = [x]
            var nonzero: [Int] = [], total: [Int] = []
            for i in 1..<graph.nodes.count {
                let node = graph.nodes[i]
                let input = outputs[inputIndices[i][0]]
                let y: Tensor
                switch node.operation {
                case .conv2d, .linear:
                    nonzero.append(input.data.reduce(0) { $0 + ($1 != 0 ? 1 : 0) })
                    total.append(input.count)
                    y = try weightedForward(layers[i]!, input, node: i)
                case .batchNorm:
                    guard let bn = node.data.batchNorm else { y = input; break }
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
                    y = t
                case .activation(let f):
                    var t = input
                    let plane = t.plane
                    switch f {
                    case .ternary, .sign:
                        let th = node.data.thresholds!
                        for b in 0..<t.n {
                            for c in 0..<t.c {
                                let low = th.low.count == 1 ? th.low[0] : th.low[c], high = th.high.count == 1 ? th.high[0] : th.high[c]
                                for k in 0..<plane {
                                    let e = (b * t.c + c) * plane + k, v = t.data[e]
                                    t.data[e] = f == .sign ? (v >= high ? 1 : -1) : (v > high ? 1 : (v < low ? -1 : 0))
                                }
                            }
                        }
                    case .relu: t.data = t.data.map { max($0, 0) }
                    case .hardtanh: t.data = t.data.map(ActivationLayer.hardtanh)
                    case .identity: break
                    }
                    y = t
                case .add:
                    var t = input
                    let other = outputs[inputIndices[i][1]]
                    for k in 0..<t.count { t.data[k] += other.data[k] }
                    y = t
                case .pool(let p): y = PoolLayer(attributes: p).forward([input], training: false)
                case .globalAvgPool: y = GlobalAvgPoolLayer().forward([input], training: false)
                case .flatten: y = FlattenLayer().forward([input], training: false)
                case .shortcut(let s): y = ShortcutLayer(attributes: s, outShape: graph.shapes[i]).forward([input], training: false)
                case .input: y = input
                }
                outputs.append(y)
            }
            let logits = outputs[graph.outputIndex]
            let classes = logits.imageSize
            var correct = 0
            for (b, image) in range.enumerated() {
                var top = 0
                for j in 1..<classes where logits.data[b * classes + j] > logits.data[b * classes + top] { top = j }
                if top == labels[image] { correct += 1 }
            }
            return (correct, nonzero, total)
        }

        func weightedForward(_ layer: WeightedLayer, _ input: Tensor, node: Int) throws -> Tensor {
            var x = input
            if layer.isLinear { x = Tensor(n: x.n, c: x.imageSize, h: 1, w: 1, data: x.data) }
            let g = Im2col.Geometry(batch: x.n, channels: x.c, height: x.h, width: x.w, kernel: layer.kernel, stride: layer.stride, padding: layer.padding)
            var y: Tensor
            switch layer.mode {
            case .float:
                y = ConvolutionLayer.convolve(x, weights: layer.floatWeights, bias: nil, outChannels: layer.outChannels, geometry: g, groups: layer.groups,
                                              patches: ScratchBuffer(), product: ScratchBuffer())
            case .packed, .bitSerial:
                y = Tensor(n: x.n, c: layer.outChannels, h: g.outHeight, w: g.outWidth)
                let cinG = x.c / layer.groups, coutG = layer.outChannels / layer.groups, kSize = cinG * g.kernel * g.kernel
                let rows = g.positions, plane = g.outHeight * g.outWidth
                var columns = [Float](repeating: 0, count: rows * kSize), patches = columns
                for group in 0..<layer.groups {
                    columns.withUnsafeMutableBufferPointer { cp in
                        x.data.withUnsafeBufferPointer { Im2col.columns($0.baseAddress!, g, firstChannel: group * cinG, groupChannels: cinG, into: cp.baseAddress!) }
                    }
                    // patches (P x K): one row per output position, as PackedTernaryMatrix packs rows.
                    for r in 0..<kSize { for c in 0..<rows { patches[c * kSize + r] = columns[r * rows + c] } }
                    var acc = [Int32](repeating: 0, count: coutG * rows)
                    if case .bitSerial(let bits) = layer.mode {
                        let limit = Float(1 << (bits - 1))
                        if let bad = patches.first(where: { $0 != $0.rounded() || $0 < -limit || $0 >= limit }) {
                            throw InputError(file: file, location: "node \"\(graph.nodes[node].name)\"", expected: "int\(bits) inputs", found: "input value \(bad)")
                        }
                        let integers = patches.map { Int32($0) }
                        for bit in 0..<bits {
                            let planeValues = integers.map { Int8(($0 >> Int32(bit)) & 1) }
                            let partial = TernaryGEMM.multiply(layer.packed[group], PackedTernaryMatrix(values: planeValues, rows: rows, columns: kSize))
                            let weight: Int32 = bit == bits - 1 ? -(1 << Int32(bit)) : 1 << Int32(bit)
                            for k in acc.indices { acc[k] &+= weight &* partial[k] }
                        }
                    } else {
                        if let bad = x.data.first(where: { $0 != 0 && $0 != 1 && $0 != -1 }) {
                            throw InputError(file: file, location: "node \"\(graph.nodes[node].name)\"", expected: "ternary or binary inputs (-1, 0, +1)", found: "input value \(bad)")
                        }
                        let packed = patches.withUnsafeBufferPointer {
                            PackedTernaryMatrix(values: $0.baseAddress!, rows: rows, columns: kSize, low: -0.5, high: 0.5, threads: 1)
                        }
                        acc = TernaryGEMM.multiply(layer.packed[group], packed, threads: 1)
                    }
                    for o in 0..<coutG {
                        let c = group * coutG + o
                        for b in 0..<x.n {
                            for k in 0..<plane { y.data[(b * layer.outChannels + c) * plane + k] = Float(acc[o * rows + b * plane + k]) }
                        }
                    }
                }
            }
            let plane = y.plane
            for b in 0..<y.n {
                for c in 0..<y.c {
                    let s = layer.scales[c], bias = layer.bias[c]
                    for k in 0..<plane { let e = (b * y.c + c) * plane + k; y.data[e] = y.data[e] * s + bias }
                }
            }
            return y
        }
    }
}
