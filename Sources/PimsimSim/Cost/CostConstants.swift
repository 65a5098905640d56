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
                energy: c.energyByBits.map { append($0.values) } ?? c.energyPJ.map { append([$0.value]) }, energyTable: table(c.energyByBits),
                area: c.areaByBits.map { append($0.values) } ?? append([c.areaUM2?.value ?? 0]), areaTable: table(c.areaByBits),
                staticMW: append([c.staticMW?.value ?? 0]))
        }
        layout = CostLayout(components: slots, names: config.components.map(\.name), tables: tables, size: values.count)
        self.values = values
    }

    public subscript(_ g: CostLayout.Global) -> Double { values[g.rawValue] }

    /// Energy of one action of component `c` at `adcBits` of resolution (0 without an action).
    @inline(__always)
    func energy(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        guard let e = c.energy else { return 0 }
        guard let t = c.energyTable else { return values[e] }
        return BitsTable.interpolate(bits: layout.tables[t], at: adcBits) { values[e + $0] }
    }

    /// Area of one instance of component `c` at `adcBits` of resolution.
    @inline(__always)
    func area(_ c: CostLayout.Slots, adcBits: Int) -> Double {
        let a = c.area
        guard let t = c.areaTable else { return values[a] }
        return BitsTable.interpolate(bits: layout.tables[t], at: adcBits) { values[a + $0] }
    }
}
