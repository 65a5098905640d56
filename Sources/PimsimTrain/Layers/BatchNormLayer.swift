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

    /// Averages the workers' `batches` into the values with `chosen` momentum (nil: the default,
    /// or 1 for the first update of statistics that start from their first batch).
    func update(with batches: [[[Float]]], momentum chosen: Float? = nil) {
        let momentum = chosen ?? (startsFromFirstBatch ? 1 : Self.momentum)
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
/// batch's (each worker's) mean and biased variance; evaluation the running averages. The
/// backward pass recomputes x̂ = (x - μ) / sqrt(σ² + ε) from the kept input instead of storing it.
final class BatchNormLayer: Layer {
    let gamma: Parameter
    let beta: Parameter
    let running: RunningStatistics
    let worker: Int
    static let epsilon: Float = 1e-5
    /// This worker's last batch mean and variance (read after the step to update `running`).
    private(set) var batchStatistics: [[Float]] = []
    private var input: Tensor?
    private var inverseStd: [Float] = []

    init(gamma: Parameter, beta: Parameter, running: RunningStatistics, worker: Int) {
        self.gamma = gamma
        self.beta = beta
        self.running = running
        self.worker = worker
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        let n = x.n, c = x.c, plane = x.plane
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        if training && plane == 1 {
            // Fully connected features: channels are contiguous within each row, so sum rows.
            x.data.withUnsafeBufferPointer { xp in
                for b in 0..<n { for ch in 0..<c { mean[ch] += xp[b &* c &+ ch] } }
                for ch in 0..<c { mean[ch] /= Float(n) }
                for b in 0..<n { for ch in 0..<c { let d = xp[b &* c &+ ch] - mean[ch]; variance[ch] += d * d } }
                for ch in 0..<c { variance[ch] /= Float(n) }
            }
            batchStatistics = [mean, variance]
        } else if training {
            x.data.withUnsafeBufferPointer { xp in
                let count = Float(n * plane)
                for ch in 0..<c {
                    var s: Float = 0
                    for b in 0..<n { s += Reductions.sum(xp.baseAddress! + (b &* c &+ ch) &* plane, plane) }
                    let m = s / count
                    var v: Float = 0
                    for b in 0..<n { v += Reductions.squaredDeviations(xp.baseAddress! + (b &* c &+ ch) &* plane, plane, mean: m) }
                    mean[ch] = m
                    variance[ch] = v / count
                }
            }
            batchStatistics = [mean, variance]
        } else {
            mean = running.values[0]
            variance = running.values[1]
        }
        let inv = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        if training { inverseStd = inv; input = x }
        var y = Tensor(uninitializedN: n, c: c, h: x.h, w: x.w)
        let g = gamma.value, bt = beta.value
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                for b in 0..<n {
                    for ch in 0..<c {
                        // y = γ (x - μ) s + β = x (γ s) + (β - γ s μ)
                        let scale = g[ch] * inv[ch], shift = bt[ch] - scale * mean[ch]
                        let source = xp.baseAddress! + (b &* c &+ ch) &* plane, target = yp.baseAddress! + (b &* c &+ ch) &* plane
                        for i in 0..<plane { target[i] = source[i] * scale + shift }
                    }
                }
            }
        }
        return y
    }

    /// dx = γ s (dy - mean(dy) - x̂ mean(dy x̂)); dγ = Σ dy x̂; dβ = Σ dy; x̂ = (x - μ) s.
    func backward(_ gradient: Tensor) -> [Tensor] {
        guard let x = input else { preconditionFailure("backward before a training forward pass") }
        input = nil
        let n = x.n, c = x.c, plane = x.plane, mean = batchStatistics[0]
        let count = Float(n * plane)
        var dx = Tensor(uninitializedN: n, c: c, h: x.h, w: x.w)
        let dGamma = gamma.grads[worker], dBeta = beta.grads[worker]
        gradient.data.withUnsafeBufferPointer { gp in
            x.data.withUnsafeBufferPointer { xp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    var sums = [Float](repeating: 0, count: c), centred = sums
                    if plane == 1 {
                        for b in 0..<n {
                            for ch in 0..<c {
                                let g = gp[b &* c &+ ch]
                                sums[ch] += g
                                centred[ch] += g * (xp[b &* c &+ ch] - mean[ch])
                            }
                        }
                    }
                    for ch in 0..<c {
                        var sumDy = sums[ch], sumDyCentred = centred[ch]
                        for b in 0..<n where plane > 1 {
                            let base = (b &* c &+ ch) &* plane
                            let (s, d) = Reductions.sumAndCentredDot(gp.baseAddress! + base, xp.baseAddress! + base, plane, mean: mean[ch])
                            sumDy += s
                            sumDyCentred += d
                        }
                        let s = inverseStd[ch], sumDyX = sumDyCentred * s
                        dGamma[ch] += sumDyX
                        dBeta[ch] += sumDy
                        // dx = k (dy - meanDy - (x - μ) s meanDyX) = k dy + a (x - μ) + b
                        let k = gamma.value[ch] * s
                        let meanDy = sumDy / count, meanDyX = sumDyX / count
                        let a = -k * s * meanDyX, m = mean[ch], offset = -k * meanDy
                        for b in 0..<n {
                            let base = (b &* c &+ ch) &* plane
                            let g = gp.baseAddress! + base, xv = xp.baseAddress! + base, d = dp.baseAddress! + base
                            for i in 0..<plane { d[i] = k * g[i] + a * (xv[i] - m) + offset }
                        }
                    }
                }
            }
        }
        return [dx]
    }
}
