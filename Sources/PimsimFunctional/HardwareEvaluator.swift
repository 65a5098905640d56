import Foundation
import PimsimCore
import PimsimSim
import PimsimTrain

/// One Monte Carlo trial (or the ideal array): accuracy, predictions and read-out counts.
public struct TrialResult: Equatable, Sendable {
    public var correct: Int
    public var total: Int
    /// The predicted class of every image, in order.
    public var predictions: [Int]
    /// Per weighted layer, in mapping order.
    public var counts: [ReadoutCounts]
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

/// A layer of the evaluated network as the arrays read it.
public struct EvaluatedLayer: Equatable, Sendable {
    public let name: String
    /// The mapper's read-out (sense amps, or ADCs of the mapped resolution).
    public let readout: Readout
    /// The ADC resolution simulated (the mapped one unless overridden); nil for sense amps.
    public let simulatedADCBits: Int?
    public let arrays: Int
}

/// Evaluates a trained network on the arrays `pimsim run` maps it to (docs/functional-sim.md):
/// every dot product as the analogue sum of each array tile, read by comparators against the
/// folded thresholds or by ADCs whose reads are added digitally, with the non-idealities of a
/// `CrossbarModel`.
public struct HardwareEvaluator: Sendable {
    public let graph: Graph
    public let config: HardwareConfig
    public let mapping: NetworkMapping
    let plan: TernaryEvaluator.Plan
    let layouts: [LayerLayout]
    let file: String?

    /// Images per chunk of work (a thread runs one chunk at a time). Results depend on neither
    /// the chunk size nor the thread count: every image draws its read noise from its own stream.
    public static let defaultChunk = 100

    /// Maps `graph` (a trained, already split network) onto `config`'s arrays.
    /// - Throws: `InputError` if the graph lacks trained data, does not fit the data, or has a
    ///   layer the arrays cannot hold (float weights or inputs).
    public init(graph: Graph, config: HardwareConfig, shape: TensorShape, classes: Int, file: String? = nil) throws {
        self.graph = graph
        self.config = config
        self.file = file
        let plan = try TernaryEvaluator.Plan(graph: graph, shape: shape, classes: classes, file: file)
        let mapping: NetworkMapping
        do {
            mapping = try NetworkMapper.map(graph, on: config)
        } catch let error as InputError {
            throw error.inFile(file ?? graph.name)
        }
        self.plan = plan
        self.mapping = mapping
        layouts = try mapping.layers.map { m in
            try LayerLayout(mapping: m, graph: graph, layer: plan.layers[m.nodeIndex]!, config: config, file: file)
        }
    }

    /// The weighted layers with their read-out under `model`.
    public func layers(model: CrossbarModel) -> [EvaluatedLayer] {
        mapping.layers.map { m in
            let bits = m.readout.kind == "adc" ? (model.adcBits ?? m.readout.adcBits) : nil
            return EvaluatedLayer(name: m.name, readout: m.readout, simulatedADCBits: bits, arrays: m.arrays)
        }
    }

    /// Runs one trial of `model` (trial numbers select independent random devices and noise) on
    /// `images`, in chunks of `chunk` images over `workers` threads. The result depends only on
    /// the seed, the trial and the images, never on `workers` or `chunk`.
    /// `progress` hears (images done, images in all) after each chunk.
    public func run(model: CrossbarModel, trial: Int, seed: UInt64, images: [UInt8], labels: [Int], workers: Int = 2,
                    chunk: Int = defaultChunk, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> TrialResult {
        try model.check(on: config)
        for (l, layer) in layers(model: model).enumerated() {
            if let bits = layer.simulatedADCBits, bits < 2 {
                throw InputError(location: model.adcBits != nil ? "--adc-bits" : "layer \(mapping.layers[l].name)",
                                 expected: "at least 2 ADC bits (partial sums of ternary weights are signed)", found: "\(bits)")
            }
        }
        let cells = Int(config.cellsPerTernaryWeight.value)
        let states = layouts.enumerated().map { l, layout in
            layout.state(model: model, cellsPerWeight: cells, seed: seed, trial: trial, layerIndex: l)
        }
        let adcs: [(actual: ADCQuantiser, ideal: ADCQuantiser)?] = layouts.map { L in
            guard case .adc(let mapped) = L.mapping.readout else { return nil }
            let limit = L.mapping.partialSumLimit
            return (ADCQuantiser(bits: model.adcBits ?? mapped, limit: limit, range: model.adcRange),
                    ADCQuantiser(bits: mapped, limit: limit, range: model.adcRange))
        }
        var layerOfNode: [Int: Int] = [:], chainOwner: [Int: Int] = [:]
        for (l, L) in layouts.enumerated() {
            layerOfNode[L.node] = l
            if L.isSenseAmp { for n in L.readoutNodes { chainOwner[n] = l } }
        }
        let forward = HardwareForward(plan: plan, layouts: layouts, layerOfNode: layerOfNode, chainOwner: chainOwner, states: states,
                                      adcs: adcs, model: model, seed: seed, trial: trial, file: file)
        let chunks = stride(from: 0, to: labels.count, by: max(chunk, 1)).map { $0..<min(labels.count, $0 + max(chunk, 1)) }
        var finished: (@Sendable (Int) -> Void)?
        if let progress {
            nonisolated(unsafe) var done = 0
            finished = { k in done += chunks[k].count; progress(done, labels.count) }
        }
        let out = try ChunkedWork.map(count: chunks.count, workers: workers, { k in try forward.run(images: images, range: chunks[k]) }, done: finished)
        var predictions: [Int] = [], counts = [ReadoutCounts](repeating: ReadoutCounts(), count: layouts.count)
        for k in 0..<chunks.count {
            predictions += out[k].predictions
            for l in counts.indices { counts[l] = counts[l] + out[k].counts[l] }
        }
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        return TrialResult(correct: correct, total: labels.count, predictions: predictions, counts: counts)
    }

    /// The ideal array and `trials` Monte Carlo trials of `model`; `progress` hears of the ideal
    /// array's result (trial nil) and of each trial's (its number) as they end. `ideal`, if
    /// given, is the ideal array's result on the same images (from an earlier call), which is
    /// then not run again.
    public func evaluate(model: CrossbarModel, trials: Int, seed: UInt64, images: [UInt8], labels: [Int], workers: Int = 2,
                         ideal knownIdeal: TrialResult? = nil, progress: (_ trial: Int?, TrialResult) -> Void = { _, _ in }) throws -> MonteCarloResult {
        let ideal = try knownIdeal ?? run(model: model.ideal, trial: 0, seed: seed, images: images, labels: labels, workers: workers)
        if knownIdeal == nil { progress(nil, ideal) }
        var results: [TrialResult] = []
        if model == model.ideal {
            // Nothing random and nothing overridden: every trial is the ideal array.
            results = Array(repeating: ideal, count: trials)
        } else if !model.isRandom {
            results = Array(repeating: try run(model: model, trial: 0, seed: seed, images: images, labels: labels, workers: workers), count: trials)
        } else {
            for t in 0..<trials {
                results.append(try run(model: model, trial: t, seed: seed, images: images, labels: labels, workers: workers))
                progress(t, results[t])
            }
        }
        return MonteCarloResult(layers: layers(model: model), ideal: ideal, trials: results)
    }
}

/// The ideal array's result and those of the Monte Carlo trials.
public struct MonteCarloResult: Equatable, Sendable {
    public let layers: [EvaluatedLayer]
    public let ideal: TrialResult
    public let trials: [TrialResult]

    /// The ideal array's accuracy.
    public var accuracy: Double { ideal.accuracy }
    public var accuracies: [Double] { trials.map(\.accuracy) }
    public var accuracyMean: Double { accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Double(accuracies.count) }
    /// Sample standard deviation over the trials (0 for one trial).
    public var accuracyStd: Double {
        guard accuracies.count > 1 else { return 0 }
        let mean = accuracyMean
        return (accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(accuracies.count - 1)).squareRoot()
    }
    /// Per layer, the read-out counts summed over the trials.
    public var counts: [ReadoutCounts] {
        layers.indices.map { l in trials.reduce(ReadoutCounts()) { $0 + $1.counts[l] } }
    }
}
