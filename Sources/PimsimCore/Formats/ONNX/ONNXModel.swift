/// The parts of an ONNX model (onnx/onnx.proto, IR version 3 and later) that the importer
/// reads. Decoded by `ONNXDecoder`; everything else in the file is skipped.
struct ONNXModel {
    var irVersion: Int64 = 0
    /// Operator set versions by domain ("" is the default ONNX domain).
    var opsets: [String: Int64] = [:]
    var producerName = ""
    var producerVersion = ""
    var graph = ONNXGraph()
}

struct ONNXGraph {
    var name = ""
    var nodes: [ONNXNode] = []
    var initializers: [ONNXTensor] = []
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []
}

struct ONNXNode {
    var name = ""
    var opType = ""
    var domain = ""
    /// Input value names; "" marks an omitted optional input.
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [String: ONNXAttribute] = [:]
    /// Position in the graph's node list.
    var index = 0
}

/// An attribute value (AttributeProto); graph-valued and other kinds the importer never needs
/// are kept only as their kind, so an error can name it.
enum ONNXAttribute {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(ONNXTensor)
    case floats([Float])
    case ints([Int64])
    case strings([String])
    case other(String)
}

/// A tensor (TensorProto): dims, element type and the data in whichever field the writer used.
struct ONNXTensor {
    var name = ""
    var dims: [Int64] = []
    var dataType: Int32 = 0
    var storage = Storage.none
    /// Stored in a separate file (data_location EXTERNAL or external_data entries).
    var isExternal = false
    /// Byte offset of the tensor in the file (for errors).
    var offset = 0

    enum Storage {
        case none
        case raw(ArraySlice<UInt8>)
        case floats([Float])
        case int32s([Int64])
        case int64s([Int64])
        case doubles([Double])
        case uint64s([UInt64])
        case strings
    }
}

/// A graph input or output (ValueInfoProto) with its tensor type and shape, if declared.
struct ONNXValueInfo {
    var name = ""
    /// TensorProto.DataType of a tensor type; nil for sequences, maps and other kinds.
    var elementType: Int32?
    /// Dimensions; nil when no shape is declared.
    var dims: [Dimension]?

    enum Dimension: Equatable {
        case fixed(Int64)
        case symbolic(String)
        case unknown
    }
}

/// A malformed ONNX file: byte offset, the message path being read, what was expected and found.
struct ONNXFormatError: Error {
    var offset: Int
    var path: String
    var expected: String
    var found: String
}

/// TensorProto.DataType values the importer reads.
enum ONNXDataType {
    static let float: Int32 = 1
    static let uint8: Int32 = 2
    static let int8: Int32 = 3
    static let uint16: Int32 = 4
    static let int16: Int32 = 5
    static let int32: Int32 = 6
    static let int64: Int32 = 7
    static let string: Int32 = 8
    static let bool: Int32 = 9
    static let float16: Int32 = 10
    static let double: Int32 = 11
    static let uint32: Int32 = 12
    static let uint64: Int32 = 13

    /// Bytes per element in raw_data, for the types the importer reads.
    static func byteWidth(_ type: Int32) -> Int? {
        switch type {
        case uint8, int8, bool: return 1
        case uint16, int16, float16: return 2
        case float, int32, uint32: return 4
        case int64, double, uint64: return 8
        default: return nil
        }
    }

    /// Whether values of `type` are floating point.
    static func isFloatingPoint(_ type: Int32) -> Bool { type == float || type == float16 || type == double }

    /// The name onnx.proto gives `type`, for messages.
    static func name(_ type: Int32) -> String {
        let names = [1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
                     10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16"]
        return names[Int(type)] ?? "data type \(type)"
    }
}
