import PimsimCore

/// The weight format a MAC array is built for. pimsim estimates the same network three ways.
public enum WeightType: String, CaseIterable, Sendable {
    /// IEEE-754 single-precision weights (and activations): floating-point multiply and add.
    case float
    /// {-1, 0, +1}: add, subtract or skip.
    case ternary
    /// {-1, +1}: XNOR-popcount on binary activations, add or subtract otherwise.
    case binary

    /// Threshold comparators that quantize one output of a quantized design: levels - 1, so 2 for
    /// ternary {-1, 0, +1} and 1 for binary {-1, +1}; 0 for float (no quantizing activation).
    public var outputThresholds: Int {
        switch self {
        case .float: return 0
        case .ternary: return 2
        case .binary: return 1
        }
    }

    /// Parses `float` (`fp`, `float32`), `ternary`, `binary`.
    public init?(name: String) {
        switch name.lowercased() {
        case "float", "fp", "float32", "fp32": self = .float
        case "ternary", "tern": self = .ternary
        case "binary", "bin": self = .binary
        default: return nil
        }
    }
}

/// The activations the ternary and binary designs consume (the float design always uses float32).
public enum ActivationMode: String, CaseIterable, Sendable {
    /// Each layer's input precision in the network (ternary, intN, float32); the binary design
    /// reads ternary activations as binary.
    case network
    /// Float32 activations everywhere, as seed 003 Table IX assumes: a ternary or binary MAC is a
    /// floating-point adder/subtractor.
    case float32
}

/// Where a layer's weights are held.
public enum WeightMemory: String, CaseIterable, Sendable {
    /// Block RAM (RAMB18 tiles, FINN's aspect-ratio model).
    case bram
    /// Distributed RAM in SLICEM LUTs (64 bits per LUT6).
    case lutram
    /// Streamed from off-chip memory: no on-chip storage counted (seed 003 Table IX counts none).
    case offChip = "off-chip"
}

/// How a ternary array on integer activations is costed.
public enum TernaryModel: String, CaseIterable, Sendable {
    /// Operator count: an adder tree of n-bit add/subtract/skip adders and an accumulator per PE,
    /// n LUT6 plus carry per adder, no control overhead (like seed 003 Table IX).
    case adders
    /// FINN's MVAU formula with 2-bit weights (fitted, includes its 300 LUT + 10% overhead): the
    /// same model as the binary array, for a like-for-like ternary/binary comparison.
    case finn
}
