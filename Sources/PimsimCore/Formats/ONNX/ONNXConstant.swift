/// A tensor whose values are known when the model is read: an initializer, a Constant node's
/// value, or the result of an operation on such tensors (constant folding). A weight that is a
/// graph input without data (`torch.onnx.export(..., export_params=False)`) is known by its shape
/// only.
struct ONNXConstant {
    enum Values {
        case floats([Float])
        case integers([Int64])
        /// Shape only: a graph input that is used as a weight.
        case shapeOnly
    }

    var dims: [Int]
    var values: Values
    /// The ONNX element type (TensorProto.DataType).
    var elementType: Int32
    /// The initializer or graph input the values came from (names layers; "" if none).
    var source: String
    /// Bit width of the integers the values are a scaled copy of (an int8 initializer, a QONNX
    /// Quant's bitwidth), kept through casts and scaling: a weight that is not ternary or binary
    /// keeps this precision.
    var integerBits: Int?
    /// Whether the integers are unsigned (uint8, an unsigned Quant).
    var isUnsigned = false

    var count: Int { dims.reduce(1, *) }
    var isShapeOnly: Bool { if case .shapeOnly = values { return true }; return false }

    /// The values as floats (integers converted); nil when shape-only.
    var floats: [Float]? {
        switch values {
        case .floats(let v): return v
        case .integers(let v): return v.map { Float($0) }
        case .shapeOnly: return nil
        }
    }

    /// The values as integers (floats truncated toward zero as ONNX Cast does, saturating at the
    /// int64 range, NaN as 0); nil when shape-only.
    var integers: [Int64]? {
        switch values {
        case .floats(let v): return v.map { $0.isNaN ? 0 : Int64(max(min($0, 9.2e18), -9.2e18)) }
        case .integers(let v): return v
        case .shapeOnly: return nil
        }
    }
}

/// Reading an initializer's data into an `ONNXConstant`.
extension ONNXConstant {
    /// The largest element count of a tensor the importer will hold (2^31 - 1): above every
    /// network in the zoo (AlexNet's largest layer has 37.7 million weights) by far, and small
    /// enough that products of counts and sizes cannot overflow.
    static let maximumCount = Int(Int32.max)

    /// Validated dims: each >= 0, product within `maximumCount`.
    static func checkedDims(_ dims: [Int64], what: String) throws -> [Int] {
        var product = 1
        for d in dims {
            guard d >= 0, d <= Int64(maximumCount) else {
                throw ONNXImportError(expected: "dimensions from 0 to \(maximumCount) in \(what)", found: "\(d)")
            }
            let (p, overflow) = product.multipliedReportingOverflow(by: Int(d))
            guard !overflow, p <= maximumCount else {
                throw ONNXImportError(expected: "at most \(maximumCount) elements in \(what)", found: "dims \(dims)")
            }
            product = p
        }
        return dims.map { Int($0) }
    }

    init(tensor t: ONNXTensor) throws {
        let what = "tensor \"\(t.name)\""
        guard !t.isExternal else {
            throw ONNXImportError(expected: "\(what) stored inside the .onnx file (external data files are not read; save with onnx.save(model, path, save_as_external_data=False))", found: "external data")
        }
        let shape = try Self.checkedDims(t.dims, what: what)
        dims = shape
        elementType = t.dataType
        source = t.name
        let n = shape.reduce(1, *)
        let type = t.dataType
        func wrongCount(_ found: Int) -> ONNXImportError {
            ONNXImportError(expected: "\(n) values for dims \(shape) in \(what)", found: "\(found)")
        }
        switch t.storage {
        case .raw(let raw):
            guard let width = ONNXDataType.byteWidth(type) else { throw Self.unsupportedType(type, what) }
            guard raw.count == n * width else {
                throw ONNXImportError(expected: "\(n * width) bytes of raw_data (\(n) \(ONNXDataType.name(type)) values) in \(what)", found: "\(raw.count) bytes")
            }
            values = Self.decodeRaw(raw, type: type, count: n)
        case .floats(let v):
            guard type == ONNXDataType.float else { throw Self.fieldMismatch("float_data", type, what) }
            guard v.count == n else { throw wrongCount(v.count) }
            values = .floats(v)
        case .doubles(let v):
            guard type == ONNXDataType.double else { throw Self.fieldMismatch("double_data", type, what) }
            guard v.count == n else { throw wrongCount(v.count) }
            values = .floats(v.map { Float($0) })
        case .int32s(let v):
            guard v.count == n else { throw wrongCount(v.count) }
            switch type {
            case ONNXDataType.float16: values = .floats(v.map { Self.halfToFloat(UInt16(truncatingIfNeeded: $0)) })
            case ONNXDataType.int8: values = .integers(v.map { Int64(Int8(truncatingIfNeeded: $0)) })
            case ONNXDataType.uint8, ONNXDataType.bool: values = .integers(v.map { Int64(UInt8(truncatingIfNeeded: $0)) })
            case ONNXDataType.int16: values = .integers(v.map { Int64(Int16(truncatingIfNeeded: $0)) })
            case ONNXDataType.uint16: values = .integers(v.map { Int64(UInt16(truncatingIfNeeded: $0)) })
            case ONNXDataType.int32: values = .integers(v.map { Int64(Int32(truncatingIfNeeded: $0)) })
            default: throw Self.fieldMismatch("int32_data", type, what)
            }
        case .int64s(let v):
            guard type == ONNXDataType.int64 else { throw Self.fieldMismatch("int64_data", type, what) }
            guard v.count == n else { throw wrongCount(v.count) }
            values = .integers(v)
        case .uint64s(let v):
            guard type == ONNXDataType.uint32 || type == ONNXDataType.uint64 else { throw Self.fieldMismatch("uint64_data", type, what) }
            guard v.count == n else { throw wrongCount(v.count) }
            values = .integers(v.map { Int64(truncatingIfNeeded: $0) })
        case .strings: throw Self.unsupportedType(ONNXDataType.string, what)
        case .none:
            guard n == 0 else { throw ONNXImportError(expected: "data for the \(n) values of \(what)", found: "no data field") }
            values = ONNXDataType.isFloatingPoint(type) ? .floats([]) : .integers([])
        }
        switch type {
        case ONNXDataType.int8: integerBits = 8
        case ONNXDataType.uint8: (integerBits, isUnsigned) = (8, true)
        case ONNXDataType.int16: integerBits = 16
        case ONNXDataType.uint16: (integerBits, isUnsigned) = (16, true)
        case ONNXDataType.int32: integerBits = 32
        default: break
        }
    }

    static func unsupportedType(_ type: Int32, _ what: String) -> ONNXImportError {
        ONNXImportError(expected: "float, float16, double or integer values in \(what)", found: ONNXDataType.name(type))
    }

    static func fieldMismatch(_ field: String, _ type: Int32, _ what: String) -> ONNXImportError {
        ONNXImportError(expected: "the data field of element type \(ONNXDataType.name(type)) in \(what)", found: field)
    }

    static func decodeRaw(_ raw: ArraySlice<UInt8>, type: Int32, count: Int) -> Values {
        let base = raw.startIndex
        func u16(_ i: Int) -> UInt16 { UInt16(raw[base + 2 * i]) | UInt16(raw[base + 2 * i + 1]) << 8 }
        func u32(_ i: Int) -> UInt32 { ONNXDecoder.littleEndian32(raw, base + 4 * i) }
        func u64(_ i: Int) -> UInt64 { UInt64(ONNXDecoder.littleEndian32(raw, base + 8 * i)) | UInt64(ONNXDecoder.littleEndian32(raw, base + 8 * i + 4)) << 32 }
        switch type {
        case ONNXDataType.float: return .floats((0..<count).map { Float(bitPattern: u32($0)) })
        case ONNXDataType.float16: return .floats((0..<count).map { halfToFloat(u16($0)) })
        case ONNXDataType.double: return .floats((0..<count).map { Float(Double(bitPattern: u64($0))) })
        case ONNXDataType.int8: return .integers((0..<count).map { Int64(Int8(bitPattern: raw[base + $0])) })
        case ONNXDataType.uint8, ONNXDataType.bool: return .integers((0..<count).map { Int64(raw[base + $0]) })
        case ONNXDataType.int16: return .integers((0..<count).map { Int64(Int16(bitPattern: u16($0))) })
        case ONNXDataType.uint16: return .integers((0..<count).map { Int64(u16($0)) })
        case ONNXDataType.int32: return .integers((0..<count).map { Int64(Int32(bitPattern: u32($0))) })
        case ONNXDataType.uint32: return .integers((0..<count).map { Int64(u32($0)) })
        default: return .integers((0..<count).map { Int64(bitPattern: u64($0)) })  // int64, uint64
        }
    }

    /// IEEE-754 half precision to single (exact; written out because `Float16` is unavailable on
    /// some platforms Swift supports).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int(h >> 10) & 0x1f
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }  // inf, nan
        if exponent == 0 {
            // zero or subnormal: mantissa x 2^-24
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }
}

/// A problem with the model's content (not its encoding): the importer adds the node.
struct ONNXImportError: Error {
    var expected: String
    var found: String
}
