/// A trainable tensor shared by every worker: its latent value, the forward-pass (quantised)
/// value, the straight-through mask, and one gradient buffer per worker so that workers never
/// write to the same memory. Gradients are summed over workers in worker order (deterministic).
final class Parameter: @unchecked Sendable {
    var value: [Float]
    /// Forward-pass weights (the quantiser's output; `value` when not quantised).
    private(set) var effective: [Float]
    private(set) var mask: [Float]?
    private(set) var quantized: WeightQuantizer.Result?
    /// Incremented by every `requantize` (layers cache forms of the weights by it).
    private(set) var version = 0
    let grads: [UnsafeMutablePointer<Float>]
    /// Whether weight decay applies (weights yes; biases and batch-norm parameters no).
    let decays: Bool
    let quantizer: WeightQuantizer?
    let outChannels: Int

    init(_ value: [Float], workers: Int, decays: Bool, quantizer: WeightQuantizer? = nil, outChannels: Int = 1) {
        self.value = value
        self.effective = value
        self.decays = decays
        self.quantizer = quantizer
        self.outChannels = outChannels
        grads = (0..<workers).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(value.count, 1))
            p.initialize(repeating: 0, count: max(value.count, 1))
            return p
        }
        requantize()
    }

    deinit { grads.forEach { $0.deallocate() } }

    var count: Int { value.count }

    /// Recomputes the forward-pass weights from the latent weights.
    func requantize() {
        version &+= 1
        guard let quantizer else { effective = value; return }
        let result = quantizer.quantize(value, outChannels: outChannels)
        effective = result.effective
        mask = result.mask
        quantized = result
    }

    func zeroGrads() { for g in grads { g.update(repeating: 0, count: count) } }

    /// Sum of the workers' gradients times the straight-through mask.
    func totalGradient() -> [Float] {
        var total = [Float](repeating: 0, count: count)
        total.withUnsafeMutableBufferPointer { t in
            for g in grads { for i in 0..<t.count { t[i] += g[i] } }
            mask?.withUnsafeBufferPointer { m in for i in 0..<t.count { t[i] *= m[i] } }
        }
        return total
    }
}

/// One trainable network node; each worker thread owns its own instance (parameters shared).
protocol Layer: AnyObject {
    /// Output for `inputs` (the outputs of the node's graph inputs, in order).
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor
    /// Gradients with respect to each input, given the gradient of the output; parameter
    /// gradients are added to this worker's buffers.
    func backward(_ gradient: Tensor) -> [Tensor]
}
