import PimsimCore

/// One layer of a simulation result.
public struct LayerResult: Equatable, Sendable {
    public let mapping: LayerMapping
    public let schedule: LayerSchedule
    public let cost: LayerCost
    /// Events for all inferences of the run.
    public let events: EventCounts
}

/// Everything `pimsim run` reports for one split configuration on one hwconfig.
public struct SimulationResult: Equatable, Sendable {
    public let network: String
    public let hardware: String
    public let split: SplitSpec
    public let inferences: Int
    public let parameters: Int
    public let macs: Int
    public let layers: [LayerResult]
    public let components: [ComponentCost]
    public let instances: Instances
    public let mode: ScheduleMode
    /// How the layers' weights were duplicated (`LayerMapping.duplicates` has the copies).
    public let duplication: Duplication
    /// The array budget of `--duplicate auto` (nil otherwise).
    public let arrayBudget: Int?
    /// Latency of one inference (ns).
    public let latencyNS: Double
    /// Time between inferences (ns).
    public let intervalNS: Double
    /// Layers the split spec selected but the channels did not allow to split.
    public let unsplittable: [String]
    /// The network file's measured test accuracy, if it has one.
    public let testAccuracy: Double?

    public var events: EventCounts { layers.reduce(EventCounts()) { $0 + $1.events } }
    /// Energy, area and time as `CostModel.evaluate` gives them (what a sweep point reports).
    public let totals: CostTotals
    public var dynamicPJ: Double { totals.dynamicPJ }
    public var staticPJ: Double { totals.staticPJ }
    /// Total energy of the run: the sum of layer energies (pJ).
    public var energyPJ: Double { totals.energyPJ }
    public var areaMM2: Double { totals.areaMM2 }
    /// Inferences per second at the schedule's interval.
    public var inferencesPerSecond: Double { 1e9 / intervalNS }
    /// Energy by category plus `leakage` (static), in `Category` order.
    public var breakdown: [(name: String, pJ: Double)] {
        var byCategory: [Category: Double] = [:]
        for l in layers { byCategory.merge(l.cost.dynamicByCategory, uniquingKeysWith: +) }
        return Category.allCases.map { ($0.rawValue, byCategory[$0] ?? 0) } + [("leakage", staticPJ)]
    }
    /// Whether any layer used assumed rather than measured densities.
    public var usesAssumedDensities: Bool {
        layers.contains { $0.mapping.inputDensitySource == .assumed || $0.mapping.weightDensitySource == .assumed }
    }
}

/// The pipeline: split -> map -> schedule (event counts) -> cost (hwconfig tables).
public enum Simulator {
    /// Simulates `graph` split by `split` on `config` for `inferences` inferences, with each
    /// layer's weights duplicated as `duplication` says.
    public static func run(_ graph: Graph, on config: HardwareConfig, split: SplitSpec = .none, inferences: Int = 1,
                           duplication: Duplication = .none) throws -> SimulationResult {
        try run(try SplitNetwork(graph, split: split), on: config, inferences: inferences, duplication: duplication)
    }

    /// Simulates an already split network (a sweep splits once per split, not once per point).
    public static func run(_ network: SplitNetwork, on config: HardwareConfig, inferences: Int = 1,
                           duplication: Duplication = .none) throws -> SimulationResult {
        let design = try MappedDesign(network, on: config, inferences: inferences, duplication: duplication)
        let (totals, layerCosts, components) = CostModel.breakdown(design.profile, CostConstants(config))
        try totals.checkFinite(file: config.file ?? config.name)
        let n = Double(inferences)
        let layers = design.mapping.layers.indices.map {
            LayerResult(mapping: design.mapping.layers[$0], schedule: design.schedule.layers[$0], cost: layerCosts[$0],
                        events: design.schedule.layers[$0].events.scaled(by: n))
        }
        return SimulationResult(
            network: network.name, hardware: config.name, split: network.split, inferences: inferences,
            parameters: network.parameters, macs: network.macs,
            layers: layers, components: components, instances: design.profile.instances, mode: design.schedule.mode,
            duplication: duplication, arrayBudget: Scheduler.arrayBudget(duplication, config: config),
            latencyNS: totals.latencyNS, intervalNS: totals.intervalNS,
            unsplittable: network.unsplittable, testAccuracy: network.testAccuracy, totals: totals)
    }
}
