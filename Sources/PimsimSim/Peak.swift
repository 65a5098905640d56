import PimsimCore

/// Peak figures of a hwconfig at full utilisation (docs/cost-model.md, "Peak figures").
public struct PeakPerformance: Equatable, Sendable {
    public let precision: LayerPrecision
    /// Arrays computing: tiles per chip x macros per tile x arrays per macro (one tile when the
    /// config does not fix the chip).
    public let arrays: Int
    public let tiles: Int
    /// How the arrays are read ("sense_amp" or "adc 8b").
    public let readout: String
    /// Multiply-accumulates per second.
    public let macsPerSecond: Double
    /// Power at full load: dynamic energy per interval plus static power (W).
    public let powerW: Double
    public let areaMM2: Double

    /// Operations (2 per multiply-accumulate) per second, in tera.
    public var tops: Double { 2 * macsPerSecond / 1e12 }
    public var topsPerWatt: Double { tops / powerW }
    public var topsPerMM2: Double { tops / areaMM2 }

    /// The peak of `config` at `precision`: one linear layer that fills every array of the chip
    /// (rows: the inputs one array holds, columns: every weight slot), with every input, weight
    /// and input bit non-zero. At ternary or binary inputs a ternary activation follows (the next
    /// layer's inputs), so a config with comparator read-out uses it; at integer inputs the
    /// outputs are written at the accumulator width, as ISAAC's Table I powers assume. Costed by `Simulator` itself, so the peak uses the same events,
    /// timing, scaling and static power as `pimsim run`.
    public static func compute(_ config: HardwareConfig, precision: LayerPrecision) throws -> PeakPerformance {
        var dense = config
        let one = { (c: Constant) in Constant(1, unit: c.unit, source: "peak: every input, weight and input bit non-zero") }
        dense.assumedInputDensity = one(config.assumedInputDensity)
        dense.assumedWeightDensity = one(config.assumedWeightDensity)
        dense.assumedInputBitDensity = one(config.assumedInputBitDensity)
        let tiles = config.tilesPerChip.map { Int($0.value) } ?? 1
        let arrays = tiles * Int(config.macrosPerTile.value) * Int(config.arraysPerMacro.value)
        let signedInputs: Bool, cellsPerWeight: Int
        switch precision.inputs {
        case .ternary, .binary: signedInputs = true
        default: signedInputs = false
        }
        switch precision.weights {
        case .integer(let bits): cellsPerWeight = (bits + Int(config.bitsPerCell.value) - 1) / Int(config.bitsPerCell.value)
        default: cellsPerWeight = Int(config.cellsPerTernaryWeight.value)
        }
        let inputs = config.arrayRows / (signedInputs && config.inputEncoding == .pairedRows ? 2 : 1)
        let outputs = config.arrayColumns / cellsPerWeight * arrays
        guard inputs >= 1, outputs >= 1 else {
            throw InputError(file: config.file ?? config.name, location: "$.array", expected: "arrays that hold at least one \(precision) weight", found: "\(config.arrayRows) x \(config.arrayColumns)")
        }
        var b = GraphBuilder(input: TensorShape(channels: inputs, height: 1, width: 1))
        b.add("flatten", .flatten)
        b.add("peak", .linear(LinearAttributes(outFeatures: outputs, bias: false)), precision: precision)
        if signedInputs { b.add("peak.act", .activation(.ternary)) }
        let r = try Simulator.run(try b.build(name: "peak"), on: dense)
        let layer = r.layers[0].mapping
        return PeakPerformance(
            precision: precision, arrays: r.instances.arrays, tiles: r.instances.tiles,
            readout: layer.readout.kind == "adc" ? "adc \(layer.readout.adcBits)b" : "sense_amp",
            macsPerSecond: Double(r.macs) / (r.intervalNS * 1e-9),
            powerW: r.energyPJ / r.intervalNS * 1e-3, areaMM2: r.areaMM2)
    }
}
