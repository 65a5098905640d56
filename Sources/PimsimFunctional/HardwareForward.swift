import PimsimCore
import PimsimKernels
import PimsimSim
import PimsimTrain

/// Read-outs of one layer that differ from the ideal array's for the same inputs.
public struct ReadoutCounts: Equatable, Sendable {
    /// Comparator decisions made and those that differ from the ideal comparator's.
    public var decisions = 0, differingDecisions = 0
    /// ADC reads (one per column, row tile and input cycle) and those whose value differs from
    /// the ideal ADC's (mapped resolution, no non-ideality).
    public var reads = 0, differingReads = 0

    public init() {}

    static func + (a: ReadoutCounts, b: ReadoutCounts) -> ReadoutCounts {
        var s = a
        s.decisions += b.decisions; s.differingDecisions += b.differingDecisions
        s.reads += b.reads; s.differingReads += b.differingReads
        return s
    }
}

/// The values a sense-amp layer's comparator chain carries besides its output: what each
/// comparator sees (its offset added) and what the ideal array would give (nil: the output).
struct ComparatorVariants {
    var upper: Tensor?
    var lower: Tensor?
    var ideal: Tensor?

    /// `transform` applied to every variant present.
    func map(_ transform: (Tensor) -> Tensor) -> ComparatorVariants {
        ComparatorVariants(upper: upper.map(transform), lower: lower.map(transform), ideal: ideal.map(transform))
    }
}

/// One trial's hardware, ready to run images through: the evaluation plan, each weighted layer's
/// arrays and their state, and the ADCs.
struct HardwareForward {
    let plan: TernaryEvaluator.Plan
    /// Layouts in mapping order; `layerOfNode` finds a weighted node's layout.
    let layouts: [LayerLayout]
    let layerOfNode: [Int: Int]
    /// For each node absorbed by a sense-amp read-out, the layer that owns it.
    let chainOwner: [Int: Int]
    let states: [LayerState]
    /// (simulated, ideal) ADC of each ADC layer.
    let adcs: [(actual: ADCQuantiser, ideal: ADCQuantiser)?]
    let model: CrossbarModel
    let seed: UInt64
    let trial: Int
    let file: String?

    /// Columns of a layer's input matrix (output positions x input cycles) processed at once
    /// (whole images, at least one): keeps a block's input matrix and sums near the caches (a
    /// 150-row block of 2,048 columns is 1.2 MiB) while each product stays wide next to the
    /// GEMM's 48-column panels. LeNet-5 with every non-ideality ran 12 % faster (CPU time) than
    /// with 16,384 columns; 512 to 4,096 were within the noise of each other.
    static let blockColumns = 2_048

    /// Runs images `range` and returns their predicted classes and each layer's read-out counts.
    func run(images: [UInt8], range: Range<Int>) throws -> (predictions: [Int], counts: [ReadoutCounts]) {
        let graph = plan.graph
        var streams = model.readNoiseSigma > 0
            ? range.map { NormalStream(seed: RandomStreams.seed(seed, trial: trial, .readNoise, $0)) } : []
        var counts = [ReadoutCounts](repeating: ReadoutCounts(), count: layouts.count)
        var outputs: [Tensor] = [TernaryEvaluator.inputTensor(images: images, range: range, shape: graph.inputShape)]
        var variants: [Int: ComparatorVariants] = [:]
        for i in 1..<graph.nodes.count {
            let node = graph.nodes[i]
            let inputs = plan.inputIndices[i]
            if let l = layerOfNode[i] {
                let (y, v) = try weighted(layouts[l], state: states[l], adc: adcs[l], input: outputs[inputs[0]], streams: &streams, counts: &counts[l])
                outputs.append(y)
                variants[i] = v
                continue
            }
            let values = inputs.map { outputs[$0] }
            let carried = inputs.firstIndex { variants[$0] != nil }
            guard let owner = chainOwner[i], let k = carried, let v = variants[inputs[k]] else {
                outputs.append(TernaryEvaluator.forward(node, inputs: values, outputShape: graph.shapes[i]))
                continue
            }
            if case .activation(let f) = node.operation {
                outputs.append(decide(f, node: node, output: values[0], variants: v, counts: &counts[owner]))
            } else {
                // Batch norm or the residual add inside the chain: the same step on every variant.
                func step(_ t: Tensor) -> Tensor {
                    var replaced = values
                    replaced[k] = t
                    return TernaryEvaluator.forward(node, inputs: replaced, outputShape: graph.shapes[i])
                }
                outputs.append(step(values[k]))
                variants[i] = v.map(step)
            }
        }
        return (TernaryEvaluator.predictions(outputs[graph.outputIndex].data, images: range.count), counts)
    }

    /// The comparators at the end of a sense-amp chain: each compares its own value (offset
    /// included) with its threshold; decisions are counted against the ideal array's.
    func decide(_ f: ActivationFunction, node: Node, output: Tensor, variants v: ComparatorVariants, counts: inout ReadoutCounts) -> Tensor {
        let th = node.data.thresholds!
        var t = output
        let upperValues = v.upper ?? output, lowerValues = v.lower ?? output, idealValues = v.ideal ?? output
        let plane = t.plane, channels = t.c, twoComparators = f != .sign
        var differing = 0
        upperValues.data.withUnsafeBufferPointer { U in
        lowerValues.data.withUnsafeBufferPointer { L in
        idealValues.data.withUnsafeBufferPointer { I in
        t.data.withUnsafeMutableBufferPointer { T in
            for b in 0..<t.n {
                for c in 0..<channels {
                    let (low, high) = TernaryEvaluator.thresholds(th, channel: c)
                    let e0 = (b * channels + c) * plane
                    for e in e0..<(e0 + plane) {
                        let actual = TernaryEvaluator.comparators(f, vHigh: U[e], vLow: L[e], high: high, low: low)
                        let ideal = TernaryEvaluator.comparators(f, vHigh: I[e], vLow: I[e], high: high, low: low)
                        differing &+= (actual.upper != ideal.upper ? 1 : 0) &+ (twoComparators && actual.lower != ideal.lower ? 1 : 0)
                        T[e] = TernaryEvaluator.output(f, upper: actual.upper, lower: actual.lower)
                    }
                }
            }
        }}}}
        counts.decisions += t.count * (twoComparators ? 2 : 1)
        counts.differingDecisions += differing
        return t
    }

    // MARK: one weighted layer on its arrays

    /// The layer's output y = α (array result) + bias: for an ADC layer the digital sum of every
    /// tile's and cycle's quantised read; for a sense-amp layer the analogue column sum, with the
    /// comparator variants its chain needs.
    func weighted(_ L: LayerLayout, state: LayerState, adc: (actual: ADCQuantiser, ideal: ADCQuantiser)?, input: Tensor,
                  streams: inout [NormalStream], counts: inout ReadoutCounts) throws -> (Tensor, ComparatorVariants?) {
        var x = input
        if L.layer.isLinear { x = Tensor(n: x.n, c: x.imageSize, h: 1, w: 1, data: x.data) }
        try TernaryEvaluator.checkInputs(x.data, mode: L.layer.mode, node: L.mapping.name, file: file)
        let geometry = Im2col.Geometry(batch: x.n, channels: x.c, height: x.h, width: x.w, kernel: L.layer.kernel, stride: L.layer.stride, padding: L.layer.padding)
        let plane = geometry.outHeight * geometry.outWidth, cout = L.layer.outChannels
        let needIdeal = model.perturbsCells || model.readNoiseSigma > 0
        var acc = [Float](repeating: 0, count: x.n * cout * plane)
        var idealAcc = L.isSenseAmp && needIdeal ? acc : []
        let perBlock = max(1, Self.blockColumns / (L.cycles * plane))
        for first in stride(from: 0, to: x.n, by: perBlock) {
            let images = first..<min(x.n, first + perBlock)
            var g = geometry
            g.batch = images.count
            // Products and read-outs over the columns that drive some row only.
            // Squared inputs for the arrays whose product does not give the variances itself.
            let squaresNeeded = state.arrays.contains { $0.squares != nil }
            let (u, squares, live) = InputMatrix.build(L, x, images: images, geometry: g, squares: squaresNeeded)
            let columns = live.count
            for (t, tile) in L.tiles.enumerated() {
                let array = state.arrays[t]
                let (c0, nc) = L.columns(tile)
                let r0 = L.firstRow(tile)
                let sums = product(array.effective, u, firstRow: r0, outputs: array.stackedOutputs * nc, columns: columns)
                let idealSums = array.ideal.map { product($0, u, firstRow: r0, outputs: nc, columns: columns) }
                let variance = array.stackedSquares ? sums : array.squares.map { product([$0], squares, firstRow: r0, outputs: nc, columns: columns) }
                let varianceStart = array.stackedSquares ? (array.stackedOutputs - 1) * nc * columns : 0
                let segment = TileSegment(outputs: nc, firstChannel: c0, cycles: L.cycles, bitsPerCycle: L.bitsPerCycle, plane: plane,
                                          channels: cout, firstImage: first)
                read(segment, images: images.count, live: live, sums: sums, ideal: idealSums ?? sums, idealStart: array.stackedIdeal ? nc * columns : 0,
                     variance: variance.map { Variances(values: $0, start: varianceStart, negatedCycle: array.stackedSquares && L.squareSign(cycle: L.cycles - 1) < 0 ? L.cycles - 1 : nil) },
                     adc: adc, acc: &acc, idealAcc: &idealAcc, streams: &streams, counts: &counts)
            }
        }
        var y = Tensor(n: x.n, c: cout, h: geometry.outHeight, w: geometry.outWidth, data: acc)
        guard L.isSenseAmp else {
            TernaryEvaluator.scaleAndBias(&y, L.layer)
            return (y, nil)
        }
        var v = ComparatorVariants()
        if needIdeal { v.ideal = Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: idealAcc) }
        if let offsets = state.offsets {
            let comparators = L.mapping.comparatorsPerOutput
            func offset(_ j: Int) -> Tensor {
                var t = y
                for e in 0..<t.count { t.data[e] += offsets[((e / plane) % cout) * comparators + j] }
                return t
            }
            v.upper = offset(0)
            if comparators > 1 { v.lower = offset(1) }
        }
        v = v.map { var t = $0; TernaryEvaluator.scaleAndBias(&t, L.layer); return t }
        TernaryEvaluator.scaleAndBias(&y, L.layer)
        return (y, v)
    }

    /// Where one tile's column sums for a block of images go: `outputs` columns holding channels
    /// firstChannel..., each with the sums of the block's live columns (`LiveColumns`: of every
    /// input cycle, then image, then output position within `plane`), for images firstImage... of
    /// the chunk.
    struct TileSegment {
        let outputs: Int, firstChannel: Int, cycles: Int, bitsPerCycle: Int, plane: Int, channels: Int, firstImage: Int
    }

    /// Reads a tile's columns: adds each read's noise (σ · sqrt(variance) · z, one z from the
    /// image's stream per read whose variance is not 0), then either quantises each read with the
    /// simulated ADC, counts those that differ from the ideal ADC's read of the ideal sum (at
    /// `ideal[idealStart...]`), and adds them (times 2^(v·j) for input cycle j) into the layer's
    /// sums `acc` (N x channels x plane), or, for comparators, stores the analogue sums (and the
    /// ideal ones in `idealAcc` when it is not empty).
    /// Where a tile's read variances are: `values[start...]`, outputs x live columns like the
    /// sums, negated for input cycle `negatedCycle` (a product of stacked squares with inputs 0 or
    /// -1, `LayerLayout.squareSign`).
    struct Variances {
        let values: [Float], start: Int, negatedCycle: Int?
    }

    func read(_ s: TileSegment, images: Int, live: LiveColumns, sums: [Float], ideal: [Float], idealStart: Int, variance: Variances?,
              adc: (actual: ADCQuantiser, ideal: ADCQuantiser)?,
              acc: inout [Float], idealAcc: inout [Float], streams: inout [NormalStream], counts: inout ReadoutCounts) {
        let columns = live.count, plane = s.plane
        let sigma = Float(model.readNoiseSigma)
        // One read per output per image (a fully connected layer): each image's reads of all
        // outputs are gathered and read together (its samples drawn as one per read would be).
        let perImage = plane == 1 && s.cycles == 1 && variance?.negatedCycle == nil
        let width = perImage ? s.outputs : plane
        var values = [Float](repeating: 0, count: width), noise = [Float](repeating: 0, count: width + 1)
        var negated = [Float](repeating: 0, count: variance?.negatedCycle != nil ? width : 0)
        var reads = [Float](repeating: 0, count: width), gathered = [Float](repeating: 0, count: perImage ? 2 * width : 0)
        var differing = 0
        let storeIdeal = !idealAcc.isEmpty
        let deviation = variance?.values ?? [], varianceStart = variance?.start ?? 0
        sums.withUnsafeBufferPointer { S in
        ideal.withUnsafeBufferPointer { I0 in
        deviation.withUnsafeBufferPointer { V in
        acc.withUnsafeMutableBufferPointer { A in
        idealAcc.withUnsafeMutableBufferPointer { IA in
        values.withUnsafeMutableBufferPointer { X in
        noise.withUnsafeMutableBufferPointer { Z in
        reads.withUnsafeMutableBufferPointer { R in
        live.positions.withUnsafeBufferPointer { P in
        gathered.withUnsafeMutableBufferPointer { G in
        negated.withUnsafeMutableBufferPointer { N in
            let I = I0.baseAddress! + idealStart
            if perImage {
                let n = s.outputs, gatheredIdeal = G.baseAddress! + n
                for b in 0..<images {
                    // The image's column, if live (else every output reads 0).
                    let k0 = live.starts[b], image = s.firstImage + b
                    if live.starts[b + 1] == k0 { continue }
                    let e0 = (image * s.channels + s.firstChannel) * plane
                    if variance != nil {
                        for o in 0..<n { G[o] = V[varianceStart + o * columns + k0] }
                        let needed = AnalogKernels.noiseScales(G.baseAddress!, sigma: sigma, into: X.baseAddress!, count: n)
                        streams[image].fillSingly(UnsafeMutableBufferPointer(start: Z.baseAddress!, count: needed))
                        Z[needed] = 0
                        for o in 0..<n { G[o] = S[o * columns + k0] }
                        AnalogKernels.addNoise(G.baseAddress!, scale: X.baseAddress!, samples: Z.baseAddress!, drawn: needed, into: X.baseAddress!, count: n)
                    } else {
                        for o in 0..<n { X[o] = S[o * columns + k0] }
                    }
                    for o in 0..<n { gatheredIdeal[o] = I[o * columns + k0] }
                    if let adc {
                        differing &+= AnalogKernels.readADC(X.baseAddress!, ideal: gatheredIdeal, into: A.baseAddress! + e0, shift: 1,
                                                            actual: adc.actual.levels, reference: adc.ideal.levels, count: n)
                    } else {
                        (A.baseAddress! + e0).update(from: X.baseAddress!, count: n)
                        if storeIdeal { (IA.baseAddress! + e0).update(from: gatheredIdeal, count: n) }
                    }
                }
            }
            for b in 0..<images where !perImage {
                let image = s.firstImage + b
                for o in 0..<s.outputs {
                    let e0 = (image * s.channels + s.firstChannel + o) * plane
                    for j in 0..<s.cycles {
                        // This read's live columns: all of the plane, some, or none (which read 0).
                        let segment = j * images + b, k0 = live.starts[segment], n = live.starts[segment + 1] - k0
                        if n == 0 { continue }
                        let m0 = o * columns + k0, dense = n == plane, at = P.baseAddress! + k0
                        if variance != nil {
                            // x = s + σ · sqrt(v) · z, one z per read whose variance is not 0 (a
                            // read with no driven row has no noise), drawn in bulk, in order.
                            var v = UnsafePointer(V.baseAddress! + varianceStart + m0)
                            if j == variance?.negatedCycle {
                                for k in 0..<n { N[k] = -v[k] }
                                v = UnsafePointer(N.baseAddress!)
                            }
                            let needed = AnalogKernels.noiseScales(v, sigma: sigma, into: X.baseAddress!, count: n)
                            streams[image].fill(UnsafeMutableBufferPointer(start: Z.baseAddress!, count: needed))
                            Z[needed] = 0
                            AnalogKernels.addNoise(S.baseAddress! + m0, scale: X.baseAddress!, samples: Z.baseAddress!, drawn: needed, into: X.baseAddress!, count: n)
                        } else {
                            X.baseAddress!.update(from: S.baseAddress! + m0, count: n)
                        }
                        if let adc {
                            // Dense: straight into the sums; else into `reads`, then to each
                            // column's position (shift · read is exact: a power of 2 times a level).
                            let into = dense ? A.baseAddress! + e0 : R.baseAddress!
                            if !dense { into.update(repeating: 0, count: n) }
                            differing &+= AnalogKernels.readADC(X.baseAddress!, ideal: I + m0, into: into,
                                                                shift: Float(1 << (s.bitsPerCycle * j)), actual: adc.actual.levels,
                                                                reference: adc.ideal.levels, count: n)
                            if !dense { for k in 0..<n { A[e0 + Int(at[k])] += R[k] } }
                        } else if dense {
                            (A.baseAddress! + e0).update(from: X.baseAddress!, count: plane)
                            if storeIdeal { (IA.baseAddress! + e0).update(from: I + m0, count: plane) }
                        } else {
                            for k in 0..<n { A[e0 + Int(at[k])] = X[k] }
                            if storeIdeal { for k in 0..<n { IA[e0 + Int(at[k])] = I[m0 + k] } }
                        }
                    }
                }
            }
        }}}}}}}}}}}
        if adc != nil {
            counts.reads += images * s.outputs * s.cycles * plane
            counts.differingReads += differing
        }
    }

    /// An array of `count` floats whose every entry the caller writes before reading.
    static func uninitialised(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }

    /// Σ over a tile's blocks of block x (the block's rows of `u`): outputs x columns.
    func product(_ blocks: [CellBlock], _ u: [Float], firstRow: Int, outputs: Int, columns: Int) -> [Float] {
        if columns == 0 { return [] }
        // The blocks cover every output row (a tile's own, or each of its groups'), and the
        // product overwrites.
        var out = Self.uninitialised(outputs * columns)
        u.withUnsafeBufferPointer { up in
            out.withUnsafeMutableBufferPointer { op in
                for block in blocks {
                    block.values.withUnsafeBufferPointer { ap in
                        FloatGEMM.multiply(ap.baseAddress!, up.baseAddress! + (firstRow + block.rowStart) * columns,
                                           op.baseAddress! + block.columnStart * columns,
                                           m: block.columns, n: columns, k: block.rows, threads: 1)
                    }
                }
            }
        }
        return out
    }
}

