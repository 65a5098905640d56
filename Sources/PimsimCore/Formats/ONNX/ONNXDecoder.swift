/// Decodes the protobuf messages of an ONNX file (onnx/onnx.proto) into `ONNXModel`, reading
/// only the fields the importer uses and skipping the rest. Field numbers are onnx.proto's.
/// Errors name the message path (`graph.node[3].attribute[0]`) and the byte offset.
enum ONNXDecoder {
    static func decode(_ bytes: [UInt8]) throws -> ONNXModel {
        var model = ONNXModel()
        var graphs = 0
        try forEachField(bytes, 0..<bytes.count, path: "model") { field in
            switch field.number {
            case 1: model.irVersion = try field.integer("model.ir_version")
            case 2: model.producerName = try string(bytes, field, "model.producer_name")
            case 3: model.producerVersion = try string(bytes, field, "model.producer_version")
            case 7:
                graphs += 1
                guard graphs == 1 else { throw ONNXFormatError(offset: field.offset, path: "model.graph", expected: "one graph", found: "a second graph field") }
                model.graph = try graph(bytes, try field.bytes("model.graph"), path: "graph")
            case 8:
                var domain = "", version: Int64 = 0
                let path = "model.opset_import[\(model.opsets.count)]"
                try forEachField(bytes, try field.bytes(path), path: path) { f in
                    if f.number == 1 { domain = try string(bytes, f, path + ".domain") }
                    if f.number == 2 { version = try f.integer(path + ".version") }
                }
                model.opsets[domain] = version
            default: break
            }
        }
        guard graphs == 1 else { throw ONNXFormatError(offset: 0, path: "model", expected: "an ONNX model with a graph (field 7)", found: "no graph") }
        return model
    }

    /// Calls `body` for every field of the message in `range`; protobuf errors get `path`.
    static func forEachField(_ bytes: [UInt8], _ range: Range<Int>, path: String, _ body: (ProtobufReader.Field) throws -> Void) throws {
        var reader = ProtobufReader(bytes, range: range)
        while true {
            let field: ProtobufReader.Field?
            do {
                field = try reader.next()
            } catch let error as ProtobufError {
                throw ONNXFormatError(offset: error.offset, path: path, expected: error.expected, found: error.found)
            }
            guard let field else { return }
            try body(field)
        }
    }

    static func string(_ bytes: [UInt8], _ field: ProtobufReader.Field, _ path: String) throws -> String {
        let range = try field.bytes(path)
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw ONNXFormatError(offset: field.offset, path: path, expected: "UTF-8 text", found: "invalid UTF-8 bytes")
        }
        return text
    }

    static func graph(_ bytes: [UInt8], _ range: Range<Int>, path: String) throws -> ONNXGraph {
        var graph = ONNXGraph()
        try forEachField(bytes, range, path: path) { field in
            switch field.number {
            case 1:
                var n = try node(bytes, try field.bytes(path), path: "\(path).node[\(graph.nodes.count)]")
                n.index = graph.nodes.count
                graph.nodes.append(n)
            case 2: graph.name = try string(bytes, field, "\(path).name")
            case 5: graph.initializers.append(try tensor(bytes, try field.bytes(path), path: "\(path).initializer[\(graph.initializers.count)]", offset: field.offset))
            case 11: graph.inputs.append(try valueInfo(bytes, try field.bytes(path), path: "\(path).input[\(graph.inputs.count)]"))
            case 12: graph.outputs.append(try valueInfo(bytes, try field.bytes(path), path: "\(path).output[\(graph.outputs.count)]"))
            case 15:
                throw ONNXFormatError(offset: field.offset, path: "\(path).sparse_initializer", expected: "dense initializers", found: "a sparse initializer (not supported)")
            default: break
            }
        }
        return graph
    }

    static func node(_ bytes: [UInt8], _ range: Range<Int>, path: String) throws -> ONNXNode {
        var node = ONNXNode()
        var attributeCount = 0
        try forEachField(bytes, range, path: path) { field in
            switch field.number {
            case 1: node.inputs.append(try string(bytes, field, "\(path).input"))
            case 2: node.outputs.append(try string(bytes, field, "\(path).output"))
            case 3: node.name = try string(bytes, field, "\(path).name")
            case 4: node.opType = try string(bytes, field, "\(path).op_type")
            case 7: node.domain = try string(bytes, field, "\(path).domain")
            case 5:
                let attributePath = "\(path).attribute[\(attributeCount)]"
                attributeCount += 1
                let (name, value) = try attribute(bytes, try field.bytes(attributePath), path: attributePath)
                node.attributes[name] = value
            default: break
            }
        }
        return node
    }

    static func attribute(_ bytes: [UInt8], _ range: Range<Int>, path: String) throws -> (String, ONNXAttribute) {
        var name = ""
        var type: Int64?
        var f: Float?, i: Int64?, s: String?, t: ONNXTensor?
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = []
        var other: String?
        try forEachField(bytes, range, path: path) { field in
            switch field.number {
            case 1: name = try string(bytes, field, "\(path).name")
            case 20: type = try field.integer("\(path).type")
            case 2: f = try field.float("\(path).f")
            case 3: i = try field.integer("\(path).i")
            case 4: s = String(decoding: bytes[try field.bytes("\(path).s")], as: UTF8.self)
            case 5: t = try tensor(bytes, try field.bytes("\(path).t"), path: "\(path).t", offset: field.offset)
            case 6, 11: other = "a graph"
            case 7: try appendFloats(bytes, field, to: &floats, path: "\(path).floats")
            case 8: try appendVarints(bytes, field, to: &ints, path: "\(path).ints")
            case 9: strings.append(String(decoding: bytes[try field.bytes("\(path).strings")], as: UTF8.self))
            case 10: other = "tensors"
            case 13, 14: other = "a type"
            case 22, 23: other = "a sparse tensor"
            default: break
            }
        }
        // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8; files
        // older than IR 3 may omit the type, so fall back to whichever value is present.
        switch type {
        case 1?: return (name, .float(f ?? 0))
        case 2?: return (name, .int(i ?? 0))
        case 3?: return (name, .string(s ?? ""))
        case 4?: if let t { return (name, .tensor(t)) }
        case 6?: return (name, .floats(floats))
        case 7?: return (name, .ints(ints))
        case 8?: return (name, .strings(strings))
        case nil:
            if let f { return (name, .float(f)) }
            if let i { return (name, .int(i)) }
            if let s { return (name, .string(s)) }
            if let t { return (name, .tensor(t)) }
            if !floats.isEmpty { return (name, .floats(floats)) }
            if !ints.isEmpty { return (name, .ints(ints)) }
            if !strings.isEmpty { return (name, .strings(strings)) }
        default: break
        }
        return (name, .other(other ?? "attribute type \(type.map(String.init) ?? "none")"))
    }

    static func tensor(_ bytes: [UInt8], _ range: Range<Int>, path: String, offset: Int) throws -> ONNXTensor {
        var tensor = ONNXTensor()
        tensor.offset = offset
        var floats: [Float] = [], int32s: [Int64] = [], int64s: [Int64] = [], doubles: [Double] = [], uint64s: [Int64] = []
        var raw: ArraySlice<UInt8>?
        var hasStrings = false
        try forEachField(bytes, range, path: path) { field in
            switch field.number {
            case 1: try appendVarints(bytes, field, to: &tensor.dims, path: "\(path).dims")
            case 2: tensor.dataType = Int32(truncatingIfNeeded: try field.integer("\(path).data_type"))
            case 3: throw ONNXFormatError(offset: field.offset, path: "\(path).segment", expected: "a whole tensor", found: "a segment (not supported)")
            case 4: try appendFloats(bytes, field, to: &floats, path: "\(path).float_data")
            case 5: try appendVarints(bytes, field, to: &int32s, path: "\(path).int32_data")
            case 6: hasStrings = true
            case 7: try appendVarints(bytes, field, to: &int64s, path: "\(path).int64_data")
            case 8: tensor.name = try string(bytes, field, "\(path).name")
            case 9: raw = bytes[try field.bytes("\(path).raw_data")]
            case 10: try appendDoubles(bytes, field, to: &doubles, path: "\(path).double_data")
            case 11: try appendVarints(bytes, field, to: &uint64s, path: "\(path).uint64_data")
            case 13: tensor.isExternal = true
            case 14: if try field.integer("\(path).data_location") == 1 { tensor.isExternal = true }
            default: break
            }
        }
        var stores: [ONNXTensor.Storage] = []
        if let raw { stores.append(.raw(raw)) }
        if !floats.isEmpty { stores.append(.floats(floats)) }
        if !int32s.isEmpty { stores.append(.int32s(int32s)) }
        if !int64s.isEmpty { stores.append(.int64s(int64s)) }
        if !doubles.isEmpty { stores.append(.doubles(doubles)) }
        if !uint64s.isEmpty { stores.append(.uint64s(uint64s.map { UInt64(bitPattern: $0) })) }
        if hasStrings { stores.append(.strings) }
        guard stores.count <= 1 else {
            throw ONNXFormatError(offset: offset, path: path, expected: "tensor data in one field (raw_data or one typed field)", found: "\(stores.count) data fields")
        }
        tensor.storage = stores.first ?? .none
        return tensor
    }

    static func valueInfo(_ bytes: [UInt8], _ range: Range<Int>, path: String) throws -> ONNXValueInfo {
        var info = ONNXValueInfo()
        try forEachField(bytes, range, path: path) { field in
            switch field.number {
            case 1: info.name = try string(bytes, field, "\(path).name")
            case 2:
                try forEachField(bytes, try field.bytes("\(path).type"), path: "\(path).type") { type in
                    guard type.number == 1 else { return }  // tensor_type; other kinds leave elementType nil
                    try forEachField(bytes, try type.bytes("\(path).type.tensor_type"), path: "\(path).type.tensor_type") { t in
                        if t.number == 1 { info.elementType = Int32(truncatingIfNeeded: try t.integer("\(path).type.tensor_type.elem_type")) }
                        if t.number == 2 {
                            var dims: [ONNXValueInfo.Dimension] = []
                            let shapePath = "\(path).type.tensor_type.shape"
                            try forEachField(bytes, try t.bytes(shapePath), path: shapePath) { d in
                                guard d.number == 1 else { return }
                                var dim = ONNXValueInfo.Dimension.unknown
                                let dimPath = "\(shapePath).dim[\(dims.count)]"
                                try forEachField(bytes, try d.bytes(dimPath), path: dimPath) { v in
                                    if v.number == 1 { dim = .fixed(try v.integer("\(dimPath).dim_value")) }
                                    if v.number == 2 { dim = .symbolic(try string(bytes, v, "\(dimPath).dim_param")) }
                                }
                                dims.append(dim)
                            }
                            info.dims = dims
                        }
                    }
                }
            default: break
            }
        }
        return info
    }

    // MARK: repeated numbers (packed or one per field)

    static func appendVarints(_ bytes: [UInt8], _ field: ProtobufReader.Field, to values: inout [Int64], path: String) throws {
        switch field.value {
        case .varint(let v): values.append(Int64(bitPattern: v))
        case .bytes(let range):
            var reader = ProtobufReader(bytes, range: range)
            while !reader.isAtEnd {
                do {
                    values.append(Int64(bitPattern: try reader.readVarint()))
                } catch let error as ProtobufError {
                    throw ONNXFormatError(offset: error.offset, path: path, expected: error.expected, found: error.found)
                }
            }
        default: throw field.wireError(path, expected: "varints")
        }
    }

    static func appendFloats(_ bytes: [UInt8], _ field: ProtobufReader.Field, to values: inout [Float], path: String) throws {
        try appendFixed(bytes, field, to: &values, width: 4, path: path, what: "floats") { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    static func appendDoubles(_ bytes: [UInt8], _ field: ProtobufReader.Field, to values: inout [Double], path: String) throws {
        try appendFixed(bytes, field, to: &values, width: 8, path: path, what: "doubles") { Double(bitPattern: $0) }
    }

    /// Repeated fixed-width numbers (4 or 8 bytes), packed or one per field.
    static func appendFixed<T>(_ bytes: [UInt8], _ field: ProtobufReader.Field, to values: inout [T], width: Int, path: String, what: String,
                               _ decode: (UInt64) -> T) throws {
        switch field.value {
        case .fixed32(let v) where width == 4: values.append(decode(UInt64(v)))
        case .fixed64(let v) where width == 8: values.append(decode(v))
        case .bytes(let range):
            guard range.count % width == 0 else {
                throw ONNXFormatError(offset: field.offset, path: path, expected: "packed \(width)-byte \(what)", found: "\(range.count) bytes, not a multiple of \(width)")
            }
            values.reserveCapacity(values.count + range.count / width)
            for i in stride(from: range.lowerBound, to: range.upperBound, by: width) {
                let low = UInt64(littleEndian32(bytes, i))
                values.append(decode(width == 4 ? low : low | UInt64(littleEndian32(bytes, i + 4)) << 32))
            }
        default: throw field.wireError(path, expected: "\(width * 8)-bit \(what)")
        }
    }

    @inline(__always) static func littleEndian32<C: RandomAccessCollection>(_ bytes: C, _ i: C.Index) -> UInt32 where C.Element == UInt8 {
        let b0 = UInt32(bytes[i]), b1 = UInt32(bytes[bytes.index(i, offsetBy: 1)])
        let b2 = UInt32(bytes[bytes.index(i, offsetBy: 2)]), b3 = UInt32(bytes[bytes.index(i, offsetBy: 3)])
        return b0 | b1 << 8 | b2 << 16 | b3 << 24
    }
}
