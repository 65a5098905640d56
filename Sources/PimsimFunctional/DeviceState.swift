import Foundation

/// A dense block of one array's cell values: tile columns `columnStart ..< columnStart +
/// columns` by tile rows `rowStart ..< rowStart + rows`, row-major by column (the GEMM's A).
struct CellBlock: Sendable {
    var columnStart: Int, columns: Int
    var rowStart: Int, rows: Int
    var values: [Float]
}

/// One array as programmed in one trial (docs/functional-sim.md, "Cells"), in unit-cell
/// currents: `effective` gives each column's current per unit input; `ideal`, when the cells are
/// perturbed, the current the ideal array would give; `squares`, with read noise, Σ of each
/// cell's squared conductance (the variance of the column current per unit read-noise σ² is
/// Σ_rows u² · squares).
struct ArrayState: Sendable {
    var effective: [CellBlock]
    var ideal: [CellBlock]?
    var squares: CellBlock?
    /// The single effective block also holds the ideal cells, as rows after its own (one
    /// product then gives both sums).
    var stackedIdeal = false
    /// The single effective block also holds `squares`, as its last rows: every input of a cycle
    /// is 0 or the same ±1 (`LayerLayout.squareSign`), so u² = ±u and the same product gives the
    /// variances, up to that sign.
    var stackedSquares = false

    /// Outputs of the effective block's product per tile column.
    var stackedOutputs: Int { 1 + (stackedIdeal ? 1 : 0) + (stackedSquares ? 1 : 0) }
}

/// The arrays and comparators of one layer in one trial.
struct LayerState: Sendable {
    var arrays: [ArrayState]
    /// Comparator input offsets in unit-cell currents, [channel * comparators + j] with j = 0 the
    /// upper (+1) and j = 1 the lower (-1) comparator; nil when there are none.
    var offsets: [Float]?
}

extension LayerLayout {
    /// Programs the layer's arrays and draws its comparator offsets for trial `trial`.
    func state(model: CrossbarModel, cellsPerWeight: Int, seed: UInt64, trial: Int, layerIndex: Int) -> LayerState {
        let arrays = tiles.indices.map { t in
            arrayState(tiles[t], model: model, cellsPerWeight: cellsPerWeight,
                       seed: RandomStreams.seed(seed, trial: trial, .cells, layerIndex, t))
        }
        var offsets: [Float]?
        let comparators = mapping.comparatorsPerOutput
        if isSenseAmp, model.senseAmpOffsetSigma > 0, comparators > 0 {
            var g = NormalStream(seed: RandomStreams.seed(seed, trial: trial, .comparators, layerIndex))
            let sigma = Float(model.senseAmpOffsetSigma)
            offsets = (0..<(mapping.outChannels * comparators)).map { _ in sigma * g.next() }
        }
        return LayerState(arrays: arrays, offsets: offsets)
    }

    /// The ideal blocks of a tile: one per group on the block diagonal (off-diagonal cells hold
    /// nothing in an ideal array).
    func idealBlocks(_ tile: ArrayTile) -> [CellBlock] {
        let rows = rowCount(tile), perGroupRows = tile.groupCount == 1 ? rows : physicalRows
        return (0..<tile.groupCount).map { gi in
            var values = [Float](repeating: 0, count: outPerGroup * perGroupRows)
            for o in 0..<outPerGroup {
                for r in 0..<perGroupRows {
                    values[o * perGroupRows + r] = Float(weight(tile, column: gi * outPerGroup + o, row: gi * perGroupRows + r))
                }
            }
            return CellBlock(columnStart: gi * outPerGroup, columns: outPerGroup, rowStart: gi * perGroupRows, rows: perGroupRows, values: values)
        }
    }

    /// A tile's cells for one trial. Differential pair (2 cells per weight): w = +1 programs
    /// (on, off), -1 (off, on), 0 (off, off), with conductances normalised so that on - off = 1;
    /// a signed cell (1 cell per weight): on for w ≠ 0 with the weight's sign, else no current.
    /// Each cell is stuck at off with probability P0 or at on with P1, then scaled by
    /// exp(σ z - σ²/2) (lognormal, mean-preserving).
    func arrayState(_ tile: ArrayTile, model: CrossbarModel, cellsPerWeight: Int, seed: UInt64) -> ArrayState {
        let ideal = idealBlocks(tile)
        guard model.perturbsCells || model.readNoiseSigma > 0 else { return ArrayState(effective: ideal, ideal: nil, squares: nil) }
        let columns = columns(tile).count, rows = rowCount(tile)
        let pair = cellsPerWeight == 2
        let r = pair ? Float(model.offConductance ?? 0) : 0
        let on: Float = 1 / (1 - r), off: Float = r / (1 - r)
        let sigma = Float(model.conductanceSigma), bias = -sigma * sigma / 2
        let p0 = model.stuckAtLow, p1 = model.stuckAtLow + model.stuckAtHigh
        var g = NormalStream(seed: seed)
        /// One cell programmed on or off, after faults and variation.
        func cell(_ programmedOn: Bool) -> (conductance: Float, on: Bool) {
            var isOn = programmedOn
            if p1 > 0 {
                let u = g.nextUnit()
                if u < p0 { isOn = false } else if u < p1 { isOn = true }
            }
            var value = isOn ? on : off
            if sigma > 0 { value *= exp(sigma * g.next() + bias) }
            return (value, isOn)
        }
        var effective = [Float](repeating: 0, count: columns * rows), squares = effective
        for c in 0..<columns {
            for row in 0..<rows {
                let w = weight(tile, column: c, row: row), e = c * rows + row
                if pair {
                    let plus = cell(w == 1).conductance, minus = cell(w == -1).conductance
                    effective[e] = plus - minus
                    squares[e] = plus * plus + minus * minus
                } else {
                    // A signed cell: the periphery applies the weight's sign (+ for a zero
                    // weight's cell if it is stuck on).
                    let (value, isOn) = cell(w != 0)
                    let current = isOn ? value : 0
                    effective[e] = w < 0 ? -current : current
                    squares[e] = current * current
                }
            }
        }
        let squareBlock = model.readNoiseSigma > 0 ? CellBlock(columnStart: 0, columns: columns, rowStart: 0, rows: rows, values: squares) : nil
        if ideal.count == 1 {
            // One block: stack what one product can give (the squares only when u² = ±u).
            let stackSquares = squareBlock != nil && squaresFollowInputs
            var values = model.perturbsCells ? effective + ideal[0].values : ideal[0].values
            if stackSquares { values += squares }
            var state = ArrayState(effective: [], ideal: nil, squares: stackSquares ? nil : squareBlock,
                                   stackedIdeal: model.perturbsCells, stackedSquares: stackSquares)
            state.effective = [CellBlock(columnStart: 0, columns: state.stackedOutputs * columns, rowStart: 0, rows: rows, values: values)]
            return state
        }
        guard model.perturbsCells else { return ArrayState(effective: ideal, ideal: nil, squares: squareBlock) }
        return ArrayState(effective: [CellBlock(columnStart: 0, columns: columns, rowStart: 0, rows: rows, values: effective)], ideal: ideal, squares: squareBlock)
    }
}
