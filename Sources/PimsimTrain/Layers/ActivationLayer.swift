import PimsimCore

/// Element-wise activations.
///
/// - ternary (seed 000, Algorithm 2, input ternarisation): δ = τ max|x| over the batch (τ the
///   thresholding factor, 0.02-0.04 in seed 000), or a fixed δ (split layers' group activations);
///   y = +1 if x > δ, -1 if x < -δ, else 0. Evaluation uses the running average of δ. Backward: straight-through with hardtanh's derivative,
///   dy/dx = 1 where |x| <= 1, else 0.
/// - sign (XNOR-Net inputs): y = +1 if x >= 0 else -1; same straight-through backward.
/// - relu: max(0, x). hardtanh: min(1, max(-1, x)), dy/dx = 1 where |x| < 1, else 0. identity: x.
final class ActivationLayer: Layer {
    let function: ActivationFunction
    let thresholdingFactor: Float
    let running: RunningStatistics?
    private(set) var batchThreshold: Float = 0
    private var input: [Float] = []
    /// A constant δ instead of τ max|x| (the group activations of split layers, which read a
    /// batch-normalised input).
    let fixedThreshold: Float?

    init(function: ActivationFunction, thresholdingFactor: Float, running: RunningStatistics?, fixedThreshold: Float? = nil) {
        self.function = function
        self.thresholdingFactor = thresholdingFactor
        self.running = running
        self.fixedThreshold = fixedThreshold
    }

    /// The threshold δ used in evaluation.
    var evaluationThreshold: Float { running?.values[0][0] ?? 0 }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        if training { input = x.data }
        var y = Tensor(uninitializedN: x.n, c: x.c, h: x.h, w: x.w)
        let count = x.count
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                guard let source = xp.baseAddress, let target = yp.baseAddress else { return }
                switch function {
                case .ternary:
                    let delta: Float
                    if let fixed = fixedThreshold {
                        delta = fixed
                        batchThreshold = fixed
                    } else if training {
                        delta = thresholdingFactor * Reductions.maximumMagnitude(source, count)
                        batchThreshold = delta
                    } else {
                        delta = evaluationThreshold
                    }
                    for i in 0..<count {
                        let v = source[i]
                        target[i] = v > delta ? 1 : (v < -delta ? -1 : 0)
                    }
                case .sign: for i in 0..<count { target[i] = source[i] >= 0 ? 1 : -1 }
                case .relu: for i in 0..<count { target[i] = max(source[i], 0) }
                case .hardtanh: for i in 0..<count { target[i] = ActivationLayer.hardtanh(source[i]) }
                case .identity: target.update(from: source, count: count)
                }
            }
        }
        return y
    }

    /// min(1, max(-1, x)).
    static func hardtanh(_ x: Float) -> Float { min(1, max(-1, x)) }

    func backward(_ gradient: Tensor) -> [Tensor] {
        guard function != .identity else { return [gradient] }
        var dx = Tensor(uninitializedN: gradient.n, c: gradient.c, h: gradient.h, w: gradient.w)
        let count = gradient.count
        gradient.data.withUnsafeBufferPointer { gp in
            input.withUnsafeBufferPointer { xp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    guard let g = gp.baseAddress, let x = xp.baseAddress, let d = dp.baseAddress else { return }
                    switch function {
                    case .ternary, .sign: Self.mask(g, x, d, count) { $0 .> 1 .| $0 .< -1 }
                    case .relu: Self.mask(g, x, d, count) { $0 .<= 0 }
                    case .hardtanh: Self.mask(g, x, d, count) { $0 .>= 1 .| $0 .<= -1 }
                    case .identity: break
                    }
                }
            }
        }
        input = []
        return [dx]
    }

    /// d[i] = 0 where `blocked(x[i])`, else g[i]; eight lanes at a time (the scalar form compiled
    /// to a branch per value).
    @inline(__always)
    private static func mask(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ count: Int,
                             _ blocked: (SIMD8<Float>) -> SIMDMask<SIMD8<Int32>>) {
        var i = 0
        while i &+ 8 <= count {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self), xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(d + i).storeBytes(of: gv.replacing(with: 0, where: blocked(xv)), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            d[i] = any(blocked(SIMD8(repeating: x[i]))) ? 0 : g[i]
            i &+= 1
        }
    }
}
