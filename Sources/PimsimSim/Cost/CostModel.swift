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

/// Counts times per-action energies, static power times time, instances times area
/// (docs/cost-model.md, "Cost"). Knows the config's tables, never a layer's shape.
public enum CostModel {
    /// Dynamic energy (pJ) of `events` per component, at ADC resolution `adcBits`.
    static func dynamicEnergy(_ c: Component, events: EventCounts) -> Double {
        guard let action = c.action else { return 0 }
        if action == .adcConversions {
            // In resolution order, so the rounding of the sum is the same on every run.
            return events.adcConversionsByBits.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value * c.energyPerAction(adcBits: $1.key) }
        }
        return events.count(action) * c.energyPerAction(adcBits: 0)
    }

    /// Static power (mW) of the whole design: sum of instances * static_mw.
    public static func staticPowerMW(_ instances: Instances, config: HardwareConfig) -> Double {
        config.components.reduce(0) { $0 + $1.staticPowerMW * $1.count.value * Double(instances.units($1.per)) }
    }

    /// Area (um^2) of component `c` in a design with `instances`; ADC area per layer resolution.
    static func area(_ c: Component, instances: Instances, adcBitsByLayer: [Int]) -> Double {
        if c.per == .adc, c.areaByBits != nil {
            return zip(instances.adcsByLayer, adcBitsByLayer).reduce(0) { $0 + c.count.value * Double($1.0) * c.areaPerInstance(adcBits: $1.1) }
        }
        return c.count.value * Double(instances.units(c.per)) * c.areaPerInstance(adcBits: 0)
    }

    /// Costs per layer and per component. `staticTimeNS[i]` is the time layer i is charged
    /// static power for (1 mW * 1 ns = 1 pJ).
    public static func cost(layerEvents: [EventCounts], staticTimeNS: [Double], instances: Instances, adcBitsByLayer: [Int],
                            config: HardwareConfig) -> (layers: [LayerCost], components: [ComponentCost]) {
        let staticMW = staticPowerMW(instances, config: config)
        let layers = zip(layerEvents, staticTimeNS).map { events, time in
            var byCategory: [Category: Double] = [:]
            for c in config.components { byCategory[c.category, default: 0] += dynamicEnergy(c, events: events) }
            return LayerCost(dynamicByCategory: byCategory, staticPJ: staticMW * time)
        }
        let totalEvents = layerEvents.reduce(EventCounts(), +)
        let totalTime = staticTimeNS.reduce(0, +)
        let components = config.components.map { c in
            let n = c.count.value * Double(instances.units(c.per))
            return ComponentCost(name: c.name, category: c.category, per: c.per, instances: n,
                                 dynamicPJ: dynamicEnergy(c, events: totalEvents),
                                 staticPJ: c.staticPowerMW * n * totalTime,
                                 areaUM2: area(c, instances: instances, adcBitsByLayer: adcBitsByLayer))
        }
        return (layers, components)
    }
}
