import PimsimCore

/// A network split by one split configuration, with everything its mappings share: parameters,
/// MACs, the layers the split had to leave whole and the mapper's config-independent analysis.
/// A sweep makes one per split and maps it on every config of the space.
public struct SplitNetwork: Sendable {
    /// The unsplit network's name.
    public let name: String
    public let split: SplitSpec
    /// The split graph.
    public let graph: Graph
    public let parameters: Int
    public let macs: Int
    /// Layers the split selected but the channels did not allow to split.
    public let unsplittable: [String]
    /// The network file's measured test accuracy, if it has one.
    public let testAccuracy: Double?
    let plan: MappingPlan

    /// Splits `graph` by `split`; throws what `NetworkSplitter.split` throws.
    public init(_ graph: Graph, split: SplitSpec) throws {
        let outcome = try NetworkSplitter.split(graph, spec: split)
        name = graph.name
        self.split = split
        self.graph = outcome.graph
        parameters = ParameterAccounting.report(for: outcome.graph).parameters
        macs = outcome.graph.weightedLayers.reduce(0) { $0 + $1.macs }
        unsplittable = outcome.unsplittable.map(\.layer)
        testAccuracy = graph.metadata.testAccuracy
        plan = NetworkMapper.prepare(outcome.graph)
    }
}

/// One geometry: a split network mapped and scheduled on a config, and its `CostProfile`
/// (what its cost is before the cost-side constants are applied).
public struct MappedDesign: Sendable {
    public let mapping: NetworkMapping
    /// The schedule with the config's own times (per-layer reports).
    public let schedule: NetworkSchedule
    public let profile: CostProfile
    /// ADC conversions of all inferences.
    public let adcConversions: Double

    /// Maps `network` on `config`, each layer's weights duplicated as `duplication` says.
    public init(_ network: SplitNetwork, on config: HardwareConfig, inferences: Int = 1, duplication: Duplication = .none) throws {
        var mapping = try NetworkMapper.map(network.plan, on: config)
        if duplication != .none {
            let copies = try Scheduler.duplicationFactors(mapping, config: config, duplication: duplication)
            for i in mapping.layers.indices { mapping.layers[i].duplicates = copies[i] }
        }
        self.mapping = mapping
        schedule = Scheduler.schedule(mapping, config: config)
        profile = CostProfile(mapping, schedule: schedule, instances: Instances(mapping, config: config), inferences: inferences)
        adcConversions = profile.layers.reduce(0) { total, layer in layer.adcConversions.reduce(total) { $0 + $1.count } }
    }
}

extension CostTotals {
    /// Throws unless energy, latency, interval and area are finite: finite but huge constants
    /// (e.g. `cycle_ns` 1e308) overflow to infinity. The error names `file`.
    public func checkFinite(file: String) throws {
        guard energyPJ.isFinite, latencyNS.isFinite, intervalNS.isFinite, areaMM2.isFinite else {
            throw InputError(file: file, location: "$",
                             expected: "constants small enough that energy, latency and area stay finite",
                             found: "energy \(energyPJ) pJ, latency \(latencyNS) ns, area \(areaMM2) mm2")
        }
    }
}
