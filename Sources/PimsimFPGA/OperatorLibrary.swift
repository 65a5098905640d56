import PimsimCore

/// A floating-point operator's measured cost (Ehliar, FPT 2014, on Kintex-7).
public struct FloatOperator: Sendable, Equatable {
    public let luts: Count<LUT6>
    /// In the library's DSP primitive.
    public let dsps: Count<DSPSlice>
    public let ffs: Count<FlipFlop>
    public let clockMHz: Double
}

/// One RAMB18 port shape: `depth` words of `width` bits.
public struct BRAMShape: Sendable, Equatable {
    public let depth: Int
    public let width: Int
}

/// The operator library (hwconfigs/fpga/operators.json): what each arithmetic building block
/// costs, with a source for every number. Pure data; the estimator combines it with layers.
public struct OperatorLibrary: Sendable, Equatable {
    public let name: String
    /// The DSP primitive the float operators' DSP counts are in.
    public let dspPrimitive: DSPPrimitive
    /// DSP48E2 needed per DSP48E1 of the library when the device is UltraScale+.
    public let dsp48e2PerDSP48e1: Int
    public let fpAdder: FloatOperator
    public let fpMultiplier: FloatOperator
    /// Extra LUT6 to negate a float operand (ternary/binary weight -1 on float activations).
    public let fpNegateLUTs: Count<LUT6>
    /// n-bit integer adder/accumulator: n * lutsPerBit LUT6 plus ceil(n / carry bits) slices of carry chain.
    public let adderLUTsPerBit: Int
    public let adderFFsPerBit: Int
    public let integerClockMHz: Double
    /// Extra LUT6 per adder bit for the ternary select (add, subtract or skip).
    public let ternarySelectLUTsPerBit: Int
    /// FINN MVAU cost model: LUT = base + factor * P * (...).
    public let finnBaseLUTs: Double
    public let finnLUTFactor: Double
    public let finnClockMHz: Double
    /// RAMB18 port shapes (simple dual-port).
    public let bram18Shapes: [BRAMShape]
    /// Stored bits per weight.
    public let weightBits: [WeightType: Int]
    /// Each number's source, by JSON path.
    public let sources: [String: String]
    public let file: String?

    static let fields: Set<String> = [
        "name", "description", "dsp_primitive", "dsp48e2_per_dsp48e1", "fp32_adder", "fp32_multiplier", "fp32_negate_luts",
        "integer_adder", "ternary_select_luts_per_bit", "finn_mvau", "bram18_shapes", "weight_bits",
    ]

    /// Reads and validates a library; every error names `file` and the JSON path.
    public init(json text: String, file: String?) throws {
        let root = try JSONReader.parse(text, file: file)
        try root.rejectUnknownKeys(Self.fields)
        name = try root.string("name")
        if let description = try root.optionalField("description") { _ = try description.string() }
        let primitive = try root.field("dsp_primitive")
        let dspUnit = try primitive.oneOf(DSPPrimitive.allCases.map(\.rawValue))
        dspPrimitive = DSPPrimitive(rawValue: dspUnit)!
        var sources: [String: String] = [:]
        // Per-operator costs up to 2^20 (a million LUT6 for one adder is beyond any real core);
        // weight bits up to 64.
        func int(_ reader: JSONReader, _ key: String, unit: String, min: Int = 0, max: Int = 1 << 20) throws -> Int {
            let s = try reader.sourcedInt(key, unit: unit, min: min, max: max)
            sources[reader.path + "." + key] = s.source
            return s.value
        }
        func positive(_ reader: JSONReader, _ key: String, unit: String) throws -> Double {
            let s = try reader.sourcedPositive(key, unit: unit)
            sources[reader.path + "." + key] = s.source
            return s.value
        }
        func floatOperator(_ key: String) throws -> FloatOperator {
            let op = try root.field(key)
            try op.rejectUnknownKeys(["luts", "dsps", "ffs", "clock_mhz"])
            return FloatOperator(luts: Count(try int(op, "luts", unit: LUT6.symbol)),
                                 dsps: Count(try int(op, "dsps", unit: dspUnit)),
                                 ffs: Count(try int(op, "ffs", unit: FlipFlop.symbol)),
                                 clockMHz: try positive(op, "clock_mhz", unit: "MHz"))
        }
        dsp48e2PerDSP48e1 = try int(root, "dsp48e2_per_dsp48e1", unit: "DSP48E2/DSP48E1", min: 1)
        fpAdder = try floatOperator("fp32_adder")
        fpMultiplier = try floatOperator("fp32_multiplier")
        fpNegateLUTs = Count(try int(root, "fp32_negate_luts", unit: LUT6.symbol))
        let adder = try root.field("integer_adder")
        try adder.rejectUnknownKeys(["luts_per_bit", "ffs_per_bit", "clock_mhz"])
        adderLUTsPerBit = try int(adder, "luts_per_bit", unit: "LUT6/bit", min: 1)
        adderFFsPerBit = try int(adder, "ffs_per_bit", unit: "FF/bit")
        integerClockMHz = try positive(adder, "clock_mhz", unit: "MHz")
        ternarySelectLUTsPerBit = try int(root, "ternary_select_luts_per_bit", unit: "LUT6/bit")
        let finn = try root.field("finn_mvau")
        try finn.rejectUnknownKeys(["base_luts", "lut_factor", "clock_mhz"])
        let base = try finn.sourcedDouble("base_luts", unit: LUT6.symbol, min: 0)
        let factor = try finn.sourcedDouble("lut_factor", unit: "1", min: 1)
        sources[finn.path + ".base_luts"] = base.source
        sources[finn.path + ".lut_factor"] = factor.source
        finnBaseLUTs = base.value
        finnLUTFactor = factor.value
        finnClockMHz = try positive(finn, "clock_mhz", unit: "MHz")
        let shapes = try root.field("bram18_shapes")
        try shapes.rejectUnknownKeys(["value", "unit", "source"])
        let shapeUnit = try shapes.field("unit")
        guard try shapeUnit.string() == "depth x bit" else { throw shapeUnit.error(expected: "the unit \"depth x bit\"") }
        let shapeList = try shapes.field("value").array()
        guard !shapeList.isEmpty else { throw try shapes.field("value").error(expected: "at least one [depth, width] pair") }
        bram18Shapes = try shapeList.map { item in
            let pair = try item.ints(min: 1)
            guard pair.count == 2, pair.allSatisfy({ $0 <= 1 << 20 }) else { throw item.error(expected: "a [depth, width] pair of integers from 1 to 2^20") }
            return BRAMShape(depth: pair[0], width: pair[1])
        }
        sources[shapes.path] = try shapes.sourceText()
        let bits = try root.field("weight_bits")
        try bits.rejectUnknownKeys(Set(WeightType.allCases.map(\.rawValue)))
        var weightBits: [WeightType: Int] = [:]
        for type in WeightType.allCases { weightBits[type] = try int(bits, type.rawValue, unit: "bit", min: 1, max: 64) }
        self.weightBits = weightBits
        self.sources = sources
        self.file = file
    }

    /// Reads `path`.
    public static func load(path: String) throws -> OperatorLibrary {
        try OperatorLibrary(json: try TextFile.read(path), file: path)
    }

    /// The shipped library, hwconfigs/fpga/operators.json.
    public static func shipped() throws -> OperatorLibrary {
        try load(path: try ResourceLocator.locate("hwconfigs/fpga/operators.json"))
    }

    /// Device DSP slices for `count` of the library's DSP primitive.
    public func dspsOnDevice(_ count: Count<DSPSlice>, device: FPGADevice) throws -> Count<DSPSlice> {
        if device.dspPrimitive == dspPrimitive { return count }
        guard dspPrimitive == .dsp48e1, device.dspPrimitive == .dsp48e2 else {
            throw InputError(file: file, location: "$.dsp_primitive",
                             expected: "a library whose \(dspPrimitive.rawValue) costs map onto the device's \(device.dspPrimitive.rawValue)",
                             found: dspPrimitive.rawValue)
        }
        return count * dsp48e2PerDSP48e1
    }
}
