import Foundation
import PimsimCore
import PimsimKernels

/// Hyper-parameters of one training run.
public struct TrainingOptions: Sendable {
    public var epochs: Int = 10
    public var batchSize: Int = 128
    public var learningRate: Float = 0.1
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    public var optimizer: OptimizerKind = .sgd
    public var schedule: LearningRateSchedule = .cosine
    public var augmentation: Augmentation = .none
    /// Seed 000's thresholding factor τ for ternary inputs (δ = τ max|x|; 0.02-0.04 there).
    public var thresholdingFactor: Float = 0.03
    public var seed: UInt64 = 1
    /// Worker threads, each taking a contiguous slice of every batch.
    public var workers: Int = 2
    /// Training images whose training-mode forward passes, with each epoch's final weights,
    /// replace the running batch-norm statistics and activation thresholds by their plain average
    /// at the end of the epoch (0: keep the momentum averages). docs/training.md, "Statistics".
    public var recalibrationImages: Int = 4_000
    /// Threshold δ of split layers' ternary group activations on their batch-normalised input
    /// (nil: τ max|x| like the other ternary activations). docs/training.md, "Split layers".
    public var groupThreshold: Float? = 0.5
    /// Batch norms that feed a residual add start with γ = 0 (Goyal et al. 2017), so every block starts as its shortcut.
    public var zeroResidualGamma = false

    public init() {}
}

/// Progress after a batch, or at the end of an epoch (`testAccuracy` set).
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    /// Mean loss and training accuracy over the epoch so far.
    public var loss: Double
    public var accuracy: Double
    public var imagesPerSecond: Double
    public var secondsLeft: Double
    /// Float (training-graph) test accuracy, at the end of an epoch.
    public var testAccuracy: Double?
}

/// Trains a `NetworkPlan` on a `Dataset` with mini-batch SGD or Adam.
public final class Trainer {
    public let plan: NetworkPlan
    public let dataset: Dataset
    public let options: TrainingOptions
    let network: Network
    private var rng: SeededGenerator

    public init(plan: NetworkPlan, dataset: Dataset, options: TrainingOptions) {
        self.plan = plan
        self.dataset = dataset
        self.options = options
        rng = SeededGenerator(seed: options.seed)
        ProcessMemory.retainFreedMemory()
        network = Network(plan: plan, workers: options.workers, thresholdingFactor: options.thresholdingFactor,
                          groupThreshold: options.groupThreshold, zeroResidualGamma: options.zeroResidualGamma, rng: &rng)
    }

    /// Runs all epochs; `progress` is called after every batch and at the end of every epoch.
    public func train(progress: (TrainingProgress) -> Void) {
        let optimizer = Optimizer(kind: options.optimizer, parameters: network.parameters, momentum: options.momentum, weightDecay: options.weightDecay)
        let n = dataset.trainCount
        let batches = (n + options.batchSize - 1) / options.batchSize
        let totalSteps = batches * options.epochs
        let start = Date()
        var order = Array(0..<n)
        for epoch in 0..<options.epochs {
            order.shuffle(using: &rng)
            var lossSum = 0.0, correct = 0, seen = 0
            for b in 0..<batches {
                let indices = order[(b * options.batchSize)..<min(n, (b + 1) * options.batchSize)]
                let x = BatchAssembler.batch(dataset.trainImages, shape: dataset.shape, indices: indices, augmentation: options.augmentation, rng: &rng)
                let labels = Array(indices.map { dataset.trainLabels[$0] })
                let active = runStep(x, labels: labels)
                let step = epoch * batches + b
                optimizer.step(network.parameters, learningRate: options.schedule.rate(base: options.learningRate, progress: Float(step) / Float(totalSteps)))
                network.finishStep(activeWorkers: active)
                for w in network.workers.prefix(active) { lossSum += Double(w.loss); correct += w.correct }
                seen += indices.count
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double((step) * options.batchSize + indices.count) / max(elapsed, 1e-9)
                progress(TrainingProgress(epoch: epoch + 1, epochs: options.epochs, batch: b + 1, batches: batches,
                                          loss: lossSum / Double(b + 1), accuracy: Double(correct) / Double(seen), imagesPerSecond: rate,
                                          secondsLeft: Double(totalSteps - step - 1) * elapsed / Double(step + 1), testAccuracy: nil))
            }
            if options.recalibrationImages > 0 { recalibrateStatistics(images: options.recalibrationImages) }
            let elapsed = Date().timeIntervalSince(start)
            progress(TrainingProgress(epoch: epoch + 1, epochs: options.epochs, batch: batches, batches: batches,
                                      loss: lossSum / Double(batches), accuracy: Double(correct) / Double(seen),
                                      imagesPerSecond: Double((epoch + 1) * n) / max(elapsed, 1e-9),
                                      secondsLeft: elapsed / Double(epoch + 1) * Double(options.epochs - epoch - 1), testAccuracy: floatTestAccuracy()))
        }
    }

    /// The running statistics by node name: [mean, variance] per channel for batch norms, [[δ]]
    /// for ternary activations (what evaluation and export use).
    public var runningStatistics: [String: [[Float]]] {
        var result: [String: [[Float]]] = [:]
        for (i, bn) in network.batchNorms { result[network.graph.nodes[i].name] = bn.running.values }
        for (i, running) in network.thresholds { result[network.graph.nodes[i].name] = running.values }
        return result
    }

    /// Recomputes every running statistic (batch norm mean and variance, activation thresholds)
    /// as the plain average over training-mode forward passes of the first `images` training
    /// images with the final weights, instead of the momentum average over changing weights.
    public func recalibrateStatistics(images: Int) {
        let count = min(images, dataset.trainCount)
        var noAugmentation = SeededGenerator(seed: 0)
        var k = 0
        for start in stride(from: 0, to: count, by: options.batchSize) {
            let indices = Array(start..<min(count, start + options.batchSize))[...]
            let x = BatchAssembler.batch(dataset.trainImages, shape: dataset.shape, indices: indices, augmentation: .none, rng: &noAugmentation)
            let slices = Self.slices(count: x.n, workers: options.workers)
            let network = self.network
            DispatchQueue.concurrentPerform(iterations: slices.count) { w in
                _ = network.forward(x.images(slices[w]), worker: w, training: true)
                network.workers[w].outputs = []
            }
            k += 1
            network.updateStatistics(activeWorkers: slices.count, momentum: 1 / Float(k))
        }
    }

    /// Forward and backward on every worker's slice of the batch; returns how many workers ran.
    func runStep(_ x: Tensor, labels: [Int]) -> Int {
        let slices = Self.slices(count: x.n, workers: options.workers)
        let network = self.network
        DispatchQueue.concurrentPerform(iterations: slices.count) { w in
            let range = slices[w]
            let logits = network.forward(x.images(range), worker: w, training: true)
            let result = SoftmaxCrossEntropy.evaluate(logits, labels: labels[range], normalizer: x.n)
            network.workers[w].loss = result.loss
            network.workers[w].correct = result.correct
            network.backward(result.gradient, worker: w)
        }
        return slices.count
    }

    /// Contiguous, non-empty slices of 0..<count, one per worker (fewer if count < workers).
    static func slices(count: Int, workers: Int) -> [Range<Int>] {
        let used = min(workers, count)
        return (0..<used).map { w in (w * count / used)..<((w + 1) * count / used) }
    }

    /// Test images per float evaluation batch (memory bound, not a result parameter).
    static let evaluationChunk = 250

    /// Test accuracy of the float training graph (evaluation mode), for progress reports.
    public func floatTestAccuracy() -> Double {
        let chunk = Self.evaluationChunk
        var correct = 0
        var noAugmentation = SeededGenerator(seed: 0)
        for start in stride(from: 0, to: dataset.testCount, by: chunk) {
            let indices = Array(start..<min(dataset.testCount, start + chunk))[...]
            let x = BatchAssembler.batch(dataset.testImages, shape: dataset.shape, indices: indices, augmentation: .none, rng: &noAugmentation)
            let slices = Self.slices(count: x.n, workers: options.workers)
            let network = self.network
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: slices.count)
            defer { counts.deallocate() }
            nonisolated(unsafe) let countsOut = counts
            let labels = Array(indices.map { dataset.testLabels[$0] })
            DispatchQueue.concurrentPerform(iterations: slices.count) { w in
                let range = slices[w]
                let logits = network.forward(x.images(range), worker: w, training: false)
                countsOut[w] = SoftmaxCrossEntropy.evaluate(logits, labels: labels[range], normalizer: range.count).correct
            }
            correct += counts.reduce(0, +)
        }
        return Double(correct) / Double(max(dataset.testCount, 1))
    }
}

extension Trainer {
    /// Exports the trained network and evaluates exactly what was exported: the graph is
    /// encoded as net.json text, decoded again, and run by `TernaryEvaluator` on the test set.
    /// The returned graph (to be written out) carries that accuracy in its metadata, with the
    /// parameter count and, apart from it, the group-threshold constants (`ParameterAccounting`),
    /// and, per weighted layer, the weight density and the measured input density.
    /// - Parameter progress: integer evaluation progress (images done, images in all).
    public func exportEvaluated(notes: [String: String], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws
        -> (graph: Graph, evaluation: TernaryEvaluator.Result) {
        guard network.parameters.allSatisfy({ $0.value.allSatisfy(\.isFinite) }) else {
            throw InputError(location: "--lr", expected: "training that stays finite (a lower --lr)", found: "NaN or infinite weights: training diverged")
        }
        let exported = try NetJSON.decode(NetJSON.encode(try Exporter.export(network)))
        let result = try TernaryEvaluator.evaluate(exported, images: dataset.testImages, labels: dataset.testLabels,
                                                   shape: dataset.shape, classes: dataset.classes, workers: options.workers, progress: progress)
        let nodes = exported.nodes.map { node -> Node in
            var n = node
            if let weights = node.data.weights {
                n.data.statistics = LayerStatistics(weightDensity: weights.density, inputDensity: result.inputDensity[node.name])
            }
            return n
        }
        let output = exported.nodes[exported.outputIndex].name
        let count = ParameterAccounting.report(for: try Graph(name: exported.name, nodes: nodes, output: output))
        var metadata = NetworkMetadata(dataset: dataset.name, testAccuracy: result.accuracy, notes: notes)
        metadata.notes["parameters"] = "\(count.parameters)"
        metadata.notes["group_threshold_constants"] = "\(count.groupThresholdConstants)"
        let graph = try Graph(name: exported.name, nodes: nodes, output: output, metadata: metadata)
        return (graph, result)
    }
}
