import Foundation
import PimsimCore
import PimsimTrain

/// One training epoch of LeNet-5 and of ResNet-20 (1x28x28) on the built-in MNIST subset
/// (4,000 images, batch 128, 2 worker threads; the epoch includes the float test pass over the
/// 1,000 test images), and integer evaluation of a trained LeNet-5 on the 1,000 test images.
/// Rates in images per second (docs/training.md records them).
enum TrainingBenchmarks {
    static func cases() -> [Benchmark] {
        guard let data = try? DatasetLoader.load(directory: ResourceLocator.locate("examples/data/mnist5k")) else {
            FileHandle.standardError.write(Data("training: examples/data/mnist5k not found (set PIMSIM_HOME); skipped\n".utf8))
            return []
        }
        var options = TrainingOptions()
        options.epochs = 1
        func epoch(_ model: String, _ quantizer: WeightQuantizer) -> Benchmark {
            Benchmark(name: "train \(model) \(quantizer.name) 1 epoch (4000 images)", iterations: 1,
                      work: (Double(data.trainCount) * 1e9, "images/s")) {
                let plan = try! NetworkPlan(model: model, input: data.shape, classes: data.classes, quantizer: quantizer, split: .none)
                Trainer(plan: plan, dataset: data, options: options).train { _ in }
            }
        }
        let plan = try! NetworkPlan(model: "lenet5", input: data.shape, classes: data.classes, quantizer: .twn, split: .none)
        let trainer = Trainer(plan: plan, dataset: data.limited(train: 512, test: nil), options: options)
        trainer.train { _ in }
        let exported = try! trainer.exportEvaluated(notes: [:]).graph
        return [
            epoch("lenet5", .twn),
            epoch("lenet5", .float),
            epoch("resnet20", .statistical(beta: WeightQuantizer.defaultBeta)),
            Benchmark(name: "eval lenet5 twn integer (1000 images)", iterations: 3, work: (Double(data.testCount) * 1e9, "images/s")) {
                _ = try! TernaryEvaluator.evaluate(exported, images: data.testImages, labels: data.testLabels, shape: data.shape, classes: data.classes)
            },
        ]
    }
}
