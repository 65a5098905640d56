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

/// How convolution inputs reach the arrays from the input buffer (docs/cost-model.md, "Schedule").
public enum InputReuse: String, CaseIterable, Sendable {
    /// Every output position reads its whole k x k window from the buffer.
    case none
    /// A line buffer (shift-register window) keeps the last k input rows: each position after
    /// the first of an output row reads only the min(stride, k) new window columns.
    case lineBuffer = "line_buffer"
}

/// Which bits cross the interconnect (docs/cost-model.md, "Schedule").
public enum InterconnectTraffic: String, CaseIterable, Sendable {
    /// Every written output bit travels `interconnect_hops`.
    case outputs
    /// A layer's input values (each once) travel too: NeuroSim's H-tree carries both.
    case inputsAndOutputs = "inputs_and_outputs"
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
    /// Fraction of a tile's largest partial sum that the ADC's input range spans (optional; nil:
    /// the whole range, no clipping). Used by the functional simulation only.
    public var adcRange: Constant?
    public var adcSharing: Constant
    public var adcConversionNS: Constant
    public var senseNS: Constant

    // organisation and digital side
    public var arraysPerMacro: Constant
    public var macrosPerTile: Constant
    /// Tiles on one chip, when the design fixes it (ISAAC: 168): the budget of weight
    /// duplication and the size of the peak figures. Nil: as many tiles as a mapping needs.
    public var tilesPerChip: Constant?
    public var accumulatorBits: Constant
    public var interconnectHops: Constant
    /// Convolution window reuse between the input buffer and the arrays (`none` when the file
    /// does not say).
    public var inputReuse: InputReuse = .none
    public var inputReuseSource = "default: no reuse (every window read whole)"
    /// What the interconnect carries (`outputs` when the file does not say).
    public var interconnectTraffic: InterconnectTraffic = .outputs
    public var interconnectTrafficSource = "default: output bits only"
    public var scheduleMode: ScheduleMode
    public var scheduleModeSource: String
    /// Bits per ns one tile exchanges with the global buffer: loading a layer's inputs and
    /// storing its outputs then takes bits / (rate x the layer's tiles), added to its latency
    /// (NeuroSim's global buffer). Nil: transfers are free and overlap with compute.
    public var transferBitsPerNSPerTile: Constant?

    // densities used when a network carries no trained data
    public var assumedInputDensity: Constant
    public var assumedWeightDensity: Constant
    public var assumedInputBitDensity: Constant

    public var components: [Component]

    /// Device and read-out non-idealities for `pimsim eval --hw` (optional section).
    public var nonideality: NonIdealityConfig?
    /// The node and supply the config is costed at, and its scaling model (nil: no scaling; the
    /// constants are used as written).
    public var technology: Technology?
    /// Time constants that carry a technology reference, with their published values.
    public var timeReferences: [TimeReference] = []

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

    static let topKeys: Set<String> = ["name", "description", "technology", "array", "readout", "organisation", "digital", "schedule", "assumed_densities", "components", "nonideality"]

    /// Parses and validates a hwconfig document; every error names `file` and the JSON path.
    public static func parse(_ text: String, file: String?) throws -> HardwareConfig {
        let root = try JSONReader.parse(text, file: file)
        try root.rejectUnknownKeys(topKeys)
        let array = try root.field("array")
        try array.rejectUnknownKeys(["rows", "columns", "cells_per_ternary_weight", "bits_per_cell", "input_encoding", "input_bits_per_cycle", "cycle_ns"])
        let readout = try root.field("readout")
        try readout.rejectUnknownKeys(["kinds", "adc_resolution_rule", "adc_bits", "adc_range", "adc_sharing", "adc_conversion_ns", "sense_ns"])
        let organisation = try root.field("organisation")
        try organisation.rejectUnknownKeys(["arrays_per_macro", "macros_per_tile", "tiles_per_chip"])
        let digital = try root.field("digital")
        try digital.rejectUnknownKeys(["accumulator_bits", "interconnect_hops", "input_reuse", "interconnect_traffic"])
        let traffic = try digital.optionalField("interconnect_traffic").map { try Constant.choice($0, InterconnectTraffic.allCases.map(\.rawValue)) }
        let reuse = try digital.optionalField("input_reuse").map { try Constant.choice($0, InputReuse.allCases.map(\.rawValue)) }
        let schedule = try root.field("schedule")
        try schedule.rejectUnknownKeys(["mode", "transfer_bits_per_ns_per_tile"])
        let densities = try root.field("assumed_densities")
        try densities.rejectUnknownKeys(["input_nonzero", "weight_nonzero", "input_bit_one"])
        let technology = try root.optionalField("technology").map { try readTechnology($0) }
        let model = technology?.model
        var timeReferences: [TimeReference] = []
        /// A time constant that may carry a technology `reference`.
        func time(_ r: JSONReader, _ key: String, _ setting: TimeSetting, check: @escaping (JSONReader) throws -> Double) throws -> Constant {
            let field = try r.field(key)
            let constant = try Constant.read(field, unit: "ns", extraKeys: ["reference"], check: check)
            if let ref = try field.optionalField("reference") {
                guard let model else { throw ref.error(expected: "no reference without a technology section (add one, docs/hwconfig.md)", found: "a reference") }
                timeReferences.append(TimeReference(setting: setting, published: constant, reference: try TechnologyReference.read(ref, model: model)))
            }
            return constant
        }

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
        let components = try componentsField.array().map { try Component.read($0, model: model) }
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
            arrayCycleNS: try time(array, "cycle_ns", .arrayCycle, check: { try $0.positiveDouble() }),
            readoutKinds: ReadoutKinds(rawValue: kinds.value)!, readoutKindsSource: kinds.source,
            adcRule: ADCResolutionRule(rawValue: rule.value)!, adcRuleSource: rule.source, adcBits: adcBits,
            adcRange: try readout.optionalField("adc_range").map { try Constant.read($0, unit: "fraction", check: { try $0.positiveDouble() }) },
            adcSharing: try count(readout, "adc_sharing", unit: "columns"),
            adcConversionNS: try time(readout, "adc_conversion_ns", .adcConversion, check: { try $0.positiveDouble() }),
            senseNS: try time(readout, "sense_ns", .sense, check: { try $0.nonNegativeDouble() }),
            arraysPerMacro: try count(organisation, "arrays_per_macro", unit: "arrays"),
            macrosPerTile: try count(organisation, "macros_per_tile", unit: "macros"),
            tilesPerChip: try organisation.optionalField("tiles_per_chip").map { _ in try count(organisation, "tiles_per_chip", unit: "tiles") },
            accumulatorBits: try count(digital, "accumulator_bits", unit: "bits"),
            interconnectHops: try Constant.read(try digital.field("interconnect_hops"), unit: "hops"),
            inputReuse: reuse.map { InputReuse(rawValue: $0.value)! } ?? .none,
            inputReuseSource: reuse?.source ?? "default: no reuse (every window read whole)",
            interconnectTraffic: traffic.map { InterconnectTraffic(rawValue: $0.value)! } ?? .outputs,
            interconnectTrafficSource: traffic?.source ?? "default: output bits only",
            scheduleMode: ScheduleMode(rawValue: mode.value)!, scheduleModeSource: mode.source,
            transferBitsPerNSPerTile: try schedule.optionalField("transfer_bits_per_ns_per_tile").map { _ in try positive(schedule, "transfer_bits_per_ns_per_tile", unit: "bits/ns") },
            assumedInputDensity: try fraction("input_nonzero"), assumedWeightDensity: try fraction("weight_nonzero"),
            assumedInputBitDensity: try fraction("input_bit_one"),
            components: components, nonideality: try root.optionalField("nonideality").map(NonIdealityConfig.read),
            technology: technology, timeReferences: timeReferences)
        try config.validate()
        do {
            return try config.rescaled(targetLocation: "$.technology.vdd_v")
        } catch var error as InputError {
            error.file = file
            throw error
        }
    }

    static func readTechnology(_ r: JSONReader) throws -> Technology {
        try r.rejectUnknownKeys(["node_nm", "vdd_v", "roadmap", "scaling_model"])
        let modelChoice = try r.field("scaling_model")
        try modelChoice.rejectUnknownKeys(["value", "source"])
        let model = try ScalingModel.load(try modelChoice.field("value").string(), location: modelChoice.path + ".value", file: r.file)
        _ = try modelChoice.sourceText()
        let node = try r.field("node_nm").sourcedConstant(unit: "nm")
        let vdd = try r.field("vdd_v").sourcedConstant(unit: "V")
        let roadmap = try Constant.choice(try r.field("roadmap"), Roadmap.allCases.map(\.rawValue))
        return Technology(nodeNM: try model.checkedNode(try node.field("value")), vddV: try vdd.field("value").positiveDouble(),
                          roadmap: Roadmap(rawValue: roadmap.value)!, nodeSource: try node.sourceText(), vddSource: try vdd.sourceText(),
                          roadmapSource: roadmap.source, model: model)
    }

    // MARK: technology

    /// This config with every scale factor recomputed from the published values to
    /// `technology`'s node and supply (unchanged without a technology section).
    /// A supply outside the scaling model's fits is an error located at `targetLocation` (the
    /// config's own, or the flag that moved it); a reference's supply at that reference.
    func rescaled(targetLocation: String) throws -> HardwareConfig {
        guard let t = technology else { return self }
        func located<T>(_ location: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch var error as InputError {
                error.location = location
                throw error
            }
        }
        try located(targetLocation) {
            _ = try t.model.logicEnergy(node: t.nodeNM, vdd: t.vddV, roadmap: t.roadmap)
            _ = try t.model.logicDelay(node: t.nodeNM, vdd: t.vddV, roadmap: t.roadmap)
        }
        var out = self
        for i in out.components.indices {
            guard let ref = out.components[i].reference else { continue }
            out.components[i].factors = try located("$.components[\(i)].reference.vdd_v") {
                try t.model.factors(from: ref, toNode: t.nodeNM, vdd: t.vddV, roadmap: t.roadmap)
            }
        }
        for (i, time) in timeReferences.enumerated() {
            let f = try located("$.\(time.setting.rawValue).reference.vdd_v") {
                try t.model.factors(from: time.reference, toNode: t.nodeNM, vdd: t.vddV, roadmap: t.roadmap)
            }
            out.timeReferences[i].delay = f.delay
            out[time.setting] = Constant(time.published.value * f.delay, unit: "ns", source: time.published.source)
        }
        return out
    }

    /// This config at another node and/or supply (`pimsim run --node/--vdd`). A new node without
    /// a supply takes the scaling model's nominal supply there. Errors name `flag`-style
    /// locations: `--node`, `--vdd`.
    public func retargeted(nodeNM: Double?, vddV: Double?) throws -> HardwareConfig {
        guard var t = technology else {
            throw InputError(location: nodeNM != nil ? "--node" : "--vdd", expected: "a hwconfig with a technology section (docs/hwconfig.md)",
                             found: "\(name), which has none")
        }
        if let nodeNM {
            guard t.model.nodeRange.contains(nodeNM) else {
                throw InputError(location: "--node", expected: "a node from \(ScalingModel.format(t.model.nodeRange.lowerBound)) to \(ScalingModel.format(t.model.nodeRange.upperBound)) nm (scaling model \(t.model.name))", found: "\(ScalingModel.format(nodeNM))")
            }
            t.nodeNM = nodeNM
            t.vddV = t.model.nominalVDD(atNode: nodeNM)
        }
        if let vddV {
            guard vddV > 0, vddV.isFinite else { throw InputError(location: "--vdd", expected: "a supply > 0 V", found: "\(vddV)") }
            t.vddV = vddV
        }
        var out = self
        out.technology = t
        return try out.rescaled(targetLocation: vddV != nil ? "--vdd" : "--node")
    }

    /// The time constant `setting` (as used, after scaling).
    public subscript(setting: TimeSetting) -> Constant {
        get {
            switch setting {
            case .arrayCycle: return arrayCycleNS
            case .adcConversion: return adcConversionNS
            case .sense: return senseNS
            }
        }
        set {
            switch setting {
            case .arrayCycle: arrayCycleNS = newValue
            case .adcConversion: adcConversionNS = newValue
            case .sense: senseNS = newValue
            }
        }
    }
}

/// A time constant of a hwconfig that may be scaled with the technology.
public enum TimeSetting: String, CaseIterable, Sendable {
    case arrayCycle = "array.cycle_ns"
    case adcConversion = "readout.adc_conversion_ns"
    case sense = "readout.sense_ns"
}

/// A time constant's published value and the node and supply it was published at.
public struct TimeReference: Equatable, Sendable {
    public let setting: TimeSetting
    public internal(set) var published: Constant
    public let reference: TechnologyReference
    /// The delay factor to the config's node and supply: the value used is published x delay.
    public internal(set) var delay: Double = 1

    public init(setting: TimeSetting, published: Constant, reference: TechnologyReference) {
        (self.setting, self.published, self.reference) = (setting, published, reference)
    }
}

extension HardwareConfig {
    /// The published value and technology reference of the time constant `setting` (nil when it
    /// is used as written).
    public func published(_ setting: TimeSetting) -> TimeReference? {
        timeReferences.first { $0.setting == setting }
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
