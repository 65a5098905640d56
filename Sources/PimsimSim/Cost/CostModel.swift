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
    /// Sum over components of dynamic + static energy (pJ).
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
    /// The totals of `profile` priced with `constants`: per component, the design's count of its
    /// action times its per-action energy (a dot product of event counts with energies), plus
    /// its static power times the run time; its area.
    public static func evaluate(_ profile: CostProfile, _ constants: CostConstants) -> CostTotals {
        price(profile, constants) { _, _, _, _, _ in }
    }

    /// The totals with the cost of every component and of every layer (`pimsim run`'s report;
    /// the layers' energies add up to the total within rounding).
    public static func breakdown(_ profile: CostProfile, _ constants: CostConstants) -> (totals: CostTotals, layers: [LayerCost], components: [ComponentCost]) {
        let layout = constants.layout
        var components: [ComponentCost] = []
        let totals = price(profile, constants) { c, instances, dynamic, staticPJ, area in
            components.append(ComponentCost(name: layout.names[c], category: Category.allCases[layout.components[c].category], per: layout.components[c].per,
                                            instances: instances, dynamicPJ: dynamic, staticPJ: staticPJ, areaUM2: area))
        }
        return (totals, layerCosts(profile, constants), components)
    }

    static let categoryCount = Category.allCases.count
    static let busyIndex = Action.allCases.firstIndex(of: .busyCycles)!
    static let hopsIndex = Action.allCases.firstIndex(of: .interconnectBitHops)!

    /// The times of a point.
    struct Clock {
        let cycle: Double, sense: Double, conversion: Double
        /// The global-buffer rate (nil: transfers are free), and the organisation it goes through.
        let rate: Double?
        let arraysPerMacro: Double, macrosPerTile: Double

        init(_ k: CostConstants) {
            (cycle, sense, conversion) = (k[.cycleNS], k[.senseNS], k[.adcConversionNS])
            rate = k[.transferRate] > 0 ? k[.transferRate] : nil
            (arraysPerMacro, macrosPerTile) = (k[.arraysPerMacro], k[.macrosPerTile])
        }

        @inline(__always)
        func step(_ t: LayerTiming) -> Double { t.stepNS(cycleNS: cycle, senseNS: sense, conversionNS: conversion) }

        @inline(__always)
        func latency(_ t: LayerTiming) -> Double {
            t.latencyNS(stepNS: step(t), transferNS: t.transferNS(rate: rate, arraysPerMacro: arraysPerMacro, macrosPerTile: macrosPerTile))
        }

        @inline(__always)
        func busy(_ t: LayerTiming) -> Double { t.busyCycles(stepNS: step(t), cycleNS: cycle) }
    }

    /// The latency and interval of one inference, and the share of each layer's latency it is
    /// charged static power for (interval / latency when pipelined, else 1).
    @inline(__always)
    static func timeline(_ p: CostProfile, _ clock: Clock) -> (latency: Double, interval: Double, share: Double) {
        var latency = 0.0, slowest = 0.0
        for (i, timing) in p.timings.enumerated() {
            let l = clock.latency(timing)
            latency += l
            slowest = i == 0 ? l : max(slowest, l)
        }
        let interval = p.mode == .pipelined ? slowest : latency
        return (latency, interval, p.mode == .pipelined ? interval / latency : 1)
    }

    /// The profile's instances in the point's macros and tiles.
    @inline(__always)
    static func organised(_ p: CostProfile, _ k: CostConstants) -> Instances {
        p.instances.organised(arraysPerMacro: Int(k[.arraysPerMacro]), macrosPerTile: Int(k[.macrosPerTile]))
    }

    /// The evaluation `evaluate` and `breakdown` share. Per component c: instances n_c = count
    /// x units; dynamic energy = the design's count of its action x its per-action energy (ADC
    /// conversions: by resolution; busy cycles and bit-hops: from the point's times and hops);
    /// static energy = static power x n_c x run time; area = n_c x area (ADCs: by resolution).
    /// `record(c, n_c, dynamic, static, area)` sees each component.
    @inline(__always)
    static func price(_ p: CostProfile, _ k: CostConstants, record: (Int, Double, Double, Double, Double) -> Void) -> CostTotals {
        let clock = Clock(k)
        let (latency, interval, share) = timeline(p, clock)
        let n = Double(p.inferences)
        // Static power is charged for the time the layers occupy the schedule.
        let time = latency * share * n
        var busy = 0.0
        for timing in p.timings { busy += clock.busy(timing) }
        busy *= n
        let hops = p.travellingBits * k[.interconnectHops] * n
        let instances = organised(p, k)
        var energy = 0.0, dynamic = 0.0, staticEnergy = 0.0, area = 0.0
        for (c, slots) in k.layout.components.enumerated() {
            var d = 0.0
            if let action = slots.action {
                switch action {
                case .adcConversions:
                    // In resolution order, so the rounding of the sum is the same on every run.
                    for r in p.resolutions.indices { d += p.conversionsAt[r] * k.energy(slots, adcBits: p.resolutions[r]) }
                case .busyCycles:
                    d = product(busy, k.energy(slots, adcBits: 0))
                case .interconnectBitHops:
                    d = product(hops, k.energy(slots, adcBits: 0))
                default:
                    d = p.totals[slots.actionIndex] * k.energy(slots, adcBits: 0)
                }
            }
            let count = k.values[slots.count]
            let units = count * Double(instances.units(slots.per))
            let s = product(time, k.staticPower(slots) * units)
            var a = 0.0
            if slots.areaByLayer {
                for r in p.resolutions.indices { a += count * p.adcsAt[r] * k.area(slots, adcBits: p.resolutions[r]) }
            } else {
                a = units * k.area(slots, adcBits: 0)
            }
            record(c, units, d, s, a)
            energy += d + s
            dynamic += d
            staticEnergy += s
            area += a
        }
        return CostTotals(energyPJ: energy, dynamicPJ: dynamic, staticPJ: staticEnergy, areaUM2: area, latencyNS: latency, intervalNS: interval)
    }

    /// a x b, but 0 when b is 0 even if a overflowed to infinity (a component without static
    /// power spends none however long the run; the total then reports the overflow as inf, not NaN).
    @inline(__always)
    static func product(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a * b }

    /// Each layer's energy by category, and its share of the static energy (for reports).
    static func layerCosts(_ p: CostProfile, _ k: CostConstants) -> [LayerCost] {
        let clock = Clock(k)
        let (_, _, share) = timeline(p, clock)
        let n = Double(p.inferences)
        let instances = organised(p, k)
        let staticMW = k.layout.components.reduce(0) { $0 + k.staticPower($1) * k.values[$1.count] * Double(instances.units($1.per)) }
        return p.layers.map { layer in
            let l = clock.latency(layer.timing)
            var byCategory: [Category: Double] = [:]
            for slots in k.layout.components {
                guard let action = slots.action else { continue }
                let e: Double
                switch action {
                case .adcConversions:
                    e = layer.adcConversions.reduce(0) { $0 + $1.count * k.energy(slots, adcBits: $1.bits) }
                case .busyCycles:
                    e = clock.busy(layer.timing) * n * k.energy(slots, adcBits: 0)
                case .interconnectBitHops:
                    e = layer.travellingBits * k[.interconnectHops] * n * k.energy(slots, adcBits: 0)
                default:
                    e = layer.counts[slots.actionIndex] * k.energy(slots, adcBits: 0)
                }
                byCategory[Category.allCases[slots.category], default: 0] += e
            }
            return LayerCost(dynamicByCategory: byCategory, staticPJ: staticMW * (l * share * n))
        }
    }
}
