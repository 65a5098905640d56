import PimsimCore
import PimsimFunctional
import PimsimSim
import PimsimTrain
import XCTest

/// Non-idealities: determinism, where ADC resolution matters, hand-checkable fault cases, and
/// accuracy falling as each one grows.
final class NonIdealityTests: XCTestCase {
    func trainedLeNet() throws -> Graph { try NetJSON.read(path: ResourceLocator.locate("examples/nets/lenet5-twn.json")) }

    func everything(_ config: HardwareConfig) -> CrossbarModel {
        var m = CrossbarModel(config: config)
        m.conductanceSigma = 0.1
        m.readNoiseSigma = 0.05
        (m.stuckAtLow, m.stuckAtHigh) = (0.01, 0.01)
        m.senseAmpOffsetSigma = 1
        return m
    }

    /// The same seed gives the same trial on 1, 2 or 3 threads and in chunks of any size; another
    /// seed or trial number gives other devices; an image's result does not depend on which other
    /// images are run.
    func testDeterministicForSeedOnAnyThreadCount() throws {
        let graph = try syntheticNetwork("resnet20", split: .uniform(72))
        let config = try shippedConfig("reram-1t1r")
        let data = try mnistTest(60)
        let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
        let model = everything(config)
        func run(seed: UInt64 = 5, trial: Int = 0, workers: Int, chunk: Int = 20, images: Int = 60) throws -> TrialResult {
            try evaluator.run(model: model, trial: trial, seed: seed, images: Array(data.testImages[0..<(images * 784)]),
                              labels: Array(data.testLabels[0..<images]), workers: workers, chunk: chunk)
        }
        let one = try run(workers: 1)
        XCTAssertEqual(try run(workers: 2), one)
        XCTAssertEqual(try run(workers: 3, chunk: 7), one)
        XCTAssertTrue(one.counts.contains { $0.differingDecisions > 0 } && one.counts.contains { $0.differingReads > 0 })
        XCTAssertNotEqual(try run(seed: 6, workers: 2).counts, one.counts)
        XCTAssertNotEqual(try run(trial: 1, workers: 2).counts, one.counts)
        XCTAssertEqual(try run(workers: 2, images: 25).predictions, Array(one.predictions[0..<25]))
    }

    /// ADCs below lossless resolution: a split ResNet-20 whose hidden layers are all read by
    /// comparators is untouched at 8 bits (its ADC layers, conv1 and fc, need at most 8), while
    /// the unsplit one, whose 288- and 576-row layers are read by 9-bit ADCs, changes.
    func testADCBitsMatterWhereTheMappingUsesADCs() throws {
        let config = try shippedConfig("reram-1t1r")
        let data = try mnistTest(150)
        for (split, hiddenADCs) in [(SplitSpec.uniform(144), false), (.none, true)] {
            let graph = try syntheticNetwork("resnet20", split: split)
            let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
            let ideal = try evaluator.run(model: CrossbarModel(config: config), trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
            var eightBits = CrossbarModel(config: config)
            eightBits.adcBits = 8
            let low = try evaluator.run(model: eightBits, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
            let layers = evaluator.layers(model: eightBits)
            let adcLayers = layers.filter { $0.readout.kind == "adc" }.map(\.name)
            XCTAssertEqual(adcLayers.count > 2, hiddenADCs, "\(split): ADC layers \(adcLayers)")
            for (layer, counts) in zip(layers, low.counts) where layer.readout.kind == "sense_amp" {
                XCTAssertEqual(counts.differingDecisions, 0, "\(split) \(layer.name): comparators do not depend on ADC bits")
            }
            if hiddenADCs {
                XCTAssertNotEqual(low.predictions, ideal.predictions)
                XCTAssertTrue(zip(layers, low.counts).contains { $0.readout.adcBits == 9 && $1.differingReads > 0 })
            } else {
                XCTAssertEqual(low.predictions, ideal.predictions)
                XCTAssertEqual(low.counts.map(\.differingReads), low.counts.map { _ in 0 })
            }
        }
    }

    /// The trained LeNet-5 on 144-row arrays reads every layer by ADC: at 9 bits (lossless for
    /// 144-row tiles) nothing changes, at 4 bits accuracy falls.
    func testADCBitsChangeTrainedLeNetAccuracy() throws {
        let config = try shippedConfig("reram-1t1r")
        let data = try mnistTest(300)
        let evaluator = try HardwareEvaluator(graph: try trainedLeNet(), config: config, shape: data.shape, classes: 10)
        XCTAssertTrue(evaluator.layers(model: CrossbarModel()).allSatisfy { $0.readout.kind == "adc" })
        let ideal = try evaluator.run(model: CrossbarModel(config: config), trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
        var model = CrossbarModel(config: config)
        model.adcBits = 9
        XCTAssertEqual(try evaluator.run(model: model, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels).predictions, ideal.predictions)
        model.adcBits = 4
        let coarse = try evaluator.run(model: model, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
        XCTAssertLessThan(coarse.accuracy, ideal.accuracy - 0.05)
        XCTAssertTrue(coarse.counts.allSatisfy { $0.differingReads > 0 })
    }

    /// Every cell stuck on: each differential pair conducts equally, every product is 0, and the
    /// logits are the classifier's bias, so every image gets the class of the largest bias.
    func testEveryPairStuckOnLeavesOnlyTheBias() throws {
        let config = try shippedConfig("reram-1t1r")
        let graph = try trainedLeNet()
        let data = try mnistTest(100)
        var model = CrossbarModel(config: config)
        model.stuckAtHigh = 1
        model.conductanceSigma = 0
        let result = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
            .run(model: model, trial: 0, seed: 3, images: data.testImages, labels: data.testLabels)
        let bias = try XCTUnwrap(graph.node(named: "fc2")?.data.bias)
        let top = bias.indices.max { bias[$0] < bias[$1] }!
        XCTAssertEqual(result.predictions, [Int](repeating: top, count: 100))
    }

    /// A signed cell (sram-16t1c: one cell per weight) stuck on conducts with its weight's sign,
    /// and a zero weight's cell positively: the arrays compute the network whose zero codes are +1.
    func testSignedCellsStuckOnMakeZeroWeightsPositive() throws {
        let config = try shippedConfig("sram-16t1c")
        XCTAssertEqual(config.cellsPerTernaryWeight.value, 1)
        let graph = try syntheticNetwork("lenet5")
        let data = try mnistTest(100)
        var model = CrossbarModel(config: config)
        model.stuckAtHigh = 1
        let simulated = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
            .run(model: model, trial: 0, seed: 3, images: data.testImages, labels: data.testLabels)
        var nodes = graph.nodes
        for i in nodes.indices {
            if case .ternary(let codes)? = nodes[i].data.weights { nodes[i].data.weights = .ternary(codes.map { $0 == 0 ? 1 : $0 }) }
        }
        let positive = try graph.replacingNodes(nodes)
        // Lossless ADCs for the new sums: every code non-zero keeps each tile within -M...M.
        let reference = try TernaryEvaluator.evaluate(positive, images: data.testImages, labels: data.testLabels, shape: data.shape, classes: 10)
        XCTAssertEqual(simulated.predictions, reference.predictions)
    }

    /// Accuracy of the trained LeNet-5 (300 images, 2 trials each, fixed seed) falls as each
    /// non-ideality grows: conductance variation, read noise, stuck cells (half low, half high)
    /// on 144-row arrays, and comparator offsets on 1,024-row arrays, where conv2 and fc1 are read
    /// by comparators.
    func testAccuracyFallsAsEachNonIdealityGrows() throws {
        let graph = try trainedLeNet()
        let data = try mnistTest(300)
        var config = try shippedConfig("reram-1t1r")
        let narrow = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
        config.rows = Constant(1024, unit: "rows", source: "test")
        let wide = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
        XCTAssertEqual(wide.layers(model: CrossbarModel()).map(\.readout.kind), ["adc", "sense_amp", "sense_amp", "adc"])
        let cases: [(String, HardwareEvaluator, [Double], (inout CrossbarModel, Double) -> Void)] = [
            ("conductance", narrow, [0, 0.3, 0.6], { $0.conductanceSigma = $1 }),
            ("read noise", narrow, [0, 0.2, 0.4], { $0.readNoiseSigma = $1 }),
            ("stuck-at", narrow, [0, 0.05, 0.1], { ($0.stuckAtLow, $0.stuckAtHigh) = ($1, $1) }),
            ("comparator offset", wide, [0, 30, 60], { $0.senseAmpOffsetSigma = $1 }),
        ]
        for (name, evaluator, levels, set) in cases {
            var means: [Double] = [], ideal: TrialResult?
            for level in levels {
                var model = CrossbarModel(config: evaluator.config)
                set(&model, level)
                let result = try evaluator.evaluate(model: model, trials: 2, seed: 11, images: data.testImages, labels: data.testLabels, ideal: ideal)
                ideal = result.ideal
                means.append(result.accuracyMean)
            }
            XCTAssertGreaterThan(means[0], 0.93, name)
            XCTAssertGreaterThan(means[0], means[1], "\(name): \(means)")
            XCTAssertGreaterThan(means[1], means[2], "\(name): \(means)")
        }
    }
}
