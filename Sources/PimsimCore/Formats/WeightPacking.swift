import Foundation

/// Bit-packing of weights for net.json.
///
/// - `ternary2`: 2 bits per weight, four weights per byte, weight i in bits 2*(i % 4) and up of
///   byte i / 4 (least significant first); codes 00 = 0, 01 = +1, 11 = -1 (10 is invalid).
/// - `binary1`: 1 bit per weight, weight i in bit i % 8 of byte i / 8; 1 = +1, 0 = -1.
/// - `float32`: IEEE-754 single precision, little-endian.
/// Unused bits of the last byte must be zero. Every encoding is then written as base64.
public enum WeightPacking {
    public static let encodings = ["ternary2", "binary1", "float32"]

    public static func encodingName(_ weights: WeightValues) -> String {
        switch weights {
        case .ternary: return "ternary2"
        case .binary: return "binary1"
        case .float32: return "float32"
        }
    }

    /// Bytes needed for `count` weights in `encoding`.
    public static func byteCount(_ count: Int, encoding: String) -> Int {
        switch encoding {
        case "ternary2": return (count + 3) / 4
        case "binary1": return (count + 7) / 8
        default: return count * 4
        }
    }

    public static func pack(_ weights: WeightValues) -> [UInt8] {
        switch weights {
        case .ternary(let values):
            var bytes = [UInt8](repeating: 0, count: byteCount(values.count, encoding: "ternary2"))
            for (i, v) in values.enumerated() {
                let code: UInt8 = v == 0 ? 0b00 : (v > 0 ? 0b01 : 0b11)
                bytes[i / 4] |= code << UInt8(2 * (i % 4))
            }
            return bytes
        case .binary(let values):
            var bytes = [UInt8](repeating: 0, count: byteCount(values.count, encoding: "binary1"))
            for (i, v) in values.enumerated() where v > 0 { bytes[i / 8] |= 1 << UInt8(i % 8) }
            return bytes
        case .float32(let values):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count * 4)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            return bytes
        }
    }

    /// Unpacks `count` weights; `reader` locates errors (the `weights` object).
    public static func unpack(_ bytes: [UInt8], count: Int, encoding: String, reader: JSONReader) throws -> WeightValues {
        let expectedBytes = byteCount(count, encoding: encoding)
        guard bytes.count == expectedBytes else {
            throw InputError(file: reader.file, location: reader.path + ".data",
                             expected: "\(expectedBytes) bytes of \(encoding) data for \(count) weights",
                             found: "\(bytes.count) bytes" + (bytes.count < expectedBytes ? " (truncated)" : ""))
        }
        func badBits(_ i: Int, _ what: String) -> InputError {
            InputError(file: reader.file, location: reader.path + ".data", expected: "valid \(encoding) codes", found: "\(what) at weight \(i)")
        }
        switch encoding {
        case "ternary2":
            var values = [Int8](repeating: 0, count: count)
            for i in 0..<count {
                switch (bytes[i / 4] >> UInt8(2 * (i % 4))) & 0b11 {
                case 0b00: values[i] = 0
                case 0b01: values[i] = 1
                case 0b11: values[i] = -1
                default: throw badBits(i, "the unused code 10")
                }
            }
            if count % 4 != 0, bytes[count / 4] >> UInt8(2 * (count % 4)) != 0 { throw badBits(count, "non-zero padding bits") }
            return .ternary(values)
        case "binary1":
            var values = [Int8](repeating: -1, count: count)
            for i in 0..<count where (bytes[i / 8] >> UInt8(i % 8)) & 1 == 1 { values[i] = 1 }
            if count % 8 != 0, bytes[count / 8] >> UInt8(count % 8) != 0 { throw badBits(count, "non-zero padding bits") }
            return .binary(values)
        default:
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                var bits: UInt32 = 0
                for b in 0..<4 { bits |= UInt32(bytes[4 * i + b]) << UInt32(8 * b) }
                values[i] = Float(bitPattern: bits)
                guard values[i].isFinite else { throw badBits(i, "a non-finite float \(values[i])") }
            }
            return .float32(values)
        }
    }
}
