import Foundation
import PimsimCore
import PimsimTrain
import XCTest

final class TrainingTests: XCTestCase {
    func mnist() throws -> Dataset { try DatasetLoader.load(directory: ResourceLocator.locate("examples/data/mnist5k")) }

    func trainer(_ quantizer: WeightQuantizer, model: String = "lenet5", split: SplitSpec = .none, train: Int, test: Int, epochs: Int = 1,
                 learningRate: Float = TrainingOptions().learningRate) throws -> Trainer {
        let data = try mnist().limited(train: train, test: test)
        let plan = try NetworkPlan(model: model, input: data.shape, classes: data.classes, quantizer: quantizer, split: split)
        var options = TrainingOptions()
        options.epochs = epochs
        options.seed = 3
        options.learningRate = learningRate
        let t = Trainer(plan: plan, dataset: data, options: options)
        t.train { _ in }
        return t
    }

    func testBuiltInSubsetLoads() throws {
        let data = try mnist()
        XCTAssertEqual(data.trainCount, 4000)
        XCTAssertEqual(data.testCount, 1000)
        XCTAssertEqual(data.shape, TensorShape(channels: 1, height: 28, width: 28))
        XCTAssertEqual(data.trainImages.count, 4000 * 784)
    }

    /// LeNet-5 with TWN weights and ternary inputs, 1,000 images for 2 epochs (a few seconds):
    /// far above the 10 % of chance, exported, and the exported file re-evaluated exactly.
    func testLeNetTrainsExportsAndEvaluatesExactly() throws {
        let t = try trainer(.twn, train: 1000, test: 300, epochs: 2)
        let (graph, result) = try t.exportEvaluated(notes: [:])
        XCTAssertGreaterThan(result.accuracy, 0.6)
        XCTAssertEqual(graph.metadata.testAccuracy, result.accuracy)
        XCTAssertEqual(graph.metadata.dataset, "mnist5k")
        // Folding batch norm into thresholds keeps the network's function: the float graph agrees.
        XCTAssertEqual(t.floatTestAccuracy(), result.accuracy, accuracy: 0.02)
        // What a user gets from the file: read back and run again, identical.
        let decoded = try NetJSON.decode(NetJSON.encode(graph))
        let again = try TernaryEvaluator.evaluate(decoded, images: t.dataset.testImages, labels: t.dataset.testLabels,
                                                  shape: t.dataset.shape, classes: 10, workers: 1)
        XCTAssertEqual(again.correct, result.correct)
        // Export contents: ternary codes with a per-layer scale, folded thresholds, statistics.
        let conv2 = try XCTUnwrap(graph.node(named: "conv2"))
        guard case .ternary(let codes)? = conv2.data.weights else { return XCTFail("conv2 weights are not ternary") }
        XCTAssertEqual(codes.count, 64 * 32 * 25)
        XCTAssertTrue(codes.allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertNil(graph.node(named: "conv2.bn")?.data.batchNorm, "batch norm folded into conv2.act")
        XCTAssertEqual(graph.node(named: "conv2.act")?.data.thresholds?.high.count, 64)
        let stats = try XCTUnwrap(conv2.data.statistics)
        XCTAssertEqual(stats.weightDensity!, Double(codes.filter { $0 != 0 }.count) / Double(codes.count), accuracy: 1e-12)
        XCTAssertGreaterThan(stats.inputDensity!, 0)
        XCTAssertLessThanOrEqual(stats.inputDensity!, 1)
    }

    /// A learning rate that blows the weights up to NaN: an error naming --lr, not a trap in export.
    func testDivergedTrainingIsAnErrorNotACrash() throws {
        let t = try trainer(.twn, train: 64, test: 5, learningRate: .infinity)  // what --lr 1e300 becomes as a Float
        XCTAssertThrowsError(try t.exportEvaluated(notes: [:])) { error in
            XCTAssertEqual("\(error)", "--lr: expected training that stays finite (a lower --lr), found NaN or infinite weights: training diverged")
        }
    }

    /// A split ResNet-20 with XNOR-Net weights: binary codes, sign thresholds, exact re-evaluation.
    func testSplitXNORResNetExportsBinaryAndEvaluatesExactly() throws {
        let t = try trainer(.xnor, model: "resnet20", split: .uniform(72), train: 128, test: 100)
        let (graph, result) = try t.exportEvaluated(notes: [:])
        let grouped = try XCTUnwrap(graph.node(named: "s1b1c1"))
        guard case .binary? = grouped.data.weights, case .perChannel(let scales)? = grouped.data.scale else { return XCTFail("s1b1c1 is not binary with per-channel scales") }
        XCTAssertEqual(scales.count, 16)
        // The group batch norm is folded into per-channel thresholds of the group activation.
        XCTAssertEqual(graph.node(named: "s1b1c1.group_bn")?.inputs, ["s1b1c1"])
        XCTAssertNil(graph.node(named: "s1b1c1.group_bn")?.data.batchNorm)
        XCTAssertEqual(graph.node(named: "s1b1c1.group_act")?.data.thresholds?.high.count, 16)
        XCTAssertEqual(graph.node(named: "s3b3c2.group_act")?.data.thresholds?.high.count, 64)
        // Metadata: the split network's parameters as seed 000 counts them, thresholds apart.
        let shapeOnly = try NetworkSplitter.split(try ModelZoo.network(named: "resnet20", input: t.dataset.shape, classes: 10, binary: true), spec: .uniform(72)).graph
        XCTAssertEqual(graph.metadata.notes["parameters"], "\(ParameterAccounting.report(for: shapeOnly).parameters)")
        XCTAssertEqual(graph.metadata.notes["group_threshold_constants"], "672", "one sign threshold per channel of the 18 grouped convolutions")
        XCTAssertNotNil(graph.node(named: "s1b1c2.bn")?.data.batchNorm, "batch norm before a residual add is kept")
        let again = try TernaryEvaluator.evaluate(try NetJSON.decode(NetJSON.encode(graph)), images: t.dataset.testImages, labels: t.dataset.testLabels,
                                                  shape: t.dataset.shape, classes: 10, workers: 2)
        XCTAssertEqual(again.correct, result.correct)
    }

    /// REL (T_ex = 4) exports four ternary layers per weighted layer, summed by adds.
    func testResidualExpansionExportsTernaryLayers() throws {
        let t = try trainer(.residual(betas: WeightQuantizer.relBetas[4]!), train: 128, test: 50)
        let (graph, result) = try t.exportEvaluated(notes: [:])
        for suffix in ["", ".rel2", ".rel3", ".rel4"] {
            guard case .ternary? = graph.node(named: "conv2" + suffix)?.data.weights else { return XCTFail("conv2\(suffix) is not ternary") }
        }
        XCTAssertEqual(graph.node(named: "conv2.bn")?.inputs, ["conv2.rel_sum4"])
        XCTAssertEqual(graph.node(named: "conv2.rel_sum3")?.inputs, ["conv2.rel_sum2", "conv2.rel3"])
        let again = try TernaryEvaluator.evaluate(try NetJSON.decode(NetJSON.encode(graph)), images: t.dataset.testImages, labels: t.dataset.testLabels,
                                                  shape: t.dataset.shape, classes: 10)
        XCTAssertEqual(again.correct, result.correct)
    }

    func testSameSeedSameNetwork() throws {
        let a = try trainer(.statistical(beta: 0.05), train: 256, test: 50)
        let b = try trainer(.statistical(beta: 0.05), train: 256, test: 50)
        XCTAssertEqual(NetJSON.encode(try a.exportEvaluated(notes: [:]).graph), NetJSON.encode(try b.exportEvaluated(notes: [:]).graph))
    }

    /// End-of-epoch recalibration replaces the momentum averages by plain averages over the first
    /// N training images with the epoch's final weights. It does not touch the weights (training
    /// without it and recalibrating afterwards gives the same statistics, bit for bit), it changes
    /// the statistics, recalibrating again changes nothing, and a split network's group
    /// activations keep their fixed δ.
    func testRecalibratedStatisticsArePlainAveragesWithTheFinalWeights() throws {
        let data = try mnist().limited(train: 64, test: 20)
        let plan = try NetworkPlan(model: "resnet20", input: data.shape, classes: 10, quantizer: .statistical(beta: 0.05), split: .uniform(72))
        func trained(recalibrating images: Int) -> Trainer {
            var options = TrainingOptions()
            options.epochs = 1
            options.batchSize = 32
            options.optimizer = .adam
            options.learningRate = 0.01
            options.recalibrationImages = images
            let t = Trainer(plan: plan, dataset: data, options: options)
            t.train { _ in }
            return t
        }
        let recalibrated = trained(recalibrating: 64), momentum = trained(recalibrating: 0)
        let expected = recalibrated.runningStatistics
        XCTAssertNotEqual(momentum.runningStatistics["s1b1c1.group_bn"], expected["s1b1c1.group_bn"])
        XCTAssertNotEqual(momentum.runningStatistics["s1b1.act"], expected["s1b1.act"])
        momentum.recalibrateStatistics(images: 64)
        XCTAssertEqual(momentum.runningStatistics, expected)
        recalibrated.recalibrateStatistics(images: 64)
        XCTAssertEqual(recalibrated.runningStatistics, expected)
        recalibrated.recalibrateStatistics(images: 32)
        XCTAssertNotEqual(recalibrated.runningStatistics["s3b3c2.group_bn"], expected["s3b3c2.group_bn"], "the first batch alone")
        XCTAssertEqual(expected["s1b1c1.group_act"], [[0.5]])
        XCTAssertEqual(expected.keys.filter { $0.hasSuffix(".group_act") }.count, 18)
        XCTAssertTrue(expected.keys.filter { $0.hasSuffix(".group_act") }.allSatisfy { expected[$0] == [[0.5]] })
        // The exported file (group batch norms folded into the group activations' thresholds at
        // δ = 0.5) computes what the float graph computes: the same predictions on the test images.
        let (graph, result) = try recalibrated.exportEvaluated(notes: [:])
        XCTAssertNil(graph.node(named: "s1b1c1.group_bn")?.data.batchNorm)
        XCTAssertEqual(graph.node(named: "s1b1c1.group_act")?.data.thresholds?.high.count, 16)
        XCTAssertEqual(result.accuracy, recalibrated.floatTestAccuracy(), accuracy: 1e-9)
        let delta = try XCTUnwrap(expected["s1b1.act"]?.first?.first)
        XCTAssertGreaterThan(delta, 0)
        XCTAssertNotEqual(delta, 0.5, "other ternary activations keep τ max|x|")
    }

    /// `zeroResidualGamma` starts exactly the batch norms that feed a residual add (the last of
    /// each of ResNet-20's 9 blocks, a split block's pointwise batch norm included) at γ = 0 and
    /// every other one at γ = 1; without it all start at 1.
    func testZeroResidualGammaStartsOnlyTheBlocksLastBatchNormsAtZero() throws {
        let data = try mnist().limited(train: 32, test: 10)
        let plan = try NetworkPlan(model: "resnet20", input: data.shape, classes: 10, quantizer: .statistical(beta: 0.05), split: .uniform(72))
        func initialGammas(zero: Bool) throws -> (residual: [[Float]], other: [[Float]]) {
            var options = TrainingOptions()
            options.epochs = 0
            options.recalibrationImages = 0
            options.zeroResidualGamma = zero
            let graph = try Trainer(plan: plan, dataset: data, options: options).exportEvaluated(notes: [:]).graph
            var residual: [[Float]] = [], other: [[Float]] = []
            for (i, node) in graph.nodes.enumerated() {
                guard let bn = node.data.batchNorm else { continue }
                let feedsAdd = graph.consumers(of: i).contains { graph.nodes[$0].operation == .add }
                if feedsAdd { residual.append(bn.gamma) } else { other.append(bn.gamma) }
            }
            return (residual, other)
        }
        let zero = try initialGammas(zero: true), plain = try initialGammas(zero: false)
        XCTAssertEqual(zero.residual.count, 9)
        XCTAssertTrue(zero.residual.allSatisfy { $0.allSatisfy { $0 == 0 } })
        XCTAssertTrue(zero.other.allSatisfy { $0.allSatisfy { $0 == 1 } })
        XCTAssertEqual(plain.residual.count, 9)
        XCTAssertTrue((plain.residual + plain.other).allSatisfy { $0.allSatisfy { $0 == 1 } })
    }
}
