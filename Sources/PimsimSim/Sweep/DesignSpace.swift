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

/// One design point: a hardware config, an array height, a split and a read-out.
public struct DesignPoint: Equatable, Sendable {
    /// Index into `DesignSpace.configs`.
    public let hardware: Int
    public let rows: Int
    public let split: SplitSpec
    public let readout: ReadoutChoice

    public init(hardware: Int, rows: Int, split: SplitSpec, readout: ReadoutChoice) {
        (self.hardware, self.rows, self.split, self.readout) = (hardware, rows, split, readout)
    }
}

/// The cross product configs x rows x splits x read-outs, enumerated in that nesting order
/// (read-out innermost), so a sweep's output order depends only on the axes.
public struct DesignSpace: Sendable {
    public let configs: [HardwareConfig]
    public let rows: [Int]
    public let splits: [SplitSpec]
    public let readouts: [ReadoutChoice]

    public init(configs: [HardwareConfig], rows: [Int], splits: [SplitSpec], readouts: [ReadoutChoice]) {
        self.configs = configs
        self.rows = rows
        self.splits = splits
        self.readouts = readouts
    }

    /// |configs| * |rows| * |splits| * |readouts|.
    public var count: Int { configs.count * rows.count * splits.count * readouts.count }

    /// Every point, configs outermost, read-outs innermost.
    public var points: [DesignPoint] {
        var out: [DesignPoint] = []
        out.reserveCapacity(count)
        for h in configs.indices {
            for r in rows {
                for s in splits {
                    for o in readouts { out.append(DesignPoint(hardware: h, rows: r, split: s, readout: o)) }
                }
            }
        }
        return out
    }

    /// Position in `points` of the point with the given index on each axis.
    public func index(hardware h: Int, row r: Int, split s: Int, readout o: Int) -> Int {
        ((h * rows.count + r) * splits.count + s) * readouts.count + o
    }

    /// The config a point is simulated on: its hwconfig with `rows` rows per array and the
    /// point's read-out.
    public func configuration(for point: DesignPoint) -> HardwareConfig {
        var config = point.readout.apply(to: configs[point.hardware])
        config.rows = Constant(Double(point.rows), unit: "rows", source: "sweep: array rows axis")
        return config
    }

    /// The technology-node axis folded into the hardware axis: every config at every node of
    /// `nodes` (at `vddV`, or the node's nominal supply), named `NAME@NODEnm`, configs outermost.
    /// Without nodes, the configs as they are (each at its own node, retargeted to `vddV` if
    /// given). A config without a technology section is an error naming `--node` or `--vdd`.
    public static func technologyAxis(_ configs: [HardwareConfig], nodes: [Double]?, vddV: Double?) throws -> [HardwareConfig] {
        guard let nodes else {
            return try configs.map { vddV == nil ? $0 : try $0.retargeted(nodeNM: nil, vddV: vddV) }
        }
        return try configs.flatMap { config in
            try nodes.map { node in
                var scaled = try config.retargeted(nodeNM: node, vddV: vddV)
                scaled.name = "\(config.name)@\(ScalingModel.format(node))nm"
                return scaled
            }
        }
    }

    /// The point ratios are taken against: no split, ADC read-out, same config and rows.
    public static func reference(of point: DesignPoint) -> DesignPoint {
        DesignPoint(hardware: point.hardware, rows: point.rows, split: .none, readout: .adc)
    }

    /// The largest array height a sweep accepts: the largest count a hwconfig may give.
    public static let maximumRows = HardwareConfig.maximumCount

    /// Parses the array-rows axis: a list `R[,R...]` of integers in 1...`maximumRows`, or `A:B`,
    /// the powers of two from A to B (both powers of two, A <= B). Errors name `flag`.
    public static func parseRows(_ text: String, flag: String = "--array-rows") throws -> [Int] {
        let valid = 1...maximumRows
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return try uniqueItems(text, flag: flag, expected: "array rows R[,R...] (integers from 1 to \(maximumRows)) or A:B (powers of two from A to B)") {
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
