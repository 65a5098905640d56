import Foundation
import PimsimCore
import PimsimKernels

/// One worker's copy of the network: its own layer objects and activations (parameters shared).
final class Worker: @unchecked Sendable {
    let layers: [Layer]
    var outputs: [Tensor] = []
    var loss: Float = 0
    var correct = 0

    init(layers: [Layer]) { self.layers = layers }
}

/// A trainable network with one layer per graph node, replicated over `workers` threads that
/// each process a contiguous slice of every batch (batch-norm statistics and activation
/// thresholds are per worker slice; gradients are summed over workers in order).
final class Network: @unchecked Sendable {
    let graph: Graph
    let inputIndices: [[Int]]
    let workers: [Worker]
    /// Every trainable parameter in node order.
    let parameters: [Parameter]
    let weights: [Int: (weight: Parameter, bias: Parameter?)]
    let batchNorms: [Int: (gamma: Parameter, beta: Parameter, running: RunningStatistics)]
    let thresholds: [Int: RunningStatistics]

    /// - Parameter groupThreshold: the fixed δ of the plan's group activations (on their batch-normalised
    ///   input), or nil for τ max|x| like every other ternary activation.
    init(plan: NetworkPlan, workers workerCount: Int, thresholdingFactor: Float, groupThreshold: Float? = nil, zeroResidualGamma: Bool = false,
         rng: inout SeededGenerator) {
        let graph = plan.graph
        self.graph = graph
        inputIndices = graph.nodes.map { $0.inputs.map { graph.index(of: $0)! } }
        var parameters: [Parameter] = []
        var weights: [Int: (Parameter, Parameter?)] = [:]
        var batchNorms: [Int: (Parameter, Parameter, RunningStatistics)] = [:]
        var thresholds: [Int: RunningStatistics] = [:]
        for (i, node) in graph.nodes.enumerated() {
            let channels = graph.shapes[i].channels
            switch node.operation {
            case .conv2d, .linear:
                let geometry = graph.layerGeometry(at: i)!
                let fanIn = plan.initConnections[node.name] ?? geometry.connections
                let std = (2 / Float(fanIn)).squareRoot()  // He et al. 2015 initialisation
                let w = Parameter((0..<geometry.weightCount).map { _ in rng.nextGaussian() * std }, workers: workerCount, decays: true,
                                  quantizer: plan.quantizers[node.name], outChannels: geometry.outChannels)
                let b = geometry.hasBias ? Parameter([Float](repeating: 0, count: geometry.outChannels), workers: workerCount, decays: false) : nil
                weights[i] = (w, b)
                parameters += [w] + (b.map { [$0] } ?? [])
            case .batchNorm:
                let residual = zeroResidualGamma && graph.consumers(of: i).contains { graph.nodes[$0].operation == .add }
                let gamma = Parameter([Float](repeating: residual ? 0 : 1, count: channels), workers: workerCount, decays: false)
                let beta = Parameter([Float](repeating: 0, count: channels), workers: workerCount, decays: false)
                batchNorms[i] = (gamma, beta, RunningStatistics([[Float](repeating: 0, count: channels), [Float](repeating: 1, count: channels)]))
                parameters += [gamma, beta]
            case .activation(.ternary):
                thresholds[i] = RunningStatistics([[0]], startsFromFirstBatch: true)
            default: break
            }
        }
        self.parameters = parameters
        self.weights = weights
        self.batchNorms = batchNorms
        self.thresholds = thresholds
        let inputIndices = self.inputIndices
        workers = (0..<workerCount).map { w in
            let scratch = WorkerScratch()
            func weighted(_ i: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, groups: Int, isLinear: Bool) -> Layer {
                let layer = ConvolutionLayer(weight: weights[i]!.0, bias: weights[i]!.1, worker: w, outChannels: outChannels, kernel: kernel,
                                             stride: stride, padding: padding, groups: groups, isLinear: isLinear, scratch: scratch)
                layer.computesInputGradient = inputIndices[i][0] != 0
                switch graph.nodes[i].precision?.inputs {
                case .ternary?, .binary?: layer.hasTernaryInputs = true
                default: break
                }
                return layer
            }
            return Worker(layers: graph.nodes.enumerated().map { i, node -> Layer in
                switch node.operation {
                case .input: return InputLayer()
                case .conv2d(let c):
                    return weighted(i, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride, padding: c.padding, groups: c.groups,
                                    isLinear: false)
                case .linear(let l):
                    return weighted(i, outChannels: l.outFeatures, kernel: 1, stride: 1, padding: 0, groups: 1, isLinear: true)
                case .batchNorm:
                    let bn = batchNorms[i]!
                    return BatchNormLayer(gamma: bn.0, beta: bn.1, running: bn.2, worker: w)
                case .activation(let f):
                    return ActivationLayer(function: f, thresholdingFactor: thresholdingFactor, running: thresholds[i],
                                           fixedThreshold: plan.normalisedActivations.contains(node.name) ? groupThreshold : nil)
                case .add: return AddLayer()
                case .pool(let p): return PoolLayer(attributes: p)
                case .globalAvgPool: return GlobalAvgPoolLayer()
                case .flatten: return FlattenLayer()
                case .shortcut(let s): return ShortcutLayer(attributes: s, outShape: graph.shapes[i])
                }
            })
        }
    }

    /// Logits for batch `x` on worker `w`.
    func forward(_ x: Tensor, worker w: Int, training: Bool) -> Tensor {
        let worker = workers[w]
        var outputs: [Tensor] = []
        outputs.reserveCapacity(graph.nodes.count)
        for (i, layer) in worker.layers.enumerated() {
            let inputs = i == 0 ? [x] : inputIndices[i].map { outputs[$0] }
            outputs.append(layer.forward(inputs, training: training))
        }
        let logits = outputs[graph.outputIndex]
        worker.outputs = training ? outputs : []
        return logits
    }

    /// Back-propagates the logits' gradient through worker `w`'s last training forward pass.
    func backward(_ gradient: Tensor, worker w: Int) {
        let worker = workers[w]
        var grads = [Tensor?](repeating: nil, count: graph.nodes.count)
        grads[graph.outputIndex] = gradient
        for i in stride(from: graph.nodes.count - 1, to: 0, by: -1) {
            guard let g = grads[i] else { continue }
            grads[i] = nil
            let inputGrads = worker.layers[i].backward(g)
            for (k, j) in inputIndices[i].enumerated() where j != 0 {
                if var existing = grads[j] {
                    grads[j] = nil
                    AddLayer.add(inputGrads[k], into: &existing)
                    grads[j] = existing
                } else {
                    grads[j] = inputGrads[k]
                }
            }
        }
        worker.outputs = []
    }

    /// After a step: running statistics from the workers that ran, then re-quantised weights.
    func finishStep(activeWorkers: Int) {
        updateStatistics(activeWorkers: activeWorkers, momentum: nil)
        for p in parameters { p.requantize() }
    }

    /// Folds the workers' last batch statistics into the running ones (`momentum` nil: each's default).
    func updateStatistics(activeWorkers: Int, momentum: Float?) {
        for (i, bn) in batchNorms {
            bn.running.update(with: workers.prefix(activeWorkers).map { ($0.layers[i] as! BatchNormLayer).batchStatistics }, momentum: momentum)
        }
        for (i, running) in thresholds {
            running.update(with: workers.prefix(activeWorkers).map { [[($0.layers[i] as! ActivationLayer).batchThreshold]] }, momentum: momentum)
        }
    }
}
