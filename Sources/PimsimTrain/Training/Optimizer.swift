import Foundation

/// Parameter updates, applied to the summed worker gradients g (already masked by the
/// straight-through estimator). Weight decay λ adds λ w to g for weights (not biases or
/// batch-norm parameters).
///
/// - SGD with momentum μ: v <- μ v + g; w <- w - η v.
/// - Adam (Kingma and Ba 2015): m <- β1 m + (1-β1) g; v <- β2 v + (1-β2) g²;
///   w <- w - η m̂ / (sqrt(v̂) + ε), m̂ = m / (1-β1^t), v̂ = v / (1-β2^t).
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd
    case adam
}

final class Optimizer {
    let kind: OptimizerKind
    let momentum: Float
    let weightDecay: Float
    static let adamBeta1: Float = 0.9
    static let adamBeta2: Float = 0.999
    static let adamEpsilon: Float = 1e-8
    private var first: [[Float]]
    private var second: [[Float]]
    private var steps = 0

    init(kind: OptimizerKind, parameters: [Parameter], momentum: Float, weightDecay: Float) {
        self.kind = kind
        self.momentum = momentum
        self.weightDecay = weightDecay
        first = parameters.map { [Float](repeating: 0, count: $0.count) }
        second = kind == .adam ? parameters.map { [Float](repeating: 0, count: $0.count) } : []
    }

    func step(_ parameters: [Parameter], learningRate: Float) {
        steps += 1
        let c1 = 1 - pow(Self.adamBeta1, Float(steps)), c2 = 1 - pow(Self.adamBeta2, Float(steps))
        let beta1 = Self.adamBeta1, beta2 = Self.adamBeta2, epsilon = Self.adamEpsilon, momentum = self.momentum
        for (k, p) in parameters.enumerated() {
            let g = p.totalGradient()
            let decay = p.decays ? weightDecay : 0
            // Pointers, not subscripts of arrays held by classes: those check exclusive access
            // per element (about a tenth of a LeNet-5 epoch, measured).
            g.withUnsafeBufferPointer { g in
                p.value.withUnsafeMutableBufferPointer { w in
                    first[k].withUnsafeMutableBufferPointer { m in
                        switch kind {
                        case .sgd:
                            for i in 0..<g.count {
                                let gi = g[i] + decay * w[i]
                                m[i] = momentum * m[i] + gi
                                w[i] -= learningRate * m[i]
                            }
                        case .adam:
                            second[k].withUnsafeMutableBufferPointer { v in
                                for i in 0..<g.count {
                                    let gi = g[i] + decay * w[i]
                                    m[i] = beta1 * m[i] + (1 - beta1) * gi
                                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                    w[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
                                }
                            }
                        }
                    }
                }
            }
            p.zeroGrads()
        }
    }
}

/// Learning rate at training progress f = step / total steps in [0, 1), from the base rate η0.
/// - cosine: η0 (1 + cos(π f)) / 2.
/// - step: η0 * 0.1^(number of milestones f = 0.5 and f = 0.75 reached).
/// - constant: η0.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    case cosine
    case step
    case constant

    public func rate(base: Float, progress: Float) -> Float {
        switch self {
        case .constant: return base
        case .cosine: return base * (1 + cos(Float.pi * progress)) / 2
        case .step: return base * pow(0.1, Float([0.5, 0.75].filter { progress >= $0 }.count))
        }
    }
}
