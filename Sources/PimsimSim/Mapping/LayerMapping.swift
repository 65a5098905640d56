import PimsimCore

/// How a layer's dot products are read out of the arrays.
public enum Readout: Equatable, Sendable {
    /// Comparators against thresholds folded from batch norm: `comparators` per output (2 for a
    /// ternary activation, 1 for sign). No ADC.
    case senseAmp(comparators: Int)
    /// ADCs of `bits` resolution, added digitally before the activation.
    case adc(bits: Int)

    /// `sense_amp` or `adc`, as in the JSON report.
    public var kind: String {
        switch self {
        case .senseAmp: return "sense_amp"
        case .adc: return "adc"
        }
    }

    public var adcBits: Int {
        if case .adc(let bits) = self { return bits }
        return 0
    }
}

/// What decides a layer's read-out (docs/cost-model.md, "Read-out decision"), kept as numbers
/// so mapping stays cheap; `LayerMapping.readoutReason` says it in words for reports.
public struct ReadoutConditions: Equatable, Sendable {
    /// The config's name if it reads out by ADC only.
    let adcOnlyConfig: String?
    let rowsPerGroup: Int
    let arrayRows: Int
    /// Cells per weight when a weight is bit-sliced over several sensed columns (else 0).
    let slicedCells: Int
    let bitCycles: Int
    let followedByActivation: Bool

    /// Whether comparators can read the layer.
    var allowSenseAmp: Bool {
        adcOnlyConfig == nil && rowsPerGroup <= arrayRows && slicedCells == 0 && bitCycles == 1 && followedByActivation
    }

    /// Why the layer is read as it is, in words.
    var text: String {
        var reasons: [String] = []
        if let adcOnlyConfig { reasons.append("\(adcOnlyConfig) reads out by ADC only") }
        if rowsPerGroup > arrayRows { reasons.append("\(rowsPerGroup) rows per group exceed \(arrayRows)") }
        if slicedCells > 0 { reasons.append("\(slicedCells) bit-sliced cells per weight") }
        if bitCycles > 1 { reasons.append("\(bitCycles) bit-serial input cycles") }
        if !followedByActivation { reasons.append("output not followed by a ternary or sign activation") }
        return reasons.isEmpty ? "each group's \(rowsPerGroup) rows fit one \(arrayRows)-row array" : reasons.joined(separator: "; ")
    }
}

/// Where a density used by the schedule came from.
public enum DensitySource: String, Sendable {
    /// Computed from trained weights or measured statistics in net.json.
    case measured
    /// The hwconfig's `assumed_densities`.
    case assumed
}

/// One weighted layer placed on arrays: pure geometry and read-out, no energy.
///
/// With R rows and C columns per array, G groups of n connections and Cout/G outputs, `r` rows per
/// input value and `c` cells per weight: rows per group = n * r, row tiles = ceil(n*r / R),
/// columns per group = (Cout/G) * c, column tiles = ceil(columns per group / C). A group that fits
/// one array in both directions is packed block-diagonally with others,
/// k = min(G, floor(R / (n*r)), floor(C / (Cout/G * c))) groups per array (off-diagonal cells are
/// programmed off); otherwise arrays = G * row tiles * column tiles.
public struct LayerMapping: Equatable, Sendable {
    public let name: String
    public let nodeIndex: Int
    public let precision: LayerPrecision
    /// Weights/inputs, e.g. `ternary/ternary`.
    public var precisionDescription: String { precision.description }
    public let groups: Int
    /// Connections per output (k*k*Cin/groups).
    public let connections: Int
    public let outChannels: Int
    public let positions: Int
    public let macs: Int
    public let parameters: Int

    public let rowsPerInput: Int
    public let rowsPerGroup: Int
    public let rowTiles: Int
    public let cellsPerWeight: Int
    /// Columns digitised or sensed per output: 1 for a differential pair, `cellsPerWeight` for
    /// bit-sliced multi-bit weights (each slice digitised and shifted-and-added).
    public let sensedColumnsPerWeight: Int
    /// Cells that conduct for a non-zero weight (1 of a differential pair; every slice otherwise).
    public let onCellsPerNonzeroWeight: Int
    public let columnsPerGroup: Int
    public let columnTiles: Int
    public let groupsPerArray: Int
    /// Sum over arrays of k_a * (k_a - 1): ordered pairs of different groups sharing an array.
    public let packedGroupPairs: Int
    /// Arrays of one copy of the layer's weights.
    public let arrays: Int
    /// Copies of the layer's arrays (weight duplication; 1 without): they split the output
    /// positions between them.
    public internal(set) var duplicates = 1
    /// Arrays of all copies.
    public var allArrays: Int { arrays * duplicates }
    /// Cells holding weights over cells of the arrays used.
    public let utilisation: Double

    /// Input slices per dot product: ceil(input bits / input bits per cycle) (1 for ternary/binary).
    public let bitCycles: Int
    /// 2 for two-phase encoding of signed inputs, else 1.
    public let phases: Int
    public let readout: Readout
    public let readoutConditions: ReadoutConditions
    /// Why the read-out is what it is (for reports).
    public var readoutReason: String { readoutConditions.text }
    /// The layer's output meets a residual add before its activation.
    public let residual: Bool
    /// Indices of the graph nodes the read-out absorbs after the layer (batch norm folded into
    /// thresholds, a residual add, the ternary or sign activation), in order.
    public let readoutNodes: [Int]
    /// The largest magnitude M of the partial sum one array read produces, in unit products
    /// (inputs in the fullest tile x largest weight level x largest input level): an ADC of the
    /// lossless rule resolves every integer in -M...M (docs/cost-model.md, "ADC resolution");
    /// capped at 2^52.
    public let partialSumLimit: Int
    /// Input values one group's arrays read from the input buffer per inference (per column
    /// tile): positions x connections without reuse, fewer with a line buffer.
    public let inputReadsPerGroup: Int
    /// Input bits the layer takes from the buffer, each value once (no column-tile copies):
    /// groups x `inputReadsPerGroup` x input bits.
    public var uniqueInputBits: Double { Double(groups) * Double(inputReadsPerGroup) * Double(inputBits) }
    /// Output positions * output channels.
    public var outputs: Int { positions * outChannels }
    /// Bits stored per output value (2 ternary, 1 binary, accumulator bits otherwise).
    public let outputBits: Int
    /// Bits stored per input value.
    public let inputBits: Int
    /// Digital operations after read-out per output: threshold comparisons and residual add
    /// (ADC layers only; a sense-amp layer does them in the comparator).
    public let digitalOpsPerOutput: Int
    /// Comparators (or digital threshold compares) per output of the activation that follows.
    public let comparatorsPerOutput: Int

    /// Fraction of input values (or input bit slices) that are non-zero and drive a wordline.
    public let inputDensity: Double
    public let inputDensitySource: DensitySource
    /// Fraction of weights that are non-zero.
    public let weightDensity: Double
    public let weightDensitySource: DensitySource

    /// Sense amplifiers one copy of this layer's arrays needs (0 for ADC layers).
    public let senseAmps: Int
    /// ADCs one copy of this layer's arrays needs (0 for sense-amp layers).
    public let adcs: Int
    /// Sense amplifiers and ADCs of all copies.
    public var allSenseAmps: Int { senseAmps * duplicates }
    public var allADCs: Int { adcs * duplicates }
    /// Sensed columns per array over the ADCs of one array, rounded up: conversions one ADC makes
    /// per step.
    public let conversionsPerADC: Int
}
