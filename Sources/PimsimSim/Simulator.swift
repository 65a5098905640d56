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
    public var dynamicPJ: Double { layers.reduce(0) { $0 + $1.cost.dynamicPJ } }
    public var staticPJ: Double { layers.reduce(0) { $0 + $1.cost.staticPJ } }
    /// Total energy of the run: the sum of layer energies (pJ).
    public var energyPJ: Double { layers.reduce(0) { $0 + $1.cost.energyPJ } }
    public var areaMM2: Double { components.reduce(0) { $0 + $1.areaUM2 } / 1e6 }
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
        let outcome = try NetworkSplitter.split(graph, spec: split)
        var mapping = try NetworkMapper.map(outcome.graph, on: config)
        let copies = try Scheduler.duplicationFactors(mapping, config: config, duplication: duplication)
        for i in mapping.layers.indices { mapping.layers[i].duplicates = copies[i] }
        let schedule = Scheduler.schedule(mapping, config: config)
        let instances = Instances(mapping, config: config)
        let n = Double(inferences)
        let events = schedule.layers.map { $0.events.scaled(by: n) }
        // Static power is charged for the time each layer occupies the schedule.
        let share = schedule.mode == .pipelined ? schedule.intervalNS / schedule.latencyNS : 1
        let staticTime = schedule.layers.map { $0.latencyNS * share * n }
        let bits = mapping.layers.map(\.readout.adcBits)
        let cost = CostModel.cost(layerEvents: events, staticTimeNS: staticTime, instances: instances, adcBitsByLayer: bits, config: config)
        let layers = mapping.layers.indices.map {
            LayerResult(mapping: mapping.layers[$0], schedule: schedule.layers[$0], cost: cost.layers[$0], events: events[$0])
        }
        let result = SimulationResult(
            network: graph.name, hardware: config.name, split: split, inferences: inferences,
            parameters: ParameterAccounting.report(for: outcome.graph).parameters,
            macs: outcome.graph.weightedLayers.reduce(0) { $0 + $1.macs },
            layers: layers, components: cost.components, instances: instances, mode: schedule.mode,
            duplication: duplication, arrayBudget: Scheduler.arrayBudget(duplication, config: config),
            latencyNS: schedule.latencyNS, intervalNS: schedule.intervalNS,
            unsplittable: outcome.unsplittable.map(\.layer), testAccuracy: graph.metadata.testAccuracy)
        // Finite but huge constants (e.g. cycle_ns 1e308) overflow to infinity here.
        guard result.energyPJ.isFinite, result.latencyNS.isFinite, result.intervalNS.isFinite, result.areaMM2.isFinite else {
            throw InputError(file: config.file ?? config.name, location: "$",
                             expected: "constants small enough that energy, latency and area stay finite",
                             found: "energy \(result.energyPJ) pJ, latency \(result.latencyNS) ns, area \(result.areaMM2) mm2")
        }
        return result
    }
}
