import PimsimCore

/// The arithmetic one MAC unit is built from, chosen from the weight type and the activations.
public enum Datapath: Sendable, Equatable, CustomStringConvertible {
    /// Float weights: a floating-point multiplier and a floating-point adder per MAC.
    case floatMultiplyAdd
    /// Ternary or binary weights on float activations: one floating-point adder/subtractor per
    /// MAC (the weight picks add, subtract or, if 0, skip). Seed 003 Table IX's ternary MAC.
    case floatAddSubtract
    /// Ternary weights on integer activations: an n-bit add/subtract/skip accumulator per MAC.
    case integerAccumulate(activationBits: Int)
    /// Binary weights on integer or binary activations (or ternary ones with `--ternary-model
    /// finn`): FINN's matrix-vector unit (XNOR-popcount lanes when both are 1 bit).
    case finnMVAU(weightBits: Int, activationBits: Int)

    /// The datapath for `weights` on activations of `activation` precision.
    public static func choose(weights: WeightType, activation: Precision, ternaryModel: TernaryModel = .adders) -> Datapath {
        switch (weights, activation) {
        case (.float, _): return .floatMultiplyAdd
        case (_, .float32): return .floatAddSubtract
        case (.ternary, _) where ternaryModel == .finn: return .finnMVAU(weightBits: 2, activationBits: activation.storageBits)
        case (.ternary, _): return .integerAccumulate(activationBits: activation.storageBits)
        case (.binary, _): return .finnMVAU(weightBits: 1, activationBits: activation.storageBits)
        }
    }

    /// The activation precision a design reads for a layer whose network input is `network`.
    public static func activation(for weights: WeightType, network: Precision, mode: ActivationMode) -> Precision {
        if weights == .float || mode == .float32 { return .float32 }
        if weights == .binary && network == .ternary { return .binary }
        return network
    }

    public var description: String {
        switch self {
        case .floatMultiplyAdd: return "fp32 mul+add"
        case .floatAddSubtract: return "fp32 add/sub"
        case .integerAccumulate(let a): return "int add/sub/skip (\(a)-bit in)"
        case .finnMVAU(let w, let a): return w == 1 && a == 1 ? "xnor-popcount" : "finn mvau w\(w)a\(a)"
        }
    }

    /// Bits of a signed accumulator that sums `connections` products of magnitude at most
    /// `maxProduct` without overflow: bitlength(connections * maxProduct) + 1 (sign).
    /// 4096 ternary products: bitlength(4096) + 1 = 14.
    public static func accumulatorBits(connections: Int, maxProduct: Int) -> Int {
        signedBits(connections * maxProduct)
    }

    /// Bits of a signed integer holding every value in -bound ... bound: bitlength(bound) + 1.
    public static func signedBits(_ bound: Int) -> Int {
        (Int.bitWidth - bound.leadingZeroBitCount) + 1
    }

    /// The largest magnitude of a value of `precision`: 1 for ternary and binary, 2^(n-1) for a
    /// signed n-bit integer.
    static func magnitude(_ precision: Precision) -> Int {
        switch precision {
        case .ternary, .binary: return 1
        case .integer(let bits): return 1 << (bits - 1)
        case .float32: return 1
        }
    }
}
