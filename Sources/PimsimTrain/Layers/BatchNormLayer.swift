/// Running statistics of a batch-norm layer or a ternary activation, shared by the workers and
/// updated once per step from the workers' batch values: r <- (1 - m) r + m * mean over workers.
final class RunningStatistics: @unchecked Sendable {
    var values: [[Float]]
    /// Momentum m of the running average (PyTorch's default for batch norm).
    static let momentum: Float = 0.1

    /// Whether the first update replaces the initial values instead of averaging into them.
    private var startsFromFirstBatch: Bool

    init(_ values: [[Float]], startsFromFirstBatch: Bool = false) {
        self.values = values
        self.startsFromFirstBatch = startsFromFirstBatch
    }

    func update(with batches: [[[Float]]]) {
        let momentum = startsFromFirstBatch ? 1 : Self.momentum
        startsFromFirstBatch = false
        for k in values.indices {
            for i in values[k].indices {
                let mean = batches.reduce(0) { $0 + $1[k][i] } / Float(batches.count)
                values[k][i] = (1 - momentum) * values[k][i] + momentum * mean
            }
        }
    }
}

/// Batch normalisation per channel: y = γ (x - μ) / sqrt(σ² + ε) + β. Training uses the
/// batch's (each worker's) mean and biased variance; evaluation the running averages.
final class BatchNormLayer: Layer {
    let gamma: Parameter
    let beta: Parameter
    let running: RunningStatistics
    let worker: Int
    static let epsilon: Float = 1e-5
    /// This worker's last batch mean and variance (read after the step to update `running`).
    private(set) var batchStatistics: [[Float]] = []
    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var shape = (n: 0, c: 0, plane: 0)

    init(gamma: Parameter, beta: Parameter, running: RunningStatistics, worker: Int) {
        self.gamma = gamma
        self.beta = beta
        self.running = running
        self.worker = worker
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        let n = x.n, c = x.c, plane = x.plane
        var y = x
        let count = Float(n * plane)
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        if training {
            x.data.withUnsafeBufferPointer { xp in
                for ch in 0..<c {
                    var s: Float = 0
                    for b in 0..<n { let p = xp.baseAddress! + (b &* c &+ ch) &* plane; for i in 0..<plane { s += p[i] } }
                    let m = s / count
                    var v: Float = 0
                    for b in 0..<n { let p = xp.baseAddress! + (b &* c &+ ch) &* plane; for i in 0..<plane { let d = p[i] - m; v += d * d } }
                    mean[ch] = m
                    variance[ch] = v / count
                }
            }
            batchStatistics = [mean, variance]
            normalized = [Float](repeating: 0, count: x.count)
        } else {
            mean = running.values[0]
            variance = running.values[1]
        }
        let inv = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        if training { inverseStd = inv; shape = (n, c, plane) }
        let g = gamma.value, bt = beta.value
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                normalized.withUnsafeMutableBufferPointer { np in
                    for b in 0..<n {
                        for ch in 0..<c {
                            let base = (b &* c &+ ch) &* plane
                            let m = mean[ch], s = inv[ch], gg = g[ch], bb = bt[ch]
                            for i in 0..<plane {
                                let xh = (xp[base &+ i] - m) * s
                                if training { np[base &+ i] = xh }
                                yp[base &+ i] = gg * xh + bb
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// dx = γ/σ (dy - mean(dy) - x̂ mean(dy x̂)); dγ = Σ dy x̂; dβ = Σ dy.
    func backward(_ gradient: Tensor) -> [Tensor] {
        let (n, c, plane) = shape
        let count = Float(n * plane)
        var dx = gradient.zerosLike()
        let dGamma = gamma.grads[worker], dBeta = beta.grads[worker]
        gradient.data.withUnsafeBufferPointer { gp in
            normalized.withUnsafeBufferPointer { np in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    for ch in 0..<c {
                        var sumDy: Float = 0, sumDyX: Float = 0
                        for b in 0..<n {
                            let base = (b &* c &+ ch) &* plane
                            for i in 0..<plane { sumDy += gp[base &+ i]; sumDyX += gp[base &+ i] * np[base &+ i] }
                        }
                        dGamma[ch] += sumDyX
                        dBeta[ch] += sumDy
                        let k = gamma.value[ch] * inverseStd[ch]
                        let meanDy = sumDy / count, meanDyX = sumDyX / count
                        for b in 0..<n {
                            let base = (b &* c &+ ch) &* plane
                            for i in 0..<plane { dp[base &+ i] = k * (gp[base &+ i] - meanDy - np[base &+ i] * meanDyX) }
                        }
                    }
                }
            }
        }
        return [dx]
    }
}
