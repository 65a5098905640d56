import Foundation
import PimsimCore
import PimsimReports
import PimsimTrain

/// `pimsim eval`: re-runs an exported network with integer ternary arithmetic.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "Re-run a trained net.json (or an ONNX model with ternary/binary weights) with integer ternary arithmetic and report its test accuracy.",
        usage: ["pimsim eval NET [--data DIR] [--threads N]"],
        discussion: """
        Runs the network in NET (a net.json written by pimsim train, or an ONNX model whose \
        weights are ternary or binary and whose activations are thresholds: docs/onnx.md) on the \
        test images, fed as the integers p - 128 of their pixel bytes: ternary/binary layers as bit-packed \
        dot products with popcount, the first layer bit-serially over the 8 bits of its integer \
        input, thresholds folded from batch norm as comparators (docs/training.md). Reproduces \
        exactly the test accuracy pimsim train recorded in the file's metadata, and says whether \
        it does. Also prints each weighted layer's weight density and measured input density. \
        Progress (images evaluated) goes to stderr.

        --data DIR: MNIST IDX or CIFAR-10/100 binary files (default: the built-in MNIST subset); only \
        the test files are read.

        Progress on stderr: the evaluation time (after reading the file and the data) and images/s.
        """,
        examples: [
            ("pimsim eval lenet5-twn.json", "accuracy of a trained LeNet-5 on the built-in MNIST subset"),
            ("pimsim eval lenet5-twn.onnx", "the same network exported to ONNX from PyTorch (examples/onnx/export_lenet5.py)"),
        ],
        options: [
            OptionSpec("--data", value: "DIR", help: "Data folder (default: built-in examples/data/mnist5k)."),
            OptionSpec("--threads", value: "N", help: "Threads (default 2; the result does not depend on it)."),
            OptionSpec("--test-limit", value: "N", help: "Use only the first N test images."),
        ],
        positionals: ["NET"], requiredPositionals: 1
    ) { args, io in
        let path = args.positional(0)!
        let graph = try NetworkArguments.load(args, io: io)
        let dataset = try DataArguments.load(args, includeTraining: false)
        let workers = try args.int("--threads") ?? 2
        try MemoryEstimate.requireFits(MemoryEstimate.activationBytes(graph, images: TernaryEvaluator.chunk * workers, allNodes: false),
                                       what: "a network whose evaluation (\(TernaryEvaluator.chunk) images per thread)", location: path)
        let progress = PhaseProgress("eval: integer evaluation of \(graph.name)", unit: "test images", io: io)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try TernaryEvaluator.evaluate(graph, images: dataset.testImages, labels: dataset.testLabels, shape: dataset.shape,
                                                   classes: dataset.classes, workers: workers, file: path,
                                                   progress: progress.report)
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
