/// Where every cost-side constant of a hwconfig lives in a flat vector of numbers: the times, the
/// hops and the organisation, then per component its count, per-action energy (one value, or
/// one per entry of its table over ADC resolutions), area and static power. These are the
/// constants that price a mapped design without changing its mapping (docs/sweep.md, "Two
/// tiers"): a sweep over them overwrites slots of one vector instead of rebuilding a config.
public struct CostLayout: Sendable {
    /// The constants every config has, in slots 0 ..< `Global.allCases.count`.
    public enum Global: Int, CaseIterable, Sendable {
        case cycleNS, senseNS, adcConversionNS, interconnectHops, arraysPerMacro, macrosPerTile
    }

    /// The slots of one component (nil: the component has no such constant).
    public struct Slots: Sendable {
        public let name: String
        /// Index into `Category.allCases`.
        public let category: Int
        public let per: InstanceUnit
        public let action: Action?
        /// Position of `action` in `Action.allCases` (0 without an action).
        public let actionIndex: Int
        public let count: Int
        /// `energy_pj`, or the first of the values of `energy_pj_by_adc_bits` (over `energyBits`).
        public let energy: Int?
        public let energyBits: [Int]?
        /// `area_um2`, or the first of the values of `area_um2_by_adc_bits` (over `areaBits`);
        /// 0 when the component has none, and so for `staticMW`, so `--vary` can give one.
        public let area: Int
        public let areaBits: [Int]?
        public let staticMW: Int
    }

    public let components: [Slots]
    /// Slots in all.
    public let size: Int
}

/// The cost-side constants of one hwconfig as a flat vector (`CostLayout` says which slot is
/// which). `CostModel.evaluate` prices a `CostProfile` with them; `pimsim run` and every sweep
/// point go through the same evaluation, so a sweep point equals the run of the same config.
public struct CostConstants: Sendable {
    public let layout: CostLayout
    public var values: [Double]

    public init(_ config: HardwareConfig) {
        var values = Array(repeating: 0.0, count: CostLayout.Global.allCases.count)
        func set(_ g: CostLayout.Global, _ v: Double) { values[g.rawValue] = v }
        set(.cycleNS, config.arrayCycleNS.value)
        set(.senseNS, config.senseNS.value)
        set(.adcConversionNS, config.adcConversionNS.value)
        set(.interconnectHops, config.interconnectHops.value)
        set(.arraysPerMacro, config.arraysPerMacro.value)
        set(.macrosPerTile, config.macrosPerTile.value)
        func append(_ v: [Double]) -> Int {
            values += v
            return values.count - v.count
        }
        let slots = config.components.map { c in
            CostLayout.Slots(
                name: c.name, category: Category.allCases.firstIndex(of: c.category)!, per: c.per, action: c.action,
                actionIndex: c.action.flatMap { Action.allCases.firstIndex(of: $0) } ?? 0,
                count: append([c.count.value]),
                energy: c.energyByBits.map { append($0.values) } ?? c.energyPJ.map { append([$0.value]) }, energyBits: c.energyByBits?.bits,
                area: c.areaByBits.map { append($0.values) } ?? append([c.areaUM2?.value ?? 0]), areaBits: c.areaByBits?.bits,
                staticMW: append([c.staticMW?.value ?? 0]))
        }
        layout = CostLayout(components: slots, size: values.count)
        self.values = values
    }

    public subscript(_ g: CostLayout.Global) -> Double { values[g.rawValue] }

    /// Energy of one action of component `c` at `adcBits` of resolution (0 without an action).
    @inline(__always)
    func energy(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        guard let e = c.energy else { return 0 }
        guard let bits = c.energyBits else { return values[e] }
        return BitsTable.interpolate(bits: bits, at: adcBits) { values[e + $0] }
    }

    /// Area of one instance of component `c` at `adcBits` of resolution.
    @inline(__always)
    func area(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        let a = c.area
        guard let bits = c.areaBits else { return values[a] }
        return BitsTable.interpolate(bits: bits, at: adcBits) { values[a + $0] }
    }
}
