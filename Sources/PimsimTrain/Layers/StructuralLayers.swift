import PimsimCore

/// The graph input: passes the batch through.
final class InputLayer: Layer {
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor { inputs[0] }
    func backward(_ gradient: Tensor) -> [Tensor] { [] }
}

/// Element-wise sum of two tensors (residual connection).
final class AddLayer: Layer {
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let a = inputs[0], b = inputs[1]
        var y = Tensor(uninitializedN: a.n, c: a.c, h: a.h, w: a.w)
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    for i in 0..<a.count { yp[i] = ap[i] + bp[i] }
                }
            }
        }
        return y
    }

    /// target[i] += source[i] (gradients meeting at a node with several consumers).
    static func add(_ source: Tensor, into target: inout Tensor) {
        source.data.withUnsafeBufferPointer { sp in
            target.data.withUnsafeMutableBufferPointer { tp in
                for i in 0..<sp.count { tp[i] += sp[i] }
            }
        }
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
        var y = Tensor(uninitializedN: x.n, c: x.c, h: 1, w: 1)
        let plane = x.plane
        x.data.withUnsafeBufferPointer { xp in
            for i in 0..<(x.n * x.c) {
                var s: Float = 0
                for j in 0..<plane { s += xp[i &* plane &+ j] }
                y.data[i] = s / Float(plane)
            }
        }
        return y
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        let plane = shape.h * shape.w
        var dx = Tensor(uninitializedN: gradient.n, c: shape.c, h: shape.h, w: shape.w)
        dx.data.withUnsafeMutableBufferPointer { dp in
            for i in 0..<(gradient.n * shape.c) {
                (dp.baseAddress! + i &* plane).update(repeating: gradient.data[i] / Float(plane), count: plane)
            }
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
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                map(x.n) { src, dst, count, s in for i in 0..<count { yp[dst &+ i] = xp[src &+ i &* s] } }
            }
        }
        return y
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        var dx = Tensor(n: gradient.n, c: inShape.c, h: inShape.h, w: inShape.w)
        gradient.data.withUnsafeBufferPointer { gp in
            dx.data.withUnsafeMutableBufferPointer { dp in
                map(gradient.n) { src, dst, count, s in for i in 0..<count { dp[src &+ i &* s] = gp[dst &+ i] } }
            }
        }
        return [dx]
    }

    /// Calls `body(input start, output start, count, input step)` for every output row that
    /// copies input values: output (b, c + offset, y, 0..<width) = input (b, c, y*s, 0, s, 2s, ...).
    private func map(_ n: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let offset = (outShape.channels - inShape.c) / 2, s = attributes.stride
        for b in 0..<n {
            for c in 0..<inShape.c {
                for y in 0..<outShape.height {
                    let src = ((b &* inShape.c &+ c) &* inShape.h &+ y &* s) &* inShape.w
                    let dst = ((b &* outShape.channels &+ c &+ offset) &* outShape.height &+ y) &* outShape.width
                    body(src, dst, outShape.width, s)
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
    private var argmax: [Int32] = []

    init(attributes: PoolAttributes) { self.attributes = attributes }

    private var outSize: (h: Int, w: Int) {
        let k = attributes.kernel, s = attributes.stride, p = attributes.padding
        return ((inShape.h + 2 * p - k) / s + 1, (inShape.w + 2 * p - k) / s + 1)
    }

    /// Calls `body(output index, window rows, window columns, plane start)` for every output: the
    /// window's input rows and columns clipped to the image.
    @inline(__always)
    private func windows(_ body: (Int, Range<Int>, Range<Int>, Int) -> Void) {
        let (n, c, h, w) = inShape, (oh, ow) = outSize
        let k = attributes.kernel, s = attributes.stride, p = attributes.padding
        var o = 0
        for bc in 0..<(n &* c) {
            for oy in 0..<oh {
                let rows = max(0, oy &* s &- p)..<min(h, oy &* s &- p &+ k)
                for ox in 0..<ow {
                    body(o, rows, max(0, ox &* s &- p)..<min(w, ox &* s &- p &+ k), bc &* h &* w)
                    o &+= 1
                }
            }
        }
    }

    func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let x = inputs[0]
        inShape = (x.n, x.c, x.h, x.w)
        let (oh, ow) = outSize
        var y = Tensor(uninitializedN: x.n, c: x.c, h: oh, w: ow)
        let isMax = attributes.kind == .max
        if isMax { argmax = [Int32](repeating: 0, count: y.count) }
        let width = x.w
        if isMax && attributes.padding == 0 && attributes.kernel == attributes.stride {
            maxPoolTiled(x, into: &y)
            return y
        }
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                argmax.withUnsafeMutableBufferPointer { ap in
                    windows { o, rows, columns, plane in
                        if isMax {
                            // The first largest value in row-major window order.
                            var best = plane &+ rows.lowerBound &* width &+ columns.lowerBound
                            for yy in rows {
                                for xx in columns where xp[plane &+ yy &* width &+ xx] > xp[best] { best = plane &+ yy &* width &+ xx }
                            }
                            yp[o] = xp[best]
                            ap[o] = Int32(truncatingIfNeeded: best)
                        } else {
                            var sum: Float = 0
                            for yy in rows { for xx in columns { sum += xp[plane &+ yy &* width &+ xx] } }
                            yp[o] = sum / Float(rows.count &* columns.count)
                        }
                    }
                }
            }
        }
        return y
    }

    /// Max pooling with windows that tile the input (kernel = stride, no padding: LeNet-5's 2x2),
    /// without the general window bookkeeping; the same first-largest rule.
    private func maxPoolTiled(_ x: Tensor, into y: inout Tensor) {
        let k = attributes.kernel, (oh, ow) = outSize, width = x.w, plane = x.h &* x.w
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                argmax.withUnsafeMutableBufferPointer { ap in
                    var o = 0
                    for bc in 0..<(x.n &* x.c) {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let origin = bc &* plane &+ oy &* k &* width &+ ox &* k
                                var best = origin, value = xp[origin]
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        let i = origin &+ ky &* width &+ kx
                                        if xp[i] > value { (best, value) = (i, xp[i]) }
                                    }
                                }
                                yp[o] = value
                                ap[o] = Int32(truncatingIfNeeded: best)
                                o &+= 1
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(_ gradient: Tensor) -> [Tensor] {
        var dx = Tensor(n: inShape.n, c: inShape.c, h: inShape.h, w: inShape.w)
        let width = inShape.w
        gradient.data.withUnsafeBufferPointer { gp in
            dx.data.withUnsafeMutableBufferPointer { dp in
                if attributes.kind == .max {
                    for (o, i) in argmax.enumerated() { dp[Int(i)] += gp[o] }
                } else {
                    windows { o, rows, columns, plane in
                        let g = gp[o] / Float(rows.count &* columns.count)
                        for yy in rows { for xx in columns { dp[plane &+ yy &* width &+ xx] += g } }
                    }
                }
            }
        }
        return [dx]
    }
}
