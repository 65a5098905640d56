import PimsimKernels

/// 2-D convolution (grouped and pointwise included) and fully connected layers via im2col and
/// FloatGEMM. A linear layer is a 1x1 convolution over the flattened input.
///
/// Per group g: out_g (Cout_g x P) = W_g (Cout_g x K) * columns_g, P = batch*outH*outW,
/// K = Cin_g*k*k; dW_g = dOut_g * columns_g^T; dColumns_g = W_g^T * dOut_g (then col2im).
final class ConvolutionLayer: Layer {
    let weight: Parameter
    let bias: Parameter?
    let worker: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let groups: Int
    let isLinear: Bool
    private var input: Tensor?
    /// Shape (c, h, w) of the input before a linear layer flattens it.
    private var inputShape = (c: 0, h: 0, w: 0)
    private let patchBuffer = ScratchBuffer(), productBuffer = ScratchBuffer(), gradientBuffer = ScratchBuffer()

    init(weight: Parameter, bias: Parameter?, worker: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, groups: Int, isLinear: Bool) {
        self.weight = weight
        self.bias = bias
        self.worker = worker
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.isLinear = isLinear
    }

    func geometry(_ x: Tensor) -> Im2col.Geometry {
        Im2col.Geometry(batch: x.n, channels: x.c, height: x.h, width: x.w, kernel: kernel, stride: stride, padding: padding)
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var x = inputs[0]
        inputShape = (x.c, x.h, x.w)
        if isLinear { x = Tensor(n: x.n, c: x.imageSize, h: 1, w: 1, data: x.data) }
        if training { input = x }
        return ConvolutionLayer.convolve(x, weights: weight.effective, bias: bias?.value, outChannels: outChannels,
                                         geometry: geometry(x), groups: groups, patches: patchBuffer, product: productBuffer)
    }

    /// out = conv(x, weights) + bias with float arithmetic (also the evaluator's float path).
    static func convolve(_ x: Tensor, weights: [Float], bias: [Float]?, outChannels: Int, geometry g: Im2col.Geometry, groups: Int,
                         patches: ScratchBuffer, product: ScratchBuffer) -> Tensor {
        let cinG = x.c / groups, coutG = outChannels / groups
        let kSize = cinG * g.kernel * g.kernel, rows = g.positions, outPlane = g.outHeight * g.outWidth
        var out = Tensor(n: x.n, c: outChannels, h: g.outHeight, w: g.outWidth)
        let pp = patches.pointer(rows * kSize), cp = product.pointer(coutG * rows)
        x.data.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                out.data.withUnsafeMutableBufferPointer { op in
                    for group in 0..<groups {
                        Im2col.columns(xp.baseAddress!, g, firstChannel: group * cinG, groupChannels: cinG, into: pp)
                        FloatGEMM.multiply(wp.baseAddress! + group * coutG * kSize, pp, cp, m: coutG, n: rows, k: kSize)
                        for o in 0..<coutG {
                            let channel = group &* coutG &+ o
                            let b = bias?[channel] ?? 0
                            let src = cp + o &* rows
                            for image in 0..<x.n {
                                let dst = op.baseAddress! + (image &* outChannels &+ channel) &* outPlane
                                let s = src + image &* outPlane
                                for i in 0..<outPlane { dst[i] = s[i] + b }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        guard let x = input else { preconditionFailure("backward before a training forward pass") }
        let g = geometry(x)
        let cinG = x.c / groups, coutG = outChannels / groups
        let kSize = cinG * kernel * kernel, rows = g.positions, outPlane = g.outHeight * g.outWidth
        var dx = x.zerosLike()
        let pp = patchBuffer.pointer(rows * kSize), dpp = gradientBuffer.pointer(rows * kSize), dop = productBuffer.pointer(coutG * rows)
        let weightGrad = weight.grads[worker]
        let biasGrad = bias?.grads[worker]
        x.data.withUnsafeBufferPointer { xp in
            weight.effective.withUnsafeBufferPointer { wp in
                gradient.data.withUnsafeBufferPointer { gp in
                    dx.data.withUnsafeMutableBufferPointer { dxp in
                        for group in 0..<groups {
                            for o in 0..<coutG {
                                let channel = group &* coutG &+ o
                                let dst = dop + o &* rows
                                var sum: Float = 0
                                for image in 0..<x.n {
                                    let src = gp.baseAddress! + (image &* outChannels &+ channel) &* outPlane
                                    let d = dst + image &* outPlane
                                    for i in 0..<outPlane { d[i] = src[i]; sum += src[i] }
                                }
                                biasGrad?[channel] += sum
                            }
                            Im2col.columns(xp.baseAddress!, g, firstChannel: group * cinG, groupChannels: cinG, into: pp)
                            FloatGEMM.multiply(dop, pp, weightGrad + group * coutG * kSize, m: coutG, n: kSize, k: rows, transposeB: true, accumulate: true)
                            FloatGEMM.multiply(wp.baseAddress! + group * coutG * kSize, dop, dpp, m: kSize, n: rows, k: coutG, transposeA: true)
                            Im2col.accumulate(dpp, g, firstChannel: group * cinG, groupChannels: cinG, into: dxp.baseAddress!)
                        }
                    }
                }
            }
        }
        return [Tensor(n: x.n, c: inputShape.c, h: inputShape.h, w: inputShape.w, data: dx.data)]
    }
}
