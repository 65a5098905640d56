import PimsimCore

/// Writes protobuf messages: the test-side counterpart of `ProtobufReader`, for building small
/// ONNX models by hand.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        let bits = value.bitPattern
        for k in 0..<4 { bytes.append(UInt8((bits >> (8 * UInt32(k))) & 0xff)) }
    }

    mutating func data(_ field: Int, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func string(_ field: Int, _ text: String) { data(field, Array(text.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        data(field, inner.bytes)
    }

    /// Little-endian bytes of float32 values (raw_data).
    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8((v.bitPattern >> (8 * UInt32($0))) & 0xff) } }
    }
}

/// A tensor for an initializer, a Constant node or a tensor attribute.
struct TensorSpec {
    var name: String
    var dims: [Int64]
    var type: Int32 = 1  // TensorProto.FLOAT
    var raw: [UInt8]?
    var floats: [Float]?
    var int32s: [Int64]?
    var int64s: [Int64]?
    var external = false

    /// float32 values, as raw_data (the PyTorch exporter's choice) or in float_data.
    static func float(_ name: String, _ dims: [Int], _ values: [Float], raw: Bool = true) -> TensorSpec {
        TensorSpec(name: name, dims: dims.map(Int64.init), raw: raw ? ProtoWriter.floatBytes(values) : nil, floats: raw ? nil : values)
    }

    static func int64(_ name: String, _ values: [Int64], dims: [Int]? = nil) -> TensorSpec {
        TensorSpec(name: name, dims: (dims ?? [values.count]).map(Int64.init), type: 7, int64s: values)  // INT64
    }

    func write(_ w: inout ProtoWriter) {
        for d in dims { w.int(1, d) }
        w.int(2, Int64(type))
        w.string(8, name)
        if let raw { w.data(9, raw) }
        if let floats { w.data(4, ProtoWriter.floatBytes(floats)) }
        if let int32s { var p = ProtoWriter(); for v in int32s { p.varint(UInt64(bitPattern: v)) }; w.data(5, p.bytes) }
        if let int64s { var p = ProtoWriter(); for v in int64s { p.varint(UInt64(bitPattern: v)) }; w.data(7, p.bytes) }
        if external {
            w.message(13) { e in e.string(1, "location"); e.string(2, "weights.bin") }
            w.int(14, 1)
        }
    }
}

enum AttributeSpec {
    case int(Int64), float(Float), string(String), ints([Int64]), floats([Float]), tensor(TensorSpec)

    func write(_ name: String, _ w: inout ProtoWriter) {
        w.string(1, name)
        switch self {
        case .float(let v): w.int(20, 1); w.float(2, v)
        case .int(let v): w.int(20, 2); w.int(3, v)
        case .string(let v): w.int(20, 3); w.string(4, v)
        case .tensor(let t): w.int(20, 4); w.message(5) { t.write(&$0) }
        case .floats(let v): w.int(20, 6); for x in v { w.float(7, x) }
        case .ints(let v): w.int(20, 7); var p = ProtoWriter(); for x in v { p.varint(UInt64(bitPattern: x)) }; w.data(8, p.bytes)
        }
    }
}

/// A small ONNX model: one network input, initializers, nodes, one output.
struct ONNXModelBuilder {
    static let qonnx = "qonnx.custom_op.general"

    enum Dim { case fixed(Int64), symbolic(String) }

    var opset: Int64 = 13
    var inputs: [(name: String, dims: [Dim])] = []
    var initializers: [TensorSpec] = []
    var nodes: [(op: String, inputs: [String], outputs: [String], name: String, domain: String, attributes: [(String, AttributeSpec)])] = []
    var output = ""

    /// A builder with input "x" of shape N x dims (N symbolic).
    init(input dims: [Int]) {
        inputs = [("x", [.symbolic("N")] + dims.map { .fixed(Int64($0)) })]
    }

    mutating func weight(_ name: String, _ dims: [Int], _ values: [Float]) { initializers.append(.float(name, dims, values)) }

    /// Adds a node named after its output; returns the output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [(String, AttributeSpec)] = [], domain: String = "") -> String {
        nodes.append((op, inputs, [output], "/\(output)/\(op)", domain, attributes))
        self.output = output
        return output
    }

    func encode() -> [UInt8] {
        var w = ProtoWriter()
        w.int(1, 8)
        w.string(2, "pimsim-tests")
        w.message(7) { g in
            for n in nodes {
                g.message(1) { m in
                    for i in n.inputs { m.string(1, i) }
                    for o in n.outputs { m.string(2, o) }
                    m.string(3, n.name)
                    m.string(4, n.op)
                    if !n.domain.isEmpty { m.string(7, n.domain) }
                    for (name, a) in n.attributes { m.message(5) { a.write(name, &$0) } }
                }
            }
            g.string(2, "test-graph")
            for t in initializers { g.message(5) { t.write(&$0) } }
            for input in inputs {
                g.message(11) { v in
                    v.string(1, input.name)
                    v.message(2) { type in
                        type.message(1) { tensor in
                            tensor.int(1, 1)
                            tensor.message(2) { shape in
                                for d in input.dims {
                                    shape.message(1) { dim in
                                        switch d {
                                        case .fixed(let n): dim.int(1, n)
                                        case .symbolic(let s): dim.string(2, s)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            g.message(12) { v in v.string(1, output) }
        }
        w.message(8) { o in o.string(1, ""); o.int(2, opset) }
        if nodes.contains(where: { $0.domain == Self.qonnx }) { w.message(8) { o in o.string(1, Self.qonnx); o.int(2, 1) } }
        return w.bytes
    }

    func imported() throws -> ONNXImport { try ONNXImporter.decode(encode(), name: "test", file: "test.onnx") }
}
