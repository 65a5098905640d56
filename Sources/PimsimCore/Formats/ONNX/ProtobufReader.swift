/// A reader of the Protocol Buffers wire format (protobuf.dev, "Encoding"), enough to decode
/// ONNX files without a third-party package.
///
/// A message is a sequence of fields, each a varint key `(field number << 3) | wire type`
/// followed by its value: a varint (type 0), 8 little-endian bytes (type 1), a varint length and
/// that many bytes (type 2: strings, bytes, nested messages, packed repeated numbers) or 4
/// little-endian bytes (type 5). Groups (types 3 and 4) are obsolete and rejected. Every read is
/// bounds-checked: a truncated or corrupted buffer throws `ProtobufError`, never traps.
public struct ProtobufReader: Sendable {
    /// One decoded field.
    public struct Field: Sendable {
        public var number: Int
        public var value: Value
        /// Offset of the field's key in the buffer (for errors).
        public var offset: Int
    }

    public enum Value: Equatable, Sendable {
        case varint(UInt64)
        case fixed64(UInt64)
        /// The byte range of a length-delimited value.
        case bytes(Range<Int>)
        case fixed32(UInt32)
    }

    /// The whole buffer (shared, not copied, by nested readers).
    public let buffer: [UInt8]
    public private(set) var position: Int
    public let end: Int

    public init(_ buffer: [UInt8]) {
        self.init(buffer, range: 0..<buffer.count)
    }

    /// A reader of `range` inside `buffer` (a nested message).
    public init(_ buffer: [UInt8], range: Range<Int>) {
        self.buffer = buffer
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    public var isAtEnd: Bool { position >= end }

    /// The next field, or nil at the end of the message.
    public mutating func next() throws -> Field? {
        guard position < end else { return nil }
        let offset = position
        let key = try readVarint()
        let number = key >> 3
        guard number >= 1, number <= Self.maximumFieldNumber else {
            throw ProtobufError(offset: offset, expected: "a field number from 1 to \(Self.maximumFieldNumber)", found: "\(number)")
        }
        let value: Value
        switch key & 7 {
        case 0: value = .varint(try readVarint())
        case 1: value = .fixed64(try readFixed(8))
        case 2:
            let lengthOffset = position
            let length = try readVarint()
            guard length <= UInt64(end - position) else {
                throw ProtobufError(offset: lengthOffset, expected: "a length of at most the \(end - position) bytes left", found: "\(length) (truncated or corrupted)")
            }
            let start = position
            position += Int(length)
            value = .bytes(start..<position)
        case 5: value = .fixed32(UInt32(try readFixed(4)))
        case let type:
            throw ProtobufError(offset: offset, expected: "wire type 0, 1, 2 or 5", found: "wire type \(type)" + (type == 3 || type == 4 ? " (a group, not used by ONNX)" : ""))
        }
        return Field(number: Int(number), value: value, offset: offset)
    }

    /// Field numbers are 29-bit.
    public static let maximumFieldNumber: UInt64 = (1 << 29) - 1

    /// A base-128 varint of at most 10 bytes (64 bits).
    public mutating func readVarint() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw ProtobufError(offset: start, expected: "a complete varint", found: "the end of the data (truncated)")
            }
            let byte = buffer[position]
            position += 1
            // The tenth byte holds bit 63 only.
            guard shift < 63 || byte <= 1 else {
                throw ProtobufError(offset: start, expected: "a varint of at most 64 bits", found: "more than 10 bytes or an overflowing last byte")
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// `count` little-endian bytes.
    private mutating func readFixed(_ count: Int) throws -> UInt64 {
        guard end - position >= count else {
            throw ProtobufError(offset: position, expected: "\(count) bytes of a fixed-width value", found: "\(end - position) bytes left (truncated)")
        }
        var result: UInt64 = 0
        for i in 0..<count { result |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += count
        return result
    }
}

/// Malformed protobuf data: where (byte offset) and what was wrong.
public struct ProtobufError: Error, Equatable, Sendable {
    public var offset: Int
    public var expected: String
    public var found: String

    public init(offset: Int, expected: String, found: String) {
        self.offset = offset
        self.expected = expected
        self.found = found
    }
}

extension ProtobufReader.Field {
    /// The value as an integer of a varint field (int32, int64, enum, bool); two's complement for
    /// negative int64 values.
    func integer(_ path: String) throws -> Int64 {
        guard case .varint(let v) = value else { throw wireError(path, expected: "a varint") }
        return Int64(bitPattern: v)
    }

    /// The bytes of a length-delimited field.
    func bytes(_ path: String) throws -> Range<Int> {
        guard case .bytes(let r) = value else { throw wireError(path, expected: "a length-delimited value") }
        return r
    }

    /// A 32-bit float field (wire type 5).
    func float(_ path: String) throws -> Float {
        guard case .fixed32(let v) = value else { throw wireError(path, expected: "a 32-bit float") }
        return Float(bitPattern: v)
    }

    func wireError(_ path: String, expected: String) -> ONNXFormatError {
        ONNXFormatError(offset: offset, path: path, expected: "\(expected) (field \(number))", found: "wire type \(value.wireType)")
    }
}

extension ProtobufReader.Value {
    var wireType: Int {
        switch self {
        case .varint: return 0
        case .fixed64: return 1
        case .bytes: return 2
        case .fixed32: return 5
        }
    }
}
