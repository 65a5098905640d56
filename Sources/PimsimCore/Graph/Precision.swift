/// The number format of a layer's weights or of its inputs.
public enum Precision: Hashable, Sendable, CustomStringConvertible {
    /// {-1, 0, +1}; stored in 2 bits.
    case ternary
    /// {-1, +1}; stored in 1 bit.
    case binary
    /// Signed n-bit integer (2...32), for multi-bit baselines such as ISAAC's 16-bit design.
    case integer(bits: Int)
    /// IEEE-754 single precision (first and last layers may stay float).
    case float32

    /// Bits needed to store one value.
    public var storageBits: Int {
        switch self {
        case .ternary: return 2
        case .binary: return 1
        case .integer(let bits): return bits
        case .float32: return 32
        }
    }

    /// The name used in net.json and on the command line: `ternary`, `binary`, `int8`, `float32`.
    public var description: String {
        switch self {
        case .ternary: return "ternary"
        case .binary: return "binary"
        case .integer(let bits): return "int\(bits)"
        case .float32: return "float32"
        }
    }

    /// Parses `ternary` (`t`), `binary` (`b`, `1`), `intN` or a bare `N` (N from 2 to 32), and
    /// `float32` (`float`, `fp32`). A bare `32` is a 32-bit integer, not float32.
    public init?(name: String) {
        switch name.lowercased() {
        case "ternary", "t": self = .ternary
        case "binary", "b", "1": self = .binary
        case "float32", "float", "f32", "fp32": self = .float32
        default:
            var digits = Substring(name.lowercased())
            if digits.hasPrefix("int") { digits = digits.dropFirst(3) }
            guard let bits = Int(digits), (2...32).contains(bits) else { return nil }
            self = .integer(bits: bits)
        }
    }

    /// Names accepted by `init(name:)`, for error messages.
    public static let accepted = "ternary, binary, int2 ... int32, float32"
}

/// The precision of a weighted layer's weights and of its inputs (activations).
public struct LayerPrecision: Hashable, Sendable, CustomStringConvertible {
    public var weights: Precision
    public var inputs: Precision

    public init(weights: Precision, inputs: Precision) {
        self.weights = weights
        self.inputs = inputs
    }

    public static let ternary = LayerPrecision(weights: .ternary, inputs: .ternary)

    /// `W/A`, e.g. `ternary/ternary` or `int16/int16`.
    public var description: String { "\(weights)/\(inputs)" }

    /// Parses `W/A` such as `16/16`, `ternary/ternary`, `t/t`, `binary/binary`, `float32/int8`.
    public init(spec: String) throws {
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let w = Precision(name: parts[0]), let a = Precision(name: parts[1]) else {
            throw InputError(location: "--precision", expected: "W/A with W and A each one of \(Precision.accepted) (e.g. 16/16, ternary/ternary)", found: "\"\(spec)\"")
        }
        self.init(weights: w, inputs: a)
    }
}
