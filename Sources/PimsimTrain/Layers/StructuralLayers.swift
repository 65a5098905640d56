import PimsimCore

/// The graph input: passes the batch through.
final class InputLayer: Layer {
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor { inputs[0] }
    func backward(_ gradient: Tensor) -> [Tensor] { [] }
}

/// Element-wise sum of two tensors (residual connection).
final class AddLayer: Layer {
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var y = inputs[0]
        for i in 0..<y.count { y.data[i] += inputs[1].data[i] }
        return y
    }
    func backward(_ gradient: Tensor) -> [Tensor] { [gradient, gradient] }
}

/// Reshape to (n, c*h*w, 1, 1).
final class FlattenLayer: Layer {
    private var shape = (c: 0, h: 0, w: 0)
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        shape = (x.c, x.h, x.w)
        return Tensor(n: x.n, c: x.imageSize, h: 1, w: 1, data: x.data)
    }
    func backward(_ gradient: Tensor) -> [Tensor] {
        [Tensor(n: gradient.n, c: shape.c, h: shape.h, w: shape.w, data: gradient.data)]
    }
}

/// Global average pooling: y[b][c] = mean over positions of x[b][c].
final class GlobalAvgPoolLayer: Layer {
    private var shape = (c: 0, h: 0, w: 0)

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        shape = (x.c, x.h, x.w)
        var y = Tensor(n: x.n, c: x.c, h: 1, w: 1)
        let plane = x.plane
        for i in 0..<(x.n * x.c) {
            var s: Float = 0
            for j in 0..<plane { s += x.data[i * plane + j] }
            y.data[i] = s / Float(plane)
        }
        return y
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        let plane = shape.h * shape.w
        var dx = Tensor(n: gradient.n, c: shape.c, h: shape.h, w: shape.w)
        for i in 0..<(gradient.n * shape.c) {
            let g = gradient.data[i] / Float(plane)
            for j in 0..<plane { dx.data[i * plane + j] = g }
        }
        return [dx]
    }
}

/// ResNet option-A shortcut: y[b][c + (Cout - Cin)/2][y][x] = x[b][c][y*s][x*s]; the other
/// channels are zero (the zero channels split evenly before and after, as in He et al.'s
/// CIFAR code).
final class ShortcutLayer: Layer {
    let attributes: ShortcutAttributes
    let outShape: TensorShape
    private var inShape = (c: 0, h: 0, w: 0)

    init(attributes: ShortcutAttributes, outShape: TensorShape) {
        self.attributes = attributes
        self.outShape = outShape
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        inShape = (x.c, x.h, x.w)
        var y = Tensor(n: x.n, c: outShape.channels, h: outShape.height, w: outShape.width)
        map(x.n) { src, dst in y.data[dst] = x.data[src] }
        return y
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        var dx = Tensor(n: gradient.n, c: inShape.c, h: inShape.h, w: inShape.w)
        map(gradient.n) { src, dst in dx.data[src] = gradient.data[dst] }
        return [dx]
    }

    /// Calls `body(inputIndex, outputIndex)` for every copied value.
    private func map(_ n: Int, _ body: (Int, Int) -> Void) {
        let offset = (outShape.channels - inShape.c) / 2, s = attributes.stride
        for b in 0..<n {
            for c in 0..<inShape.c {
                for y in 0..<outShape.height {
                    for x in 0..<outShape.width {
                        let src = ((b * inShape.c + c) * inShape.h + y * s) * inShape.w + x * s
                        let dst = ((b * outShape.channels + c + offset) * outShape.height + y) * outShape.width + x
                        body(src, dst)
                    }
                }
            }
        }
    }
}

/// Max or average pooling (average divides by the positions inside the image).
final class PoolLayer: Layer {
    let attributes: PoolAttributes
    private var inShape = (n: 0, c: 0, h: 0, w: 0)
    /// Max pooling: the input index each output took.
    private var argmax: [Int] = []

    init(attributes: PoolAttributes) { self.attributes = attributes }

    /// Calls `body(output index, window input indices)` for every output.
    private func windows(_ body: (Int, [Int]) -> Void) -> (oh: Int, ow: Int) {
        let (n, c, h, w) = inShape
        let k = attributes.kernel, s = attributes.stride, p = attributes.padding
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        var window: [Int] = []
        window.reserveCapacity(k * k)
        var o = 0
        for bc in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    window.removeAll(keepingCapacity: true)
                    for ky in 0..<k {
                        let yy = oy * s - p + ky
                        guard yy >= 0 && yy < h else { continue }
                        for kx in 0..<k {
                            let xx = ox * s - p + kx
                            if xx >= 0 && xx < w { window.append((bc * h + yy) * w + xx) }
                        }
                    }
                    body(o, window)
                    o += 1
                }
            }
        }
        return (oh, ow)
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        inShape = (x.n, x.c, x.h, x.w)
        var values: [Float] = []
        argmax = []
        let isMax = attributes.kind == .max
        let (oh, ow) = windows { _, window in
            if isMax {
                var best = window[0]
                for i in window where x.data[i] > x.data[best] { best = i }
                values.append(x.data[best])
                argmax.append(best)
            } else {
                values.append(window.reduce(0) { $0 + x.data[$1] } / Float(window.count))
            }
        }
        return Tensor(n: x.n, c: x.c, h: oh, w: ow, data: values)
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        var dx = Tensor(n: inShape.n, c: inShape.c, h: inShape.h, w: inShape.w)
        if attributes.kind == .max {
            for (o, i) in argmax.enumerated() { dx.data[i] += gradient.data[o] }
        } else {
            _ = windows { o, window in
                let g = gradient.data[o] / Float(window.count)
                for i in window { dx.data[i] += g }
            }
        }
        return [dx]
    }
}
