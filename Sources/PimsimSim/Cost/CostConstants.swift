/// Where every cost-side constant of a hwconfig lives in a flat vector of numbers: the times, the
/// hops, the organisation and the global-buffer rate, then per component its count, per-action
/// energy (one value, or one per entry of its table over ADC resolutions), area and static
/// power. These are the constants that price a mapped design without changing its mapping
/// (docs/sweep.md, "Two tiers"): a sweep over them overwrites slots of one vector instead of
/// rebuilding a config.
public struct CostLayout: Sendable {
    /// The constants every config has, in slots 0 ..< `Global.allCases.count`.
    public enum Global: Int, CaseIterable, Sendable {
        case cycleNS, senseNS, adcConversionNS, interconnectHops, arraysPerMacro, macrosPerTile
        /// `schedule.transfer_bits_per_ns_per_tile`, 0 when the config has none (transfers free).
        case transferRate
    }

    /// The slots of one component (nil: the component has no such constant). Plain numbers,
    /// so the evaluation copies them for free.
    public struct Slots: Sendable {
        /// Index into `Category.allCases`.
        public let category: Int
        public let per: InstanceUnit
        public let action: Action?
        /// Position of `action` in `Action.allCases` (0 without an action).
        public let actionIndex: Int
        public let count: Int
        /// `energy_pj`, or the first of the values of `energy_pj_by_adc_bits` (whose bits are
        /// `tables[energyTable]`).
        public let energy: Int?
        public let energyTable: Int?
        /// `area_um2`, or the first of the values of `area_um2_by_adc_bits` (over
        /// `tables[areaTable]`); 0 when the component has none, and so for `staticMW`, so
        /// `--vary` can give one.
        public let area: Int
        public let areaTable: Int?
        public let staticMW: Int
        /// An ADC whose area depends on the resolution: its area is summed layer by layer.
        public var areaByLayer: Bool { per == .adc && areaTable != nil }
    }

    public let components: [Slots]
    /// Component names, in file order.
    public let names: [String]
    /// The resolutions (bits) of every table over ADC resolutions.
    public let tables: [[Int]]
    /// Slots in all.
    public let size: Int
}

/// The cost-side constants of one hwconfig as a flat vector (`CostLayout` says which slot is
/// which), as published, and the factor each is used at: the technology scaling of its
/// component (energy, area, static power) or of its time (delay), 1 for what is not scaled
/// (docs/cost-model.md, "Technology scaling"). `CostModel.evaluate` prices a `CostProfile` with
/// them; `pimsim run` and every sweep point go through the same evaluation, so a sweep point
/// equals the run of the same config. A sweep over the node or the supply swaps `factors`.
public struct CostConstants: Sendable {
    public let layout: CostLayout
    public var values: [Double]
    public var factors: [Double]

    public init(_ config: HardwareConfig) {
        var values = Array(repeating: 0.0, count: CostLayout.Global.allCases.count)
        var factors = Array(repeating: 1.0, count: values.count)
        func set(_ g: CostLayout.Global, _ v: Double, factor: Double = 1) { (values[g.rawValue], factors[g.rawValue]) = (v, factor) }
        /// A time constant as published, and its delay factor.
        func time(_ g: CostLayout.Global, _ setting: TimeSetting) {
            let reference = config.published(setting)
            set(g, reference?.published.value ?? config[setting].value, factor: reference?.delay ?? 1)
        }
        time(.cycleNS, .arrayCycle)
        time(.senseNS, .sense)
        time(.adcConversionNS, .adcConversion)
        set(.interconnectHops, config.interconnectHops.value)
        set(.arraysPerMacro, config.arraysPerMacro.value)
        set(.macrosPerTile, config.macrosPerTile.value)
        set(.transferRate, config.transferBitsPerNSPerTile?.value ?? 0)
        func append(_ v: [Double], factor: Double = 1) -> Int {
            values += v
            factors += Array(repeating: factor, count: v.count)
            return values.count - v.count
        }
        var tables: [[Int]] = []
        func table(_ t: BitsTable?) -> Int? {
            guard let t else { return nil }
            tables.append(t.bits)
            return tables.count - 1
        }
        let slots = config.components.map { c in
            CostLayout.Slots(
                category: Category.allCases.firstIndex(of: c.category)!, per: c.per, action: c.action,
                actionIndex: c.action.flatMap { Action.allCases.firstIndex(of: $0) } ?? 0,
                count: append([c.count.value]),
                energy: c.energyByBits.map { append($0.values, factor: c.factors.energy) } ?? c.energyPJ.map { append([$0.value], factor: c.factors.energy) },
                energyTable: table(c.energyByBits),
                area: c.areaByBits.map { append($0.values, factor: c.factors.area) } ?? append([c.areaUM2?.value ?? 0], factor: c.factors.area),
                areaTable: table(c.areaByBits),
                staticMW: append([c.staticMW?.value ?? 0], factor: c.factors.staticPower))
        }
        layout = CostLayout(components: slots, names: config.components.map(\.name), tables: tables, size: values.count)
        self.values = values
        self.factors = factors
    }

    /// A constant of every config, as used (published x factor).
    public subscript(_ g: CostLayout.Global) -> Double { values[g.rawValue] * factors[g.rawValue] }

    /// Energy of one action of component `c` at `adcBits` of resolution (0 without an action),
    /// as used: the published value (interpolated in its table) x the component's energy factor.
    @inline(__always)
    func energy(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        guard let e = c.energy else { return 0 }
        guard let t = c.energyTable else { return values[e] * factors[e] }
        return BitsTable.interpolate(bits: layout.tables[t], at: adcBits) { values[e + $0] } * factors[e]
    }

    /// Area of one instance of component `c` at `adcBits` of resolution, as used.
    @inline(__always)
    func area(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        let a = c.area
        guard let t = c.areaTable else { return values[a] * factors[a] }
        return BitsTable.interpolate(bits: layout.tables[t], at: adcBits) { values[a + $0] } * factors[a]
    }

    /// Static power of one instance of component `c` (mW), as used.
    @inline(__always)
    func staticPower(_ c: CostLayout.Slots) -> Double { values[c.staticMW] * factors[c.staticMW] }
}
