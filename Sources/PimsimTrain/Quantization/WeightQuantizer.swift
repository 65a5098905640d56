import PimsimCore

/// How a layer's real-valued (latent) weights W become the weights used in the forward pass.
///
/// - `float`: W itself (float32 reference).
/// - `twn`: ternary weight networks (seed 004): Δ = 0.7 E|W|; t = +1 if W > Δ, -1 if W < -Δ,
///   else 0; α = mean of |W_i| over |W_i| > Δ; forward weight α t; gradient passed straight through.
/// - `statistical(beta)`: statistical scaling (seed 003, section III): Δ = β max|W|; t = sign(W)
///   where |W| >= Δ, else 0; α = mean of |W_i| over |W_i| >= Δ; straight-through estimator that
///   passes the gradient where |W| <= 1 and zeroes it elsewhere.
/// - `xnor`: XNOR-Net binary weights (Rastegari et al. 2016): b = +1 if W >= 0 else -1, one
///   α_c = mean |W| per output channel c; gradient passed where |W| <= 1.
/// - `residual(betas)`: residual expansion (seed 003 REL): T_ex statistical-scaling ternarisations
///   of the same W with thresholds β_1 < ... < β_T, summed: Σ_j α_j t_j (exported as T_ex
///   ternary layers whose outputs are added).
public enum WeightQuantizer: Equatable, Sendable {
    case float
    case twn
    case statistical(beta: Float)
    case xnor
    case residual(betas: [Float])

    /// TWN's threshold factor: Δ = 0.7 E|W| (seed 004, eq. 8).
    public static let twnThresholdFactor: Float = 0.7
    /// Statistical scaling's default β (seed 003, section III: β ≈ 0.05).
    public static let defaultBeta: Float = 0.05
    /// REL threshold lists (seed 003): T_ex = 2 and T_ex = 4.
    public static let relBetas: [Int: [Float]] = [2: [0.05, 0.1], 4: [0.05, 0.1, 0.15, 0.2]]

    /// Precision of the exported weights (REL: T_ex ternary layers).
    public var precision: Precision {
        switch self {
        case .float: return .float32
        case .twn, .statistical, .residual: return .ternary
        case .xnor: return .binary
        }
    }

    /// The result of quantising one weight tensor.
    public struct Result: Equatable, Sendable {
        /// Forward-pass weights (α t), same order as W.
        public var effective: [Float]
        /// Straight-through mask: dL/dW = dL/dW_effective * mask.
        public var mask: [Float]
        /// Ternary or binary codes t (nil for float and REL).
        public var codes: [Int8]?
        /// One α per output channel (per-layer quantisers repeat the same value).
        public var scales: [Float]
        /// Whether one α serves the whole layer.
        public var perLayer: Bool
    }

    /// Quantises `weights` (OIHW, `outChannels` rows).
    public func quantize(_ weights: [Float], outChannels: Int) -> Result {
        let n = weights.count
        switch self {
        case .float:
            return Result(effective: weights, mask: [Float](repeating: 1, count: n), codes: nil, scales: [1], perLayer: true)
        case .twn:
            let delta = Self.twnThresholdFactor * weights.reduce(0) { $0 + abs($1) } / Float(max(n, 1))
            return Self.ternarize(weights, threshold: delta, inclusive: false, clipSTE: false)
        case .statistical(let beta):
            let maxAbs = weights.reduce(0) { max($0, abs($1)) }
            return Self.ternarize(weights, threshold: beta * maxAbs, inclusive: true, clipSTE: true)
        case .xnor:
            let perChannel = n / outChannels
            var codes = [Int8](repeating: 1, count: n)
            var effective = [Float](repeating: 0, count: n)
            var scales = [Float](repeating: 0, count: outChannels)
            for o in 0..<outChannels {
                let row = o * perChannel..<(o + 1) * perChannel
                let alpha = weights[row].reduce(0) { $0 + abs($1) } / Float(perChannel)
                scales[o] = alpha > 0 ? alpha : 1
                for i in row {
                    codes[i] = weights[i] >= 0 ? 1 : -1
                    effective[i] = Float(codes[i]) * scales[o]
                }
            }
            return Result(effective: effective, mask: Self.steMask(weights), codes: codes, scales: scales, perLayer: false)
        case .residual:
            var effective = [Float](repeating: 0, count: n)
            for part in residualParts(weights) {
                for i in 0..<n { effective[i] += part.effective[i] }
            }
            return Result(effective: effective, mask: Self.steMask(weights), codes: nil, scales: [1], perLayer: true)
        }
    }

    /// REL's T_ex ternarisations of `weights` (statistical scaling with each β); empty otherwise.
    func residualParts(_ weights: [Float]) -> [Result] {
        guard case .residual(let betas) = self else { return [] }
        let maxAbs = weights.reduce(0) { max($0, abs($1)) }
        return betas.map { Self.ternarize(weights, threshold: $0 * maxAbs, inclusive: true, clipSTE: true) }
    }

    /// t = sign(W) where |W| > Δ (or >= Δ when `inclusive`), else 0; α = mean |W| over the
    /// non-zero codes (1 when every code is 0, which makes the layer output 0 either way).
    static func ternarize(_ weights: [Float], threshold: Float, inclusive: Bool, clipSTE: Bool) -> Result {
        let n = weights.count
        var sum: Float = 0
        var kept = 0
        let codes = [Int8](unsafeUninitializedCapacity: n) { codes, count in
            weights.withUnsafeBufferPointer { w in
                for i in 0..<n {
                    let a = abs(w[i])
                    if inclusive ? a >= threshold : a > threshold {
                        codes[i] = w[i] > 0 ? 1 : -1
                        sum += a
                        kept += 1
                    } else {
                        codes[i] = 0
                    }
                }
            }
            count = n
        }
        let alpha = kept > 0 && sum > 0 ? sum / Float(kept) : 1
        let effective = [Float](unsafeUninitializedCapacity: n) { out, count in
            codes.withUnsafeBufferPointer { c in for i in 0..<n { out[i] = Float(c[i]) * alpha } }
            count = n
        }
        let mask = clipSTE ? steMask(weights) : [Float](repeating: 1, count: n)
        return Result(effective: effective, mask: mask, codes: codes, scales: [alpha], perLayer: true)
    }

    /// 1 where |W| <= 1, else 0 (straight-through estimator with clipping).
    static func steMask(_ weights: [Float]) -> [Float] { weights.map { abs($0) <= 1 ? 1 : 0 } }

    /// Parses `twn`, `stat`, `xnor`, `float`, `rel2`, `rel4` (per-layer overrides and --quant).
    public init?(name: String, beta: Float = WeightQuantizer.defaultBeta) {
        switch name {
        case "float": self = .float
        case "twn": self = .twn
        case "stat": self = .statistical(beta: beta)
        case "xnor": self = .xnor
        case "rel2": self = .residual(betas: Self.relBetas[2]!)
        case "rel4": self = .residual(betas: Self.relBetas[4]!)
        default: return nil
        }
    }

    public static let names = ["twn", "stat", "xnor", "float", "rel2", "rel4"]

    /// The name `init(name:)` accepts (β is not part of it).
    public var name: String {
        switch self {
        case .float: return "float"
        case .twn: return "twn"
        case .statistical: return "stat"
        case .xnor: return "xnor"
        case .residual(let betas): return "rel\(betas.count)"
        }
    }
}
