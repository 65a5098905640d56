import PimsimCore
import PimsimKernels

/// CIFAR-style augmentation: pad by `padding` zeros (in real values), take a random crop of the
/// original size, and flip horizontally with probability 1/2 when `flip`.
public struct Augmentation: Equatable, Sendable {
    public var padding: Int
    public var flip: Bool

    public init(padding: Int, flip: Bool) {
        self.padding = padding
        self.flip = flip
    }

    public static let none = Augmentation(padding: 0, flip: false)
    /// Pad 4 + random crop + horizontal flip (He et al. 2016 for CIFAR).
    public static let cifar = Augmentation(padding: 4, flip: true)
    /// Pad 4 + random crop (digits must not be mirrored).
    public static let crop = Augmentation(padding: 4, flip: false)
}

/// Turns dataset images into float batches: x = (p - 128) / 128 (`PixelEncoding`), augmented.
enum BatchAssembler {
    static func batch(_ images: [UInt8], shape: TensorShape, indices: ArraySlice<Int>, augmentation: Augmentation, rng: inout SeededGenerator) -> Tensor {
        let size = shape.count, h = shape.height, w = shape.width
        var t = Tensor(n: indices.count, c: shape.channels, h: h, w: w)
        for (b, index) in indices.enumerated() {
            let base = index * size
            var dy = 0, dx = 0, mirror = false
            if augmentation.padding > 0 {
                dy = rng.nextInt(below: 2 * augmentation.padding + 1) - augmentation.padding
                dx = rng.nextInt(below: 2 * augmentation.padding + 1) - augmentation.padding
            }
            if augmentation.flip { mirror = rng.nextInt(below: 2) == 1 }
            for c in 0..<shape.channels {
                for y in 0..<h {
                    for x in 0..<w {
                        let sy = y + dy, sxRaw = x + dx
                        let sx = mirror ? w - 1 - sxRaw : sxRaw
                        var v: Float = 0
                        if sy >= 0 && sy < h && sx >= 0 && sx < w {
                            v = PixelEncoding.integer(images[base + (c * h + sy) * w + sx]) * PixelEncoding.step
                        }
                        t.data[((b * shape.channels + c) * h + y) * w + x] = v
                    }
                }
            }
        }
        return t
    }
}
