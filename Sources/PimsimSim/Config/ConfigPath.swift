import Foundation
import PimsimCore

/// A value given for a hwconfig setting on the command line: a number, or one of a setting's
/// choices (`schedule.mode=pipelined`).
public enum SettingValue: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case choice(String)

    /// As written in outputs: integers without a fraction, other numbers in Swift's shortest
    /// round-trip form, choices as they are.
    public var description: String {
        switch self {
        case .number(let v): return JSONValue.format(v)
        case .choice(let s): return s
        }
    }
}

/// One setting of a hwconfig addressed by its path, as `--set PATH=VALUE` and `--vary PATH=...`
/// name it: `array.cycle_ns`, `readout.adc_sharing`, `schedule.mode`, or a component's constant,
/// `adc.energy_pj` (also `components.adc.energy_pj`), `adc.energy_pj_by_adc_bits.8` (one entry
/// of a table over ADC resolutions), `input_buffer.static_mw`, `router.count`.
///
/// A path is either **cost-side** (times, hops, organisation, every component constant: they
/// price a mapped design without changing its mapping, so a sweep changes them in a
/// `CostConstants` vector) or **geometry-side** (everything else: the config is re-mapped).
public struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    /// A setting of the config's sections.
    public enum Setting: String, CaseIterable, Sendable {
        case rows = "array.rows", columns = "array.columns", cellsPerTernaryWeight = "array.cells_per_ternary_weight"
        case bitsPerCell = "array.bits_per_cell", inputEncoding = "array.input_encoding", inputBitsPerCycle = "array.input_bits_per_cycle"
        case cycleNS = "array.cycle_ns"
        case readoutKinds = "readout.kinds", adcResolutionRule = "readout.adc_resolution_rule", adcBits = "readout.adc_bits"
        case adcSharing = "readout.adc_sharing", adcConversionNS = "readout.adc_conversion_ns", senseNS = "readout.sense_ns"
        case arraysPerMacro = "organisation.arrays_per_macro", macrosPerTile = "organisation.macros_per_tile"
        case tilesPerChip = "organisation.tiles_per_chip"
        case accumulatorBits = "digital.accumulator_bits", interconnectHops = "digital.interconnect_hops"
        case inputReuse = "digital.input_reuse", interconnectTraffic = "digital.interconnect_traffic"
        case scheduleMode = "schedule.mode", transferRate = "schedule.transfer_bits_per_ns_per_tile"
        case inputNonzero = "assumed_densities.input_nonzero", weightNonzero = "assumed_densities.weight_nonzero"
        case inputBitOne = "assumed_densities.input_bit_one"

        /// The slot of a cost-side setting in `CostConstants` (nil: geometry-side).
        var costSlot: CostLayout.Global? {
            switch self {
            case .cycleNS: return .cycleNS
            case .senseNS: return .senseNS
            case .adcConversionNS: return .adcConversionNS
            case .interconnectHops: return .interconnectHops
            case .arraysPerMacro: return .arraysPerMacro
            case .macrosPerTile: return .macrosPerTile
            case .transferRate: return .transferRate
            default: return nil
            }
        }

        /// The values the setting takes, as the hwconfig schema checks them (docs/hwconfig.md).
        var kind: Kind {
            switch self {
            case .rows, .columns, .cellsPerTernaryWeight, .bitsPerCell, .inputBitsPerCycle, .adcSharing, .arraysPerMacro,
                 .macrosPerTile, .tilesPerChip, .accumulatorBits:
                return .count
            case .cycleNS, .adcConversionNS, .transferRate: return .positive
            case .senseNS, .interconnectHops: return .nonNegative
            case .adcBits: return .resolution
            case .inputNonzero, .weightNonzero, .inputBitOne: return .fraction
            case .inputEncoding: return .choice(InputEncoding.allCases.map(\.rawValue))
            case .readoutKinds: return .choice(ReadoutKinds.allCases.map(\.rawValue))
            case .adcResolutionRule: return .choice(ADCResolutionRule.allCases.map(\.rawValue))
            case .scheduleMode: return .choice(ScheduleMode.allCases.map(\.rawValue))
            case .inputReuse: return .choice(InputReuse.allCases.map(\.rawValue))
            case .interconnectTraffic: return .choice(InterconnectTraffic.allCases.map(\.rawValue))
            }
        }
    }

    /// A constant of one component.
    public enum ComponentField: Hashable, Sendable {
        case count, energyPJ, areaUM2, staticMW
        /// The entry at `bits` of `energy_pj_by_adc_bits`.
        case energyAtBits(Int)
        /// The entry at `bits` of `area_um2_by_adc_bits`.
        case areaAtBits(Int)

        var name: String {
            switch self {
            case .count: return "count"
            case .energyPJ: return "energy_pj"
            case .areaUM2: return "area_um2"
            case .staticMW: return "static_mw"
            case .energyAtBits(let b): return "energy_pj_by_adc_bits.\(b)"
            case .areaAtBits(let b): return "area_um2_by_adc_bits.\(b)"
            }
        }

        var kind: Kind {
            switch self {
            case .count, .energyAtBits, .areaAtBits: return .positive
            case .energyPJ, .areaUM2, .staticMW: return .nonNegative
            }
        }
    }

    /// What values a setting takes.
    enum Kind: Hashable, Sendable {
        /// An integer from 1 to `HardwareConfig.maximumCount`.
        case count
        /// An integer >= 1 (ADC bits).
        case resolution
        case positive, nonNegative, fraction
        case choice([String])

        var expected: String {
            switch self {
            case .count: return "an integer from 1 to \(HardwareConfig.maximumCount)"
            case .resolution: return "an integer >= 1"
            case .positive: return "a number > 0"
            case .nonNegative: return "a number >= 0"
            case .fraction: return "a number from 0 to 1"
            case .choice(let choices): return "one of " + choices.joined(separator: ", ")
            }
        }

        /// `text` as a value of this kind, or nil.
        func value(_ text: String) -> SettingValue? {
            if case .choice(let choices) = self { return choices.contains(text) ? .choice(text) : nil }
            guard let v = Double(text) else { return nil }
            return accepts(v) ? .number(v) : nil
        }

        func accepts(_ v: Double) -> Bool {
            guard v.isFinite else { return false }
            switch self {
            case .count: return v == v.rounded() && v >= 1 && v <= Double(HardwareConfig.maximumCount)
            case .resolution: return v == v.rounded() && v >= 1 && v <= Double(Int32.max)
            case .positive: return v > 0
            case .nonNegative: return v >= 0
            case .fraction: return v >= 0 && v <= 1
            case .choice: return false
            }
        }
    }

    public enum Target: Hashable, Sendable {
        case setting(Setting)
        /// Component `index` of the config (named `name`).
        case component(index: Int, name: String, ComponentField)
    }

    public let target: Target
    /// The path as outputs name it: `array.cycle_ns`, `adc.energy_pj`.
    public let description: String

    init(target: Target, description: String) {
        (self.target, self.description) = (target, description)
    }

    /// The path of a section setting.
    public init(setting: Setting) {
        self.init(target: .setting(setting), description: setting.rawValue)
    }

    /// Whether the setting prices a mapped design without changing its mapping.
    public var isCostSide: Bool {
        switch target {
        case .setting(let s): return s.costSlot != nil
        case .component: return true
        }
    }

    var kind: Kind {
        switch target {
        case .setting(let s): return s.kind
        case .component(_, _, let f): return f.kind
        }
    }

    /// What a value of this setting must be (for messages).
    public var expectedValue: String { kind.expected }

    /// Whether values are choices (names) rather than numbers.
    public var takesChoices: Bool {
        if case .choice = kind { return true }
        return false
    }

    /// Whether values must be integers.
    public var takesIntegers: Bool { kind == .count || kind == .resolution }

    /// `text` as a value of this setting; throws an `InputError` naming `flag` and the path.
    public func value(_ text: String, flag: String) throws -> SettingValue {
        guard let v = kind.value(text) else {
            throw InputError(location: "\(flag) \(description)", expected: kind.expected, found: "\"\(text)\"")
        }
        return v
    }

    /// Whether `v` is a valid number for this setting.
    public func accepts(_ v: Double) -> Bool { kind.accepts(v) }

    /// The section names of a hwconfig (a component with one of these names is addressed as
    /// `components.NAME.FIELD`).
    static let sections: Set<String> = Set(Setting.allCases.map { String($0.rawValue.prefix { $0 != "." }) }).union(["components", "technology"])

    /// Every path `config` has, in file order: its settings, then per component its count,
    /// per-action energy (or table entries), area (or table entries) and static power.
    public static func all(in config: HardwareConfig) -> [ConfigPath] {
        var paths = Setting.allCases.map { ConfigPath(setting: $0) }
        for (i, c) in config.components.enumerated() {
            var fields: [ComponentField] = [.count]
            if c.action != nil {
                fields += c.energyByBits.map { $0.bits.map(ComponentField.energyAtBits) } ?? [.energyPJ]
            }
            fields += c.areaByBits.map { $0.bits.map(ComponentField.areaAtBits) } ?? [.areaUM2]
            fields.append(.staticMW)
            let prefix = sections.contains(c.name) ? "components.\(c.name)" : c.name
            paths += fields.map { ConfigPath(target: .component(index: i, name: c.name, $0), description: "\(prefix).\($0.name)") }
        }
        return paths
    }

    /// Resolves `text` in `config`: a setting's path, `COMPONENT.FIELD` or
    /// `components.COMPONENT.FIELD`. An unknown path is an error naming the config (its file),
    /// `flag` and every valid path.
    public static func resolve(_ text: String, in config: HardwareConfig, flag: String) throws -> ConfigPath {
        let paths = all(in: config)
        let explicit = text.hasPrefix("components.") ? String(text.dropFirst("components.".count)) : nil
        if let path = paths.first(where: { $0.description == text || ($0.isComponent && $0.componentText == (explicit ?? text)) }) {
            return path
        }
        let names = paths.map(\.description)
        // A near miss, else the paths of the same section or component ("adc.energy_pj" on a
        // component with a table over ADC resolutions lists the table's entries).
        let head = (explicit ?? text).prefix { $0 != "." }
        let related = names.filter { $0.hasPrefix(head + ".") || $0.hasPrefix("components." + head + ".") }
        let hint = Suggestion.closest(to: text, among: names).map { " (did you mean \"\($0)\"?)" }
            ?? (related.isEmpty ? "" : " (\(head) has " + related.joined(separator: ", ") + ")")
        throw InputError(file: config.file ?? config.name, location: flag,
                         expected: "a setting of \(config.name)\(hint): " + names.joined(separator: ", "), found: "\"\(text)\"")
    }

    var isComponent: Bool {
        if case .component = target { return true }
        return false
    }

    /// `NAME.FIELD` of a component path.
    var componentText: String? {
        guard case .component(_, let name, let field) = target else { return nil }
        return "\(name).\(field.name)"
    }

    /// The slot of a cost-side path in `layout` (nil: geometry-side).
    public func slot(in layout: CostLayout) -> Int? {
        switch target {
        case .setting(let s):
            return s.costSlot?.rawValue
        case .component(let i, _, let field):
            let c = layout.components[i]
            switch field {
            case .count: return c.count
            case .energyPJ: return c.energy
            case .areaUM2: return c.area
            case .staticMW: return c.staticMW
            case .energyAtBits(let b): return c.energy.map { $0 + layout.tables[c.energyTable!].firstIndex(of: b)! }
            case .areaAtBits(let b): return c.area + layout.tables[c.areaTable!].firstIndex(of: b)!
            }
        }
    }
}

extension HardwareConfig {
    /// This config with `path` set to `value` (checked as the file's value would be, then the
    /// whole config re-checked); `source` says where the value came from.
    public func setting(_ path: ConfigPath, to value: SettingValue, source: String) throws -> HardwareConfig {
        var c = self
        func constant(_ old: Constant) -> Constant {
            guard case .number(let v) = value else { return old }
            return Constant(v, unit: old.unit, source: source)
        }
        /// A time constant with a technology reference: the value given is the published one,
        /// scaled like the file's (docs/cost-model.md, "Technology scaling").
        func time(_ setting: TimeSetting) throws {
            guard let i = c.timeReferences.firstIndex(where: { $0.setting == setting }) else { c[setting] = constant(c[setting]); return }
            c.timeReferences[i].published = constant(c.timeReferences[i].published)
            c = try c.rescaled(targetLocation: "$.technology.vdd_v")
        }
        switch path.target {
        case .setting(let s):
            let text = value.description
            switch s {
            case .rows: c.rows = constant(rows)
            case .columns: c.columns = constant(columns)
            case .cellsPerTernaryWeight: c.cellsPerTernaryWeight = constant(cellsPerTernaryWeight)
            case .bitsPerCell: c.bitsPerCell = constant(bitsPerCell)
            case .inputEncoding: (c.inputEncoding, c.inputEncodingSource) = (InputEncoding(rawValue: text)!, source)
            case .inputBitsPerCycle: c.inputBitsPerCycle = constant(inputBitsPerCycle)
            case .cycleNS: try time(.arrayCycle)
            case .readoutKinds: (c.readoutKinds, c.readoutKindsSource) = (ReadoutKinds(rawValue: text)!, source)
            case .adcResolutionRule: (c.adcRule, c.adcRuleSource) = (ADCResolutionRule(rawValue: text)!, source)
            case .adcBits: c.adcBits = constant(adcBits ?? Constant(0, unit: "bits", source: source))
            case .adcSharing: c.adcSharing = constant(adcSharing)
            case .adcConversionNS: try time(.adcConversion)
            case .senseNS: try time(.sense)
            case .arraysPerMacro: c.arraysPerMacro = constant(arraysPerMacro)
            case .macrosPerTile: c.macrosPerTile = constant(macrosPerTile)
            case .tilesPerChip: c.tilesPerChip = constant(tilesPerChip ?? Constant(0, unit: "tiles", source: source))
            case .inputReuse: (c.inputReuse, c.inputReuseSource) = (InputReuse(rawValue: text)!, source)
            case .interconnectTraffic: (c.interconnectTraffic, c.interconnectTrafficSource) = (InterconnectTraffic(rawValue: text)!, source)
            case .transferRate: c.transferBitsPerNSPerTile = constant(transferBitsPerNSPerTile ?? Constant(0, unit: "bits/ns", source: source))
            case .accumulatorBits: c.accumulatorBits = constant(accumulatorBits)
            case .interconnectHops: c.interconnectHops = constant(interconnectHops)
            case .scheduleMode: (c.scheduleMode, c.scheduleModeSource) = (ScheduleMode(rawValue: text)!, source)
            case .inputNonzero: c.assumedInputDensity = constant(assumedInputDensity)
            case .weightNonzero: c.assumedWeightDensity = constant(assumedWeightDensity)
            case .inputBitOne: c.assumedInputBitDensity = constant(assumedInputBitDensity)
            }
        case .component(let i, _, let field):
            guard case .number(let v) = value else { break }
            let old = components[i]
            func entry(_ table: BitsTable?, _ bits: Int) -> BitsTable? {
                table.map { t in
                    var values = t.values
                    values[t.bits.firstIndex(of: bits)!] = v
                    return BitsTable(bits: t.bits, values: values, unit: t.unit, source: t.source + "; \(bits) bits: \(source)")
                }
            }
            func given(_ unit: String) -> Constant { Constant(v, unit: unit, source: source) }
            c.components[i] = Component(
                name: old.name, category: old.category, per: old.per,
                count: field == .count ? given("instances") : old.count, action: old.action,
                energyPJ: field == .energyPJ ? given("pJ") : old.energyPJ,
                energyByBits: { if case .energyAtBits(let b) = field { return entry(old.energyByBits, b) }; return old.energyByBits }(),
                areaUM2: field == .areaUM2 ? given("um^2") : old.areaUM2,
                areaByBits: { if case .areaAtBits(let b) = field { return entry(old.areaByBits, b) }; return old.areaByBits }(),
                staticMW: field == .staticMW ? given("mW") : old.staticMW, reference: old.reference, factors: old.factors)
        }
        try c.validate()
        return c
    }
}
