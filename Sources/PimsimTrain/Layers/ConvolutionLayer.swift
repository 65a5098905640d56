import PimsimKernels

/// 2-D convolution (grouped and pointwise included) and fully connected layers with FloatGEMM.
///
/// Convolution, per group g and per chunk of images: out_g (Cout_g x P) = W_g (Cout_g x K) *
/// columns_g (K x P), P = images*outH*outW, K = Cin_g*k*k (im2col); backward
/// dW_g += dOut_g * columns_g^T and dColumns_g = W_g^T * dOut_g, added back into dx (col2im).
/// The images are taken a few at a time (`chunkFloats`) so that the im2col matrix of a chunk and
/// its gradient stay in the core's L2 cache between being written and read: the whole batch's
/// matrices (58 MB each for ResNet-20's first stage at batch 128) made training memory-bound and
/// took 2.9 GB (docs/performance.md). All layers of a worker share one `WorkerScratch`.
///
/// A linear layer (flattened input X, n x K) is out (n x M) = X W^T, dX = dOut W,
/// dW += dOut^T X: three products on the tensors as they are, no im2col.
///
/// Forward pass of a quantised layer on ternary or binary inputs (`hasTernaryInputs`, the graph's
/// precision; the activation before it gives only -1, 0, +1): the inputs are bit-packed and
/// multiplied with the weight codes by `TernaryGEMM` (exact integers), out = α acc + bias, the
/// integer evaluator's method (`PatchLayout`): about a third of the float product's time.
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
    /// False for a layer fed by the network input, whose gradient nobody needs.
    var computesInputGradient = true
    /// The inputs are ternary or binary values (see the type's documentation).
    var hasTernaryInputs = false
    /// Packed weight codes per group in `PatchLayout` order, for `weight.version`.
    private var packedWeights: (version: Int, groups: [PackedTernaryMatrix])?
    private var input: Tensor?
    /// Shape (c, h, w) of the input before a linear layer flattens it.
    private var inputShape = (c: 0, h: 0, w: 0)
    private let scratch: WorkerScratch

    /// im2col floats per chunk of images (512 KiB; at least one image per chunk).
    static let chunkFloats = 131_072

    init(weight: Parameter, bias: Parameter?, worker: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, groups: Int,
         isLinear: Bool, scratch: WorkerScratch = WorkerScratch()) {
        self.weight = weight
        self.bias = bias
        self.worker = worker
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.isLinear = isLinear
        self.scratch = scratch
    }

    func geometry(_ x: Tensor) -> Im2col.Geometry {
        Im2col.Geometry(batch: x.n, channels: x.c, height: x.h, width: x.w, kernel: kernel, stride: stride, padding: padding)
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        inputShape = (x.c, x.h, x.w)
        input = training ? x : nil
        if hasTernaryInputs, let quantized = weight.quantized, let codes = quantized.codes {
            return ternaryForward(x, codes: codes, scales: quantized.scales)
        }
        if isLinear { return Self.linear(x, weights: weight.effective, bias: bias?.value, outFeatures: outChannels) }
        return Self.convolve(x, weights: weight.effective, bias: bias?.value, outChannels: outChannels, geometry: geometry(x),
                             groups: groups, scratch: scratch)
    }

    /// out = α (codes * x) + bias on bit-packed inputs, per chunk of images: the chunk's values
    /// position-major (channels of a position together), packed, turned into patch rows and
    /// multiplied exactly.
    private func ternaryForward(_ x: Tensor, codes: [Int8], scales: [Float]) -> Tensor {
        let g = isLinear ? Im2col.Geometry(batch: x.n, channels: x.imageSize, height: 1, width: 1, kernel: 1, stride: 1, padding: 0) : geometry(x)
        let cinG = g.channels / groups, coutG = outChannels / groups, plane = g.outHeight &* g.outWidth, inPlane = g.height &* g.width
        let layout = PatchLayout(kernel: kernel, stride: stride, padding: padding, channels: cinG)
        if packedWeights?.version != weight.version {
            let perGroup = coutG &* cinG &* kernel &* kernel
            packedWeights = (weight.version, (0..<groups).map { layout.weights(codes[($0 &* perGroup)..<(($0 &+ 1) &* perGroup)], outChannels: coutG) })
        }
        let weights = packedWeights!.groups
        let images = Self.chunkImages(kSize: cinG &* kernel &* kernel, plane: plane, batch: x.n)
        var out = Tensor(uninitializedN: x.n, c: outChannels, h: g.outHeight, w: g.outWidth)
        let positionMajor = scratch.patches.pointer(images &* inPlane &* g.channels)
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: coutG &* images &* plane)
        defer { acc.deallocate() }
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                for b0 in Swift.stride(from: 0, to: x.n, by: images) {
                    let count = min(images, x.n &- b0), positions = count &* plane
                    // Channels of each position together (NCHW -> NHWC), then packed.
                    Self.positionMajor(xp.baseAddress! + b0 &* g.channels &* inPlane, images: count, channels: g.channels, plane: inPlane,
                                       into: positionMajor)
                    let packed = PackedTernaryMatrix(values: positionMajor, rows: count &* inPlane, columns: g.channels, low: -0.5, high: 0.5, threads: 1)
                    for group in 0..<groups {
                        let patches = groups == 1 && layout.isDirect
                            ? packed : layout.patches(packed, n: count, h: g.height, w: g.width, firstChannel: group &* cinG)
                        TernaryGEMM.multiply(weights[group], patches, into: acc, threads: 1)
                        for o in 0..<coutG {
                            let channel = group &* coutG &+ o, s = scales.count == 1 ? scales[0] : scales[channel], b = bias?.value[channel] ?? 0
                            for image in 0..<count {
                                let target = op.baseAddress! + ((b0 &+ image) &* outChannels &+ channel) &* plane
                                let source = acc + (o &* positions &+ image &* plane)
                                for i in 0..<plane { target[i] = Float(source[i]) * s + b }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// NCHW -> NHWC: target[(image * plane + q) * channels + c] = source[(image * channels + c) * plane + q].
    /// In 4 x 4 blocks (four channels at four positions: four vector loads, a transpose in
    /// registers, four vector stores; SSE2 on baseline x86-64, NEON on arm64) where four channels
    /// and four positions remain, element by element at the edges. One scalar store every
    /// `channels` floats was 8 % of `ternaryForward` (measured).
    static func positionMajor(_ source: UnsafePointer<Float>, images: Int, channels: Int, plane: Int, into target: UnsafeMutablePointer<Float>) {
        let channels4 = channels & ~3, plane4 = plane & ~3
        for image in 0..<images {
            let from = source + image &* channels &* plane, to = target + image &* channels &* plane
            for c in Swift.stride(from: 0, to: channels4, by: 4) {
                let r0 = from + c &* plane, r1 = r0 + plane, r2 = r1 + plane, r3 = r2 + plane
                for q in Swift.stride(from: 0, to: plane4, by: 4) {
                    let a = load4(r0 + q), b = load4(r1 + q), x = load4(r2 + q), y = load4(r3 + q)
                    store4(SIMD4(a[0], b[0], x[0], y[0]), to + (q &* channels &+ c))
                    store4(SIMD4(a[1], b[1], x[1], y[1]), to + ((q &+ 1) &* channels &+ c))
                    store4(SIMD4(a[2], b[2], x[2], y[2]), to + ((q &+ 2) &* channels &+ c))
                    store4(SIMD4(a[3], b[3], x[3], y[3]), to + ((q &+ 3) &* channels &+ c))
                }
                for q in plane4..<plane { for k in 0..<4 { to[q &* channels &+ c &+ k] = from[(c &+ k) &* plane &+ q] } }
            }
            for c in channels4..<channels { for q in 0..<plane { to[q &* channels &+ c] = from[c &* plane &+ q] } }
        }
    }

    @inline(__always) private static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always) private static func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    /// Images per chunk for a K x plane im2col matrix per image.
    static func chunkImages(kSize: Int, plane: Int, batch: Int) -> Int {
        max(1, min(batch, chunkFloats / max(1, kSize &* plane)))
    }

    /// out = conv(x, weights) + bias with float arithmetic (also the evaluator's float path).
    static func convolve(_ x: Tensor, weights: [Float], bias: [Float]?, outChannels: Int, geometry g: Im2col.Geometry, groups: Int,
                         scratch: WorkerScratch) -> Tensor {
        let cinG = x.c / groups, coutG = outChannels / groups
        let kSize = cinG &* g.kernel &* g.kernel, plane = g.outHeight &* g.outWidth
        let images = chunkImages(kSize: kSize, plane: plane, batch: x.n)
        var out = Tensor(uninitializedN: x.n, c: outChannels, h: g.outHeight, w: g.outWidth)
        let columns = scratch.patches.pointer(kSize &* plane &* images)
        let product = scratch.product.pointer(coutG &* plane &* images)
        x.data.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                out.data.withUnsafeMutableBufferPointer { op in
                    for b0 in Swift.stride(from: 0, to: x.n, by: images) {
                        let count = min(images, x.n &- b0), positions = count &* plane
                        var chunk = g
                        chunk.batch = count
                        for group in 0..<groups {
                            Im2col.columns(xp.baseAddress! + (b0 &* x.imageSize), chunk, firstChannel: group &* cinG, groupChannels: cinG,
                                           into: columns)
                            // One image: the product's rows are this image's output planes, in place.
                            let direct = op.baseAddress! + ((b0 &* outChannels &+ group &* coutG) &* plane)
                            FloatGEMM.multiply(wp.baseAddress! + (group &* coutG &* kSize), columns, count == 1 ? direct : product,
                                               m: coutG, n: positions, k: kSize, threads: 1)
                            for o in 0..<coutG {
                                let channel = group &* coutG &+ o, b = bias?[channel] ?? 0
                                for image in 0..<count {
                                    let target = op.baseAddress! + (((b0 &+ image) &* outChannels &+ channel) &* plane)
                                    if count == 1 {
                                        if b != 0 { for i in 0..<plane { target[i] += b } }
                                    } else {
                                        let source = product + (o &* positions &+ image &* plane)
                                        for i in 0..<plane { target[i] = source[i] + b }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// out (n x M) = X (n x K) W^T + bias for a flattened input.
    static func linear(_ x: Tensor, weights: [Float], bias: [Float]?, outFeatures: Int) -> Tensor {
        let features = x.imageSize
        var out = Tensor(uninitializedN: x.n, c: outFeatures, h: 1, w: 1)
        x.data.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                out.data.withUnsafeMutableBufferPointer { op in
                    FloatGEMM.multiply(xp.baseAddress!, wp.baseAddress!, op.baseAddress!, m: x.n, n: outFeatures, k: features,
                                       transposeB: true, threads: 1)
                    if let bias {
                        for b in 0..<x.n { for o in 0..<outFeatures { op[b &* outFeatures &+ o] += bias[o] } }
                    }
                }
            }
        }
        return out
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        guard let x = input else { preconditionFailure("backward before a training forward pass") }
        input = nil
        let biasGrad = bias?.grads[worker]
        if let biasGrad {
            let plane = gradient.plane
            gradient.data.withUnsafeBufferPointer { gp in
                for b in 0..<gradient.n {
                    for o in 0..<outChannels {
                        let row = gp.baseAddress! + ((b &* outChannels &+ o) &* plane)
                        var sum: Float = 0
                        for i in 0..<plane { sum += row[i] }
                        biasGrad[o] += sum
                    }
                }
            }
        }
        let dx = isLinear ? linearBackward(x, gradient) : convolutionBackward(x, gradient)
        return [dx.map { Tensor(n: $0.n, c: inputShape.c, h: inputShape.h, w: inputShape.w, data: $0.data) } ?? Tensor.empty]
    }

    private func linearBackward(_ x: Tensor, _ gradient: Tensor) -> Tensor? {
        let features = x.imageSize
        var dx = computesInputGradient ? Tensor(uninitializedN: x.n, c: features, h: 1, w: 1) : nil
        x.data.withUnsafeBufferPointer { xp in
            gradient.data.withUnsafeBufferPointer { gp in
                weight.effective.withUnsafeBufferPointer { wp in
                    // dW (M x K) += dOut^T (M x n) X (n x K).
                    FloatGEMM.multiply(gp.baseAddress!, xp.baseAddress!, weight.grads[worker], m: outChannels, n: features, k: x.n,
                                       transposeA: true, accumulate: true, threads: 1)
                    dx?.data.withUnsafeMutableBufferPointer { dp in
                        // dX (n x K) = dOut (n x M) W (M x K).
                        FloatGEMM.multiply(gp.baseAddress!, wp.baseAddress!, dp.baseAddress!, m: x.n, n: features, k: outChannels,
                                           threads: 1)
                    }
                }
            }
        }
        return dx
    }

    private func convolutionBackward(_ x: Tensor, _ gradient: Tensor) -> Tensor? {
        let g = geometry(x)
        let cinG = x.c / groups, coutG = outChannels / groups
        let kSize = cinG &* kernel &* kernel, plane = g.outHeight &* g.outWidth
        let images = Self.chunkImages(kSize: kSize, plane: plane, batch: x.n)
        var dx = computesInputGradient ? x.zerosLike() : nil
        let columns = scratch.patches.pointer(kSize &* plane &* images)
        let columnGradient = scratch.gradients.pointer(kSize &* plane &* images)
        let outputGradient = scratch.product.pointer(coutG &* plane &* images)
        let weightGrad = weight.grads[worker]
        x.data.withUnsafeBufferPointer { xp in
            weight.effective.withUnsafeBufferPointer { wp in
                gradient.data.withUnsafeBufferPointer { gp in
                    for b0 in Swift.stride(from: 0, to: x.n, by: images) {
                        let count = min(images, x.n &- b0), positions = count &* plane
                        var chunk = g
                        chunk.batch = count
                        for group in 0..<groups {
                            // dOut of the chunk as Cout_g x positions: in place for one image, else gathered.
                            var dOut = UnsafePointer(gp.baseAddress! + ((b0 &* outChannels &+ group &* coutG) &* plane))
                            if count > 1 {
                                for o in 0..<coutG {
                                    for image in 0..<count {
                                        let source = gp.baseAddress! + (((b0 &+ image) &* outChannels &+ group &* coutG &+ o) &* plane)
                                        (outputGradient + (o &* positions &+ image &* plane)).update(from: source, count: plane)
                                    }
                                }
                                dOut = UnsafePointer(outputGradient)
                            }
                            Im2col.columns(xp.baseAddress! + (b0 &* x.imageSize), chunk, firstChannel: group &* cinG, groupChannels: cinG,
                                           into: columns)
                            FloatGEMM.multiply(dOut, columns, weightGrad + (group &* coutG &* kSize), m: coutG, n: kSize, k: positions,
                                               transposeB: true, accumulate: true, threads: 1)
                            guard dx != nil else { continue }
                            FloatGEMM.multiply(wp.baseAddress! + (group &* coutG &* kSize), dOut, columnGradient, m: kSize, n: positions,
                                               k: coutG, transposeA: true, threads: 1)
                            dx!.data.withUnsafeMutableBufferPointer { dxp in
                                Im2col.accumulate(columnGradient, chunk, firstChannel: group &* cinG, groupChannels: cinG,
                                                  into: dxp.baseAddress! + (b0 &* x.imageSize))
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}

/// Scratch memory of one worker, shared by all its layers (they run one after another): the
/// im2col matrix of a chunk, its gradient, and a chunk's product or output gradient.
final class WorkerScratch {
    let patches = ScratchBuffer(), gradients = ScratchBuffer(), product = ScratchBuffer()
}
