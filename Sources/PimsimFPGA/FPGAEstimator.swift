import PimsimCore

/// How many MAC units each layer's array gets.
public enum Parallelism: Sendable, Equatable {
    /// N MAC units per layer (a layer with fewer than N weights gets one per weight).
    case macs(Int)
    /// The largest uniform N for which the whole design fits the device.
    case auto
}

/// One weight type's design for a network: every layer's array, built side by side as in a
/// FINN dataflow accelerator, and the totals.
public struct DesignEstimate: Sendable, Equatable {
    public let weightType: WeightType
    /// MAC units per layer that were asked for (or found by `--auto`).
    public let macUnitsPerLayer: Int
    public let automatic: Bool
    public let layers: [LayerEstimate]
    public let total: ResourceUse
    public let fit: FitReport

    public init(weightType: WeightType, macUnitsPerLayer: Int, automatic: Bool, layers: [LayerEstimate], device: FPGADevice) {
        self.weightType = weightType
        self.macUnitsPerLayer = macUnitsPerLayer
        self.automatic = automatic
        self.layers = layers
        total = layers.reduce(ResourceUse()) { $0 + $1.resources }
        fit = FitReport(total, on: device)
    }

    public var fits: Bool { fit.fits }
    /// MAC units instantiated over all layers.
    public var macUnits: Int { layers.reduce(0) { $0 + $1.macUnits } }
    public var multipliers: Int { layers.reduce(0) { $0 + $1.multipliers } }
    public var adders: Int { layers.reduce(0) { $0 + $1.adders } }
    public var comparators: Int { layers.reduce(0) { $0 + $1.comparators } }
    /// One clock for the whole design: the slowest operator's.
    public var clockMHz: Double { layers.map(\.clockMHz).min() ?? 0 }
    /// Cycles for one image passing every layer in turn.
    public var cycles: Int { layers.reduce(0) { $0 + $1.cycles } }
    /// The slowest layer's cycles: the initiation interval of the layer pipeline.
    public var bottleneckCycles: Int { layers.map(\.cycles).max() ?? 0 }
    /// Seconds per image at `clockMHz` (layers in sequence, no overlap).
    public var latencySeconds: Double { Double(cycles) / (clockMHz * 1e6) }
    /// Images per second with the layers pipelined: clock / bottleneck cycles.
    public var imagesPerSecond: Double { clockMHz * 1e6 / Double(bottleneckCycles) }
}

/// Estimates float, ternary and binary MAC arrays for a network's layers on one device.
public struct FPGAEstimator: Sendable {
    public let model: LayerCostModel
    public let layers: [LayerWorkload]

    public init(model: LayerCostModel, layers: [LayerWorkload]) {
        self.model = model
        self.layers = layers
    }

    /// The design for `weights` with `parallelism`.
    public func estimate(_ weights: WeightType, parallelism: Parallelism) -> DesignEstimate {
        switch parallelism {
        case .macs(let n): return design(weights, macUnits: n, automatic: false)
        case .auto: return design(weights, macUnits: largestFitting(weights), automatic: true)
        }
    }

    func design(_ weights: WeightType, macUnits n: Int, automatic: Bool) -> DesignEstimate {
        DesignEstimate(weightType: weights, macUnitsPerLayer: n, automatic: automatic,
                       layers: layers.map { model.estimate($0, weights: weights, macUnits: n) }, device: model.device)
    }

    /// The largest N for which the design fits, or 1 if even N = 1 does not (the report then
    /// says what is exceeded).
    ///
    /// Logic, flip-flops, DSPs and carry chains grow monotonically with N, so a binary search finds
    /// the largest N_logic whose design without storage fits; storage (block RAM and LUTRAM
    /// tiling) is not monotonic in N, so N_logic, N_logic - 1, ... are then checked in full. Every
    /// N above the answer therefore fails: one more MAC unit per layer would not fit.
    public func largestFitting(_ weights: WeightType) -> Int {
        let cap = layers.map(\.fullUnroll).max() ?? 1
        func logicFits(_ n: Int) -> Bool {
            FitReport(layers.reduce(ResourceUse()) { $0 + model.estimate($1, weights: weights, macUnits: n).resources.withoutStorage },
                      on: model.device).fits
        }
        guard logicFits(1) else { return 1 }
        var low = 1, high = cap
        while low < high {
            let mid = low + (high - low + 1) / 2
            if logicFits(mid) { low = mid } else { high = mid - 1 }
        }
        for n in stride(from: low, through: 1, by: -1) where design(weights, macUnits: n, automatic: true).fits {
            return n
        }
        return 1
    }
}
