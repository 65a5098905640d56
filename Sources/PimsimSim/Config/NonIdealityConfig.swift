import PimsimCore

/// The `nonideality` section of a hwconfig (docs/hwconfig.md, docs/functional-sim.md): device and
/// read-out imperfections that `pimsim eval --hw` simulates. The cost model never reads them.
/// Every value 0 means the ideal array.
public struct NonIdealityConfig: Equatable, Sendable {
    /// σ of ln G: lognormal device-to-device conductance variation of every programmed cell,
    /// fixed for a Monte Carlo trial (unit `sigma`).
    public var conductanceSigma: Constant
    /// Relative σ of each cell's read current, drawn anew at every read (unit `sigma`).
    public var readNoiseSigma: Constant
    /// Fraction of cells stuck at the low-conductance (off) state.
    public var stuckAtLow: Constant
    /// Fraction of cells stuck at the high-conductance (on) state.
    public var stuckAtHigh: Constant
    /// σ of each comparator's input offset, in unit-cell currents (one +1 x +1 product), fixed for
    /// a trial (unit `unit_currents`).
    public var senseAmpOffsetSigma: Constant
    /// Off-state conductance over on-state conductance (the inverse on/off ratio).
    public var offConductance: Constant

    public init(conductanceSigma: Constant, readNoiseSigma: Constant, stuckAtLow: Constant, stuckAtHigh: Constant,
                senseAmpOffsetSigma: Constant, offConductance: Constant) {
        self.conductanceSigma = conductanceSigma
        self.readNoiseSigma = readNoiseSigma
        self.stuckAtLow = stuckAtLow
        self.stuckAtHigh = stuckAtHigh
        self.senseAmpOffsetSigma = senseAmpOffsetSigma
        self.offConductance = offConductance
    }

    static let keys: Set<String> = ["conductance_sigma", "read_noise_sigma", "stuck_at_low", "stuck_at_high", "sa_offset_sigma", "off_conductance"]

    /// Reads the section at `reader`; stuck-at fractions must sum to at most 1.
    static func read(_ reader: JSONReader) throws -> NonIdealityConfig {
        try reader.rejectUnknownKeys(keys)
        func fraction(_ key: String) throws -> Constant {
            try Constant.read(try reader.field(key), unit: "fraction", check: { try $0.double(in: 0...1) })
        }
        let config = NonIdealityConfig(
            conductanceSigma: try Constant.read(try reader.field("conductance_sigma"), unit: "sigma"),
            readNoiseSigma: try Constant.read(try reader.field("read_noise_sigma"), unit: "sigma"),
            stuckAtLow: try fraction("stuck_at_low"), stuckAtHigh: try fraction("stuck_at_high"),
            senseAmpOffsetSigma: try Constant.read(try reader.field("sa_offset_sigma"), unit: "unit_currents"),
            offConductance: try Constant.read(try reader.field("off_conductance"), unit: "fraction", check: { try $0.double(in: 0...1) }))
        guard config.stuckAtLow.value + config.stuckAtHigh.value <= 1 else {
            throw try reader.field("stuck_at_high").field("value").error(
                expected: "stuck_at_low + stuck_at_high <= 1", found: "\(config.stuckAtLow.value) + \(config.stuckAtHigh.value)")
        }
        return config
    }
}
