import Foundation
import PimsimCore
import PimsimKernels

/// Runs an exported network (a graph with trained `NodeData`) on images with integer arithmetic
/// in its weighted layers, as the crossbars compute (docs/training.md, "Integer evaluation").
///
/// - Image input: byte p becomes the integer p - 128.
/// - Ternary/binary weights on ternary/binary inputs: bit-packed dot products with popcount
///   (`TernaryGEMM`), acc = Σ t_w t_x (exact integers).
/// - Ternary/binary weights on intN inputs: acc = Σ t_w x over the integer inputs, exactly the
///   sum a bit-serial crossbar forms over the N two's-complement bit planes,
///   Σ_j 2^j (t_w · b_j) - 2^(N-1) (t_w · b_(N-1)).
/// - Then y = α_c acc + bias_c (float32: Float(acc) * α_c + bias_c). Float32 weights use float
///   arithmetic for acc.
/// - Batch norm: γ (y - μ)/sqrt(σ² + ε) + β; one without parameters whose consumers are all
///   activations with thresholds was folded into them and passes y through.
/// - Ternary activation: +1 if y > high_c, -1 if y < low_c, else 0; sign: +1 if y >= high_c.
///
/// Method (docs/performance.md, "Integer evaluation"): activations are kept position-major and,
/// when ternary, bit-packed; a layer's patches are built by copying words of the packed map
/// (`PatchLayout`), and a ternary layer followed by a folded batch norm and a ternary or sign
/// activation runs as one fused product + threshold (`TernaryGEMM.multiplyAndTernarize`) with
/// integer thresholds that give exactly the float comparison above. The result is independent of
/// the number of threads (images are processed in fixed chunks, counts summed in order).
public enum TernaryEvaluator {
    public struct Result: Equatable, Sendable {
        public var correct: Int
        public var total: Int
        /// Fraction of non-zero input values of each weighted layer, by node name.
        public var inputDensity: [String: Double]
        /// The predicted class of every image, in order.
        public var predictions: [Int]
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
        ProcessMemory.retainFreedMemory()
        let plan = try Plan(graph: graph, shape: shape, classes: classes, file: file)
        let chunks = stride(from: 0, to: labels.count, by: chunk).map { $0..<min(labels.count, $0 + chunk) }
        var finished: (@Sendable (Int) -> Void)?
        if let progress {
            nonisolated(unsafe) var done = 0
            finished = { k in done += chunks[k].count; progress(done, labels.count) }
        }
        let out = try ChunkedWork.map(count: chunks.count, workers: workers, { k in try plan.run(images: images, labels: labels, range: chunks[k]) }, done: finished)
        var correct = 0, predictions: [Int] = []
        var nonzero = [Int](repeating: 0, count: plan.weighted.count), total = nonzero
        for k in 0..<chunks.count {
            correct += out[k].0
            predictions += out[k].3
            for j in nonzero.indices { nonzero[j] += out[k].1[j]; total[j] += out[k].2[j] }
        }
        var density: [String: Double] = [:]
        for (j, i) in plan.weighted.enumerated() { density[graph.nodes[i].name] = total[j] == 0 ? 0 : Double(nonzero[j]) / Double(total[j]) }
        return Result(correct: correct, total: labels.count, inputDensity: density, predictions: predictions)
    }

    /// A weighted layer prepared for evaluation.
    package struct WeightedLayer: Sendable {
        package enum Mode: Sendable { case packed, bitSerial(bits: Int), float }
        package var mode: Mode
        package var outChannels: Int, kernel: Int, stride: Int, padding: Int, groups: Int, isLinear: Bool
        /// Packed mode: one weight matrix per group in `PatchLayout` order.
        var packed: [PackedTernaryMatrix] = []
        /// Other modes: the weights as floats, OIHW order.
        var floatWeights: [Float] = []
        package var scales: [Float]
        package var bias: [Float]
        /// Fused with a (folded batch norm and a) ternary or sign activation: that node and the
        /// thresholds on acc equivalent to its float thresholds on y.
        var fusion: Fusion?
        /// Not fused with an activation but the only input of a batch norm with parameters: that
        /// node, computed in the same pass (y = Float(acc) * α + bias, then γ (y - μ) s + β).
        var normalization: Int?

        struct Fusion: Sendable {
            var activation: Int
            var sign: Bool
            var low: [Int32], high: [Int32]
        }
    }

    /// The graph checked for evaluation, with its weighted layers prepared.
    package struct Plan: Sendable {
        package let graph: Graph
        /// Indices of each node's inputs.
        package let inputIndices: [[Int]]
        package let weighted: [Int]
        package let layers: [Int: WeightedLayer]
        /// Nodes computed by a fused weighted layer, and the batch norms folded between them.
        let skipped: Set<Int>
        /// Index of the last node that reads each node's value.
        let lastUse: [Int]
        let file: String?

        /// - Throws: `InputError` if the graph lacks trained data or does not fit the data's
        ///   image shape and classes.
        package init(graph: Graph, shape: TensorShape, classes: Int, file: String?) throws {
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
            let inputIndices = graph.nodes.map { $0.inputs.map { graph.index(of: $0)! } }
            self.inputIndices = inputIndices
            var layers: [Int: WeightedLayer] = [:]
            var skipped = Set<Int>()
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
                                              isLinear: true, scales: scales, bias: bias)
                    if case .conv2d(let c) = node.operation { (layer.stride, layer.padding, layer.isLinear) = (c.stride, c.padding, false) }
                    let inputChannels = layer.isLinear ? g.connections : graph.shapes[inputIndices[i][0]].channels
                    let cinG = inputChannels / g.groups, coutG = out / g.groups, perGroup = coutG * g.connections
                    switch weights {
                    case .ternary(let codes), .binary(let codes):
                        switch node.precision?.inputs {
                        case .ternary?, .binary?: layer.mode = .packed
                        case .integer(let bits)?: layer.mode = .bitSerial(bits: bits)
                        default: throw fail(i, "ternary, binary or intN inputs for ternary/binary weights", "\(node.precision?.inputs.description ?? "none")")
                        }
                        if case .packed = layer.mode {
                            let patchLayout = Self.layout(layer, channels: cinG)
                            layer.packed = (0..<g.groups).map { k in
                                patchLayout.weights(codes[(k * perGroup)..<((k + 1) * perGroup)], outChannels: coutG)
                            }
                            layer.fusion = Self.fusion(graph, node: i, layer: layer, columns: patchLayout.columns)
                            if let fusion = layer.fusion {
                                skipped.insert(fusion.activation)
                                for c in graph.consumers(of: i) where c != fusion.activation { skipped.insert(c) }
                            }
                        } else {
                            layer.floatWeights = codes.map { Float($0) }
                        }
                    case .float32(let values):
                        layer.floatWeights = values
                    }
                    let consumers = graph.consumers(of: i)
                    if layer.fusion == nil, consumers.count == 1, case .batchNorm = graph.nodes[consumers[0]].operation,
                       graph.nodes[consumers[0]].data.batchNorm != nil {
                        layer.normalization = consumers[0]
                        skipped.insert(consumers[0])
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
            self.skipped = skipped
            weighted = layers.keys.sorted()
            var lastUse = Array(graph.nodes.indices)
            for (i, inputs) in inputIndices.enumerated() { for j in inputs { lastUse[j] = max(lastUse[j], i) } }
            self.lastUse = lastUse
        }

        static func layout(_ layer: WeightedLayer, channels: Int) -> PatchLayout {
            PatchLayout(kernel: layer.kernel, stride: layer.stride, padding: layer.padding, channels: channels)
        }

        /// The fusion of a packed layer with the activation that thresholds it: the layer's only
        /// consumer is that activation, or a batch norm without parameters whose only consumer it
        /// is; one group; every scale > 0 (y grows with acc). Integer thresholds: +1 iff
        /// acc > high_int iff y > high (ternary), -1 iff acc < low_int iff y < low, found by
        /// binary search on the exact float expression, so the comparison is unchanged.
        static func fusion(_ graph: Graph, node i: Int, layer: WeightedLayer, columns: Int) -> WeightedLayer.Fusion? {
            guard layer.groups == 1, layer.scales.allSatisfy({ $0 > 0 }) else { return nil }
            var next = graph.consumers(of: i)
            guard next.count == 1 else { return nil }
            if case .batchNorm = graph.nodes[next[0]].operation, graph.nodes[next[0]].data.batchNorm == nil {
                next = graph.consumers(of: next[0])
                guard next.count == 1 else { return nil }
            }
            let a = next[0]
            guard case .activation(let f) = graph.nodes[a].operation, f == .ternary || f == .sign,
                  let thresholds = graph.nodes[a].data.thresholds, a != graph.outputIndex else { return nil }
            let channels = layer.outChannels
            func value(_ list: [Float], _ c: Int) -> Float { list.count == 1 ? list[0] : list[c] }
            var low = [Int32](repeating: 0, count: channels), high = low
            for c in 0..<channels {
                let s = layer.scales[c], b = layer.bias[c], highValue = value(thresholds.high, c), lowValue = value(thresholds.low, c)
                @inline(__always) func y(_ d: Int) -> Float { Float(d) * s + b }
                if f == .sign {
                    // +1 iff y >= high: the threshold is the first d with y(d) >= high.
                    high[c] = Int32(IntegerThresholds.lastFalse(limit: columns) { y($0) >= highValue } + 1)
                    low[c] = high[c]
                } else {
                    high[c] = Int32(IntegerThresholds.lastFalse(limit: columns) { y($0) > highValue })
                    low[c] = Int32(IntegerThresholds.lastFalse(limit: columns) { !(y($0) < lowValue) } + 1)
                }
            }
            return WeightedLayer.Fusion(activation: a, sign: f == .sign, low: low, high: high)
        }

        /// (correct, non-zero inputs per weighted layer, inputs per weighted layer, predictions)
        /// for `range`.
        func run(images: [UInt8], labels: [Int], range: Range<Int>) throws -> (Int, [Int], [Int], [Int]) {
            let shape = graph.inputShape, size = shape.count, plane = shape.height * shape.width
            // The image as integers p - 128, position-major.
            var x = [Float](repeating: 0, count: range.count * size)
            for (b, image) in range.enumerated() {
                for c in 0..<shape.channels {
                    for p in 0..<plane { x[(b * plane + p) * shape.channels + c] = PixelEncoding.integer(images[image * size + c * plane + p]) }
                }
            }
            var values = [ActivationMap?](repeating: nil, count: graph.nodes.count)
            values[0] = ActivationMap(n: range.count, h: shape.height, w: shape.width, c: shape.channels, values: .real(x))
            var nonzero: [Int] = [], total: [Int] = []
            for i in 1..<graph.nodes.count where !skipped.contains(i) {
                let node = graph.nodes[i]
                let input = values[inputIndices[i][0]]!
                switch node.operation {
                case .conv2d, .linear:
                    nonzero.append(input.nonzeroCount)
                    total.append(input.count)
                    let layer = layers[i]!
                    let y = try weightedForward(layer, input, node: i)
                    values[layer.fusion?.activation ?? layer.normalization ?? i] = y
                case .batchNorm:
                    guard let bn = node.data.batchNorm else { values[i] = input; break }
                    values[i] = Self.normalized(input, bn)
                case .activation(let f):
                    values[i] = activate(input, f, thresholds: node.data.thresholds)
                case .add:
                    let a = input.real(), b = values[inputIndices[i][1]]!.real()
                    let sum = [Float](unsafeUninitializedCapacity: a.count) { out, count in
                        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in for k in 0..<a.count { out[k] = a[k] + b[k] } } }
                        count = a.count
                    }
                    values[i] = input.withReal(sum)
                case .pool(let p): values[i] = input.pooled(p)
                case .globalAvgPool: values[i] = input.globalAveraged()
                case .flatten: values[i] = input.flattened()
                case .shortcut(let s): values[i] = input.shortcut(s, outShape: graph.shapes[i])
                case .input: values[i] = input
                }
                for j in inputIndices[i] where lastUse[j] <= i && j != graph.outputIndex { values[j] = nil }
            }
            let predicted = TernaryEvaluator.predictions(values[graph.outputIndex]!.real(), images: range.count)
            let correct = zip(predicted, range).filter { $0 == labels[$1] }.count
            return (correct, nonzero, total, predicted)
        }

        /// γ (y - μ) / sqrt(σ² + ε) + β per channel, in that order of float operations.
        static func normalized(_ input: ActivationMap, _ bn: BatchNormParameters) -> ActivationMap {
            let channels = input.c
            let inverse = (0..<channels).map { 1 / (bn.variance[$0] + bn.epsilon).squareRoot() }
            var data = input.real()
            data.withUnsafeMutableBufferPointer { values in
                bn.gamma.withUnsafeBufferPointer { gamma in
                    bn.beta.withUnsafeBufferPointer { beta in
                        bn.mean.withUnsafeBufferPointer { mean in
                            inverse.withUnsafeBufferPointer { inv in
                                for p in 0..<input.positions {
                                    let row = values.baseAddress! + p &* channels
                                    for c in 0..<channels { row[c] = gamma[c] * ((row[c] - mean[c]) * inv[c]) + beta[c] }
                                }
                            }
                        }
                    }
                }
            }
            return input.withReal(data)
        }

        /// Ternary (+1 above high, -1 below low) and sign (+1 at or above high) activations pack
        /// their result; the others stay float.
        func activate(_ input: ActivationMap, _ f: ActivationFunction, thresholds: ActivationThresholds?) -> ActivationMap {
            switch f {
            case .ternary, .sign:
                let th = thresholds!, channels = input.c
                let low = (0..<channels).map { th.low.count == 1 ? th.low[0] : th.low[$0] }
                let high = (0..<channels).map { th.high.count == 1 ? th.high[0] : th.high[$0] }
                let data = input.real()
                var packed: PackedTernaryMatrix
                // The vectorised packers apply the same rules; they need low <= high, and the sign
                // packer gives NaN +1 where the rule (y >= high) gives -1.
                if f == .ternary && zip(low, high).allSatisfy({ $0 <= $1 }) {
                    packed = data.withUnsafeBufferPointer {
                        PackedTernaryMatrix(values: $0.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: input.positions, columns: channels,
                                            lowPerColumn: low, highPerColumn: high, threads: 1)
                    }
                } else if f == .sign && !data.contains(where: \.isNaN) {
                    packed = data.withUnsafeBufferPointer {
                        PackedTernaryMatrix(signsOf: $0.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: input.positions, columns: channels,
                                            thresholdPerColumn: high, threads: 1)
                    }
                } else {
                    packed = PackedTernaryMatrix(rows: input.positions, columns: channels)
                    let words = packed.wordsPerRow
                    for p in 0..<input.positions {
                        for c in 0..<channels {
                            let v = data[p &* channels &+ c], bit = UInt64(1) << UInt64(c & 63), word = p &* words &+ c >> 6
                            let value: Int8 = f == .sign ? (v >= high[c] ? 1 : -1) : (v > high[c] ? 1 : (v < low[c] ? -1 : 0))
                            if value != 0 { packed.nonzero[word] |= bit }
                            if value < 0 { packed.negative[word] |= bit }
                        }
                    }
                }
                return ActivationMap(n: input.n, h: input.h, w: input.w, c: channels, values: .bits(packed))
            case .relu: return input.mapReal { v, _ in max(v, 0) }
            case .hardtanh: return input.mapReal { v, _ in ActivationLayer.hardtanh(v) }
            case .identity: return input
            }
        }

        func weightedForward(_ layer: WeightedLayer, _ input: ActivationMap, node: Int) throws -> ActivationMap {
            let kernel = layer.kernel, s = layer.stride, p = layer.padding
            // A linear layer reads the flat input as one position of all its values.
            let x = layer.isLinear ? ActivationMap(n: input.n, h: 1, w: 1, c: input.count / input.n, values: input.values) : input
            let oh = (x.h + 2 * p - kernel) / s + 1, ow = (x.w + 2 * p - kernel) / s + 1
            let positions = x.n * oh * ow, cinG = x.c / layer.groups, coutG = layer.outChannels / layer.groups
            let location = "node \"\(graph.nodes[node].name)\""
            if case .packed = layer.mode {
                let bits = try x.bits { InputError(file: file, location: location, expected: "ternary or binary inputs (-1, 0, +1)", found: "input value \($0)") }
                let patchLayout = Self.layout(layer, channels: cinG)
                func patches(_ group: Int) -> PackedTernaryMatrix {
                    layer.groups == 1 && patchLayout.isDirect
                        ? bits : patchLayout.patches(bits, n: x.n, h: x.h, w: x.w, firstChannel: group * cinG)
                }
                if let fusion = layer.fusion {
                    var result = PackedTernaryMatrix(rows: positions, columns: layer.outChannels)
                    if fusion.sign {
                        TernaryGEMM.multiplyAndBinarize(layer.packed[0], patches(0), threshold: fusion.high, into: &result, threads: 1)
                    } else {
                        TernaryGEMM.multiplyAndTernarize(layer.packed[0], patches(0), low: fusion.low, high: fusion.high, into: &result, threads: 1)
                    }
                    return ActivationMap(n: x.n, h: oh, w: ow, c: layer.outChannels, values: .bits(result))
                }
                var y = [Float](repeating: 0, count: positions * layer.outChannels)
                var acc = [Int32](repeating: 0, count: positions * coutG)
                for group in 0..<layer.groups {
                    acc.withUnsafeMutableBufferPointer { TernaryGEMM.multiply(layer.packed[group], patches(group), intoTransposed: $0.baseAddress!, threads: 1) }
                    acc.withUnsafeBufferPointer { a in affine(positions, { Float(a[$0]) }, group: group, coutG: coutG, layer: layer, into: &y) }
                }
                return ActivationMap(n: x.n, h: oh, w: ow, c: layer.outChannels, values: .real(y))
            }
            // Integer (intN) or float inputs: a float product; on intN inputs every partial sum is an
            // integer below 2^24, so acc is exact.
            let data = x.real()
            try TernaryEvaluator.checkInputs(data, mode: layer.mode, node: graph.nodes[node].name, file: file)
            // im2col on the channel-major (NCHW) images: K x P columns in OIHW weight order, then
            // acc (P x Cout_g) = columns^T W_g^T.
            let k = kernel * kernel * cinG, plane = x.h * x.w
            var planes = data
            if x.c > 1 {
                for b in 0..<x.n { for q in 0..<plane { for c in 0..<x.c { planes[(b * x.c + c) * plane + q] = data[(b * plane + q) * x.c + c] } } }
            }
            let geometry = Im2col.Geometry(batch: x.n, channels: x.c, height: x.h, width: x.w, kernel: kernel, stride: s, padding: p)
            var y = [Float](repeating: 0, count: positions * layer.outChannels)
            var columns = [Float](repeating: 0, count: positions * k), acc = [Float](repeating: 0, count: positions * coutG)
            for group in 0..<layer.groups {
                planes.withUnsafeBufferPointer { source in
                    columns.withUnsafeMutableBufferPointer { target in
                        Im2col.columns(source.baseAddress!, geometry, firstChannel: group * cinG, groupChannels: cinG, into: target.baseAddress!)
                    }
                }
                columns.withUnsafeBufferPointer { cp in
                    layer.floatWeights.withUnsafeBufferPointer { wp in
                        acc.withUnsafeMutableBufferPointer { ap in
                            FloatGEMM.multiply(cp.baseAddress!, wp.baseAddress! + group * coutG * k, ap.baseAddress!, m: positions, n: coutG, k: k,
                                               transposeA: true, transposeB: true, threads: 1)
                        }
                    }
                }
                acc.withUnsafeBufferPointer { a in affine(positions, { a[$0] }, group: group, coutG: coutG, layer: layer, into: &y) }
            }
            return ActivationMap(n: x.n, h: oh, w: ow, c: layer.outChannels, values: .real(y))
        }

        /// y[position][group's channel o] = acc(position * coutG + o) * α + bias.
        /// With `layer.normalization`, that batch norm follows in the same pass (its float operations
        /// in `normalized`'s order).
        @inline(__always)
        func affine(_ positions: Int, _ acc: (Int) -> Float, group: Int, coutG: Int, layer: WeightedLayer, into y: inout [Float]) {
            let channels = layer.outChannels, first = group * coutG
            let bn = layer.normalization.map { graph.nodes[$0].data.batchNorm! }
            let one = [Float](repeating: 1, count: channels), zero = [Float](repeating: 0, count: channels)
            let inverse = bn.map { bn in (0..<channels).map { 1 / (bn.variance[$0] + bn.epsilon).squareRoot() } } ?? one
            layer.scales.withUnsafeBufferPointer { scales in
                layer.bias.withUnsafeBufferPointer { bias in
                    (bn?.gamma ?? one).withUnsafeBufferPointer { gamma in
                        (bn?.beta ?? zero).withUnsafeBufferPointer { beta in
                            (bn?.mean ?? zero).withUnsafeBufferPointer { mean in
                                inverse.withUnsafeBufferPointer { inv in
                                    y.withUnsafeMutableBufferPointer { out in
                                        for p in 0..<positions {
                                            let row = out.baseAddress! + (p &* channels &+ first), source = p &* coutG
                                            if bn == nil {
                                                for o in 0..<coutG { row[o] = acc(source &+ o) * scales[first &+ o] + bias[first &+ o] }
                                            } else {
                                                for o in 0..<coutG {
                                                    let c = first &+ o, v = acc(source &+ o) * scales[c] + bias[c]
                                                    row[o] = gamma[c] * ((v - mean[c]) * inv[c]) + beta[c]
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
