/// Vectorised reductions over float buffers for the element-wise layers: eight-lane partial
/// results, so the compiler keeps them in vector registers (a scalar loop cannot be vectorised:
/// float addition is not associative).
enum Reductions {
    typealias Vector = SIMD8<Float>

    /// Sum of x[0..<count].
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = Vector(), i = 0
        while i &+ 8 <= count {
            acc += UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            i &+= 8
        }
        var total = acc.sum()
        while i < count { total += x[i]; i &+= 1 }
        return total
    }

    /// Sum of (x[i] - mean)^2.
    static func squaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        var acc = Vector(), i = 0
        let m = Vector(repeating: mean)
        while i &+ 8 <= count {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self) - m
            acc += d * d
            i &+= 8
        }
        var total = acc.sum()
        while i < count { let d = x[i] - mean; total += d * d; i &+= 1 }
        return total
    }

    /// (sum of g[i], sum of g[i] * (x[i] - mean)).
    static func sumAndCentredDot(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> (Float, Float) {
        var sum = Vector(), dot = Vector(), i = 0
        let m = Vector(repeating: mean)
        while i &+ 8 <= count {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: Vector.self)
            sum += gv
            dot += gv * (UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self) - m)
            i &+= 8
        }
        var (s, d) = (sum.sum(), dot.sum())
        while i < count { s += g[i]; d += g[i] * (x[i] - mean); i &+= 1 }
        return (s, d)
    }

    /// Largest |x[i]| (0 for no values; NaN values are ignored).
    static func maximumMagnitude(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = Vector(), i = 0
        while i &+ 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            acc = acc.replacing(with: -v, where: -v .> acc).replacing(with: v, where: v .> acc)
            i &+= 8
        }
        var result = acc.max()
        while i < count { result = max(result, abs(x[i])); i &+= 1 }
        return result
    }
}
