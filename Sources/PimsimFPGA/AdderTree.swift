/// The integer adders of one processing element: a binary tree that sums its SIMD lanes'
/// products, then an accumulator that sums the tree's outputs over ceil(MW / SIMD) cycles.
///
/// Each adder is as wide as the values it can produce: a level-k adder sums at most
/// min(2^k, lanes) products of magnitude at most m, so it needs bitlength(min(2^k, lanes) * m) + 1
/// bits (sign included), never more than the accumulator. Ternary weights are folded into the
/// first adders (add, subtract or skip; docs/fpga.md), so a lane has no multiplier.
public struct AdderTree: Sendable, Equatable {
    /// Adders of one width: `count` adders of `bits` bits.
    public struct Level: Sendable, Equatable {
        public let bits: Int
        public let count: Int
    }

    /// The tree's adders level by level, then the accumulator (one entry per level, so a tree of
    /// any number of lanes is a few dozen entries).
    public let levels: [Level]

    /// - Parameters:
    ///   - lanes: products summed per cycle (SIMD), >= 1.
    ///   - productMagnitude: the largest |weight * activation|.
    ///   - accumulatorBits: the accumulator's width.
    public init(lanes: Int, productMagnitude: Int, accumulatorBits: Int) {
        var levels: [Level] = []
        var items = lanes
        var level = 1
        while items > 1 {
            let leaves = min(1 << min(level, 40), lanes)
            let (magnitude, overflow) = leaves.multipliedReportingOverflow(by: productMagnitude)
            let width = overflow ? accumulatorBits : min(Datapath.signedBits(magnitude), accumulatorBits)
            levels.append(Level(bits: width, count: items / 2))
            items = (items + 1) / 2
            level += 1
        }
        levels.append(Level(bits: accumulatorBits, count: 1))
        self.levels = levels
    }

    /// Adder widths in bits, one per adder, in level order (for small trees and tests).
    public var widths: [Int] { levels.flatMap { Array(repeating: $0.bits, count: $0.count) } }
    /// Adders: lanes - 1 in the tree plus the accumulator, i.e. one per lane.
    public var adders: Int { levels.reduce(0) { $0 + $1.count } }
    /// Sum of adder widths: LUT6 (one per bit) and registered output bits.
    public var bits: Int { levels.reduce(0) { $0 + $1.bits * $1.count } }
    /// Slices of carry chain: ceil(width / carry bits per slice) per adder.
    public func carrySlices(carryBitsPerSlice: Int) -> Int { levels.reduce(0) { $0 + ceilDiv($1.bits, carryBitsPerSlice) * $1.count } }
}
