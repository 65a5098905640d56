/// One pimsim node (or none) per ONNX node whose input is computed from the network input;
/// nodes with only constant inputs are folded (`ONNXConstantFolding`). docs/onnx.md lists the
/// mapping.
extension ImportState {
    static let standardDomains: Set<String> = ["", "ai.onnx"]
    /// Domains of QONNX/FINN custom ops (Brevitas and FINN write these).
    static let qonnxDomains: Set<String> = ["qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas", "finn"]

    static let supportedOps = "Conv, Gemm, MatMul, BatchNormalization, Relu, Clip, Sign, Add, Mul, Div, MaxPool, AveragePool, "
        + "GlobalAveragePool, Flatten, Reshape (flatten), Slice and Pad (option-A shortcut), Identity, Dropout, Shape, "
        + "and QONNX Quant, BipolarQuant, MultiThreshold"

    mutating func convert(_ node: ONNXNode) throws {
        let qonnx = Self.qonnxDomains.contains(node.domain)
        guard Self.standardDomains.contains(node.domain) || qonnx else {
            throw ONNXImportError(expected: "an op of the default ONNX domain or QONNX (\(Self.supportedOps))", found: "domain \"\(node.domain)\"")
        }
        let dynamic = node.inputs.contains { name in
            if !name.isEmpty, case .tensor? = values[name] { return true }
            return false
        }
        guard dynamic else {
            let result = try ONNXConstantFolding.evaluate(self, qonnx: qonnx)
            for (k, value) in result.enumerated() {
                guard value.isShapeOnly || value.count <= foldLimit else {
                    throw ONNXImportError(expected: "a constant of at most \(foldLimit) values (the file's size in bytes)", found: "dims \(value.dims)")
                }
                setOutput(.constant(value), k)
            }
            return
        }
        switch (node.opType, qonnx) {
        case ("Conv", false): try convolution()
        case ("Gemm", false): try gemm()
        case ("MatMul", false): try matMul()
        case ("BatchNormalization", false): try batchNormalization()
        case ("Relu", false):
            let x = try tensor(0)
            setOutput(.tensor(try emit(.activation(.relu), from: x, scale: x.scale, domain: ValueDomain(kind: .real, origin: currentOrigin))))
        case ("Clip", false): try clip()
        case ("Sign", false):
            // ONNX Sign(0) = 0: pimsim's ternary activation with both thresholds at 0.
            let x = try tensor(0)
            setOutput(.tensor(try emit(.activation(.ternary), from: x, data: NodeData(thresholds: ActivationThresholds(low: [0], high: [0])),
                                       domain: ValueDomain(kind: .ternary, origin: currentOrigin))))
        case ("Add", false): try add()
        case ("Mul", false): try scaleBy(divide: false)
        case ("Div", false): try scaleBy(divide: true)
        case ("MaxPool", false): try pool(.max)
        case ("AveragePool", false): try pool(.avg)
        case ("GlobalAveragePool", false):
            let x = try tensor(0)
            try requireRank(x, 4)
            setOutput(.tensor(try emit(.globalAvgPool, from: x, scale: x.scale, domain: ValueDomain(kind: .real, origin: currentOrigin))))
        case ("Flatten", false):
            let x = try tensor(0)
            var axis = try int("axis", default: 1)
            if axis < 0 { axis += Int64(x.rank) }
            guard axis == 1 else { throw ONNXImportError(expected: "Flatten with axis 1 (keep the batch dimension)", found: "axis \(axis)") }
            setOutput(.tensor(try flatten(x, rank: 2)))
        case ("Reshape", false): try reshape()
        case ("Identity", false):
            setOutput(try requiredValue(0))
        case ("Dropout", false):
            try requireUnused(outputsFrom: 1, "dropout masks")
            setOutput(try requiredValue(0))
        case ("Slice", false): try slice()
        case ("Pad", false): try pad()
        case ("Shape", false): try shape()
        case ("Quant", true), ("IntQuant", true): try quant()
        case ("BipolarQuant", true): try bipolarQuant()
        case ("MultiThreshold", true): try multiThreshold()
        default:
            throw ONNXImportError(expected: "a supported op on a tensor (\(Self.supportedOps))", found: "op \(node.opType)")
        }
    }

    func requireRank(_ x: DynamicTensor, _ rank: Int) throws {
        guard x.rank == rank else {
            throw ONNXImportError(expected: rank == 4 ? "an N x C x H x W input" : "an N x F input (insert Flatten)", found: "\(x.rank) dimensions")
        }
    }

    /// The ONNX dims of a tensor: [N, C, H, W] or [N, F].
    func onnxDims(_ x: DynamicTensor) -> [Int] {
        x.rank == 4 ? [batch, x.shape.channels, x.shape.height, x.shape.width] : [batch, x.shape.count]
    }

    // MARK: weighted layers

    mutating func convolution() throws {
        let x = try tensor(0)
        try requireRank(x, 4)
        let w = try constant(1, "weight W")
        guard w.dims.count == 4 else { throw ONNXImportError(expected: "a 2-D convolution (a weight of 4 dimensions)", found: "a weight of \(w.dims.count) dimensions") }
        let (m, perGroup, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        guard kh == kw else { throw ONNXImportError(expected: "a square kernel", found: "\(kh) x \(kw)") }
        let group = try int("group", default: 1)
        guard group >= 1, group <= Int64(m) else { throw ONNXImportError(expected: "group from 1 to the output channels \(m)", found: "\(group)") }
        guard perGroup * Int(group) == x.shape.channels else {
            throw ONNXImportError(expected: "input channels \(x.shape.channels) = weight dims[1] x group", found: "\(perGroup) x \(group)")
        }
        if let shape = try ints("kernel_shape"), shape != [Int64(kh), Int64(kw)] {
            throw ONNXImportError(expected: "kernel_shape matching the weight [\(kh), \(kw)]", found: "\(shape)")
        }
        try requireUnitDilations()
        let stride = try squareStride()
        let padding = try padding(kernel: kh, stride: stride, input: x.shape)
        let bias = try optionalConstant(2, "bias B")
        if let bias, bias.count != m { throw ONNXImportError(expected: "\(m) bias values", found: "\(bias.count)") }
        let attributes = Conv2DAttributes(outChannels: m, kernel: kh, stride: stride, padding: padding, groups: Int(group), bias: bias != nil)
        try emitWeighted(.conv2d(attributes), input: x, weight: w, weights: w.floats, bias: bias?.floats)
    }

    mutating func gemm() throws {
        let x = try tensor(0)
        try requireRank(x, 2)
        guard try int("transA", default: 0) == 0 else { throw ONNXImportError(expected: "transA = 0", found: "transA = 1") }
        let b = try constant(1, "weight B")
        guard b.dims.count == 2 else { throw ONNXImportError(expected: "a weight of 2 dimensions", found: "\(b.dims.count)") }
        let transposed = try int("transB", default: 0) != 0
        let (k, m) = transposed ? (b.dims[1], b.dims[0]) : (b.dims[0], b.dims[1])
        guard k == x.shape.count else { throw ONNXImportError(expected: "a weight for \(x.shape.count) input features", found: "\(k) (weight dims \(b.dims))") }
        let alpha = try float("alpha", default: 1), beta = try float("beta", default: 1)
        var weights = b.floats.map { transposed ? $0 : Self.transpose($0, rows: k, columns: m) }
        if alpha != 1 { weights = weights?.map { $0 * alpha } }
        var bias: [Float]?
        let c = try optionalConstant(2, "bias C")
        if let c {
            guard c.count == m || c.count == 1 else { throw ONNXImportError(expected: "\(m) bias values (or one)", found: "\(c.count) (dims \(c.dims))") }
            bias = c.floats.map { v in (v.count == 1 ? [Float](repeating: v[0], count: m) : v).map { $0 * beta } }
        }
        try emitWeighted(.linear(LinearAttributes(outFeatures: m, bias: c != nil)), input: x, weight: b, weights: weights, bias: bias)
    }

    mutating func matMul() throws {
        let x = try tensor(0)
        try requireRank(x, 2)
        let b = try constant(1, "weight (the second MatMul input)")
        guard b.dims.count == 2, b.dims[0] == x.shape.count else {
            throw ONNXImportError(expected: "a weight of shape [\(x.shape.count), outputs]", found: "dims \(b.dims)")
        }
        let weights = b.floats.map { Self.transpose($0, rows: b.dims[0], columns: b.dims[1]) }
        try emitWeighted(.linear(LinearAttributes(outFeatures: b.dims[1], bias: false)), input: x, weight: b, weights: weights, bias: nil)
    }

    static func transpose(_ v: [Float], rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = v[r * columns + c] } }
        return out
    }

    /// Adds a conv2d or linear node; the input's pending scale multiplies the weights. The weight
    /// precision is decided after the whole graph is read (`finalizeWeights`).
    mutating func emitWeighted(_ operation: Operation, input x: DynamicTensor, weight: ONNXConstant, weights: [Float]?, bias: [Float]?) throws {
        let name = nodeName(for: current, weightSource: weight.source)
        let scaled = weights.map { w in x.scale == 1 ? w : w.map { $0 * x.scale } }
        let precision = LayerPrecision(weights: .float32, inputs: x.domain.precision)
        origins[name] = LayerOrigin(onnxNode: current.name.isEmpty ? current.outputs.first ?? "" : current.name, op: current.opType,
                                    inputOrigin: x.domain.origin + (x.scale == 1 ? "" : " x \(x.scale) (the factor is folded into the weights)"), integerBits: weight.integerBits, isUnsigned: weight.isUnsigned, elementType: weight.elementType)
        let y = try emit(operation, from: x, name: name, precision: precision, data: NodeData(weights: scaled.map(WeightValues.float32), bias: bias),
                         domain: ValueDomain(kind: .real, origin: currentOrigin))
        setOutput(.tensor(y))
    }

    // MARK: batch norm, activations

    mutating func batchNormalization() throws {
        let x = try tensor(0)
        guard try int("training_mode", default: 0) == 0 else { throw ONNXImportError(expected: "inference batch norm (training_mode 0)", found: "training_mode 1") }
        try requireUnused(outputsFrom: 1, "running statistics outputs")
        let parts = try (1...4).map { try constant($0, ["", "scale", "bias B", "input_mean", "input_var"][$0]) }
        let channels = x.shape.channels
        for (k, p) in parts.enumerated() where p.count != channels {
            throw ONNXImportError(expected: "\(channels) values of \(["scale", "B", "input_mean", "input_var"][k]) (one per channel)", found: "\(p.count)")
        }
        var data = NodeData()
        if let gamma = parts[0].floats, let beta = parts[1].floats, let mean = parts[2].floats, let variance = parts[3].floats {
            // BN(s v) = gamma (s v - mean) / sigma + beta = (gamma s) (v - mean / s) / sigma + beta.
            let s = x.scale
            data.batchNorm = BatchNormParameters(gamma: gamma.map { $0 * s }, beta: beta, mean: mean.map { $0 / s }, variance: variance,
                                                 epsilon: try float("epsilon", default: 1e-5))
        }
        let name = nodeName(for: current, weightSource: parts[0].source)
        setOutput(.tensor(try emit(.batchNorm, from: x, name: name, data: data, domain: ValueDomain(kind: .real, origin: currentOrigin))))
    }

    mutating func clip() throws {
        let x = try tensor(0)
        let low = try scalar(1, "min"), high = try scalar(2, "max")
        if low == -1 && high == 1 {
            guard x.scale == 1 else {
                throw ONNXImportError(expected: "Clip(-1, 1) on an unscaled tensor", found: "an input scaled by \(x.scale) (a Mul, Div or quantiser scale before it)")
            }
            setOutput(.tensor(try emit(.activation(.hardtanh), from: x, domain: ValueDomain(kind: .real, origin: currentOrigin))))
        } else if low == 0 && (high == nil || high == .infinity) {
            setOutput(.tensor(try emit(.activation(.relu), from: x, scale: x.scale, domain: ValueDomain(kind: .real, origin: currentOrigin))))
        } else {
            throw ONNXImportError(expected: "Clip with min -1 and max 1 (hardtanh) or min 0 and no max (relu)",
                                  found: "min \(low.map { "\($0)" } ?? "none"), max \(high.map { "\($0)" } ?? "none")")
        }
    }

    /// A ternary activation (+1 above `high`, -1 below `low`, thresholds on the ONNX value) whose
    /// ONNX output is `outScale` x {-1, 0, +1}.
    mutating func ternary(_ x: DynamicTensor, low: [Float], high: [Float], outScale: Float) throws {
        let thresholds = ActivationThresholds(low: low.map { Self.finite($0 / x.scale) }, high: high.map { Self.finite($0 / x.scale) })
        setOutput(.tensor(try emit(.activation(.ternary), from: x, data: NodeData(thresholds: thresholds), scale: outScale,
                                   domain: ValueDomain(kind: .ternary, origin: currentOrigin))))
    }

    /// A sign activation (+1 at or above `threshold`, else -1) whose output is `outScale` x {-1, +1}.
    mutating func sign(_ x: DynamicTensor, threshold: [Float], outScale: Float) throws {
        let t = threshold.map { Self.finite($0 / x.scale) }
        setOutput(.tensor(try emit(.activation(.sign), from: x, data: NodeData(thresholds: ActivationThresholds(low: t, high: t)), scale: outScale,
                                   domain: ValueDomain(kind: .binary, origin: currentOrigin))))
    }

    /// ±infinity as the largest finite float: the same decisions for every finite input.
    static func finite(_ v: Float) -> Float {
        v == .infinity ? .greatestFiniteMagnitude : (v == -.infinity ? -.greatestFiniteMagnitude : v)
    }

    // MARK: element-wise

    mutating func add() throws {
        let a = try value(0), b = try value(1)
        if case .tensor(let x)? = a, case .tensor(let y)? = b {
            guard x.scale == y.scale else {
                throw ONNXImportError(expected: "two inputs with the same scale", found: "scales \(x.scale) and \(y.scale) (from Mul, Div or quantiser scales)")
            }
            guard x.rank == y.rank, x.shape == y.shape else { throw ONNXImportError(expected: "two inputs of the same shape", found: "\(onnxDims(x)) and \(onnxDims(y))") }
            let name = nodeName(for: current)
            let shape = try append(Node(name: name, operation: .add, inputs: [x.node, y.node]))
            setOutput(.tensor(DynamicTensor(node: name, shape: shape, rank: x.rank, scale: x.scale, domain: ValueDomain(kind: .real, origin: currentOrigin))))
            return
        }
        let (k, x, c) = try tensorAndConstant()
        try foldIntoLayer(x, valueName: current.inputs[k], constant: c, what: "bias") { weights, bias, channel, v in
            _ = weights
            bias[channel] += v
        }
    }

    /// Mul or Div by a constant: a positive scalar becomes the tensor's pending scale; a vector
    /// over the channels right after a weighted layer scales its weights and bias.
    mutating func scaleBy(divide: Bool) throws {
        let (k, x, c) = try tensorAndConstant()
        if divide && k != 0 { throw ONNXImportError(expected: "a tensor divided by a constant", found: "a constant divided by a tensor") }
        if c.count == 1, let v = c.floats?.first {
            let factor = divide ? 1 / v : v
            let scale = x.scale * factor
            guard v > 0, scale.isFinite, scale > 0 else {
                throw ONNXImportError(expected: "a positive finite scalar \(divide ? "divisor" : "factor")", found: "\(v)")
            }
            var y = x
            y.scale = scale
            setOutput(.tensor(y))
            return
        }
        try foldIntoLayer(x, valueName: current.inputs[k], constant: c, what: divide ? "divisor" : "factor") { weights, bias, channel, v in
            let factor = divide ? 1 / v : v
            for i in weights.indices { weights[i] *= factor }
            bias[channel] *= factor
        }
    }

    /// The tensor input, its index, and the constant input of a binary op.
    func tensorAndConstant() throws -> (Int, DynamicTensor, ONNXConstant) {
        if case .tensor(let x)? = try value(0), case .constant(let c)? = try value(1) { return (0, x, c) }
        if case .constant(let c)? = try value(0), case .tensor(let x)? = try value(1) { return (1, x, c) }
        throw ONNXImportError(expected: "a tensor and a constant", found: "two tensors computed from the network input")
    }

    /// Applies `body(weights of channel, bias, channel, value)` for each output channel of the
    /// weighted layer that produces `x`, which must be its only use.
    mutating func foldIntoLayer(_ x: DynamicTensor, valueName: String, constant c: ONNXConstant, what: String,
                                _ body: (inout ArraySlice<Float>, inout [Float], Int, Float) -> Void) throws {
        let channels = x.shape.channels
        guard let i = nodeIndex[x.node], nodes[i].operation.isWeighted, isSoleUse(valueName), x.scale == 1 else {
            throw ONNXImportError(expected: "a constant \(what) right after a Conv, Gemm or MatMul (folded into it) or a positive scalar",
                                  found: "\(c.count) values on the output of \(nodes[nodeIndex[x.node] ?? 0].operation.name) \"\(x.node)\"")
        }
        var node = nodes[i]
        if c.isShapeOnly && node.data.weights == nil {
            // Shapes only (export_params=False): a bias without values, a factor with nothing to scale.
            guard c.count == 1 || c.count == channels else { throw ONNXImportError(expected: "one \(what) per output channel (\(channels))", found: "dims \(c.dims)") }
            if what == "bias" { node.operation = Self.withBias(node.operation) }
            nodes[i] = node
            setOutput(.tensor(x))
            return
        }
        guard let values = try channelValues(c, channels: channels, rank: x.rank) else {
            throw ONNXImportError(expected: "one \(what) per output channel (\(channels)) or one value", found: "dims \(c.dims)")
        }
        var bias = node.data.bias ?? [Float](repeating: 0, count: channels)
        var weights: [Float] = []
        if case .float32(let w)? = node.data.weights { weights = w }
        let perChannel = weights.count / channels
        for ch in 0..<channels {
            var slice = weights.isEmpty ? [][...] : weights[(ch * perChannel)..<((ch + 1) * perChannel)]
            body(&slice, &bias, ch, values[ch])
            if !weights.isEmpty { weights.replaceSubrange((ch * perChannel)..<((ch + 1) * perChannel), with: slice) }
        }
        if !weights.isEmpty { node.data.weights = .float32(weights) }
        if what == "bias" || node.data.bias != nil {
            node.data.bias = bias
            node.operation = Self.withBias(node.operation)
        }
        nodes[i] = node
        setOutput(.tensor(x))
    }

    /// A conv2d or linear operation with a bias.
    static func withBias(_ operation: Operation) -> Operation {
        switch operation {
        case .conv2d(var a): a.bias = true; return .conv2d(a)
        case .linear(var a): a.bias = true; return .linear(a)
        default: return operation
        }
    }

    /// The values of `c` per channel of a tensor of `rank`, if `c` broadcasts along channels only
    /// (dims [C], [C, 1, 1], with leading 1s) or is a single value.
    func channelValues(_ c: ONNXConstant, channels: Int, rank: Int) throws -> [Float]? {
        guard let v = c.floats else {
            throw ONNXImportError(expected: "constant values", found: "graph input \"\(c.source)\", which has a shape but no data")
        }
        if v.count == 1 { return [Float](repeating: v[0], count: channels) }
        var dims = c.dims
        while dims.count > 1, dims[0] == 1, dims.count > (rank == 4 ? 3 : 1) { dims.removeFirst() }
        let expected = rank == 4 ? [channels, 1, 1] : [channels]
        return dims == expected ? v : nil
    }

    // MARK: pooling and padding

    func requireUnitDilations() throws {
        if let d = try ints("dilations"), d.contains(where: { $0 != 1 }) { throw ONNXImportError(expected: "dilations 1", found: "\(d)") }
    }

    func squareStride() throws -> Int {
        let strides = try ints("strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] >= 1, strides[0] <= Int64(ONNXConstant.maximumCount) else {
            throw ONNXImportError(expected: "equal strides [s, s] with s >= 1", found: "\(strides)")
        }
        return Int(strides[0])
    }

    /// The padding on each side from `pads` or `auto_pad`, which must be the same on all four sides
    /// and at most the kernel size.
    func padding(kernel: Int, stride: Int, input: TensorShape) throws -> Int {
        let autoPad = try string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET", "":
            let pads = try ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, Set(pads).count == 1, pads[0] >= 0, pads[0] <= Int64(kernel) else {
                throw ONNXImportError(expected: "equal padding of at most the kernel \(kernel) on all sides (pads [p, p, p, p])", found: "pads \(pads)")
            }
            return Int(pads[0])
        case "VALID": return 0
        case "SAME_UPPER", "SAME_LOWER":
            let totals = [input.height, input.width].map { size in max(((size + stride - 1) / stride - 1) * stride + kernel - size, 0) }
            guard totals[0] == totals[1], totals[0] % 2 == 0 else {
                throw ONNXImportError(expected: "auto_pad that pads all sides equally", found: "\(autoPad) padding \(totals[0]) rows and \(totals[1]) columns in total")
            }
            return totals[0] / 2
        default: throw ONNXImportError(expected: "auto_pad NOTSET, VALID, SAME_UPPER or SAME_LOWER", found: "\"\(autoPad)\"")
        }
    }

    mutating func pool(_ kind: PoolKind) throws {
        let x = try tensor(0)
        try requireRank(x, 4)
        guard let kernelShape = try ints("kernel_shape"), kernelShape.count == 2, kernelShape[0] == kernelShape[1],
              kernelShape[0] >= 1, kernelShape[0] <= Int64(ONNXConstant.maximumCount) else {
            throw ONNXImportError(expected: "a square kernel_shape [k, k]", found: "\(try ints("kernel_shape").map { "\($0)" } ?? "none")")
        }
        let kernel = Int(kernelShape[0])
        try requireUnitDilations()
        try requireUnused(outputsFrom: 1, "max-pool indices")
        let stride = try squareStride()
        let padding = try padding(kernel: kernel, stride: stride, input: x.shape)
        if kind == .avg, padding > 0, try int("count_include_pad", default: 0) != 0 {
            throw ONNXImportError(expected: "count_include_pad 0 (padding excluded from the average, as pimsim's avgpool does)", found: "count_include_pad 1")
        }
        if try int("ceil_mode", default: 0) != 0 {
            for size in [x.shape.height, x.shape.width] where size + 2 * padding >= kernel {
                let span = size + 2 * padding - kernel
                guard span % stride == 0 else {
                    throw ONNXImportError(expected: "ceil_mode 0 (or sizes where it makes no difference)", found: "ceil_mode 1 with input \(size), kernel \(kernel), stride \(stride), padding \(padding)")
                }
            }
        }
        let domain = kind == .max ? x.domain : ValueDomain(kind: .real, origin: currentOrigin)
        setOutput(.tensor(try emit(.pool(PoolAttributes(kind: kind, kernel: kernel, stride: stride, padding: padding)), from: x, scale: x.scale, domain: domain)))
    }

    // MARK: shape ops

    /// A flat view of `x` (no node when it is already C x 1 x 1).
    mutating func flatten(_ x: DynamicTensor, rank: Int) throws -> DynamicTensor {
        if x.shape.height == 1 && x.shape.width == 1 {
            var y = x
            y.rank = rank
            return y
        }
        return try emit(.flatten, from: x, rank: rank, scale: x.scale, domain: x.domain)
    }

    mutating func reshape() throws {
        let x = try tensor(0)
        let target = try constant(1, "shape")
        guard let requested = target.integers else { throw ONNXImportError(expected: "the values of the target shape", found: "a graph input without data") }
        let input = onnxDims(x)
        let dims = try ONNXConstantFolding.resolveReshape(requested, input: input, allowZero: try int("allowzero", default: 0) != 0)
        let flat = [batch, x.shape.count]
        if dims == input {
            setOutput(.tensor(x))
        } else if dims == flat || dims == flat + [1, 1] {
            setOutput(.tensor(try flatten(x, rank: dims.count)))
        } else {
            throw ONNXImportError(expected: "a Reshape of the flatten kind (\(input) to \(flat))", found: "target \(requested)")
        }
    }

    /// `x[:, :, ::s, ::s]`: ResNet option-A subsampling, a pimsim shortcut node (PyTorch writes
    /// one Slice per axis; the first waits for the second as a pending slice).
    mutating func slice() throws {
        let x = try tensor(0)
        try requireRank(x, 4)
        let dims = onnxDims(x)
        guard let starts = try constant(1, "starts").integers, let ends = try constant(2, "ends").integers else {
            throw ONNXImportError(expected: "constant starts and ends", found: "a graph input without data")
        }
        let axes = try optionalConstant(3, "axes")?.integers ?? starts.indices.map(Int64.init)
        let steps = try optionalConstant(4, "steps")?.integers ?? [Int64](repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw ONNXImportError(expected: "starts, ends, axes and steps of the same length", found: "\(starts.count), \(ends.count), \(axes.count), \(steps.count)")
        }
        var spatial: [Int: Int64] = [:]
        if let pending = x.pendingSlice { spatial[pending.axis] = pending.step }
        for k in starts.indices {
            let axis = axes[k] < 0 ? axes[k] + 4 : axes[k]
            guard (0..<4).contains(axis) else { throw ONNXImportError(expected: "axes from -4 to 3", found: "\(axes[k])") }
            let size = Int64(dims[Int(axis)])
            let start = starts[k] < 0 ? starts[k] + size : starts[k], end = ends[k] < 0 ? ends[k] + size : ends[k]
            guard start <= 0, end >= size, steps[k] >= 1, steps[k] <= Int64(ONNXConstant.maximumCount), axis >= 2 || steps[k] == 1,
                  spatial[Int(axis)] == nil || steps[k] == 1 else {
                throw ONNXImportError(expected: "a slice x[:, :, ::s, ::s] (start 0, to the end, step s >= 1 on height and width; the option-A shortcut)",
                                      found: "axis \(axis): start \(starts[k]), end \(ends[k]), step \(steps[k])")
            }
            if axis >= 2 && steps[k] > 1 { spatial[Int(axis)] = steps[k] }
        }
        var y = x
        y.pendingSlice = nil
        switch (spatial[2], spatial[3]) {
        case (nil, nil): break
        case let (h?, w?) where h == w:
            y = try emit(.shortcut(ShortcutAttributes(stride: Int(h), outChannels: x.shape.channels)), from: x, scale: x.scale, domain: x.domain)
        case let (h?, nil): y.pendingSlice = (2, h)
        case let (nil, w?): y.pendingSlice = (3, w)
        case let (h?, w?): throw ONNXImportError(expected: "the same step on height and width", found: "\(h) and \(w)")
        }
        setOutput(.tensor(y))
    }

    /// Zero channels added around a tensor: the channel padding of an option-A shortcut (merged
    /// into the shortcut that subsampled it, or a stride-1 shortcut).
    mutating func pad() throws {
        let x = try tensor(0)
        try requireRank(x, 4)
        guard try string("mode", default: "constant") == "constant" else { throw ONNXImportError(expected: "mode constant", found: "mode \(try string("mode", default: ""))") }
        guard let pads = try constant(1, "pads").integers else { throw ONNXImportError(expected: "constant pads", found: "a graph input without data") }
        if let v = try scalar(2, "constant_value"), v != 0 { throw ONNXImportError(expected: "padding with zeros", found: "constant_value \(v)") }
        let axes = try optionalConstant(3, "axes")?.integers.map { $0.map { $0 < 0 ? $0 + 4 : $0 } } ?? [0, 1, 2, 3]
        guard pads.count == 2 * axes.count else { throw ONNXImportError(expected: "\(2 * axes.count) pads", found: "\(pads.count)") }
        var before: Int64 = 0, after: Int64 = 0
        for (k, axis) in axes.enumerated() {
            let (b, a) = (pads[k], pads[k + axes.count])
            if axis == 1 {
                (before, after) = (b, a)
            } else if b != 0 || a != 0 {
                throw ONNXImportError(expected: "padding of the channel axis only (the option-A shortcut; spatial padding belongs in Conv pads)", found: "pads \(pads)")
            }
        }
        guard (0...Int64(ONNXConstant.maximumCount)).contains(before), (0...Int64(ONNXConstant.maximumCount)).contains(after),
              before + after <= Int64(ONNXConstant.maximumCount) else {
            throw ONNXImportError(expected: "non-negative channel padding", found: "pads \(pads)")
        }
        let out = x.shape.channels + Int(before + after)
        guard before == Int64((out - x.shape.channels) / 2) else {
            throw ONNXImportError(expected: "zero channels split as pimsim's shortcut does: half (rounded down) before, the rest after",
                                  found: "\(before) before and \(after) after")
        }
        if before + after == 0 {
            setOutput(.tensor(x))
            return
        }
        var domain = x.domain
        if domain.kind == .binary { domain.kind = .ternary }
        if let i = nodeIndex[x.node], case .shortcut(var s) = nodes[i].operation, s.outChannels == x.shape.channels, isSoleUse(current.inputs[0]),
           i == nodes.count - 1 {
            s.outChannels = out
            let node = nodes.removeLast()
            var merged = node
            merged.operation = .shortcut(s)
            let shape = try append(merged)
            setOutput(.tensor(DynamicTensor(node: merged.name, shape: shape, rank: 4, scale: x.scale, domain: domain)))
            return
        }
        setOutput(.tensor(try emit(.shortcut(ShortcutAttributes(stride: 1, outChannels: out)), from: x, scale: x.scale, domain: domain)))
    }

    mutating func shape() throws {
        let x = try tensor(0)
        var dims = onnxDims(x).map(Int64.init)
        let n = Int64(dims.count)
        func clamp(_ v: Int64) -> Int { Int(min(max(v < 0 ? v + n : v, 0), n)) }
        let start = clamp(try int("start", default: 0)), end = clamp(try int("end", default: n))
        dims = start < end ? Array(dims[start..<end]) : []
        setOutput(.constant(ONNXConstant(dims: [dims.count], values: .integers(dims), elementType: ONNXDataType.int64, source: "")))
    }

    // MARK: QONNX

    /// A quantiser's per-tensor scale (input 1): one positive value.
    func quantizerScale() throws -> Float {
        let (c, v) = try constantValues(1, "scale")
        guard v.count == 1 else {
            throw ONNXImportError(expected: "one scale for the whole tensor (per-channel activation scales are not supported)", found: "\(v.count) values (dims \(c.dims))")
        }
        guard v[0].isFinite, v[0] > 0 else { throw ONNXImportError(expected: "a positive finite scale", found: "\(v[0])") }
        return v[0]
    }

    /// QONNX Quant: y = s (clamp(round(x / s + z)) - z). 2 bits, signed, narrow: a ternary
    /// activation with thresholds ±s/2; 1 bit signed: a sign activation; other widths set the
    /// next layers' input precision (pimsim does not round the values).
    mutating func quant() throws {
        let x = try tensor(0)
        let s = try quantizerScale()
        guard let z = try scalar(2, "zero point"), z == 0 else { throw ONNXImportError(expected: "zero point 0", found: "\(try scalar(2, "zero point").map { "\($0)" } ?? "none")") }
        guard let b = try scalar(3, "bit width"), b >= 1, b <= 32, b == b.rounded() else {
            throw ONNXImportError(expected: "an integer bit width from 1 to 32", found: "\(try scalar(3, "bit width").map { "\($0)" } ?? "none")")
        }
        let bits = Int(b)
        let signed = try int("signed", default: 1) != 0, narrow = try int("narrow", default: 0) != 0
        let rounding = try string("rounding_mode", default: "ROUND").uppercased()
        if bits == 1 && signed {
            try sign(x, threshold: [0], outScale: s)
        } else if bits == 2 && signed && narrow {
            guard rounding == "ROUND" else { throw ONNXImportError(expected: "rounding_mode ROUND for a ternary Quant", found: rounding) }
            // round(clamp(x / s, -1, 1)) is +1 for x > s/2 and -1 for x < -s/2 (half to even).
            try ternary(x, low: [-s / 2], high: [s / 2], outScale: s)
        } else {
            var y = x
            y.domain = ValueDomain(kind: .integer(bits: signed ? bits : bits + 1), origin: "\(currentOrigin) (\(bits)-bit \(signed ? "signed" : "unsigned"))")
            setOutput(.tensor(y))
        }
    }

    /// QONNX BipolarQuant: y = s x (+1 if x >= 0, else -1).
    mutating func bipolarQuant() throws {
        let x = try tensor(0)
        try sign(x, threshold: [0], outScale: try quantizerScale())
    }

    /// QONNX/FINN MultiThreshold: y = out_scale x (number of thresholds t_c,i with x >= t_c,i) +
    /// out_bias. Two thresholds with out_bias = -out_scale give out_scale x {-1, 0, +1}: a ternary
    /// activation with low = t_1 and high = the float below t_2 (pimsim's +1 is x > high). One
    /// threshold with out_bias = -out_scale / 2 gives out_scale / 2 x {-1, +1}: a sign activation.
    mutating func multiThreshold() throws {
        let x = try tensor(0)
        guard try string("data_layout", default: "NCHW") == "NCHW" || x.rank == 2 else {
            throw ONNXImportError(expected: "data_layout NCHW", found: try string("data_layout", default: ""))
        }
        let (t, v) = try constantValues(1, "thresholds")
        let channels = x.shape.channels
        guard t.dims.count == 2, t.dims[0] == channels || t.dims[0] == 1 else {
            throw ONNXImportError(expected: "thresholds of shape [\(channels), n] or [1, n]", found: "dims \(t.dims)")
        }
        let n = t.dims[1], rows = t.dims[0]
        let outScale = try float("out_scale", default: 1), outBias = try float("out_bias", default: 0)
        guard outScale > 0, outScale.isFinite else { throw ONNXImportError(expected: "a positive out_scale", found: "\(outScale)") }
        if n == 2 && outBias == -outScale {
            var low: [Float] = [], high: [Float] = []
            for r in 0..<rows {
                let (t1, t2) = (v[2 * r], v[2 * r + 1])
                guard t1 < t2 else { throw ONNXImportError(expected: "two ascending thresholds per channel", found: "\(t1) and \(t2) at channel \(r)") }
                low.append(t1)
                high.append(t2.nextDown)
            }
            try ternary(x, low: low, high: high, outScale: outScale)
        } else if n == 1 && outBias == -outScale / 2 {
            try sign(x, threshold: v, outScale: outScale / 2)
        } else {
            throw ONNXImportError(expected: "2 thresholds per channel with out_bias = -out_scale (ternary) or 1 with out_bias = -out_scale/2 (binary)",
                                  found: "\(n) thresholds, out_scale \(outScale), out_bias \(outBias)")
        }
    }
}
