import Foundation
import PimsimCore

/// Work done outside the arrays by the digital units (pooling, activations and adds that are not
/// folded into a layer's read-out). Charged to the weighted layer that produced its input.
public struct DigitalStep: Equatable, Sendable {
    public let name: String
    /// Index into `NetworkMapping.layers` of the layer it is charged to.
    public let ownerLayer: Int
    /// Additions or comparisons.
    public let operations: Int
    public let readBits: Int
    public let writeBits: Int
}

/// A whole network placed on arrays.
public struct NetworkMapping: Equatable, Sendable {
    public internal(set) var layers: [LayerMapping]
    public let digital: [DigitalStep]
}

/// What mapping a graph needs that no hwconfig changes: its weighted layers, the read-out
/// chain after each, and the nodes the digital units run with the layer each is charged to.
/// `NetworkMapper.prepare` makes it once per (split) graph; a sweep maps it on many configs.
public struct MappingPlan: Sendable {
    let graph: Graph
    let layers: [LayerGeometry]
    let chains: [NetworkMapper.Chain]
    /// Each layer's densities measured in the graph's data (nil: the config's assumption).
    let measured: [NetworkMapper.MeasuredDensities]
    /// Nodes run by the digital units (not folded into a read-out), with their owner layer.
    let digitalNodes: [(node: Int, owner: Int)]

    /// What each layer's mapping and schedule depend on besides the config: layers with equal
    /// keys (in this graph or another split of it) map to the same arrays, counts and times on
    /// any config, though their names differ.
    var layerKeys: [LayerKey] {
        zip(layers, zip(chains, measured)).map { g, cm in
            LayerKey(operation: g.operation, precision: g.precision, input: g.input, output: g.output,
                     residual: cm.0.residual, activation: cm.0.activation, measured: cm.1)
        }
    }
}

/// Everything `NetworkMapper.mapLayer` and `Scheduler.schedule` read of a layer but its name
/// and node index (`MappingPlan.layerKeys`).
struct LayerKey: Hashable, Sendable {
    let operation: PimsimCore.Operation
    let precision: LayerPrecision
    let input: TensorShape
    let output: TensorShape
    let residual: Bool
    let activation: ActivationFunction?
    let measured: NetworkMapper.MeasuredDensities
}

/// Maps every weighted layer of a (split) graph onto the arrays of a `HardwareConfig`.
/// Pure: geometry, read-out and densities only; no energy, area or time.
public enum NetworkMapper {
    public static func map(_ graph: Graph, on config: HardwareConfig) throws -> NetworkMapping {
        try map(prepare(graph), on: config)
    }

    /// The config-independent analysis of `graph`.
    public static func prepare(_ graph: Graph) -> MappingPlan {
        var folded = Set<Int>()
        var layerOfNode: [Int: Int] = [:]
        let layers = graph.weightedLayers
        var chains: [Chain] = []
        for (i, geometry) in layers.enumerated() {
            let chain = readoutChain(graph, from: geometry.nodeIndex)
            folded.formUnion(chain.nodes)
            layerOfNode[geometry.nodeIndex] = i
            chains.append(chain)
        }
        // Owner of every node: the weighted layer reached by following first inputs upwards.
        var owner: [Int?] = Array(repeating: nil, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() {
            if let l = layerOfNode[i] { owner[i] = l; continue }
            owner[i] = node.inputs.first.flatMap { graph.index(of: $0) }.flatMap { owner[$0] }
        }
        let digital = graph.nodes.indices.compactMap { i -> (node: Int, owner: Int)? in
            guard !folded.contains(i), !graph.nodes[i].operation.isWeighted, let o = owner[i] else { return nil }
            return (i, o)
        }
        let measured = layers.map { MeasuredDensities(graph.nodes[$0.nodeIndex].data) }
        return MappingPlan(graph: graph, layers: layers, chains: chains, measured: measured, digitalNodes: digital)
    }

    /// A layer's densities from trained data (weights, or measured statistics), if it has them.
    struct MeasuredDensities: Hashable, Sendable {
        var weight: Double?
        var input: Double?

        init(_ data: NodeData) {
            weight = data.weights?.density ?? data.statistics?.weightDensity
            input = data.statistics?.inputDensity
        }
    }

    /// Maps a prepared graph on `config`.
    public static func map(_ plan: MappingPlan, on config: HardwareConfig) throws -> NetworkMapping {
        var layers: [LayerMapping] = []
        layers.reserveCapacity(plan.layers.count)
        var cells = 0
        for i in plan.layers.indices {
            let layer = try mapLayer(plan, i, config: config)
            try addCells(layer.arrays, to: &cells, layer: plan.layers[i], config: config)
            layers.append(layer)
        }
        return NetworkMapping(layers: layers, digital: digitalSteps(plan, accumulatorBits: Int(config.accumulatorBits.value)))
    }

    /// Adds a layer's `arrays` to the network's `cells`: each layer's cells are bounded in
    /// mapLayer; the network's must be too (Instances sums them).
    @inline(__always)
    static func addCells(_ arrays: Int, to cells: inout Int, layer: LayerGeometry, config: HardwareConfig) throws {
        guard let total = SizeLimits.sum(cells, arrays * config.arrayRows * config.arrayColumns, limit: SizeLimits.cells) else {
            throw cellLimitError(layer, config: config)
        }
        cells = total
    }

    /// Layer `index` of `plan` on `config`.
    static func mapLayer(_ plan: MappingPlan, _ index: Int, config: HardwareConfig) throws -> LayerMapping {
        try mapLayer(plan.layers[index], chain: plan.chains[index], measured: plan.measured[index], config: config)
    }

    /// The digital units' steps of `plan` on a config of `accumulatorBits` (all they depend on).
    static func digitalSteps(_ plan: MappingPlan, accumulatorBits: Int) -> [DigitalStep] {
        let graph = plan.graph
        return plan.digitalNodes.compactMap { i, o -> DigitalStep? in
            digitalStep(graph, index: i, accumulatorBits: accumulatorBits).map {
                DigitalStep(name: graph.nodes[i].name, ownerLayer: o, operations: $0.operations, readBits: $0.readBits, writeBits: $0.writeBits)
            }
        }
    }

    // MARK: read-out chain

    /// The nodes after a layer that its read-out absorbs: batch norm (folded into thresholds), a
    /// residual add (resolved at the comparator reference, or digitally after an ADC) and a
    /// ternary or sign activation, or a ReLU (one digital operation per output after the ADC,
    /// with no buffer round trip). Each must be the previous node's only consumer.
    struct Chain: Sendable {
        var nodes: [Int] = []
        var residual = false
        var activation: ActivationFunction?
    }

    static func readoutChain(_ graph: Graph, from index: Int) -> Chain {
        var chain = Chain()
        var current = index
        while true {
            let consumers = graph.consumers(of: current)
            guard consumers.count == 1 else { return chain }
            let next = consumers[0]
            switch graph.nodes[next].operation {
            case .batchNorm where !chain.residual:
                chain.nodes.append(next)
            case .add where !chain.residual:
                chain.nodes.append(next)
                chain.residual = true
            case .activation(let f) where f == .ternary || f == .sign || f == .relu:
                chain.nodes.append(next)
                chain.activation = f
                return chain
            default:
                return chain
            }
            current = next
        }
    }

    // MARK: one layer

    static func mapLayer(_ g: LayerGeometry, chain: Chain, measured: MeasuredDensities, config: HardwareConfig) throws -> LayerMapping {
        let R = config.arrayRows, C = config.arrayColumns
        let v = Int(config.inputBitsPerCycle.value)
        let signedInputs: Bool
        let bitCycles: Int
        let inputBits = g.precision.inputs.storageBits
        switch g.precision.inputs {
        case .ternary, .binary:
            signedInputs = true
            bitCycles = 1
        case .integer(let bits):
            signedInputs = false
            bitCycles = (bits + v - 1) / v
        case .float32:
            throw InputError(location: "layer \(g.name)", expected: "ternary, binary or integer inputs on a crossbar (use --precision W/A)", found: "float32 inputs")
        }
        let cellsPerWeight: Int, sensed: Int, onCells: Int
        switch g.precision.weights {
        case .ternary, .binary:
            cellsPerWeight = Int(config.cellsPerTernaryWeight.value)
            (sensed, onCells) = (1, 1)
        case .integer(let bits):
            cellsPerWeight = (bits + Int(config.bitsPerCell.value) - 1) / Int(config.bitsPerCell.value)
            (sensed, onCells) = (cellsPerWeight, cellsPerWeight)
        case .float32:
            throw InputError(location: "layer \(g.name)", expected: "ternary, binary or integer weights on a crossbar (use --precision W/A)", found: "float32 weights")
        }
        let rowsPerInput = signedInputs && config.inputEncoding == .pairedRows ? 2 : 1
        let phases = signedInputs && config.inputEncoding == .twoPhase ? 2 : 1
        let rowsPerGroup = g.connections * rowsPerInput
        let rowTiles = (rowsPerGroup + R - 1) / R
        let outPerGroup = g.outChannelsPerGroup
        let columnsPerGroup = outPerGroup * cellsPerWeight
        let columnTiles = (columnsPerGroup + C - 1) / C
        // arrays x rows x columns within SizeLimits.cells, so no count derived from it overflows.
        guard let tiled = SizeLimits.product([g.groups, rowTiles, columnTiles, R, C], limit: SizeLimits.cells) else {
            throw cellLimitError(g, config: config)
        }
        var groupsPerArray = 1, arrays = tiled / (R * C), pairs = 0
        if rowTiles == 1 && columnTiles == 1 {
            groupsPerArray = min(g.groups, R / rowsPerGroup, C / columnsPerGroup)
            arrays = (g.groups + groupsPerArray - 1) / groupsPerArray
            let (full, rest) = g.groups.quotientAndRemainder(dividingBy: groupsPerArray)
            pairs = full * groupsPerArray * (groupsPerArray - 1) + rest * (rest - 1)
        }
        let utilisation = Double(g.groups * rowsPerGroup * columnsPerGroup) / (Double(arrays) * Double(R) * Double(C))

        // Read-out: comparators when one array holds a group's whole dot product in one step.
        let comparators = chain.activation == .ternary ? 2 : (chain.activation == .sign ? 1 : 0)
        let conditions = ReadoutConditions(adcOnlyConfig: config.readoutKinds == .adcOnly ? config.name : nil, rowsPerGroup: rowsPerGroup, arrayRows: R,
                                           slicedCells: sensed > 1 ? cellsPerWeight : 0, bitCycles: bitCycles, followedByActivation: comparators > 0)
        let senseAmpsPerArray = (C / cellsPerWeight) * comparators
        let adcsPerArray = (C + Int(config.adcSharing.value) - 1) / Int(config.adcSharing.value)
        let sensedPerArray = min(columnsPerGroup, C) * groupsPerArray / cellsPerWeight * sensed
        let isSenseAmp = conditions.allowSenseAmp
        let rowsInTile = min(rowsPerGroup, R)
        let limit = partialSumLimit(inputsInTile: rowsInTile / rowsPerInput, precision: g.precision, config: config)
        let readout: Readout
        if isSenseAmp {
            readout = .senseAmp(comparators: comparators)
        } else {
            readout = .adc(bits: try adcBits(rowsInTile: rowsInTile, limit: limit, config: config))
        }
        let outputBits = comparators == 2 ? 2 : (comparators == 1 ? 1 : Int(config.accumulatorBits.value))

        // Densities: trained data when present, else the config's assumptions.
        var weightDensity = config.assumedWeightDensity.value, weightSource = DensitySource.assumed
        if let d = measured.weight { (weightDensity, weightSource) = (d, .measured) }
        if case .binary = g.precision.weights { weightDensity = 1 }
        var inputDensity = signedInputs ? config.assumedInputDensity.value : config.assumedInputBitDensity.value
        var inputSource = DensitySource.assumed
        if signedInputs, let d = measured.input { (inputDensity, inputSource) = (d, .measured) }
        if case .binary = g.precision.inputs { inputDensity = 1 }

        return LayerMapping(
            name: g.name, nodeIndex: g.nodeIndex, precision: g.precision, groups: g.groups,
            connections: g.connections, outChannels: g.outChannels, positions: g.positions, macs: g.macs,
            parameters: g.weightCount + (g.hasBias ? g.outChannels : 0),
            rowsPerInput: rowsPerInput, rowsPerGroup: rowsPerGroup, rowTiles: rowTiles, cellsPerWeight: cellsPerWeight,
            sensedColumnsPerWeight: sensed, onCellsPerNonzeroWeight: onCells, columnsPerGroup: columnsPerGroup,
            columnTiles: columnTiles, groupsPerArray: groupsPerArray, packedGroupPairs: pairs, arrays: arrays,
            utilisation: utilisation, bitCycles: bitCycles, phases: phases, readout: readout, readoutConditions: conditions,
            residual: chain.residual, readoutNodes: chain.nodes, partialSumLimit: limit.magnitude ?? 1 << 52,
            inputReadsPerGroup: inputReadsPerGroup(g, reuse: config.inputReuse),
            outputBits: outputBits, inputBits: inputBits,
            digitalOpsPerOutput: isSenseAmp ? 0 : comparators + (chain.residual ? 1 : 0) + (chain.activation == .relu ? 1 : 0),
            comparatorsPerOutput: comparators,
            inputDensity: inputDensity, inputDensitySource: inputSource, weightDensity: weightDensity, weightDensitySource: weightSource,
            senseAmps: isSenseAmp ? arrays * senseAmpsPerArray : 0, adcs: isSenseAmp ? 0 : arrays * adcsPerArray,
            conversionsPerADC: (sensedPerArray + adcsPerArray - 1) / adcsPerArray)
    }

    /// Input values a group's arrays read from the buffer per inference. Without reuse every
    /// position reads its k x k x c window (c = input channels per group); with a line buffer an
    /// output row reads its first window whole and then min(stride, k) new columns per position:
    /// Ho * (k*k*c + (Wo - 1) * k*min(s, k)*c).
    static func inputReadsPerGroup(_ g: LayerGeometry, reuse: InputReuse) -> Int {
        guard reuse == .lineBuffer, case .conv2d(let conv) = g.operation, g.kernel > 1 || conv.stride > 1 else {
            return g.positions * g.connections
        }
        let k = g.kernel, c = g.inChannels / g.groups
        return g.output.height * (k * k * c + (g.output.width - 1) * k * min(conv.stride, k) * c)
    }

    static func cellLimitError(_ g: LayerGeometry, config: HardwareConfig) -> InputError {
        InputError(file: config.file ?? config.name, location: "layer \(g.name)",
                   expected: "a mapping of at most \(SizeLimits.describe(SizeLimits.cells)) cells (arrays x \(config.arrayRows) rows x \(config.arrayColumns) columns) for the network",
                   found: "more (\(g.weightCount) weights in this layer)")
    }

    /// The largest partial sum of one array read: M = inputs x wmax x xmax (nil beyond 2^52,
    /// with its value as a Double), and whether it is signed (ternary or binary weights or
    /// inputs) (docs/cost-model.md, "ADC resolution").
    static func partialSumLimit(inputsInTile: Int, precision: LayerPrecision, config: HardwareConfig) -> (magnitude: Int?, approximate: Double, signed: Bool) {
        let v = Int(config.inputBitsPerCycle.value), w = Int(config.bitsPerCell.value)
        var weightLevels = 1, inputLevels = 1, signed = false
        switch precision.weights {
        case .integer(let bits): weightLevels = (1 << min(bits, w)) - 1
        default: signed = true
        }
        switch precision.inputs {
        case .integer(let bits): inputLevels = (1 << min(bits, v)) - 1
        default: signed = true
        }
        // Up to 2^20 rows x (2^32 - 1)^2 levels exceeds Int: then in Double (beyond 2^53 the
        // resolution is absurd anyway, and the cost model's tables reject it).
        return (SizeLimits.product([inputsInTile, weightLevels, inputLevels], limit: 1 << 52),
                Double(inputsInTile) * Double(weightLevels) * Double(inputLevels), signed)
    }

    /// ADC resolution for a partial sum over `rowsInTile` rows whose largest value is `limit`
    /// (docs/cost-model.md).
    static func adcBits(rowsInTile: Int, limit: (magnitude: Int?, approximate: Double, signed: Bool), config: HardwareConfig) throws -> Int {
        let v = Int(config.inputBitsPerCycle.value), w = Int(config.bitsPerCell.value)
        func log2Ceil(_ x: Int) -> Int { x <= 1 ? 0 : Int.bitWidth - (x - 1).leadingZeroBitCount }
        switch config.adcRule {
        case .fixed:
            return Int(config.adcBits!.value)
        case .isaac, .isaacEncoded:
            let bits = log2Ceil(rowsInTile) + v + w - (v == 1 || w == 1 ? 1 : 0) - (config.adcRule == .isaacEncoded ? 1 : 0)
            return max(1, bits)
        case .lossless:
            guard let magnitude = limit.magnitude else {
                let m = limit.approximate
                return Int((log2(limit.signed ? 2 * m + 1 : m + 1)).rounded(.up))
            }
            return max(1, log2Ceil(limit.signed ? 2 * magnitude + 1 : magnitude + 1))
        }
    }

    // MARK: digital units

    /// Additions/comparisons and buffer traffic of a node run by the digital units, or nil if
    /// it costs nothing (input, flatten, shortcut: addressing only; batch norm: folded).
    static func digitalStep(_ graph: Graph, index: Int, accumulatorBits: Int) -> (operations: Int, readBits: Int, writeBits: Int)? {
        let node = graph.nodes[index]
        let output = graph.shapes[index]
        let inputs = graph.inputShapes(of: index)
        let inBits = node.inputs.compactMap { graph.index(of: $0) }.map { valueBits(graph, $0, accumulatorBits: accumulatorBits) }
        let readBits = zip(inputs, inBits).reduce(0) { $0 + $1.0.count * $1.1 }
        let writeBits = output.count * valueBits(graph, index, accumulatorBits: accumulatorBits)
        switch node.operation {
        case .pool(let p):
            return (output.count * (p.kernel * p.kernel - 1), readBits, writeBits)
        case .globalAvgPool:
            return (output.count * (inputs[0].positions - 1), readBits, writeBits)
        case .add:
            return (output.count, readBits, writeBits)
        case .activation(let f):
            switch f {
            case .ternary: return (2 * output.count, readBits, writeBits)
            case .sign, .relu: return (output.count, readBits, writeBits)
            case .hardtanh: return (2 * output.count, readBits, writeBits)  // two comparisons per value
            case .identity: return nil
            }
        default:
            return nil
        }
    }

    /// Bits stored per value of node `index`'s output: 2 after a ternary activation, 1 after
    /// sign, the input precision for the network input, passed through by data-movement nodes,
    /// else the accumulator width.
    static func valueBits(_ graph: Graph, _ index: Int, accumulatorBits: Int) -> Int {
        let node = graph.nodes[index]
        switch node.operation {
        case .activation(.ternary): return 2
        case .activation(.sign): return 1
        case .input:
            let firstLayer = graph.consumers(of: index).compactMap { graph.nodes[$0].precision }.first
            return firstLayer?.inputs.storageBits ?? accumulatorBits
        case .flatten, .shortcut:
            return passThrough(graph, index, accumulatorBits: accumulatorBits)
        case .pool(let p) where p.kind == .max:
            return passThrough(graph, index, accumulatorBits: accumulatorBits)
        default:
            return accumulatorBits
        }
    }

    private static func passThrough(_ graph: Graph, _ index: Int, accumulatorBits: Int) -> Int {
        graph.nodes[index].inputs.first.flatMap { graph.index(of: $0) }.map { valueBits(graph, $0, accumulatorBits: accumulatorBits) } ?? accumulatorBits
    }
}
