import Foundation

/// A deterministic pseudo-random generator (SplitMix64, Steele et al. 2014): the same seed gives
/// the same sequence on every machine, so training is reproducible for a given seed and thread
/// count; benchmarks and tests draw their inputs from it too. Never uses the system generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Inlinable: the functional simulation draws one per read in its hot loops.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func nextUnit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in [-1, 1) with 24 bits of precision.
    public mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }

    /// Uniform integer in 0..<bound (bound > 0).
    public mutating func nextInt(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Standard normal sample (Box-Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = max(nextUnit(), Float.leastNormalMagnitude)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Float.pi * u2)
    }
}
