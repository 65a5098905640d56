/// FPGA resources a design needs, each in its own unit.
public struct ResourceUse: Sendable, Equatable {
    /// LUT6 used as logic (operators, adder trees, comparators, control overhead).
    public var logicLUTs: Count<LUT6> = .zero
    /// LUT6 used as distributed RAM (weights in LUTRAM, thresholds).
    public var lutramLUTs: Count<LUT6> = .zero
    public var ffs: Count<FlipFlop> = .zero
    /// In the device's DSP primitive.
    public var dsps: Count<DSPSlice> = .zero
    public var bram18: Count<BRAM18> = .zero
    /// Slices whose carry chain an integer adder or comparator occupies.
    public var carrySlices: Count<Slice> = .zero

    public init() {}

    /// All LUT6: logic + distributed RAM.
    public var luts: Count<LUT6> { logicLUTs + lutramLUTs }

    /// The fewest slices that can hold this with perfect packing:
    /// max(ceil(LUT6 / LUT6 per slice), ceil(FF / FF per slice), carry-chain slices).
    public func minimumSlices(on device: FPGADevice) -> Count<Slice> {
        max(luts.minimumSlices(lutsPerSlice: device.lutsPerSlice), ffs.minimumSlices(ffsPerSlice: device.ffsPerSlice), carrySlices)
    }

    /// The same without storage (LUTRAM and block RAM): the part that grows monotonically with
    /// the number of MAC units.
    public var withoutStorage: ResourceUse {
        var copy = self
        copy.lutramLUTs = .zero
        copy.bram18 = .zero
        return copy
    }

    public static func + (a: ResourceUse, b: ResourceUse) -> ResourceUse {
        var sum = a
        sum.logicLUTs += b.logicLUTs
        sum.lutramLUTs += b.lutramLUTs
        sum.ffs += b.ffs
        sum.dsps += b.dsps
        sum.bram18 += b.bram18
        sum.carrySlices += b.carrySlices
        return sum
    }
}

/// One resource of a fit check: required against available, in one unit.
public struct ResourceLine: Sendable, Equatable {
    /// `lut6`, `lutram_lut6`, `ffs`, `dsps`, `bram18`, `slices` (the names of `pimsim fpga`'s JSON).
    public let key: String
    /// The unit both numbers are in, e.g. `LUT6`, `DSP48E1`, `BRAM18`.
    public let unit: String
    public let required: Int
    public let available: Int

    public var fits: Bool { required <= available }
    public var utilisation: Double { available == 0 ? (required == 0 ? 0 : .infinity) : Double(required) / Double(available) }
}

/// Whether a design fits a device, resource by resource.
public struct FitReport: Sendable, Equatable {
    public let lines: [ResourceLine]

    public init(_ use: ResourceUse, on device: FPGADevice) {
        lines = [
            ResourceLine(key: "lut6", unit: LUT6.symbol, required: use.luts.value, available: device.luts.value),
            ResourceLine(key: "lutram_lut6", unit: LUT6.symbol, required: use.lutramLUTs.value, available: device.lutramLUTs.value),
            ResourceLine(key: "ffs", unit: FlipFlop.symbol, required: use.ffs.value, available: device.ffs.value),
            ResourceLine(key: "dsps", unit: device.dspPrimitive.rawValue, required: use.dsps.value, available: device.dsps.value),
            ResourceLine(key: "bram18", unit: BRAM18.symbol, required: use.bram18.value, available: device.bram18.value),
            ResourceLine(key: "slices", unit: Slice.symbol, required: use.minimumSlices(on: device).value, available: device.slices.value),
        ]
    }

    public var fits: Bool { lines.allSatisfy(\.fits) }

    /// The resources that do not fit, e.g. `["bram18"]`.
    public var exceeded: [String] { lines.filter { !$0.fits }.map(\.key) }

    public func line(_ key: String) -> ResourceLine { lines.first { $0.key == key }! }
}
