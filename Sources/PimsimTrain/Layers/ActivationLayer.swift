import PimsimCore

/// Element-wise activations.
///
/// - ternary (seed 000, Algorithm 2, input ternarisation): δ = τ max|x| over the batch (τ the
///   thresholding factor, 0.02-0.04 in seed 000); y = +1 if x > δ, -1 if x < -δ, else 0. Evaluation
///   uses the running average of δ. Backward: straight-through with hardtanh's derivative,
///   dy/dx = 1 where |x| <= 1, else 0.
/// - sign (XNOR-Net inputs): y = +1 if x >= 0 else -1; same straight-through backward.
/// - relu: max(0, x). hardtanh: min(1, max(-1, x)), dy/dx = 1 where |x| < 1, else 0. identity: x.
final class ActivationLayer: Layer {
    let function: ActivationFunction
    let thresholdingFactor: Float
    let running: RunningStatistics?
    private(set) var batchThreshold: Float = 0
    private var input: [Float] = []

    init(function: ActivationFunction, thresholdingFactor: Float, running: RunningStatistics?) {
        self.function = function
        self.thresholdingFactor = thresholdingFactor
        self.running = running
    }

    /// The threshold δ used in evaluation.
    var evaluationThreshold: Float { running?.values[0][0] ?? 0 }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        if training { input = x.data }
        var y = x
        switch function {
        case .ternary:
            let delta: Float
            if training {
                delta = thresholdingFactor * x.data.reduce(0) { max($0, abs($1)) }
                batchThreshold = delta
            } else {
                delta = evaluationThreshold
            }
            y.data = x.data.map { $0 > delta ? 1 : ($0 < -delta ? -1 : 0) }
        case .sign: y.data = x.data.map { $0 >= 0 ? 1 : -1 }
        case .relu: y.data = x.data.map { max($0, 0) }
        case .hardtanh: y.data = x.data.map(ActivationLayer.hardtanh)
        case .identity: break
        }
        return y
    }

    /// min(1, max(-1, x)).
    static func hardtanh(_ x: Float) -> Float { min(1, max(-1, x)) }

    func backward(_ gradient: Tensor) -> [Tensor] {
        var dx = gradient
        switch function {
        case .ternary, .sign:
            for i in 0..<dx.count where abs(input[i]) > 1 { dx.data[i] = 0 }
        case .relu:
            for i in 0..<dx.count where input[i] <= 0 { dx.data[i] = 0 }
        case .hardtanh:
            for i in 0..<dx.count where abs(input[i]) >= 1 { dx.data[i] = 0 }
        case .identity: break
        }
        return [dx]
    }
}
