import Foundation
import PimsimCore
import PimsimReports
import PimsimTrain

/// `pimsim eval`: re-runs an exported network with integer ternary arithmetic.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "Re-run a trained net.json with integer ternary arithmetic (bit-packed, popcount) and report its test accuracy.",
        usage: ["pimsim eval net.json [--data DIR] [--threads N]"],
        discussion: """
        Runs the network in net.json on the test images: ternary/binary layers as bit-packed \
        dot products with popcount, the first layer bit-serially over the 8 bits of its integer \
        input, thresholds folded from batch norm as comparators (docs/training.md). Reproduces \
        exactly the test accuracy pimsim train recorded in the file's metadata, and says whether \
        it does. Also prints each weighted layer's weight density and measured input density.

        --data DIR: MNIST IDX or CIFAR-10/100 binary files (default: the built-in MNIST subset); only \
        the test files are read.

        Progress on stderr: the evaluation time (after reading the file and the data) and images/s.
        """,
        examples: [
            ("pimsim eval lenet5-twn.json", "accuracy of a trained LeNet-5 on the built-in MNIST subset"),
        ],
        options: [
            OptionSpec("--data", value: "DIR", help: "Data folder (default: built-in examples/data/mnist5k)."),
            OptionSpec("--threads", value: "N", help: "Threads (default 2; the result does not depend on it)."),
            OptionSpec("--test-limit", value: "N", help: "Use only the first N test images."),
        ],
        positionals: ["NET"], requiredPositionals: 1
    ) { args, io in
        let path = args.positional(0)!
        let graph = try NetJSON.read(path: path)
        let dataset = try DataArguments.load(args, includeTraining: false)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try TernaryEvaluator.evaluate(graph, images: dataset.testImages, labels: dataset.testLabels, shape: dataset.shape,
                                                   classes: dataset.classes, workers: try args.int("--threads") ?? 2, file: path)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        io.progress("evaluated \(result.total) images in \(NumberFormat.fixed(milliseconds, 1)) ms (\(NumberFormat.fixed(Double(result.total) / milliseconds * 1000, 0)) images/s)")
        var table = TextTable(headers: ["layer", "precision", "weight density", "input density"])
        table.alignments[1] = .left
        for node in graph.nodes where node.operation.isWeighted {
            table.append([node.name, node.precision?.description ?? "-", node.data.weights.map { NumberFormat.fixed($0.density, 3) } ?? "-",
                          result.inputDensity[node.name].map { NumberFormat.fixed($0, 3) } ?? "-"])
        }
        var text = "\(graph.name) on \(dataset.name) (\(dataset.testCount) test images)\n\n" + table.render()
        text += "test accuracy \(TrainCommand.percent(result.accuracy)) (\(result.correct)/\(result.total))"
        if let recorded = graph.metadata.testAccuracy {
            let same = recorded == result.accuracy
            text += same ? "; equals the accuracy recorded by pimsim train" : "; differs from the recorded \(TrainCommand.percent(recorded))"
            if graph.metadata.dataset != dataset.name { text += " (recorded on \(graph.metadata.dataset ?? "unknown data"))" }
        }
        io.print(text)
    }
}
