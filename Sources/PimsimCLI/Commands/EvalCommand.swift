import Foundation
import PimsimCore
import PimsimFunctional
import PimsimReports
import PimsimSim
import PimsimTrain

/// `pimsim eval`: re-runs an exported network with integer ternary arithmetic, or (with `--hw`)
/// on the arrays of a hardware config with non-idealities.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "Re-run a trained net.json (or an ONNX model with ternary/binary weights) with integer ternary arithmetic, or on the mapped crossbar arrays with non-idealities (--hw).",
        usage: [
            "pimsim eval NET [--data DIR] [--threads N] [--test-limit N]",
            "pimsim eval NET --hw CONFIG [--array-rows R] [--conductance-sigma S] [--read-noise-sigma S] [--stuck-at P0,P1] [--sa-offset-sigma S] [--adc-bits B] [--trials N] [--seed K] [--format table|json] [-o FILE]",
            "pimsim eval NET [NET...] --hw CONFIG --sweep-sigma NAME=A:B:N [--svg FILE] [--trials N] [--seed K] [--format table|json]",
        ],
        discussion: """
        Without --hw: runs the network in NET (a net.json written by pimsim train, or an ONNX \
        model whose weights are ternary or binary and whose activations are thresholds: \
        docs/onnx.md) on the test images, fed as the integers p - 128 of their pixel bytes: \
        ternary/binary layers as bit-packed dot products with popcount, the first layer \
        bit-serially over the 8 bits of its integer input, thresholds folded from batch norm as \
        comparators (docs/training.md). Reproduces exactly the test accuracy pimsim train \
        recorded in the file's metadata, and says whether it does. Also prints each weighted \
        layer's weight density and measured input density. Progress (images evaluated) goes to \
        stderr.

        With --hw: a functional simulation on the arrays pimsim run maps the network to \
        (docs/functional-sim.md): every dot product is the analogue sum of each array tile; \
        where the mapping reads it with comparators, each comparator decides against the folded \
        threshold; where it reads with ADCs, each tile's partial sum (per input bit cycle) is \
        quantised at the mapped resolution over the config's ADC range and added digitally. \
        Non-idealities come from the config's nonideality section (all off by default) and the \
        flags below, which override it. Prints the ideal arrays' accuracy (which, with ADCs of \
        lossless resolution, equals the integer evaluation), the Monte Carlo mean and standard \
        deviation over --trials (each trial draws new devices; read noise is drawn at every \
        read), and per layer the fraction of comparator decisions and ADC reads that differ \
        from an ideal array's for the same inputs. The result depends only on --seed, never on \
        --threads. Progress (images evaluated, trials) goes to stderr.

        --sweep-sigma NAME=A:B:N evaluates every NET (e.g. the five split-trained files) at N \
        values of a non-ideality from A to B (NAME: conductance, read-noise, sa-offset) and \
        tabulates the mean accuracy; --svg plots it, one line per file.

        --data DIR: MNIST IDX or CIFAR-10/100 binary files (default: the built-in MNIST subset); only \
        the test files are read.

        Progress on stderr: the evaluation time (after reading the file and the data) and images/s.
        """,
        examples: [
            ("pimsim eval lenet5-twn.json", "accuracy of a trained LeNet-5 on the built-in MNIST subset"),
            ("pimsim eval lenet5-twn.onnx", "the same network exported to ONNX from PyTorch (examples/onnx/export_lenet5.py)"),
            ("pimsim eval lenet5-twn.json --hw reram-1t1r", "the same network on 144-row ReRAM arrays (ideal devices: the same accuracy)"),
            ("pimsim eval lenet5-twn.json --hw reram-1t1r --conductance-sigma 0.1 --read-noise-sigma 0.05 --trials 5", "with device variation and read noise, 5 Monte Carlo trials"),
            ("pimsim eval lenet5-twn.json --hw reram-1t1r --array-rows 1024 --sa-offset-sigma 20 --format json", "conv2 and fc1 read by comparators, with offsets"),
            ("pimsim eval lenet5-twn.json r20-72.json --hw reram-1t1r --sweep-sigma sa-offset=0:3:4 --trials 2 --test-limit 200 --svg acc.svg",
             "accuracy against comparator offset, one line per network"),
        ],
        options: [
            OptionSpec("--data", value: "DIR", help: "Data folder (default: built-in examples/data/mnist5k)."),
            OptionSpec("--threads", value: "N", help: "Threads (default 2; the result does not depend on it)."),
            OptionSpec("--test-limit", value: "N", help: "Use only the first N test images."),
            HardwareArguments.hw,
            HardwareArguments.arrayRows,
            OptionSpec("--conductance-sigma", value: "S", help: "Lognormal device-to-device conductance variation, sigma of ln G (fixed per trial)."),
            OptionSpec("--read-noise-sigma", value: "S", help: "Cycle-to-cycle read noise, relative sigma of each cell's current."),
            OptionSpec("--stuck-at", value: "P0,P1", help: "Fractions of cells stuck at the low / high conductance."),
            OptionSpec("--sa-offset-sigma", value: "S", help: "Comparator input offset sigma, in unit-cell currents (fixed per trial)."),
            OptionSpec("--adc-bits", value: "B", help: "ADC resolution of every ADC layer (default: as mapped)."),
            OptionSpec("--trials", value: "N", help: "Monte Carlo trials (default \(HardwareEvaluation.defaultTrials))."),
            OptionSpec("--seed", value: "K", help: "Seed of the trials' random devices and noise (default 1)."),
            OptionSpec("--sweep-sigma", value: "NAME=A:B:N", help: "Sweep a non-ideality (conductance, read-noise, sa-offset) over N values from A to B."),
            OptionSpec("--svg", value: "FILE", help: "With --sweep-sigma: write an SVG chart of accuracy against the non-ideality."),
            OutputArguments.format(["table", "json"]),
            OutputArguments.outputFile,
        ],
        positionals: ["NET..."], requiredPositionals: 1
    ) { args, io in
        if args.value(HardwareArguments.hw.name) != nil { return try HardwareEvaluation.run(args, io: io) }
        if let flag = HardwareEvaluation.flags.sorted().first(where: { args.value($0) != nil }) {
            throw UsageError(command: "eval", message: "\(flag) needs --hw CONFIG (it describes the simulated arrays)")
        }
        guard args.positionals.count == 1 else {
            throw UsageError(command: "eval", message: "several networks need --hw CONFIG and --sweep-sigma")
        }
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
