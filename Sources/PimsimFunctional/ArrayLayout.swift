import PimsimCore
import PimsimSim
import PimsimTrain

/// One array's share of a layer: `groupCount` groups starting at `firstGroup` (several when the
/// mapper packs small groups block-diagonally into one array), physical rows
/// `rowStart..<rowEnd` of each (a row tile), and every output column of those groups (column
/// tiles read independent columns, so they do not change any sum).
struct ArrayTile: Equatable, Sendable {
    var firstGroup: Int
    var groupCount: Int
    var rowStart: Int
    var rowEnd: Int
    var rowCount: Int { rowEnd - rowStart }
}

/// A weighted layer as the arrays hold it: the mapper's decisions (`LayerMapping`) turned into
/// tiles, physical rows and cycles, with the trained codes, scales and bias.
///
/// Physical rows: with one row per input (bipolar or two-phase inputs, integer inputs) row ρ of a
/// group holds connection ρ; with paired rows (`paired_rows` encoding of signed inputs) rows 2i
/// and 2i + 1 hold connection i for its positive part x⁺ (weight w) and its negative part x⁻
/// (weight -w), so that Σ x w = Σ x⁺ w + x⁻ (-w). Integer inputs are read over `cycles` input
/// slices of v bits (docs/functional-sim.md, "Bit-serial inputs").
struct LayerLayout: Sendable {
    let mapping: LayerMapping
    let node: Int
    let layer: TernaryEvaluator.WeightedLayer
    let groups: Int
    let connections: Int
    let inChannelsPerGroup: Int
    let outPerGroup: Int
    let rowsPerInput: Int
    let cycles: Int
    let bitsPerCycle: Int
    /// Input bits of integer inputs (nil: ternary or binary inputs).
    let inputBits: Int?
    let tiles: [ArrayTile]
    /// Trained codes -1, 0, +1, group-major: [group][output in group][connection].
    let codes: [Int8]
    /// Nodes the read-out absorbs (a sense-amp layer's comparator chain).
    let readoutNodes: Set<Int>

    var physicalRows: Int { connections * rowsPerInput }
    /// Every input of an input cycle is 0 or one sign, so u² = s u (`squareSign`): paired rows
    /// (0 or 1) and 1-bit slices of integer inputs (0 or 1; the top slice 0 or -1).
    var squaresFollowInputs: Bool { rowsPerInput == 2 || (inputBits != nil && bitsPerCycle == 1) }
    /// s in u² = s u for the inputs of cycle `j` when `squaresFollowInputs`: -1 for the signed top
    /// slice of integer inputs, else 1.
    func squareSign(cycle j: Int) -> Float { rowsPerInput != 2 && inputBits != nil && j == cycles - 1 ? -1 : 1 }
    var isSenseAmp: Bool { mapping.readout.kind == "sense_amp" }

    init(mapping: LayerMapping, graph: Graph, layer: TernaryEvaluator.WeightedLayer, config: HardwareConfig, file: String?) throws {
        let node = graph.nodes[mapping.nodeIndex]
        switch node.data.weights {
        case .ternary(let codes)?, .binary(let codes)?:
            self.init(mapping: mapping, graph: graph, layer: layer, codes: codes, config: config)
        default:
            throw InputError(file: file, location: "node \"\(node.name)\"", expected: "ternary or binary weights on a crossbar",
                             found: node.data.weights?.kindName ?? "no weights")
        }
    }

    private init(mapping: LayerMapping, graph: Graph, layer: TernaryEvaluator.WeightedLayer, codes: [Int8], config: HardwareConfig) {
        self.mapping = mapping
        self.node = mapping.nodeIndex
        self.layer = layer
        self.codes = codes
        let geometry = graph.layerGeometry(at: mapping.nodeIndex)!
        groups = mapping.groups
        connections = mapping.connections
        inChannelsPerGroup = geometry.inChannels / geometry.groups
        outPerGroup = mapping.outChannels / mapping.groups
        rowsPerInput = mapping.rowsPerInput
        cycles = mapping.bitCycles
        bitsPerCycle = Int(config.inputBitsPerCycle.value)
        if case .integer(let bits) = geometry.precision.inputs { inputBits = bits } else { inputBits = nil }
        readoutNodes = Set(mapping.readoutNodes)
        var tiles: [ArrayTile] = []
        let rows = mapping.rowsPerGroup, arrayRows = config.arrayRows
        if mapping.rowTiles == 1 && mapping.columnTiles == 1 {
            let k = mapping.groupsPerArray
            for first in stride(from: 0, to: groups, by: k) {
                tiles.append(ArrayTile(firstGroup: first, groupCount: min(k, groups - first), rowStart: 0, rowEnd: rows))
            }
        } else {
            for g in 0..<groups {
                for start in stride(from: 0, to: rows, by: arrayRows) {
                    tiles.append(ArrayTile(firstGroup: g, groupCount: 1, rowStart: start, rowEnd: min(rows, start + arrayRows)))
                }
            }
        }
        self.tiles = tiles
    }

    /// The ideal weight (-1, 0, +1) at output `o` of group `group` and physical row `row` of
    /// that group (paired rows: odd rows hold -w).
    @inline(__always)
    func weight(group: Int, output o: Int, row: Int) -> Int8 {
        let w = codes[(group * outPerGroup + o) * connections + row / rowsPerInput]
        return rowsPerInput == 2 && row & 1 == 1 ? -w : w
    }

    /// The ideal weight of a tile's cell at tile column `column` (output `column % outPerGroup`
    /// of group firstGroup + column / outPerGroup) and tile row `row`: 0 off the block diagonal.
    @inline(__always)
    func weight(_ tile: ArrayTile, column: Int, row: Int) -> Int8 {
        let group = tile.firstGroup + column / outPerGroup
        if tile.groupCount == 1 { return weight(group: group, output: column % outPerGroup, row: tile.rowStart + row) }
        let rowGroup = tile.firstGroup + row / physicalRows
        return rowGroup == group ? weight(group: group, output: column % outPerGroup, row: row % physicalRows) : 0
    }

    /// Columns (outputs) of a tile and the first output channel they hold.
    func columns(_ tile: ArrayTile) -> (first: Int, count: Int) { (tile.firstGroup * outPerGroup, tile.groupCount * outPerGroup) }
    /// The first global physical row of a tile in the layer's input matrix.
    func firstRow(_ tile: ArrayTile) -> Int { tile.firstGroup * physicalRows + tile.rowStart }
    /// Physical rows of a tile (all rows of its packed groups).
    func rowCount(_ tile: ArrayTile) -> Int { tile.groupCount == 1 ? tile.rowCount : tile.groupCount * physicalRows }
}
