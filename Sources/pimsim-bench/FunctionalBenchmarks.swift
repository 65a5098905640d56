import Foundation
import PimsimCore
import PimsimFunctional
import PimsimSim
import PimsimTrain

/// The functional simulation (`pimsim eval --hw`) of the trained LeNet-5 in
/// examples/nets/lenet5-twn.json on the 1,000 test images of the built-in MNIST subset, on
/// reram-1t1r with 2 worker threads: the ideal arrays, and one Monte Carlo trial with every
/// non-ideality on (conductance σ 0.1, read noise σ 0.05, stuck-at 1 % / 1 %, comparator offset σ
/// 1 unit), at 144 rows (every layer read by ADCs) and at 1,024 rows (conv2 and fc1 by
/// comparators); beside them the integer evaluation of the same network. Rates in images per
/// second per trial (docs/functional-sim.md records them).
enum FunctionalBenchmarks {
    static func cases() -> [Benchmark] {
        guard let data = try? DatasetLoader.load(directory: ResourceLocator.locate("examples/data/mnist5k"), includeTraining: false),
              let graph = try? NetJSON.read(path: ResourceLocator.locate("examples/nets/lenet5-twn.json")),
              var config = try? HardwareConfig.load("reram-1t1r") else {
            FileHandle.standardError.write(Data("functional: examples/nets/lenet5-twn.json or the MNIST subset not found (set PIMSIM_HOME); skipped\n".utf8))
            return []
        }
        var noisy = CrossbarModel(config: config)
        noisy.conductanceSigma = 0.1
        noisy.readNoiseSigma = 0.05
        (noisy.stuckAtLow, noisy.stuckAtHigh) = (0.01, 0.01)
        noisy.senseAmpOffsetSigma = 1
        let work = (Double(data.testCount) * 1e9, "images/s")
        func trial(_ name: String, _ model: CrossbarModel, rows: Int) -> Benchmark {
            config.rows = Constant(Double(rows), unit: "rows", source: "benchmark")
            let evaluator = try! HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: data.classes)
            return Benchmark(name: "eval --hw lenet5 \(name) \(rows) rows (1000 images)", iterations: 3, work: work) {
                _ = try! evaluator.run(model: model, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels, workers: 2)
            }
        }
        return [
            Benchmark(name: "eval lenet5 integer, same network (1000 images)", iterations: 3, work: work) {
                _ = try! TernaryEvaluator.evaluate(graph, images: data.testImages, labels: data.testLabels, shape: data.shape, classes: data.classes)
            },
            trial("ideal", noisy.ideal, rows: 144),
            trial("all non-idealities", noisy, rows: 144),
            trial("all non-idealities", noisy, rows: 1024),
        ]
    }
}
