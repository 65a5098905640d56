import Foundation
import PimsimCore

/// What a component does that costs energy: one field of `EventCounts`.
public enum Action: String, CaseIterable, Sendable {
    case arrayActivations = "array_activations"
    case wordlineDrives = "wordline_drives"
    case cellReadsOn = "cell_reads_on"
    case cellReadsOff = "cell_reads_off"
    /// Every cell read, on or off (for devices whose read energy does not depend on the state).
    case cellReads = "cell_reads"
    case comparatorDecisions = "comparator_decisions"
    case adcConversions = "adc_conversions"
    case digitalAdditions = "digital_additions"
    case bufferReads = "buffer_reads"
    case bufferWrites = "buffer_writes"
    case interconnectBitHops = "interconnect_bit_hops"
    case busyCycles = "busy_cycles"
}

/// The unit a component is instantiated per; `Instances` says how many of each a mapping needs.
public enum InstanceUnit: String, CaseIterable, Sendable {
    case array, row, column, cell, adc
    case senseAmp = "sense_amp"
    case macro, tile, chip

    /// Whether the unit belongs to one array macro (used for macro-level peak figures).
    public var isInsideMacro: Bool {
        switch self {
        case .tile, .chip: return false
        default: return true
        }
    }
}

/// The report category a component's energy and area are summed under.
public enum Category: String, CaseIterable, Sendable {
    case cells, drivers
    case senseAmps = "sense_amps"
    case adcs, accumulators, buffers, interconnect, other
}

/// A value that depends on the ADC resolution: a table over bits, interpolated geometrically
/// (E(b) = E(b0) * (E(b1)/E(b0))^((b-b0)/(b1-b0)) between neighbouring entries b0 < b < b1,
/// the same rule from the last two entries above the table, the first entry below it).
public struct BitsTable: Equatable, Sendable {
    public let bits: [Int]
    public let values: [Double]
    public let unit: String
    public let source: String

    public func value(atBits b: Int) -> Double {
        BitsTable.interpolate(bits: bits, at: b) { values[$0] }
    }

    /// The table rule over `bits` with the i-th value `value(i)` (a sweep keeps the values in a
    /// vector of its own).
    @inline(__always)
    static func interpolate(bits: [Int], at b: Int, value: (Int) -> Double) -> Double {
        if bits.count == 1 || b <= bits[0] { return value(0) }
        var upper = bits.firstIndex { $0 >= b } ?? bits.count - 1
        if bits[upper] == b { return value(upper) }
        upper = max(upper, 1)
        let (b0, b1, v0, v1) = (Double(bits[upper - 1]), Double(bits[upper]), value(upper - 1), value(upper))
        return v0 * pow(v1 / v0, (Double(b) - b0) / (b1 - b0))
    }

    static func read(_ reader: JSONReader, unit expectedUnit: String) throws -> BitsTable {
        try reader.rejectUnknownKeys(["bits", "values", "unit", "source"])
        let unit = try reader.field("unit")
        guard try unit.string() == expectedUnit else { throw unit.error(expected: "the unit \"\(expectedUnit)\"") }
        let bitsField = try reader.field("bits")
        let bits = try bitsField.ints(min: 1)
        guard !bits.isEmpty, zip(bits, bits.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw bitsField.error(expected: "a non-empty, strictly increasing list of resolutions")
        }
        let valuesField = try reader.field("values")
        let values = try valuesField.array().map { try $0.positiveDouble() }
        guard values.count == bits.count else {
            throw valuesField.error(expected: "\(bits.count) values (one per entry of bits)")
        }
        return BitsTable(bits: bits, values: values, unit: expectedUnit, source: try reader.sourceText())
    }
}

/// One hardware component in the Accelergy sense: how many instances a design has (`count` per
/// `per` unit), which action it responds to and what one action costs, its area per instance
/// and any static power (leakage, or a cited power with no per-action breakdown).
///
/// Energy of a component = events(action) * energy_pj + instances * static_mw * time_ns
/// (1 mW * 1 ns = 1 pJ). Area = instances * area_um2. The cost model reads the constants
/// through `CostConstants`, times `factors`.
public struct Component: Equatable, Sendable {
    public let name: String
    public let category: Category
    public let per: InstanceUnit
    public let count: Constant
    public let action: Action?
    public let energyPJ: Constant?
    /// Energy per action by ADC resolution (ADC-like components only).
    public let energyByBits: BitsTable?
    public let areaUM2: Constant?
    public let areaByBits: BitsTable?
    public let staticMW: Constant?
    /// The node and supply the constants above were published at, and how they scale (required
    /// when the config has a `technology` section; docs/hwconfig.md).
    public let reference: TechnologyReference?
    /// Factors from `reference` to the config's node and supply (identity without a technology
    /// section). The constants above stay as published; the cost model uses them times these.
    public internal(set) var factors: ScaleFactors = .identity

    static let keys: Set<String> = ["name", "category", "per", "count", "action", "energy_pj", "energy_pj_by_adc_bits",
                                    "area_um2", "area_um2_by_adc_bits", "static_mw", "reference"]

    /// Reads a component; `model` is the config's scaling model (nil without a technology
    /// section, when a `reference` is an error).
    static func read(_ r: JSONReader, model: ScalingModel?) throws -> Component {
        try r.rejectUnknownKeys(keys)
        let referenceField = try r.optionalField("reference")
        let reference: TechnologyReference?
        switch (referenceField, model) {
        case (let field?, let model?): reference = try TechnologyReference.read(field, model: model)
        case (nil, _?):
            throw InputError(file: r.file, location: r.path + ".reference", expected: "the node and supply its constants were published at (required with a technology section)", found: "nothing")
        case (let field?, nil):
            throw field.error(expected: "no reference without a technology section (add one, docs/hwconfig.md)", found: "a reference")
        case (nil, nil): reference = nil
        }
        let action = try r.optionalField("action").map { Action(rawValue: try $0.oneOf(Action.allCases.map(\.rawValue)))! }
        let energy = try r.optionalField("energy_pj").map { try Constant.read($0, unit: "pJ") }
        let energyByBits = try r.optionalField("energy_pj_by_adc_bits").map { try BitsTable.read($0, unit: "pJ") }
        if action != nil, energy == nil, energyByBits == nil {
            throw InputError(file: r.file, location: r.path + ".energy_pj", expected: "an energy per action (energy_pj or energy_pj_by_adc_bits) for action \"\(action!.rawValue)\"", found: "nothing")
        }
        if action == nil, energy != nil || energyByBits != nil {
            throw InputError(file: r.file, location: r.path + ".action", expected: "the action that energy_pj is charged for", found: "nothing")
        }
        let count = try r.optionalField("count").map { try Constant.read($0, unit: "instances", check: { try $0.positiveDouble() }) }
        return Component(
            name: try r.string("name"),
            category: Category(rawValue: try r.field("category").oneOf(Category.allCases.map(\.rawValue)))!,
            per: InstanceUnit(rawValue: try r.field("per").oneOf(InstanceUnit.allCases.map(\.rawValue)))!,
            count: count ?? Constant(1, unit: "instances", source: "one per unit"),
            action: action, energyPJ: energy, energyByBits: energyByBits,
            areaUM2: try r.optionalField("area_um2").map { try Constant.read($0, unit: "um^2") },
            areaByBits: try r.optionalField("area_um2_by_adc_bits").map { try BitsTable.read($0, unit: "um^2") },
            staticMW: try r.optionalField("static_mw").map { try Constant.read($0, unit: "mW") },
            reference: reference)
    }
}
