/// Energy and area of one component for a whole run.
public struct ComponentCost: Equatable, Sendable {
    public let name: String
    public let category: Category
    public let per: InstanceUnit
    /// count * units.
    public let instances: Double
    public let dynamicPJ: Double
    public let staticPJ: Double
    public let areaUM2: Double
}

/// Energy of one layer: per-category dynamic energy plus its share of static energy.
public struct LayerCost: Equatable, Sendable {
    public let dynamicByCategory: [Category: Double]
    public let staticPJ: Double
    /// Summed in `Category` order: a dictionary's order varies between instances, and so would
    /// the floating-point rounding of the sum.
    public var dynamicPJ: Double { Category.allCases.reduce(0) { $0 + (dynamicByCategory[$1] ?? 0) } }
    public var energyPJ: Double { dynamicPJ + staticPJ }
}

/// The totals of a priced design (all inferences of its profile).
public struct CostTotals: Equatable, Sendable {
    /// Sum over layers of dynamic + static energy (pJ).
    public let energyPJ: Double
    public let dynamicPJ: Double
    public let staticPJ: Double
    /// Sum over components of their area (um^2).
    public let areaUM2: Double
    /// Sum of layer latencies for one inference (ns).
    public let latencyNS: Double
    /// Time between inferences (ns).
    public let intervalNS: Double

    public var areaMM2: Double { areaUM2 / 1e6 }
}

/// Counts times per-action energies, static power times time, instances times area
/// (docs/cost-model.md, "Cost"). Knows the config's constants (`CostConstants`), never a
/// layer's shape: a design is priced from its `CostProfile`. `pimsim run` and every sweep point
/// are priced by this one evaluation.
public enum CostModel {
    /// The totals of `profile` priced with `constants`: per layer a dot product of its event
    /// counts with the per-action energies, plus static power times its time.
    public static func evaluate(_ profile: CostProfile, _ constants: CostConstants) -> CostTotals {
        price(profile, constants) { _, _, _ in }
    }

    /// The totals with the cost of every layer and of every component (`pimsim run`'s report).
    public static func breakdown(_ profile: CostProfile, _ constants: CostConstants) -> (totals: CostTotals, layers: [LayerCost], components: [ComponentCost]) {
        var layers: [LayerCost] = []
        layers.reserveCapacity(profile.layers.count)
        let totals = price(profile, constants) { _, byCategory, staticPJ in
            var named: [Category: Double] = [:]
            for (i, category) in Category.allCases.enumerated() where byCategory[i] != 0 { named[category] = byCategory[i] }
            layers.append(LayerCost(dynamicByCategory: named, staticPJ: staticPJ))
        }
        let instances = organised(profile, constants)
        let n = Double(profile.inferences)
        let clock = Clock(constants)
        let (_, _, share) = timeline(profile, clock)
        // Whole-run counts per action, summed over layers in order.
        var counts = Array(repeating: 0.0, count: Action.allCases.count)
        var conversions: [Int: Double] = [:]
        var staticTime = 0.0
        for layer in profile.layers {
            for a in counts.indices { counts[a] += layer.counts[a] }
            let latency = clock.latency(layer.timing)
            staticTime += latency * share * n
            counts[busyIndex] += layer.timing.busyCycles(latencyNS: latency, cycleNS: clock.cycle) * n
            counts[hopsIndex] += layer.travellingBits * constants[.interconnectHops] * n
            conversions.merge(layer.adcConversions.map { ($0.bits, $0.count) }, uniquingKeysWith: +)
        }
        let sortedConversions = conversions.sorted { $0.key < $1.key }
        let components = constants.layout.components.map { c -> ComponentCost in
            let count = constants.values[c.count] * Double(instances.units(c.per))
            var dynamic = 0.0
            if let action = c.action {
                dynamic = action == .adcConversions
                    ? sortedConversions.reduce(0) { $0 + $1.value * constants.energy(c, adcBits: $1.key) }
                    : counts[c.actionIndex] * constants.energy(c, adcBits: 0)
            }
            let staticMW = constants.values[c.staticMW]
            return ComponentCost(name: c.name, category: Category.allCases[c.category], per: c.per, instances: count,
                                 dynamicPJ: dynamic, staticPJ: staticMW * count * staticTime,
                                 areaUM2: area(c, profile, constants, instances))
        }
        return (totals, layers, components)
    }

    /// The latency and interval of one inference, and the share of each layer's latency it is
    /// charged static power for (interval / latency when pipelined, else 1).
    @inline(__always)
    static func timeline(_ p: CostProfile, _ clock: Clock) -> (latency: Double, interval: Double, share: Double) {
        var latency = 0.0, slowest = 0.0
        for (i, layer) in p.layers.enumerated() {
            let l = clock.latency(layer.timing)
            latency += l
            slowest = i == 0 ? l : max(slowest, l)
        }
        let interval = p.mode == .pipelined ? slowest : latency
        return (latency, interval, p.mode == .pipelined ? interval / latency : 1)
    }

    static let categoryCount = Category.allCases.count
    static let busyIndex = Action.allCases.firstIndex(of: .busyCycles)!
    static let hopsIndex = Action.allCases.firstIndex(of: .interconnectBitHops)!
    static let onIndex = Action.allCases.firstIndex(of: .cellReadsOn)!
    static let offIndex = Action.allCases.firstIndex(of: .cellReadsOff)!

    /// The times of a point.
    struct Clock {
        let cycle: Double, sense: Double, conversion: Double

        init(_ k: CostConstants) { (cycle, sense, conversion) = (k[.cycleNS], k[.senseNS], k[.adcConversionNS]) }

        @inline(__always)
        func latency(_ t: LayerTiming) -> Double { t.latencyNS(stepNS: t.stepNS(cycleNS: cycle, senseNS: sense, conversionNS: conversion)) }
    }

    /// The profile's instances in the point's macros and tiles.
    @inline(__always)
    static func organised(_ p: CostProfile, _ k: CostConstants) -> Instances {
        p.instances.organised(arraysPerMacro: Int(k[.arraysPerMacro]), macrosPerTile: Int(k[.macrosPerTile]))
    }

    /// Static power (mW) of the whole design: sum of static_mw * count * units.
    @inline(__always)
    static func staticPowerMW(_ p: CostProfile, _ k: CostConstants, _ instances: Instances) -> Double {
        var power = 0.0
        for c in k.layout.components {
            power += k.values[c.staticMW] * k.values[c.count] * Double(instances.units(c.per))
        }
        return power
    }

    /// Area (um^2) of component `c`; an ADC's per layer, at the layer's resolution.
    @inline(__always)
    static func area(_ c: CostLayout.Slots, _ p: CostProfile, _ k: CostConstants, _ instances: Instances) -> Double {
        let count = k.values[c.count]
        if c.per == .adc, c.areaBits != nil {
            return p.layers.reduce(0) { $0 + count * Double($1.adcs) * k.area(c, adcBits: $1.adcBits) }
        }
        return count * Double(instances.units(c.per)) * k.area(c, adcBits: 0)
    }

    /// The evaluation both `evaluate` and `breakdown` run; `record(layer, energy by category,
    /// static energy)` sees each layer.
    @inline(__always)
    static func price(_ p: CostProfile, _ k: CostConstants, record: (Int, SIMD8<Double>, Double) -> Void) -> CostTotals {
        let clock = Clock(k)
        // Static power is charged for the time each layer occupies the schedule.
        let (latency, interval, share) = timeline(p, clock)
        let n = Double(p.inferences)
        let instances = organised(p, k)
        let staticMW = staticPowerMW(p, k, instances)
        let hops = k[.interconnectHops]
        var energy = 0.0, dynamic = 0.0, staticEnergy = 0.0
        for (i, layer) in p.layers.enumerated() {
            let l = clock.latency(layer.timing)
            var byCategory = SIMD8<Double>()  // one lane per `Category` (8 of them)
            for c in k.layout.components {
                guard let action = c.action else { continue }
                let e: Double
                switch action {
                case .adcConversions:
                    // In resolution order, so the rounding of the sum is the same on every run.
                    e = layer.adcConversions.reduce(0) { $0 + $1.count * k.energy(c, adcBits: $1.bits) }
                case .busyCycles:
                    e = layer.timing.busyCycles(latencyNS: l, cycleNS: clock.cycle) * n * k.energy(c, adcBits: 0)
                case .interconnectBitHops:
                    e = layer.travellingBits * hops * n * k.energy(c, adcBits: 0)
                case .cellReads:
                    e = (layer.counts[onIndex] + layer.counts[offIndex]) * k.energy(c, adcBits: 0)
                default:
                    e = layer.counts[c.actionIndex] * k.energy(c, adcBits: 0)
                }
                byCategory[c.category] += e
            }
            var layerDynamic = 0.0
            for j in 0..<categoryCount { layerDynamic += byCategory[j] }
            let layerStatic = staticMW * (l * share * n)
            record(i, byCategory, layerStatic)
            energy += layerDynamic + layerStatic
            dynamic += layerDynamic
            staticEnergy += layerStatic
        }
        var areaUM2 = 0.0
        for c in k.layout.components { areaUM2 += area(c, p, k, instances) }
        return CostTotals(energyPJ: energy, dynamicPJ: dynamic, staticPJ: staticEnergy, areaUM2: areaUM2, latencyNS: latency, intervalNS: interval)
    }
}
