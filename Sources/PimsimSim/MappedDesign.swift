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
        adcConversions = profile.adcConversions
    }
}

/// Layers of split networks already mapped and scheduled on one config, by `LayerKey` (as
/// `Sweep.Plan` numbers them): what the splits of one sweep geometry share. A layer's entry
/// holds what its design's profile takes of it before the digital steps charged to it. Valid
/// for `config` only.
final class LayerCache {
    struct Entry {
        /// One inference's counts of the layer's own schedule.
        let events: EventCounts
        /// Its profile for one inference, digital steps aside.
        let profile: CostProfile.Layer
        let arrays: Int
        let senseAmps: Int
    }

    let config: HardwareConfig
    /// The config's file (or name), as errors name it.
    let file: String
    let accumulatorBits: Int
    private var entries: [Entry?]

    init(config: HardwareConfig, keys: Int) {
        self.config = config
        file = config.file ?? config.name
        accumulatorBits = Int(config.accumulatorBits.value)
        entries = Array(repeating: nil, count: keys)
    }

    /// The digital steps of `network` on a config of `accumulatorBits`, by the layer they are
    /// charged to (what `profile` takes).
    static func digitalSteps(_ network: SplitNetwork, accumulatorBits: Int) -> [[DigitalStep]] {
        var byLayer = [[DigitalStep]](repeating: [], count: network.plan.layers.count)
        for step in NetworkMapper.digitalSteps(network.plan, accumulatorBits: accumulatorBits) { byLayer[step.ownerLayer].append(step) }
        return byLayer
    }

    /// The profile of `network` (its layers' keys `keys`, its digital steps on `config`
    /// `digital`) on `config`, for one inference without duplication: `MappedDesign(network,
    /// on: config).profile`, mapping and scheduling only the layers whose key is not in the
    /// cache. Throws what that throws.
    func profile(_ network: SplitNetwork, keys: [Int], digital: [[DigitalStep]]) throws -> CostProfile {
        let plan = network.plan
        var layers: [CostProfile.Layer] = []
        layers.reserveCapacity(plan.layers.count)
        var adcs: [Int] = []
        adcs.reserveCapacity(plan.layers.count)
        var cells = 0, arrays = 0, senseAmps = 0
        for i in plan.layers.indices {
            let k = keys[i]
            if entries[k] == nil { entries[k] = try entry(plan, layer: i) }
            try NetworkMapper.addCells(entries[k]!.arrays, to: &cells, layer: plan.layers[i], config: config)
            let steps = digital[i]
            if steps.isEmpty {
                layers.append(entries[k]!.profile)
            } else {
                // As Scheduler.schedule charges them.
                var events = entries[k]!.events, travelling = entries[k]!.profile.travellingBits
                for step in steps {
                    travelling += Double(step.writeBits)
                    events.charge(step)
                }
                let p = entries[k]!.profile
                layers.append(CostProfile.Layer(events: events, travellingBits: travelling, timing: p.timing, adcs: p.adcs, adcBits: p.adcBits, inferences: 1))
            }
            arrays += entries[k]!.arrays
            senseAmps += entries[k]!.senseAmps
            adcs.append(entries[k]!.profile.adcs)
        }
        return CostProfile(layers: layers, mode: config.scheduleMode, instances: Instances(arrays: arrays, senseAmps: senseAmps, adcsByLayer: adcs, config: config),
                           inferences: 1)
    }

    /// Layer `i` of `plan` mapped and scheduled.
    private func entry(_ plan: MappingPlan, layer i: Int) throws -> Entry {
        let m = try NetworkMapper.mapLayer(plan, i, config: config)
        let events = Scheduler.schedule(m, config: config).events
        let profile = CostProfile.Layer(events: events, travellingBits: Scheduler.travellingBits(m, events, config: config), timing: LayerTiming(m),
                                        adcs: m.allADCs, adcBits: m.readout.adcBits, inferences: 1)
        return Entry(events: events, profile: profile, arrays: m.arrays, senseAmps: m.allSenseAmps)
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
