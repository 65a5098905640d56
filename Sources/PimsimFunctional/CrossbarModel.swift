import PimsimCore
import PimsimKernelBase
import PimsimKernels
import PimsimSim

/// The imperfections of the simulated arrays (docs/functional-sim.md): from a hwconfig's
/// `nonideality` section and `readout.adc_range`, each overridable from the command line. All
/// zero (the default) is the ideal array.
public struct CrossbarModel: Equatable, Sendable {
    /// σ of ln G of every programmed cell (device-to-device, fixed per trial).
    public var conductanceSigma: Double = 0
    /// Relative σ of every cell's read current (cycle-to-cycle, drawn at every read).
    public var readNoiseSigma: Double = 0
    /// Fractions of cells stuck at the off (low) and on (high) conductance.
    public var stuckAtLow: Double = 0
    public var stuckAtHigh: Double = 0
    /// σ of every comparator's input offset, in unit-cell currents (fixed per trial).
    public var senseAmpOffsetSigma: Double = 0
    /// G_off / G_on of a cell; nil when the config gives none (needed by the cell non-idealities
    /// of differential pairs).
    public var offConductance: Double?
    /// ADC resolution of every ADC layer in place of the mapped one.
    public var adcBits: Int?
    /// Fraction of a tile's largest partial sum M that the ADC's range spans (1: -M...M).
    public var adcRange: Double = 1

    public init() {}

    /// The model a hwconfig describes: its `nonideality` section (all zero if absent) and
    /// `readout.adc_range` (1 if absent).
    public init(config: HardwareConfig) {
        if let n = config.nonideality {
            conductanceSigma = n.conductanceSigma.value
            readNoiseSigma = n.readNoiseSigma.value
            stuckAtLow = n.stuckAtLow.value
            stuckAtHigh = n.stuckAtHigh.value
            senseAmpOffsetSigma = n.senseAmpOffsetSigma.value
            offConductance = n.offConductance.value
        }
        adcRange = config.adcRange?.value ?? 1
    }

    /// Conductances differ from their programmed values.
    public var perturbsCells: Bool { conductanceSigma > 0 || stuckAtLow > 0 || stuckAtHigh > 0 }
    /// Some non-ideality is random (trials differ).
    public var isRandom: Bool { perturbsCells || readNoiseSigma > 0 || senseAmpOffsetSigma > 0 }
    /// The same array without its random non-idealities and with the mapped ADC resolution: what
    /// the `accuracy` of an evaluation refers to.
    public var ideal: CrossbarModel {
        var m = CrossbarModel()
        m.offConductance = offConductance
        m.adcRange = adcRange
        return m
    }

    /// Throws if the model cannot be simulated on `config`: cell non-idealities of differential
    /// pairs need the off conductance, stuck-at fractions must sum to at most 1, and only 1 or 2
    /// cells per ternary weight are modelled.
    func check(on config: HardwareConfig) throws {
        let file = config.file ?? config.name
        let cells = Int(config.cellsPerTernaryWeight.value)
        guard cells == 1 || cells == 2 else {
            throw InputError(file: file, location: "$.array.cells_per_ternary_weight",
                             expected: "1 (a signed cell) or 2 (a differential pair) for the functional simulation", found: "\(cells)")
        }
        if cells == 2, perturbsCells || readNoiseSigma > 0, offConductance == nil {
            throw InputError(file: file, location: "$.nonideality.off_conductance",
                             expected: "the off/on conductance ratio (cell non-idealities of differential pairs need it)", found: "no nonideality section")
        }
        guard stuckAtLow + stuckAtHigh <= 1 else {
            throw InputError(location: "--stuck-at", expected: "fractions P0 + P1 <= 1", found: "\(stuckAtLow) + \(stuckAtHigh)")
        }
    }
}

/// A signed ADC as the functional simulation models it (docs/functional-sim.md): 2^B - 1 levels
/// k·Δ, |k| <= K, symmetric about zero, spanning -F...F with F = range · M. Δ = max(1, F / K_B),
/// K_B = 2^(B-1) - 1, K = min(K_B, floor(F / Δ)): when B is at least the lossless resolution
/// (2^B >= 2M + 1) and F = M, every integer partial sum is read exactly. Reads round to the
/// nearest level (ties to even) and clip at ±K·Δ.
public struct ADCQuantiser: Equatable, Sendable {
    /// Δ, K and 1/Δ, as the read-out kernels take them.
    let levels: ADCLevels
    /// Δ, in unit products.
    public var step: Float { levels.step }
    /// K: reads lie in -K·Δ ... K·Δ.
    public var largestCode: Float { levels.largestCode }

    /// - Precondition: bits >= 2 (checked by the evaluator).
    public init(bits: Int, limit: Int, range: Double) {
        let levels = Double((1 << min(bits - 1, 52)) - 1)
        let fullScale = range * Double(limit)
        let step = fullScale > levels ? fullScale / levels : 1
        self.levels = ADCLevels(step: Float(step), inverseStep: Float(1 / step),
                                largestCode: Float(fullScale > levels ? levels : fullScale.rounded(.down)))
    }

    /// The value the digital side receives for analogue partial sum `a` (rounded to the nearest
    /// level, ties to even).
    public func read(_ a: Float) -> Float {
        var value: Float = 0
        withUnsafePointer(to: a) { _ = AnalogKernels.readADC($0, ideal: $0, into: &value, shift: 1, actual: levels, reference: levels, count: 1) }
        return value
    }
}
