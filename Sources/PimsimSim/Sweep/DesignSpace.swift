import Foundation
import PimsimCore

/// The read-out axis of a sweep.
public enum ReadoutChoice: String, CaseIterable, Sendable {
    /// The config's own rule (`readout.kinds`): for `sense_amp_or_adc`, comparators wherever a
    /// group's dot product fits one array, ADCs elsewhere.
    case auto
    /// ADCs on every layer (`adc_only`): the conventional design, the baseline against which
    /// the sense-amp read-out is measured.
    case adc

    /// `config` with its read-out kinds set as this choice says.
    public func apply(to config: HardwareConfig) -> HardwareConfig {
        guard self == .adc else { return config }
        var forced = config
        forced.readoutKinds = .adcOnly
        forced.readoutKindsSource = "sweep: read-out axis forces adc_only"
        return forced
    }

    /// Parses a comma-separated list such as `auto,adc`; repeated or unknown items are errors
    /// that name `flag`.
    public static func parseList(_ text: String, flag: String = "--readout") throws -> [ReadoutChoice] {
        try DesignSpace.uniqueItems(text, flag: flag, expected: "auto or adc, separated by commas (e.g. auto,adc)") { ReadoutChoice(rawValue: $0) }
    }
}

/// A hwconfig setting swept over values (`--vary PATH=...`): the same path in every config of
/// the space.
public struct ConstantAxis: Sendable {
    /// The path as outputs name it (`adc.energy_pj_by_adc_bits.9`).
    public let name: String
    /// The path resolved in each config of the space (component indices differ between configs).
    public let paths: [ConfigPath]
    public let values: [SettingValue]

    /// Whether the setting leaves the mapping alone (see `ConfigPath.isCostSide`).
    public var isCostSide: Bool { paths[0].isCostSide }

    /// The most values one axis may have.
    public static let maximumValues = 10_000_000

    /// Parses `PATH=A:B:N` (N values evenly spaced from A to B, both included), `PATH=A:B:Nlog`
    /// (N values in geometric progression) or `PATH=v1,v2,...` (numbers, or a setting's choices)
    /// against every config. Values are checked as the file's would be; a path that has its own
    /// axis flag is an error pointing to it. Errors name `flag`.
    public static func parse(_ text: String, configs: [HardwareConfig], flag: String = "--vary") throws -> ConstantAxis {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw InputError(location: flag, expected: "PATH=A:B:N, PATH=A:B:Nlog or PATH=v1,v2,... (e.g. adc.energy_pj_by_adc_bits.9=0.5:2:50)", found: "\"\(text)\"")
        }
        let pathText = String(text[..<eq]), spec = String(text[text.index(after: eq)...])
        let paths = try configs.map { try ConfigPath.resolve(pathText, in: $0, flag: flag) }
        let path = paths[0]
        let location = "\(flag) \(path)"
        if let own = ownFlags[path.description] {
            throw InputError(location: location, expected: "the \(own) axis for \(path) (it has its own flag)", found: "--vary \(path)")
        }
        var values: [SettingValue]
        if spec.contains(":") {
            guard !path.takesChoices else {
                throw InputError(location: location, expected: "a list of \(path.expectedValue) (A:B:N is for numbers)", found: "\"\(spec)\"")
            }
            values = try range(spec, location: location).map { v in
                // A:B:N over integers must land on integers (up to rounding of the steps).
                guard path.takesIntegers else { return .number(v) }
                let r = v.rounded()
                guard abs(v - r) <= 1e-9 * max(1, abs(r)) else {
                    throw InputError(location: location, expected: "integers (\(path.expectedValue)): choose A, B and N so the steps are whole", found: "\(v) in \"\(spec)\"")
                }
                return .number(r)
            }
        } else {
            values = try spec.split(separator: ",", omittingEmptySubsequences: false).map { try path.value(String($0), flag: flag) }
        }
        for value in values {
            if case .number(let v) = value, !path.accepts(v) {
                throw InputError(location: location, expected: path.expectedValue, found: "\(value) (from \"\(spec)\")")
            }
        }
        try DesignSpace.rejectRepeats(values, flag: location)
        return ConstantAxis(name: path.description, paths: paths, values: values)
    }

    /// Settings with an axis flag of their own.
    static let ownFlags = ["array.rows": "--array-rows", "array.columns": "--columns", "readout.adc_sharing": "--adc-sharing"]

    /// `A:B:N` or `A:B:Nlog`: N >= 2 values from A to B, evenly spaced or in geometric
    /// progression (A, B > 0); the last value is B exactly.
    static func range(_ spec: String, location: String) throws -> [Double] {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let expected = "A:B:N or A:B:Nlog with numbers A and B and a count N from 2 to \(maximumValues) (e.g. 0.5:2:50 or 1:1000:31log)"
        guard parts.count == 3, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b.isFinite else {
            throw InputError(location: location, expected: expected, found: "\"\(spec)\"")
        }
        let log = parts[2].hasSuffix("log")
        guard let n = Int(log ? String(parts[2].dropLast(3)) : parts[2]), n >= 2, n <= maximumValues else {
            throw InputError(location: location, expected: expected, found: "\"\(spec)\"")
        }
        if log {
            guard a > 0, b > 0 else { throw InputError(location: location, expected: "A > 0 and B > 0 for a log range", found: "\"\(spec)\"") }
            return (0..<n).map { $0 == n - 1 ? b : a * pow(b / a, Double($0) / Double(n - 1)) }
        }
        return (0..<n).map { $0 == n - 1 ? b : a + (b - a) * Double($0) / Double(n - 1) }
    }
}

/// One design point's position on every axis of a `DesignSpace` (indices into the axes).
public struct DesignPoint: Hashable, Sendable {
    /// Index into `DesignSpace.configs`.
    public var hardware: Int
    public var row: Int
    public var column: Int
    public var sharing: Int
    /// One index per geometry-side `--vary` axis.
    public var geometry: [Int]
    public var split: Int
    public var readout: Int
    public var node: Int
    public var supply: Int
    /// One index per cost-side `--vary` axis.
    public var cost: [Int]

    public init(hardware: Int, row: Int, column: Int = 0, sharing: Int = 0, geometry: [Int] = [], split: Int, readout: Int,
                node: Int = 0, supply: Int = 0, cost: [Int] = []) {
        (self.hardware, self.row, self.column, self.sharing, self.geometry) = (hardware, row, column, sharing, geometry)
        (self.split, self.readout, self.node, self.supply, self.cost) = (split, readout, node, supply, cost)
    }
}

/// The cross product of a sweep's axes, enumerated in this nesting order (the last innermost):
/// hwconfig, array rows, columns, ADC sharing, geometry-side `--vary` axes, split, read-out,
/// technology node, supply, cost-side `--vary` axes. Cost-side axes are innermost so that the points of one geometry
/// (one mapping) are consecutive. A point is identified by its index in this order; the order
/// of every output and the slices of `--shard` follow it.
public struct DesignSpace: Sendable {
    public let configs: [HardwareConfig]
    public let rows: [Int]
    /// Columns per array (nil: each config's own).
    public let columns: [Int]?
    /// Columns per ADC (nil: each config's own).
    public let adcSharing: [Int]?
    public let geometryAxes: [ConstantAxis]
    public let splits: [SplitSpec]
    public let readouts: [ReadoutChoice]
    /// Technology nodes (nm) and supplies (V) (`--node`, `--vdd`; nil: each config's own; a node
    /// without a supply axis is at its nominal supply). Cost-side: they scale the constants.
    public let nodes: [Double]?
    public let supplies: [Double]?
    /// `configs` at every node and supply (nodes outer): see `technologies(_:nodes:supplies:)`.
    public let technologies: [[HardwareConfig]]
    public let costAxes: [ConstantAxis]
    /// Points in the space.
    public let count: Int
    /// Points of one geometry: the product of the cost-side axes.
    public let costCount: Int
    /// Axis sizes, outermost first, in the nesting order.
    let radices: [Int]

    /// The space of the given axes; `varied` are split into geometry-side and cost-side axes.
    /// Throws when the space has more points than a 64-bit index can number, or when a node or
    /// supply is not one the configs can be scaled to.
    public init(configs: [HardwareConfig], rows: [Int], columns: [Int]? = nil, adcSharing: [Int]? = nil, varied: [ConstantAxis] = [],
                splits: [SplitSpec], readouts: [ReadoutChoice], nodes: [Double]? = nil, supplies: [Double]? = nil) throws {
        self.configs = configs
        self.rows = rows
        self.columns = columns
        self.adcSharing = adcSharing
        geometryAxes = varied.filter { !$0.isCostSide }
        self.splits = splits
        self.readouts = readouts
        (self.nodes, self.supplies) = (nodes, supplies)
        technologies = try Self.technologies(configs, nodes: nodes, supplies: supplies)
        costAxes = varied.filter(\.isCostSide)
        radices = [configs.count, rows.count, columns?.count ?? 1, adcSharing?.count ?? 1] + geometryAxes.map(\.values.count)
            + [splits.count, readouts.count, nodes?.count ?? 1, supplies?.count ?? 1] + costAxes.map(\.values.count)
        var total = 1
        for r in radices {
            let (product, overflow) = total.multipliedReportingOverflow(by: r)
            guard !overflow, product <= Int(Int32.max) * Int(Int32.max) else {
                throw InputError(location: "sweep", expected: "a design space of at most \(Int32.max) x \(Int32.max) points", found: "the product of " + radices.map(String.init).joined(separator: " x "))
            }
            total = product
        }
        count = total
        costCount = costAxes.reduce((nodes?.count ?? 1) * (supplies?.count ?? 1)) { $0 * $1.values.count }
    }

    /// The position of point `index` on every axis.
    public func point(_ index: Int) -> DesignPoint {
        var digits = Array(repeating: 0, count: radices.count)
        var rest = index
        for i in radices.indices.reversed() {
            (rest, digits[i]) = rest.quotientAndRemainder(dividingBy: radices[i])
        }
        let g = geometryAxes.count
        return DesignPoint(hardware: digits[0], row: digits[1], column: digits[2], sharing: digits[3], geometry: Array(digits[4..<(4 + g)]),
                           split: digits[4 + g], readout: digits[5 + g], node: digits[6 + g], supply: digits[7 + g], cost: Array(digits[(8 + g)...]))
    }

    /// The index of `point` (the inverse of `point(_:)`).
    public func index(of point: DesignPoint) -> Int {
        let digits = [point.hardware, point.row, point.column, point.sharing] + point.geometry + [point.split, point.readout, point.node, point.supply] + point.cost
        return zip(digits, radices).reduce(0) { $0 * $1.1 + $1.0 }
    }

    /// The geometry of point `index`: its index among the geometries (points / `costCount`).
    public func geometry(of index: Int) -> Int { index / costCount }

    public func columns(of p: DesignPoint) -> Int { columns?[p.column] ?? configs[p.hardware].arrayColumns }
    public func adcSharing(of p: DesignPoint) -> Int { adcSharing?[p.sharing] ?? Int(configs[p.hardware].adcSharing.value) }

    /// The config a point is mapped on: its hwconfig with the point's rows, columns, ADC
    /// sharing, geometry-side settings and read-out (or `readout`, for the reference point);
    /// cost-side settings are the hwconfig's (`setCostValues` sets the point's in a vector).
    /// Throws when the combination is not a valid config.
    public func configuration(for p: DesignPoint, readout: ReadoutChoice? = nil) throws -> HardwareConfig {
        let base = configs[p.hardware]
        var config = base
        config.rows = Constant(Double(rows[p.row]), unit: "rows", source: "sweep: --array-rows axis")
        if let columns {
            config = try config.setting(ConfigPath(setting: .columns), to: .number(Double(columns[p.column])), source: "sweep: --columns axis")
        }
        if let adcSharing {
            config = try config.setting(ConfigPath(setting: .adcSharing), to: .number(Double(adcSharing[p.sharing])), source: "sweep: --adc-sharing axis")
        }
        for (axis, i) in zip(geometryAxes, p.geometry) {
            config = try config.setting(axis.paths[p.hardware], to: axis.values[i], source: "sweep: --vary \(axis.name)")
        }
        return (readout ?? readouts[p.readout]).apply(to: config)
    }

    /// Writes the cost-side settings of point `index` into `constants` (a vector of the point's
    /// hwconfig); `slots[a]` is the slot of cost axis `a` there (`costSlots(hardware:layout:)`).
    /// Returns the point's technology (node and supply) as an index into
    /// `technologies[hardware]`.
    @inline(__always)
    public func setCostValues(of index: Int, slots: [Int], in constants: inout CostConstants) -> Int {
        var rest = index
        for a in costAxes.indices.reversed() {
            let digit: Int
            (rest, digit) = rest.quotientAndRemainder(dividingBy: costAxes[a].values.count)
            if case .number(let v) = costAxes[a].values[digit] { constants.values[slots[a]] = v }
        }
        return rest % (technologyCount)
    }

    /// Node and supply combinations: |nodes| x |supplies| (1 without those axes).
    public var technologyCount: Int { (nodes?.count ?? 1) * (supplies?.count ?? 1) }

    /// The node and supply of point `index` on config `hardware` (nil for a config without a
    /// technology section).
    public func technology(ofPoint index: Int, hardware: Int) -> Technology? {
        let costValues = costAxes.reduce(1) { $0 * $1.values.count }
        return technologies[hardware][(index / costValues) % technologyCount].technology
    }

    /// Each config at each node and supply of the axes (`--node`, `--vdd`), nodes outer: the
    /// point's hwconfig as its cost-side constants are scaled. Without those axes, the config.
    static func technologies(_ configs: [HardwareConfig], nodes: [Double]?, supplies: [Double]?) throws -> [[HardwareConfig]] {
        guard nodes != nil || supplies != nil else { return configs.map { [$0] } }
        return try configs.map { config in
            try (nodes.map { $0.map(Optional.some) } ?? [nil]).flatMap { node in
                try (supplies.map { $0.map(Optional.some) } ?? [nil]).map { try config.retargeted(nodeNM: node, vddV: $0) }
            }
        }
    }

    /// The slot of every cost-side axis in the vector of config `hardware`.
    public func costSlots(hardware: Int, layout: CostLayout) -> [Int] {
        costAxes.map { $0.paths[hardware].slot(in: layout)! }
    }

    /// The largest array height a sweep accepts: the largest count a hwconfig may give.
    public static let maximumRows = HardwareConfig.maximumCount

    /// Parses the array-rows axis: a list `R[,R...]` of integers in 1...`maximumRows`, or `A:B`,
    /// the powers of two from A to B (both powers of two, A <= B). Errors name `flag`.
    public static func parseRows(_ text: String, flag: String = "--array-rows") throws -> [Int] {
        try parseCounts(text, flag: flag, what: "array rows R[,R...]")
    }

    /// A count axis (rows, columns, ADC sharing): a list of integers in 1...`maximumRows`, or
    /// `A:B`, the powers of two from A to B. `what` describes the list in messages.
    public static func parseCounts(_ text: String, flag: String, what: String) throws -> [Int] {
        let valid = 1...maximumRows
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return try uniqueItems(text, flag: flag, expected: "\(what) (integers from 1 to \(maximumRows)) or A:B (powers of two from A to B)") {
                Int($0).flatMap { valid.contains($0) ? $0 : nil }
            }
        }
        func powerOfTwo(_ s: Substring) -> Int? { Int(s).flatMap { valid.contains($0) && $0.nonzeroBitCount == 1 ? $0 : nil } }
        guard let a = powerOfTwo(parts[0]), let b = powerOfTwo(parts[1]), a <= b else {
            throw InputError(location: flag, expected: "A:B with A and B powers of two from 1 to \(maximumRows) and A <= B (e.g. 32:1024)", found: "\"\(text)\"")
        }
        return Array(sequence(first: a) { $0 < b ? $0 * 2 : nil })
    }

    /// Splits `text` at commas and converts each item with `convert`; an empty, unconvertible
    /// (nil) or repeated item throws an `InputError` naming `flag`, and so may `convert`.
    public static func uniqueItems<T: Equatable>(_ text: String, flag: String, expected: String, _ convert: (String) throws -> T?) throws -> [T] {
        let items = try text.split(separator: ",", omittingEmptySubsequences: false).map { raw in
            guard let value = try convert(String(raw)) else { throw InputError(location: flag, expected: expected, found: "\"\(raw)\"") }
            return value
        }
        try rejectRepeats(items, flag: flag)
        return items
    }

    /// Throws an `InputError` naming `flag` if an axis value appears twice (it would duplicate
    /// points).
    public static func rejectRepeats<T: Equatable>(_ items: [T], flag: String) throws {
        for (i, item) in items.enumerated() where items[..<i].contains(item) {
            throw InputError(location: flag, expected: "each value once", found: "\"\(item)\" twice")
        }
    }
}
