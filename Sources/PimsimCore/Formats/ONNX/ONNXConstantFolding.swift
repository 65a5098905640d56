/// Evaluates ONNX nodes whose inputs are all constants: the subgraphs exporters write around
/// weights (int8 codes cast and scaled, QONNX Quant on a weight, DequantizeLinear) and around
/// shapes (Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Arithmetic is float32 or int64
/// with NumPy broadcasting, as ONNX defines it. A weight known only by its shape stays
/// shape-only through these ops.
enum ONNXConstantFolding {
    static let supportedOps = "Constant, ConstantOfShape, Identity, Dropout, Cast, Reshape, Flatten, Unsqueeze, Squeeze, Transpose, Concat, Gather, Slice, "
        + "Shape, Add, Sub, Mul, Div, DequantizeLinear, and QONNX Quant, BipolarQuant"

    /// The outputs of the state's current node.
    static func evaluate(_ state: ImportState, qonnx: Bool) throws -> [ONNXConstant] {
        let node = state.current
        func input(_ i: Int) throws -> ONNXConstant { try state.constant(i, "input \(i)") }
        switch (node.opType, qonnx) {
        case ("Constant", false): return [try constantNode(state)]
        case ("Identity", false), ("Dropout", false): return [try input(0)]
        case ("Cast", false): return [try cast(try input(0), to: Int32(truncatingIfNeeded: try state.int("to", default: Int64(ONNXDataType.float))))]
        case ("Reshape", false):
            let x = try input(0)
            let target = try integers(try input(1), "shape")
            return [try reshaped(x, to: try resolveReshape(target, input: x.dims, allowZero: try state.int("allowzero", default: 0) != 0))]
        case ("Flatten", false):
            let x = try input(0)
            var axis = Int(try state.int("axis", default: 1))
            if axis < 0 { axis += x.dims.count }
            guard (0...x.dims.count).contains(axis) else { throw ONNXImportError(expected: "axis within the rank \(x.dims.count)", found: "\(axis)") }
            return [try reshaped(x, to: [x.dims[..<axis].reduce(1, *), x.dims[axis...].reduce(1, *)])]
        case ("Unsqueeze", false):
            let x = try input(0)
            let axes = try state.ints("axes") ?? integers(try input(1), "axes")
            var dims = x.dims
            let rank = dims.count + axes.count
            for a in axes.map({ $0 < 0 ? Int($0) + rank : Int($0) }).sorted() {
                guard (0...dims.count).contains(a) else { throw ONNXImportError(expected: "axes within the output rank \(rank)", found: "\(axes)") }
                dims.insert(1, at: a)
            }
            return [try reshaped(x, to: dims)]
        case ("Squeeze", false):
            let x = try input(0)
            let given = try state.ints("axes") ?? (state.current.inputs.count > 1 && !state.current.inputs[1].isEmpty ? integers(try input(1), "axes") : nil)
            let axes = Set((given ?? x.dims.indices.filter { x.dims[$0] == 1 }.map(Int64.init)).map { $0 < 0 ? Int($0) + x.dims.count : Int($0) })
            guard axes.allSatisfy({ x.dims.indices.contains($0) && x.dims[$0] == 1 }) else {
                throw ONNXImportError(expected: "axes of size 1", found: "axes \(given ?? []) of dims \(x.dims)")
            }
            return [try reshaped(x, to: x.dims.indices.filter { !axes.contains($0) }.map { x.dims[$0] })]
        case ("Transpose", false):
            let x = try input(0)
            let perm = (try state.ints("perm")?.map { Int($0) }) ?? Array(x.dims.indices.reversed())
            return [try transpose(x, perm)]
        case ("Concat", false):
            let parts = try state.current.inputs.indices.map { try input($0) }
            return [try concat(parts, axis: Int(try state.int("axis", default: 0)))]
        case ("Gather", false): return [try gather(try input(0), indices: try input(1), axis: Int(try state.int("axis", default: 0)))]
        case ("Slice", false):
            let x = try input(0)
            let starts = try integers(try input(1), "starts"), ends = try integers(try input(2), "ends")
            let axes = try state.optionalConstant(3, "axes").map { try integers($0, "axes") }
            let steps = try state.optionalConstant(4, "steps").map { try integers($0, "steps") }
            return [try slice(x, starts: starts, ends: ends, axes: axes, steps: steps)]
        case ("ConstantOfShape", false):
            let dims = try integers(try input(0), "shape")
            let shape = try ONNXConstant.checkedDims(dims, what: "the ConstantOfShape output")
            let count = shape.reduce(1, *)
            guard count <= state.foldLimit else {
                throw ONNXImportError(expected: "a constant of at most \(state.foldLimit) values (the file's size in bytes)", found: "dims \(dims)")
            }
            var fill = ONNXConstant(dims: [1], values: .floats([0]), elementType: ONNXDataType.float, source: "")
            if case .tensor(let t)? = state.attribute("value") { fill = try ONNXConstant(tensor: t) }
            guard fill.count == 1 else { throw ONNXImportError(expected: "a one-value fill", found: "\(fill.count) values") }
            return [gathered(fill, dims: shape) { _ in 0 }]
        case ("Shape", false):
            let dims = try input(0).dims.map(Int64.init)
            return [ONNXConstant(dims: [dims.count], values: .integers(dims), elementType: ONNXDataType.int64, source: "")]
        case ("Add", false): return [try binary(try input(0), try input(1), { $0 + $1 }, { $0 &+ $1 }, keepBits: false)]
        case ("Sub", false): return [try binary(try input(0), try input(1), { $0 - $1 }, { $0 &- $1 }, keepBits: false)]
        case ("Mul", false): return [try binary(try input(0), try input(1), { $0 * $1 }, { $0 &* $1 }, keepBits: true)]
        case ("Div", false):
            return [try binary(try input(0), try input(1), { $0 / $1 }, { a, b in
                guard b != 0, !(a == .min && b == -1) else { throw ONNXImportError(expected: "a non-zero integer divisor", found: "\(a) / \(b)") }
                return a / b
            }, keepBits: true)]
        case ("DequantizeLinear", false): return [try dequantize(state)]
        case ("Quant", true), ("IntQuant", true): return [try quant(state)]
        case ("BipolarQuant", true):
            let x = try input(0), scale = try input(1)
            var signs = x
            if let v = x.floats { signs.values = .floats(v.map { $0 >= 0 ? 1 : -1 }) }
            signs.elementType = ONNXDataType.float
            var y = try binary(signs, scale, { $0 * $1 }, { $0 &* $1 }, keepBits: false)
            y.integerBits = 1
            return [y]
        default:
            throw ONNXImportError(expected: "an op pimsim evaluates on constants (\(supportedOps)) or one on tensors (\(ImportState.supportedOps))",
                                  found: "op \(node.opType) with constant inputs")
        }
    }

    static func integers(_ c: ONNXConstant, _ what: String) throws -> [Int64] {
        guard let v = c.integers else { throw ONNXImportError(expected: "the values of \(what)", found: "graph input \"\(c.source)\", which has a shape but no data") }
        return v
    }

    static func constantNode(_ state: ImportState) throws -> ONNXConstant {
        let source = state.current.outputs.first ?? ""
        switch state.current.attributes.first(where: { $0.key.hasPrefix("value") }) {
        case (_, .tensor(let t))?:
            var c = try ONNXConstant(tensor: t)
            if c.source.isEmpty { c.source = source }
            return c
        case ("value_float", .float(let v))?: return ONNXConstant(dims: [], values: .floats([v]), elementType: ONNXDataType.float, source: source)
        case ("value_floats", .floats(let v))?: return ONNXConstant(dims: [v.count], values: .floats(v), elementType: ONNXDataType.float, source: source)
        case ("value_int", .int(let v))?: return ONNXConstant(dims: [], values: .integers([v]), elementType: ONNXDataType.int64, source: source)
        case ("value_ints", .ints(let v))?: return ONNXConstant(dims: [v.count], values: .integers(v), elementType: ONNXDataType.int64, source: source)
        default: throw ONNXImportError(expected: "a Constant with value, value_float(s) or value_int(s)", found: state.current.attributes.keys.sorted().joined(separator: ", "))
        }
    }

    // MARK: shapes

    /// A Reshape target with 0 (copy the input's dimension unless `allowZero`) and -1 (infer) resolved.
    static func resolveReshape(_ target: [Int64], input: [Int], allowZero: Bool) throws -> [Int] {
        let total = input.reduce(1, *)
        var dims = try target.enumerated().map { i, d -> Int in
            if d == 0 && !allowZero {
                guard i < input.count else { throw ONNXImportError(expected: "0 only where the input has a dimension", found: "\(target)") }
                return input[i]
            }
            guard d >= -1, d <= Int64(ONNXConstant.maximumCount) else { throw ONNXImportError(expected: "a reshape target of sizes >= -1", found: "\(target)") }
            return Int(d)
        }
        let unknown = dims.indices.filter { dims[$0] == -1 }
        guard unknown.count <= 1 else { throw ONNXImportError(expected: "at most one -1 in a reshape target", found: "\(target)") }
        if let k = unknown.first {
            let known = try checkedProduct(dims.enumerated().filter { $0.offset != k }.map(\.element))
            guard known > 0, total % known == 0 else { throw ONNXImportError(expected: "a reshape target for \(total) values", found: "\(target)") }
            dims[k] = total / known
        }
        return dims
    }

    static func checkedProduct(_ dims: [Int]) throws -> Int {
        try ONNXConstant.checkedDims(dims.map(Int64.init), what: "a constant").reduce(1, *)
    }

    static func reshaped(_ x: ONNXConstant, to dims: [Int]) throws -> ONNXConstant {
        guard try checkedProduct(dims) == x.count else { throw ONNXImportError(expected: "a shape with \(x.count) values (from \(x.dims))", found: "\(dims)") }
        var y = x
        y.dims = dims
        return y
    }

    /// Row-major strides of `dims`.
    static func strides(_ dims: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: dims.count)
        for i in stride(from: dims.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * dims[i + 1] }
        return s
    }

    /// `y[i] = x[source(i)]` for every output index; `dims` are the output's.
    static func gathered(_ x: ONNXConstant, dims: [Int], _ source: (Int) -> Int) -> ONNXConstant {
        var y = x
        y.dims = dims
        let n = dims.reduce(1, *)
        switch x.values {
        case .floats(let v): y.values = .floats((0..<n).map { v[source($0)] })
        case .integers(let v): y.values = .integers((0..<n).map { v[source($0)] })
        case .shapeOnly: break
        }
        return y
    }

    static func transpose(_ x: ONNXConstant, _ perm: [Int]) throws -> ONNXConstant {
        guard perm.sorted() == Array(x.dims.indices) else { throw ONNXImportError(expected: "a permutation of 0..<\(x.dims.count)", found: "\(perm)") }
        let dims = perm.map { x.dims[$0] }, inStrides = strides(x.dims), outStrides = strides(dims)
        return gathered(x, dims: dims) { i in
            var rest = i, source = 0
            for (k, p) in perm.enumerated() {
                source += (rest / outStrides[k]) * inStrides[p]
                rest %= outStrides[k]
            }
            return source
        }
    }

    static func concat(_ parts: [ONNXConstant], axis given: Int) throws -> ONNXConstant {
        guard let first = parts.first else { throw ONNXImportError(expected: "at least one input", found: "none") }
        let rank = first.dims.count
        let axis = given < 0 ? given + rank : given
        guard (0..<rank).contains(axis) else { throw ONNXImportError(expected: "axis within the rank \(rank)", found: "\(given)") }
        for p in parts {
            guard p.dims.count == rank, p.dims.indices.allSatisfy({ $0 == axis || p.dims[$0] == first.dims[$0] }) else {
                throw ONNXImportError(expected: "inputs that differ only along axis \(axis)", found: "dims \(first.dims) and \(p.dims)")
            }
        }
        var dims = first.dims
        dims[axis] = try checkedProduct([parts.reduce(0) { $0 + $1.dims[axis] }])
        var y = first
        y.dims = dims
        let outer = dims[..<axis].reduce(1, *)
        if parts.contains(where: \.isShapeOnly) {
            y.values = .shapeOnly
        } else if parts.allSatisfy({ if case .integers = $0.values { return true }; return false }) {
            var out: [Int64] = []
            for o in 0..<outer { for p in parts { let block = p.count / max(outer, 1); out += p.integers![(o * block)..<((o + 1) * block)] } }
            y.values = .integers(out)
        } else {
            var out: [Float] = []
            for o in 0..<outer { for p in parts { let block = p.count / max(outer, 1); out += p.floats![(o * block)..<((o + 1) * block)] } }
            y.values = .floats(out)
        }
        return y
    }

    static func gather(_ x: ONNXConstant, indices: ONNXConstant, axis given: Int) throws -> ONNXConstant {
        let rank = x.dims.count
        let axis = given < 0 ? given + rank : given
        guard (0..<rank).contains(axis) else { throw ONNXImportError(expected: "axis within the rank \(rank)", found: "\(given)") }
        let size = x.dims[axis]
        let picks = try integers(indices, "indices").map { i -> Int in
            let k = i < 0 ? i + Int64(size) : i
            guard k >= 0, k < Int64(size) else { throw ONNXImportError(expected: "indices from \(-size) to \(size - 1)", found: "\(i)") }
            return Int(k)
        }
        let inner = x.dims[(axis + 1)...].reduce(1, *)
        let dims = Array(x.dims[..<axis]) + indices.dims + Array(x.dims[(axis + 1)...])
        _ = try checkedProduct(dims)
        return gathered(x, dims: dims) { i in
            let o = i / (picks.count * inner), rest = i % (picks.count * inner)
            return (o * size + picks[rest / inner]) * inner + rest % inner
        }
    }

    static func slice(_ x: ONNXConstant, starts: [Int64], ends: [Int64], axes: [Int64]?, steps: [Int64]?) throws -> ONNXConstant {
        let rank = x.dims.count
        let axes = axes ?? starts.indices.map(Int64.init), steps = steps ?? [Int64](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw ONNXImportError(expected: "starts, ends, axes and steps of the same length", found: "\(starts.count), \(ends.count), \(axes.count), \(steps.count)")
        }
        var picks = x.dims.map { Array(0..<$0) }
        for k in starts.indices {
            let axis = Int(axes[k] < 0 ? axes[k] + Int64(rank) : axes[k])
            guard (0..<rank).contains(axis), steps[k] != 0 else { throw ONNXImportError(expected: "axes within the rank and non-zero steps", found: "axis \(axes[k]), step \(steps[k])") }
            let n = Int64(x.dims[axis]), step = steps[k]
            func clamp(_ v: Int64, _ low: Int64, _ high: Int64) -> Int64 { min(max(v < 0 ? v + n : v, low), high) }
            let (start, end) = step > 0 ? (clamp(starts[k], 0, n), clamp(ends[k], 0, n)) : (clamp(starts[k], 0, n - 1), clamp(ends[k], -1, n - 1))
            picks[axis] = Array(stride(from: start, to: end, by: Int(step)).map(Int.init))
        }
        let dims = picks.map(\.count), inStrides = strides(x.dims), outStrides = strides(dims)
        return gathered(x, dims: dims) { i in
            var rest = i, source = 0
            for a in 0..<rank {
                source += picks[a][rest / outStrides[a]] * inStrides[a]
                rest %= outStrides[a]
            }
            return source
        }
    }

    // MARK: arithmetic

    static func cast(_ x: ONNXConstant, to type: Int32) throws -> ONNXConstant {
        var y = x
        y.elementType = type
        switch type {
        case ONNXDataType.float, ONNXDataType.double:
            if let v = x.floats { y.values = .floats(v) }
        case ONNXDataType.int8, ONNXDataType.uint8, ONNXDataType.int16, ONNXDataType.uint16, ONNXDataType.int32, ONNXDataType.uint32,
             ONNXDataType.int64, ONNXDataType.uint64, ONNXDataType.bool:
            let bits = ONNXDataType.byteWidth(type)! * 8
            let unsigned = type == ONNXDataType.uint8 || type == ONNXDataType.uint16 || type == ONNXDataType.uint32 || type == ONNXDataType.uint64
            if let v = x.integers {
                y.values = .integers(v.map { value in
                    if type == ONNXDataType.bool { return value != 0 ? 1 : 0 }
                    guard bits < 64 else { return value }
                    let mask = Int64(1) << bits - 1, wrapped = value & mask
                    return unsigned || wrapped < Int64(1) << (bits - 1) ? wrapped : wrapped - (Int64(1) << bits)
                })
            }
            if x.integerBits == nil || bits < x.integerBits! { (y.integerBits, y.isUnsigned) = (bits, unsigned) }
        default:
            throw ONNXImportError(expected: "Cast to float, double, an integer type or bool", found: "to \(ONNXDataType.name(type))")
        }
        return y
    }

    /// Output dims of NumPy broadcasting; the result may not be larger than the larger input.
    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        let dims = try zip(pa, pb).map { x, y -> Int in
            guard x == y || x == 1 || y == 1 else { throw ONNXImportError(expected: "shapes that broadcast", found: "\(a) and \(b)") }
            return x == 1 ? y : x
        }
        guard dims.reduce(1, *) <= max(a.reduce(1, *), b.reduce(1, *)) else {
            throw ONNXImportError(expected: "a broadcast no larger than its larger input", found: "\(a) and \(b)")
        }
        return dims
    }

    /// The index into an input of dims `d` (right-aligned to `out`) for each output index.
    static func sourceIndex(_ d: [Int], out: [Int]) -> (Int) -> Int {
        let padded = [Int](repeating: 1, count: out.count - d.count) + d
        let inStrides = strides(padded), outStrides = strides(out)
        return { i in
            var rest = i, source = 0
            for k in out.indices {
                let coordinate = rest / outStrides[k]
                rest %= outStrides[k]
                if padded[k] != 1 { source += coordinate * inStrides[k] }
            }
            return source
        }
    }

    static func binary(_ a: ONNXConstant, _ b: ONNXConstant, _ floatOp: (Float, Float) -> Float, _ intOp: (Int64, Int64) throws -> Int64,
                       keepBits: Bool) throws -> ONNXConstant {
        let dims = try broadcast(a.dims, b.dims)
        var y = a
        y.dims = dims
        y.source = a.source.isEmpty ? b.source : a.source
        y.integerBits = keepBits ? (a.integerBits ?? b.integerBits) : nil
        y.isUnsigned = keepBits && (a.integerBits != nil ? a.isUnsigned : b.isUnsigned)
        let n = dims.reduce(1, *)
        let ia = sourceIndex(a.dims, out: dims), ib = sourceIndex(b.dims, out: dims)
        switch (a.values, b.values) {
        case (.shapeOnly, _), (_, .shapeOnly): y.values = .shapeOnly
        case (.integers(let u), .integers(let v)): y.values = .integers(try (0..<n).map { try intOp(u[ia($0)], v[ib($0)]) })
        default:
            let u = a.floats!, v = b.floats!
            y.values = .floats((0..<n).map { floatOp(u[ia($0)], v[ib($0)]) })
            if !ONNXDataType.isFloatingPoint(y.elementType) { y.elementType = ONNXDataType.float }
        }
        return y
    }

    /// DequantizeLinear: y = (x - zero_point) x scale, per tensor or along `axis`.
    static func dequantize(_ state: ImportState) throws -> ONNXConstant {
        let x = try state.constant(0, "x")
        var scale = try state.constant(1, "x_scale")
        var zero = try state.optionalConstant(2, "x_zero_point")
        guard try state.int("block_size", default: 0) == 0 else { throw ONNXImportError(expected: "per-tensor or per-axis dequantization", found: "block_size") }
        if scale.count > 1 || scale.dims.count == 1 {
            var axis = Int(try state.int("axis", default: 1))
            if axis < 0 { axis += x.dims.count }
            guard x.dims.indices.contains(axis), scale.count == x.dims[axis] else {
                throw ONNXImportError(expected: "one scale per element of axis \(axis) of \(x.dims)", found: "\(scale.count)")
            }
            let shape = x.dims.indices.map { $0 == axis ? x.dims[axis] : 1 }
            scale = try reshaped(scale, to: shape)
            if let z = zero { zero = try reshaped(z, to: shape) }
        }
        var shifted = x
        if let zero { shifted = try binary(x, zero, { $0 - $1 }, { $0 &- $1 }, keepBits: false) }
        shifted.integerBits = x.integerBits
        shifted.isUnsigned = x.isUnsigned
        var y = try binary(try cast(shifted, to: ONNXDataType.float), scale, { $0 * $1 }, { $0 &* $1 }, keepBits: true)
        y.integerBits = x.integerBits
        y.isUnsigned = x.isUnsigned
        return y
    }

    /// QONNX Quant on a constant: y = s (round(clamp(x / s + z, min, max)) - z) (qonnx
    /// custom_op/general/quant.py); 1-bit signed: s (+1 if x / s + z >= 0, else -1).
    static func quant(_ state: ImportState) throws -> ONNXConstant {
        let x = try state.constant(0, "x"), scale = try state.constant(1, "scale"), zero = try state.constant(2, "zero point")
        guard let b = try state.scalar(3, "bit width"), b >= 1, b <= 32, b == b.rounded() else {
            throw ONNXImportError(expected: "an integer bit width from 1 to 32", found: "\(try state.scalar(3, "bit width").map { "\($0)" } ?? "none")")
        }
        let bits = Int(b)
        let signed = try state.int("signed", default: 1) != 0, narrow = try state.int("narrow", default: 0) != 0
        let rounding: FloatingPointRoundingRule
        switch try state.string("rounding_mode", default: "ROUND").uppercased() {
        case "ROUND": rounding = .toNearestOrEven
        case "CEIL": rounding = .up
        case "FLOOR": rounding = .down
        case let other: throw ONNXImportError(expected: "rounding_mode ROUND, CEIL or FLOOR", found: other)
        }
        let low: Float = signed ? (narrow ? -Float(1 << (bits - 1)) + 1 : -Float(1 << (bits - 1))) : 0
        let high: Float = signed ? Float(1 << (bits - 1)) - 1 : (narrow ? Float(1 << bits) - 2 : Float(1 << bits) - 1)
        let unscaled = try binary(try binary(x, scale, { $0 / $1 }, { $0 &* $1 }, keepBits: false), zero, { $0 + $1 }, { $0 &+ $1 }, keepBits: false)
        var q = unscaled
        if let v = unscaled.floats {
            q.values = .floats(v.map { bits == 1 && signed ? ($0 >= 0 ? 1 : -1) : min(max($0, low), high).rounded(rounding) })
        }
        var y = try binary(try binary(q, zero, { $0 - $1 }, { $0 &- $1 }, keepBits: false), scale, { $0 * $1 }, { $0 &* $1 }, keepBits: false)
        y.elementType = ONNXDataType.float
        y.source = x.source
        (y.integerBits, y.isUnsigned) = (bits, !signed)
        return y
    }
}
