/// A kind of FPGA resource that a count is measured in. Each unit is its own type, so a count of
/// slices can never be added to, compared with or passed as a count of LUTs: converting between
/// them needs the device's packing factor (`Count<Slice>.lutCapacity(lutsPerSlice:)`).
public protocol ResourceUnit: Sendable {
    /// The unit's name in reports, e.g. `LUT6`, `slice`, `BRAM18`.
    static var symbol: String { get }
}

/// A configurable logic block slice: 4 LUT6 + 8 flip-flops + one CARRY4 on 7-series (UG474),
/// 8 LUT6 + 16 flip-flops + one CARRY8 on UltraScale+ (UG574).
public enum Slice: ResourceUnit { public static let symbol = "slice" }
/// A 6-input look-up table (Vivado's "slice LUT"), as logic or as 64 x 1 distributed RAM.
public enum LUT6: ResourceUnit { public static let symbol = "LUT6" }
/// A slice flip-flop.
public enum FlipFlop: ResourceUnit { public static let symbol = "FF" }
/// A DSP slice; which primitive (DSP48E1 or DSP48E2) is carried by `DSPPrimitive` beside the count.
public enum DSPSlice: ResourceUnit { public static let symbol = "DSP" }
/// An 18 Kb block RAM (half of a RAMB36).
public enum BRAM18: ResourceUnit { public static let symbol = "BRAM18" }
/// A 36 Kb block RAM (two BRAM18).
public enum BRAM36: ResourceUnit { public static let symbol = "BRAM36" }

/// A whole number of one resource unit.
public struct Count<Unit: ResourceUnit>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: Int

    public init(_ value: Int) { self.value = value }

    public static var zero: Count { Count(0) }

    /// Counts saturate here (2^62) instead of overflowing: a design that needs more of anything
    /// fits no device, and an extreme input must never trap.
    public static var ceiling: Int { 1 << 62 }

    public static func + (a: Count, b: Count) -> Count {
        let (sum, overflow) = a.value.addingReportingOverflow(b.value)
        return Count(overflow ? ceiling : min(sum, ceiling))
    }
    public static func += (a: inout Count, b: Count) { a = a + b }
    /// `count` copies of a per-instance cost.
    public static func * (a: Count, count: Int) -> Count {
        let (product, overflow) = a.value.multipliedReportingOverflow(by: count)
        return Count(overflow ? ceiling : min(product, ceiling))
    }
    public static func < (a: Count, b: Count) -> Bool { a.value < b.value }

    /// `"49600 LUT6"`.
    public var description: String { "\(value) \(Unit.symbol)" }
}

extension Count where Unit == Slice {
    /// The LUT6 the slices hold: slices * LUT6 per slice.
    public func lutCapacity(lutsPerSlice: Int) -> Count<LUT6> { Count<LUT6>(value * lutsPerSlice) }
    /// The flip-flops the slices hold: slices * FF per slice.
    public func flipFlopCapacity(ffsPerSlice: Int) -> Count<FlipFlop> { Count<FlipFlop>(value * ffsPerSlice) }
}

extension Count where Unit == LUT6 {
    /// The fewest slices that can hold these LUTs with perfect packing: ceil(LUTs / LUT6 per slice).
    public func minimumSlices(lutsPerSlice: Int) -> Count<Slice> { Count<Slice>(ceilDiv(value, lutsPerSlice)) }
}

extension Count where Unit == FlipFlop {
    /// The fewest slices that can hold these flip-flops: ceil(FFs / FF per slice).
    public func minimumSlices(ffsPerSlice: Int) -> Count<Slice> { Count<Slice>(ceilDiv(value, ffsPerSlice)) }
}

extension Count where Unit == BRAM36 {
    /// Each RAMB36 splits into two independent RAMB18 (UG473).
    public var asBRAM18: Count<BRAM18> { Count<BRAM18>(value * 2) }
}

/// ceil(a / b) for a >= 0, b > 0.
@inlinable
func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
