import Foundation
import PimsimCore

/// How a ternary input value reaches a wordline.
public enum InputEncoding: String, CaseIterable, Sendable {
    /// +V, 0 or -V on one wordline, one cycle.
    case bipolar
    /// Positive inputs in a first cycle, negative ones in a second; the column integrates both.
    case twoPhase = "two_phase"
    /// Two rows per input (x+ and x-), one cycle; halves the connections an array holds.
    case pairedRows = "paired_rows"
}

/// Whether an array may be read by comparators at all.
public enum ReadoutKinds: String, CaseIterable, Sendable {
    case senseAmpOrADC = "sense_amp_or_adc"
    case adcOnly = "adc_only"
}

/// How many bits an ADC needs for a partial sum (docs/cost-model.md, "ADC resolution").
public enum ADCResolutionRule: String, CaseIterable, Sendable {
    /// ceil(log2(number of distinct partial-sum values)): nothing is lost.
    case lossless
    /// ISAAC: ceil(log2 R) + v + w, minus 1 when v = 1 or w = 1.
    case isaac
    /// ISAAC with its weight encoding: one bit less again.
    case isaacEncoded = "isaac_encoded"
    /// The config's `adc_bits`.
    case fixed
}

/// Layer-by-layer (one layer at a time; latency = throughput interval) or pipelined (layers of
/// consecutive inferences overlap; interval = slowest layer).
public enum ScheduleMode: String, CaseIterable, Sendable {
    case layerByLayer = "layer_by_layer"
    case pipelined
}

/// A crossbar design read from hwconfigs/NAME.json (schema: docs/hwconfig.md). Pure data: no
/// knowledge of layers. Every number is a `Constant` with a source.
public struct HardwareConfig: Equatable, Sendable {
    public var name: String
    public var description: String
    /// The file it was read from (for messages), if any.
    public var file: String?

    // array
    public var rows: Constant
    public var columns: Constant
    public var cellsPerTernaryWeight: Constant
    public var bitsPerCell: Constant
    public var inputEncoding: InputEncoding
    public var inputEncodingSource: String
    public var inputBitsPerCycle: Constant
    public var arrayCycleNS: Constant

    // read-out
    public var readoutKinds: ReadoutKinds
    public var readoutKindsSource: String
    public var adcRule: ADCResolutionRule
    public var adcRuleSource: String
    public var adcBits: Constant?
    public var adcSharing: Constant
    public var adcConversionNS: Constant
    public var senseNS: Constant

    // organisation and digital side
    public var arraysPerMacro: Constant
    public var macrosPerTile: Constant
    public var accumulatorBits: Constant
    public var interconnectHops: Constant
    public var scheduleMode: ScheduleMode
    public var scheduleModeSource: String

    // densities used when a network carries no trained data
    public var assumedInputDensity: Constant
    public var assumedWeightDensity: Constant
    public var assumedInputBitDensity: Constant

    public var components: [Component]

    /// Rows and columns as integers.
    public var arrayRows: Int { Int(rows.value) }
    public var arrayColumns: Int { Int(columns.value) }

    // MARK: loading

    /// The largest count (array rows, columns, cells per weight, ADC sharing, arrays per macro,
    /// ...) a config may give: far beyond any fabricated crossbar, and small enough that arrays x
    /// rows x columns cell counts stay within 64-bit integers.
    public static let maximumCount = 1 << 20

    /// Loads `nameOrPath`: a path to a .json file, or the name of a file in the shipped hwconfigs/.
    public static func load(_ nameOrPath: String) throws -> HardwareConfig {
        let path: String
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            path = nameOrPath
        } else {
            let folder = try ResourceLocator.locate("hwconfigs")
            let names = try availableNames(in: folder)
            guard names.contains(nameOrPath) else {
                let hint = Suggestion.closest(to: nameOrPath, among: Set(names)).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw InputError(location: "--hw", expected: "a hwconfig name (" + names.joined(separator: ", ") + ")\(hint) or a .json path", found: "\"\(nameOrPath)\"")
            }
            path = (folder as NSString).appendingPathComponent(nameOrPath + ".json")
        }
        return try parse(try TextFile.read(path), file: path)
    }

    /// Names of the configs in `folder` (file names without .json), sorted.
    public static func availableNames(in folder: String) throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The config used when `--hw` is not given.
    public static let defaultName = "reram-1t1r"

    static let topKeys: Set<String> = ["name", "description", "array", "readout", "organisation", "digital", "schedule", "assumed_densities", "components"]

    /// Parses and validates a hwconfig document; every error names `file` and the JSON path.
    public static func parse(_ text: String, file: String?) throws -> HardwareConfig {
        let root = try JSONReader.parse(text, file: file)
        try root.rejectUnknownKeys(topKeys)
        let array = try root.field("array")
        try array.rejectUnknownKeys(["rows", "columns", "cells_per_ternary_weight", "bits_per_cell", "input_encoding", "input_bits_per_cycle", "cycle_ns"])
        let readout = try root.field("readout")
        try readout.rejectUnknownKeys(["kinds", "adc_resolution_rule", "adc_bits", "adc_sharing", "adc_conversion_ns", "sense_ns"])
        let organisation = try root.field("organisation")
        try organisation.rejectUnknownKeys(["arrays_per_macro", "macros_per_tile"])
        let digital = try root.field("digital")
        try digital.rejectUnknownKeys(["accumulator_bits", "interconnect_hops"])
        let schedule = try root.field("schedule")
        try schedule.rejectUnknownKeys(["mode"])
        let densities = try root.field("assumed_densities")
        try densities.rejectUnknownKeys(["input_nonzero", "weight_nonzero", "input_bit_one"])

        func count(_ r: JSONReader, _ key: String, unit: String) throws -> Constant {
            try Constant.read(try r.field(key), unit: unit, check: { value in
                let n = try value.int(min: 1)
                guard n <= maximumCount else { throw value.error(expected: "an integer from 1 to \(maximumCount)", found: "\(n)") }
                return Double(n)
            })
        }
        func positive(_ r: JSONReader, _ key: String, unit: String) throws -> Constant {
            try Constant.read(try r.field(key), unit: unit, check: { try $0.positiveDouble() })
        }
        func fraction(_ key: String) throws -> Constant {
            try Constant.read(try densities.field(key), unit: "fraction", check: { try $0.double(in: 0...1) })
        }
        let encoding = try Constant.choice(try array.field("input_encoding"), InputEncoding.allCases.map(\.rawValue))
        let kinds = try Constant.choice(try readout.field("kinds"), ReadoutKinds.allCases.map(\.rawValue))
        let rule = try Constant.choice(try readout.field("adc_resolution_rule"), ADCResolutionRule.allCases.map(\.rawValue))
        let mode = try Constant.choice(try schedule.field("mode"), ScheduleMode.allCases.map(\.rawValue))
        let adcBits = try readout.optionalField("adc_bits").map { try Constant.read($0, unit: "bits", check: { try Double($0.int(min: 1)) }) }
        let componentsField = try root.field("components")
        let components = try componentsField.array().map(Component.read)
        var seen: Set<String> = []
        for (i, c) in components.enumerated() {
            guard seen.insert(c.name).inserted else {
                throw InputError(file: file, location: "$.components[\(i)].name", expected: "a unique component name", found: "\"\(c.name)\" again")
            }
        }
        let config = HardwareConfig(
            name: try root.string("name"), description: try root.string("description"), file: file,
            rows: try count(array, "rows", unit: "rows"), columns: try count(array, "columns", unit: "columns"),
            cellsPerTernaryWeight: try count(array, "cells_per_ternary_weight", unit: "cells"),
            bitsPerCell: try count(array, "bits_per_cell", unit: "bits"),
            inputEncoding: InputEncoding(rawValue: encoding.value)!, inputEncodingSource: encoding.source,
            inputBitsPerCycle: try count(array, "input_bits_per_cycle", unit: "bits"),
            arrayCycleNS: try positive(array, "cycle_ns", unit: "ns"),
            readoutKinds: ReadoutKinds(rawValue: kinds.value)!, readoutKindsSource: kinds.source,
            adcRule: ADCResolutionRule(rawValue: rule.value)!, adcRuleSource: rule.source, adcBits: adcBits,
            adcSharing: try count(readout, "adc_sharing", unit: "columns"),
            adcConversionNS: try positive(readout, "adc_conversion_ns", unit: "ns"),
            senseNS: try Constant.read(try readout.field("sense_ns"), unit: "ns"),
            arraysPerMacro: try count(organisation, "arrays_per_macro", unit: "arrays"),
            macrosPerTile: try count(organisation, "macros_per_tile", unit: "macros"),
            accumulatorBits: try count(digital, "accumulator_bits", unit: "bits"),
            interconnectHops: try Constant.read(try digital.field("interconnect_hops"), unit: "hops"),
            scheduleMode: ScheduleMode(rawValue: mode.value)!, scheduleModeSource: mode.source,
            assumedInputDensity: try fraction("input_nonzero"), assumedWeightDensity: try fraction("weight_nonzero"),
            assumedInputBitDensity: try fraction("input_bit_one"),
            components: components)
        try config.validate()
        return config
    }

    /// The checks that involve more than one field (parse checks each field on its own; `--set`
    /// re-runs these on the changed config). Errors name the file and the JSON path.
    public func validate() throws {
        if adcRule == .fixed, adcBits == nil {
            throw InputError(file: file, location: "$.readout.adc_bits", expected: "a resolution (required when adc_resolution_rule is fixed)", found: "nothing")
        }
        // A config that can cost nothing gives 0/0 ratios: it needs something with area and
        // something that spends energy (per action or static).
        guard components.contains(where: { ($0.areaUM2?.value ?? 0) > 0 || $0.areaByBits != nil }) else {
            throw InputError(file: file, location: "$.components",
                             expected: "components with some area (area_um2 > 0 or area_um2_by_adc_bits): a config that costs nothing cannot be compared",
                             found: components.isEmpty ? "no components" : "\(components.count) components without area")
        }
        guard components.contains(where: { ($0.energyPJ?.value ?? 0) > 0 || $0.energyByBits != nil || ($0.staticMW?.value ?? 0) > 0 }) else {
            throw InputError(file: file, location: "$.components",
                             expected: "components that spend energy (energy_pj > 0, energy_pj_by_adc_bits or static_mw > 0): a config that costs nothing cannot be compared",
                             found: "\(components.count) components without energy")
        }
        if arrayColumns < Int(cellsPerTernaryWeight.value) {
            throw InputError(file: file, location: "$.array.columns", expected: "at least cells_per_ternary_weight (\(Int(cellsPerTernaryWeight.value))) columns", found: "\(arrayColumns)")
        }
    }
}
