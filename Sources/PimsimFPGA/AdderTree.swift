/// The integer adders of one processing element: a binary tree that sums its SIMD lanes'
/// products, then an accumulator that sums the tree's outputs over ceil(MW / SIMD) cycles.
///
/// Each adder is as wide as the values it can produce: a level-k adder sums at most
/// min(2^k, lanes) products of magnitude at most m, so it needs bitlength(min(2^k, lanes) * m) + 1
/// bits (sign included), never more than the accumulator. Ternary weights are folded into the
/// first adders (add, subtract or skip; docs/fpga.md), so a lane has no multiplier.
public struct AdderTree: Sendable, Equatable {
    /// Adder widths in bits: the tree's adders level by level, then the accumulator.
    public let widths: [Int]

    /// - Parameters:
    ///   - lanes: products summed per cycle (SIMD), >= 1.
    ///   - productMagnitude: the largest |weight * activation|.
    ///   - accumulatorBits: the accumulator's width.
    public init(lanes: Int, productMagnitude: Int, accumulatorBits: Int) {
        var widths: [Int] = []
        var items = lanes
        var level = 1
        while items > 1 {
            let leaves = min(1 << min(level, 40), lanes)
            let width = min(Datapath.signedBits(leaves * productMagnitude), accumulatorBits)
            widths += Array(repeating: width, count: items / 2)
            items = (items + 1) / 2
            level += 1
        }
        widths.append(accumulatorBits)
        self.widths = widths
    }

    /// Adders: lanes - 1 in the tree plus the accumulator, i.e. one per lane.
    public var adders: Int { widths.count }
    /// Sum of adder widths: LUT6 (one per bit) and registered output bits.
    public var bits: Int { widths.reduce(0, +) }
    /// Slices of carry chain: ceil(width / carry bits per slice) per adder.
    public func carrySlices(carryBitsPerSlice: Int) -> Int { widths.reduce(0) { $0 + ceilDiv($1, carryBitsPerSlice) } }
}
