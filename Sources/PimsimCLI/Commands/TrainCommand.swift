import Foundation
import PimsimCore
import PimsimReports
import PimsimTrain

/// `pimsim train`: trains a split ternary (or XNOR-Net, or float) network and exports net.json.
enum TrainCommand {
    static let quantChoices = WeightQuantizer.names

    static let spec = CommandSpec(
        name: "train",
        summary: "Train a zoo network (split, ternary/XNOR/float) on MNIST or CIFAR and export net.json with real weights.",
        usage: ["pimsim train --model NAME [--split SPEC] [--quant twn|stat|xnor|float|rel2|rel4] [--data DIR] [--epochs N] [--batch B] [--lr X] [--seed S] -o net.json"],
        discussion: """
        Builds zoo network NAME for the data's image shape and classes, splits it as SPEC says \
        (seed 000, Algorithm 1; the split network is what is trained), and trains it with \
        quantised weights in the forward pass: twn (seed 004: Δ = 0.7 E|W|), stat (seed 003 \
        statistical scaling: Δ = β max|W|, straight-through where |W| <= 1), xnor (XNOR-Net \
        binary weights and sign activations), float (float32 reference with ReLU), rel2/rel4 \
        (seed 003 residual expansion, exported as 2 or 4 ternary layers on the same input, summed \
        by add nodes). Ternary inputs use seed 000's \
        thresholding factor: δ = τ max|x|. Progress goes to stderr. The exported net.json holds \
        ternary weights and scales, the split in its metadata (notes.split; run, sweep and params \
        label the network by it), thresholds folded from batch norm, per-layer weight and \
        measured input densities, and the test accuracy of the exported network as computed by \
        the integer evaluator (pimsim eval reproduces it exactly). Deterministic for a given seed \
        and --threads. Formulas: docs/training.md.

        --data DIR: MNIST IDX (train-images-idx3-ubyte, ...) or CIFAR-10/100 binary files; \
        default the built-in MNIST subset examples/data/mnist5k (4,000 train / 1,000 test).
        """,
        examples: [
            ("pimsim train --model lenet5 --quant twn --epochs 15 --augment crop --pad 2 -o lenet5-twn.json", "LeNet-5 with TWN weights on the built-in MNIST subset (97-98 %)"),
            ("pimsim train --model resnet20 --split 72 --quant stat --epochs 3 --optimizer adam --lr 0.025 --batch 32 --act-threshold 0.07 --zero-gamma -o r20-72.json", "ResNet-20 split to 72, TNN (docs/training.md, section 7)"),
            ("pimsim train --model resnet20 --quant stat --data cifar-10-batches-bin --augment crop-flip -o r20.json", "CIFAR-10 with augmentation"),
        ],
        options: [
            OptionSpec("--model", value: "NAME", help: "Zoo network: " + ModelZoo.names.joined(separator: ", ") + " (required)."),
            OptionSpec("--split", value: "SPEC", help: "Split configuration: none | S | N:S[,N:S...] (default none)."),
            OptionSpec("--quant", value: "Q", help: "Weight quantiser: twn, stat, xnor, float, rel2, rel4 (default twn)."),
            OptionSpec("--data", value: "DIR", help: "Data folder (default: built-in examples/data/mnist5k)."),
            OptionSpec("--epochs", value: "N", help: "Epochs (default 10)."),
            OptionSpec("--batch", value: "B", help: "Batch size (default 128)."),
            OptionSpec("--lr", value: "X", help: "Base learning rate (default 0.1 for sgd, 0.001 for adam)."),
            OptionSpec("--seed", value: "S", help: "Random seed (default 1)."),
            OptionSpec("--optimizer", value: "O", help: "sgd (momentum 0.9) or adam (default sgd)."),
            OptionSpec("--schedule", value: "S", help: "Learning-rate schedule: cosine, step, constant (default cosine)."),
            OptionSpec("--weight-decay", value: "X", help: "Weight decay on weights (default 5e-4; 0 turns it off)."),
            OptionSpec("--beta", value: "X", help: "Statistical-scaling β for --quant stat (default 0.05)."),
            OptionSpec("--act-threshold", value: "T", help: "Thresholding factor τ of ternary inputs, δ = τ max|x| (default 0.03)."),
            OptionSpec("--group-threshold", value: "D", help: "Threshold δ of split layers' ternary group activations on their batch-normalised input (default 0.5; tau: τ max|x| as --act-threshold)."),
            OptionSpec("--zero-gamma", help: "Start every batch norm that feeds a residual add with γ = 0, so each block starts as its shortcut (Goyal et al. 2017)."),
            OptionSpec("--recalibrate", value: "N", help: "At the end of every epoch, recompute batch-norm statistics and activation thresholds from N training images with the epoch's final weights (default 4000; 0 keeps the running averages)."),
            OptionSpec("--first-last", value: "P", help: "First and last weighted layer: quantised (as --quant) or float (default quantised)."),
            OptionSpec("--layer-quant", value: "L=Q,...", help: "Per-layer quantiser overrides, e.g. conv1=float,fc=twn."),
            OptionSpec("--augment", value: "A", help: "none, crop (pad + random crop) or crop-flip (+ horizontal flip) (default none for MNIST, crop-flip for CIFAR)."),
            OptionSpec("--pad", value: "P", help: "Padding of the random crop, in pixels (default 4)."),
            OptionSpec("--threads", value: "N", help: "Worker threads, each taking a slice of every batch (default 2)."),
            OptionSpec("--train-limit", value: "N", help: "Use only the first N training images."),
            OptionSpec("--test-limit", value: "N", help: "Use only the first N test images."),
            OptionSpec("--quiet", help: "Only the end-of-epoch progress lines."),
            OutputArguments.outputFile,
        ],
        positionals: []
    ) { args, io in
        guard let model = args.value("--model") else { throw UsageError(command: "train", message: "--model NAME is required") }
        guard let output = args.value("--output") else { throw UsageError(command: "train", message: "-o net.json is required") }
        do { try TextFile.checkWritable(output) } catch var error as InputError { error.location = "-o"; throw error }  // before hours of training
        let quantName = try args.choice("--quant", quantChoices, default: "twn")
        let beta = Float(try args.positiveDouble("--beta") ?? Double(WeightQuantizer.defaultBeta))
        let statLayers = (args.value("--layer-quant") ?? "").split(separator: ",").contains { $0.hasSuffix("=stat") }
        if args.value("--beta") != nil, quantName != "stat", !statLayers {
            throw InputError(location: "--beta", expected: "--quant stat or a --layer-quant L=stat (β is statistical scaling's)", found: "--quant \(quantName)")
        }
        let quantizer = WeightQuantizer(name: quantName, beta: beta)!
        let specs = try SplitSpec.parseList(args.value("--split") ?? "none")
        guard specs.count == 1 else { throw InputError(location: "--split", expected: "one split configuration", found: "\(specs.count)") }
        let dataset = try DataArguments.load(args)
        var overrides: [String: WeightQuantizer] = [:]
        for item in (args.value("--layer-quant") ?? "").split(separator: ",") {
            let parts = item.split(separator: "=").map(String.init)
            guard parts.count == 2, let q = WeightQuantizer(name: parts[1], beta: beta) else {
                throw InputError(location: "--layer-quant", expected: "LAYER=Q with Q one of " + quantChoices.joined(separator: ", "), found: "\"\(item)\"")
            }
            overrides[parts[0]] = q
        }
        let firstLast = try args.choice("--first-last", ["quantised", "quantized", "ternary", "float"], default: "quantised")
        let plan = try NetworkPlan(model: model, input: dataset.shape, classes: dataset.classes, quantizer: quantizer, split: specs[0],
                                   floatFirstLast: firstLast == "float", overrides: overrides)
        var options = TrainingOptions()
        options.epochs = try args.int("--epochs") ?? options.epochs
        options.batchSize = try args.int("--batch") ?? options.batchSize
        options.optimizer = OptimizerKind(rawValue: try args.choice("--optimizer", OptimizerKind.allCases.map(\.rawValue), default: "sgd"))!
        options.learningRate = Float(try args.positiveDouble("--lr") ?? (options.optimizer == .adam ? 0.001 : 0.1))
        options.schedule = LearningRateSchedule(rawValue: try args.choice("--schedule", LearningRateSchedule.allCases.map(\.rawValue), default: "cosine"))!
        options.weightDecay = Float(try args.nonNegativeDouble("--weight-decay") ?? Double(options.weightDecay))
        options.thresholdingFactor = Float(try args.positiveDouble("--act-threshold") ?? Double(options.thresholdingFactor))
        if let text = args.value("--group-threshold") {
            if text == "tau" { options.groupThreshold = nil } else {
                guard let d = Float(text), d.isFinite, d >= 0 else {
                    throw InputError(location: "--group-threshold", expected: "a number >= 0 or tau", found: "\"\(text)\"")
                }
                options.groupThreshold = d
            }
        }
        options.recalibrationImages = try args.int("--recalibrate", min: 0) ?? options.recalibrationImages
        options.zeroResidualGamma = args.flag("--zero-gamma")
        options.seed = UInt64(try args.int("--seed", min: 0) ?? 1)
        options.workers = try args.int("--threads") ?? options.workers
        let augment = try args.choice("--augment", ["none", "crop", "crop-flip"], default: dataset.format == "mnist" ? "none" : "crop-flip")
        options.augmentation = ["none": .none, "crop": .crop, "crop-flip": .cifar][augment]!
        if let pad = try args.int("--pad", min: 0) {
            guard augment != "none" else {
                throw InputError(location: "--pad", expected: "--augment crop or crop-flip (the padding of the random crop)", found: "--augment none")
            }
            options.augmentation.padding = pad
        }
        let quiet = args.flag("--quiet")
        // Training keeps every node's output for the backward pass, forward and gradient.
        try MemoryEstimate.requireFits(2 * MemoryEstimate.activationBytes(plan.graph, images: options.batchSize, allNodes: true),
                                       what: "a model and batch (\(options.batchSize) images of \(dataset.shape))", location: "--model \(model)")

        io.progress("training \(plan.graph.name) split \(specs[0]) quant \(quantName) on \(dataset.name) (\(dataset.trainCount) train / \(dataset.testCount) test), \(options.epochs) epochs, batch \(options.batchSize), \(options.workers) threads")
        let trainer = Trainer(plan: plan, dataset: dataset, options: options)
        var lastReport = Date.distantPast
        trainer.train { p in
            if let test = p.testAccuracy {
                io.progress("epoch \(p.epoch)/\(p.epochs): loss \(NumberFormat.fixed(p.loss, 4)), train accuracy \(percent(p.accuracy)), float test accuracy \(percent(test)), \(NumberFormat.fixed(p.imagesPerSecond, 0)) images/s, \(duration(p.secondsLeft)) left")
            } else if !quiet, Date().timeIntervalSince(lastReport) >= 2 || p.batch == p.batches {
                lastReport = Date()
                io.progress("epoch \(p.epoch)/\(p.epochs) batch \(p.batch)/\(p.batches): loss \(NumberFormat.fixed(p.loss, 4)), accuracy \(percent(p.accuracy)), \(NumberFormat.fixed(p.imagesPerSecond, 0)) images/s, \(duration(p.secondsLeft)) left")
            }
        }
        let given = args.values.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] } + args.flags.sorted()
        let notes = ["command": (["pimsim", "train"] + given).joined(separator: " "),
                     "optimizer": "\(options.optimizer.rawValue), lr \(options.learningRate), \(options.schedule.rawValue) schedule, batch \(options.batchSize), weight decay \(options.weightDecay), \(options.workers) threads, statistics recalibrated on \(min(options.recalibrationImages, dataset.trainCount)) images",
                     "quantizer": quantName, "split": specs[0].description, "seed": "\(options.seed)", "epochs": "\(options.epochs)",
                     "thresholding_factor": "\(options.thresholdingFactor)", "group_threshold": options.groupThreshold.map { "\($0)" } ?? "tau", "float_test_accuracy": "\(trainer.floatTestAccuracy())"]
        // Export folds batch norm and packs weights, then the integer evaluator re-runs the test
        // set (tens of seconds on ResNet-20): both say so on stderr.
        io.progress("exporting \(plan.graph.name): folding batch norm into thresholds, packing ternary weights")
        let evaluation = PhaseProgress("integer evaluation of the exported network", unit: "test images", io: io)
        let (graph, result) = try trainer.exportEvaluated(notes: notes, progress: evaluation.report)
        try NetJSON.write(graph, to: output)
        io.progress("wrote \(output)")
        io.print("test accuracy \(percent(result.accuracy)) (\(result.correct)/\(result.total), integer evaluation of \(output))")
        if ChanceLevel.isNearChance(result.accuracy, classes: dataset.classes) {
            io.progress("warning: test accuracy \(percent(result.accuracy)) is within \(NumberFormat.fixed(ChanceLevel.margin * 100, 0)) points of chance (\(percent(ChanceLevel.chance(classes: dataset.classes))) for \(dataset.classes) classes): the network has not learned; train longer (--epochs) or change --lr (docs/training.md)")
        }
    }

    static func percent(_ fraction: Double) -> String { NumberFormat.fixed(fraction * 100, 2) + " %" }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// The `--data` argument shared by train and eval.
enum DataArguments {
    static let builtIn = "examples/data/mnist5k"

    /// - Parameter includeTraining: false for commands that only evaluate (see `DatasetLoader.load`).
    static func load(_ args: ParsedArguments, includeTraining: Bool = true) throws -> Dataset {
        let directory = try args.value("--data") ?? ResourceLocator.locate(builtIn)
        return try DatasetLoader.load(directory: directory, includeTraining: includeTraining).limited(train: try args.int("--train-limit"), test: try args.int("--test-limit"))
    }
}
