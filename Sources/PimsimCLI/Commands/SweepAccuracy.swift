import Foundation
import PimsimCore
import PimsimFunctional
import PimsimSim
import PimsimTrain

/// `pimsim sweep NET --accuracy`: the functional simulation of a trained network on the arrays
/// of each geometry (docs/sweep.md, "Accuracy"), run once per geometry: the cost-side axes only
/// price a mapping, so every point of a geometry has its accuracy.
enum SweepAccuracy {
    static let options = [
        OptionSpec.flag("--accuracy", help: "Add hardware_accuracy per design (functional simulation of a trained net.json on the mapped arrays; an objective for --pareto)."),
        OptionSpec("--data", value: "DIR", help: "With --accuracy: test data folder (default: built-in examples/data/mnist5k)."),
        OptionSpec("--test-limit", value: "N", help: "With --accuracy: use only the first N test images."),
        OptionSpec("--trials", value: "N", help: "With --accuracy: Monte Carlo trials of the config's non-idealities (default \(HardwareEvaluation.defaultTrials); the mean is reported)."),
        OptionSpec("--seed", value: "K", help: "With --accuracy: seed of the trials' random devices and noise (default 1)."),
    ]

    /// The accuracy of every geometry of `range` whose split is `none` (the trained file as it
    /// is) and whose mapping can be built, by geometry index; nil without `--accuracy`.
    /// - Throws: `InputError` naming the file when the network has no trained weights, and
    ///   usage errors for the accuracy flags without `--accuracy`.
    static func compute(_ args: ParsedArguments, graph: Graph, space: DesignSpace, range: Range<Int>, io: CommandIO) throws -> [Int: Double]? {
        guard args.flag("--accuracy") else {
            if let flag = ["--data", "--test-limit", "--trials", "--seed"].first(where: { args.value($0) != nil }) {
                throw UsageError(command: "sweep", message: "\(flag) needs --accuracy (it sets up the functional simulation)")
            }
            return nil
        }
        let file = args.positional(0) ?? graph.name
        guard graph.hasTrainedData else {
            throw InputError(file: file, expected: "a trained network with weights (a net.json of pimsim train) for --accuracy", found: "no trained weights")
        }
        let trials = try args.int("--trials", min: 1) ?? HardwareEvaluation.defaultTrials
        let seed = UInt64(try args.int("--seed", min: 0) ?? 1)
        let dataset = try DataArguments.load(args, includeTraining: false)
        let workers = ProcessInfo.processInfo.activeProcessorCount
        try HardwareEvaluation.requireMemory(graph, threads: workers, path: file)
        guard !range.isEmpty, let none = space.splits.firstIndex(of: .none) else { return [:] }
        let geometries = space.geometry(of: range.lowerBound)...space.geometry(of: range.upperBound - 1)
        let targets = geometries.filter { space.point($0 * space.costCount).split == none }
        var accuracy: [Int: Double] = [:]
        for (k, g) in targets.enumerated() {
            let point = space.point(g * space.costCount)
            // A geometry the sweep cannot map is skipped there, with its reason.
            guard let config = try? space.configuration(for: point), (try? NetworkMapper.map(graph, on: config)) != nil else { continue }
            let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: dataset.shape, classes: dataset.classes, file: file)
            let result = try evaluator.evaluate(model: CrossbarModel(config: config), trials: trials, seed: seed, images: dataset.testImages,
                                                labels: dataset.testLabels, workers: workers)
            accuracy[g] = result.accuracyMean
            io.progress("sweep: accuracy \(k + 1)/\(targets.count): \(config.name) rows \(config.arrayRows) read-out \(space.readouts[point.readout].rawValue): "
                        + "\(TrainCommand.percent(result.accuracyMean)) on \(dataset.testCount) test images")
        }
        return accuracy
    }
}
