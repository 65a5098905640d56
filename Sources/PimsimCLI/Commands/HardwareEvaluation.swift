import Foundation
import PimsimCore
import PimsimFunctional
import PimsimReports
import PimsimSim
import PimsimTrain

/// `pimsim eval NET --hw CONFIG`: the functional simulation on the mapped arrays, one network
/// with Monte Carlo trials or several swept over a non-ideality (docs/functional-sim.md).
enum HardwareEvaluation {
    static let defaultTrials = 5

    /// Flags that only mean something with --hw.
    static let flags: Set<String> = ["--array-rows", "--conductance-sigma", "--read-noise-sigma", "--stuck-at", "--sa-offset-sigma",
                                     "--adc-bits", "--trials", "--seed", "--sweep-sigma", "--svg", "--format", "--output"]

    static func run(_ args: ParsedArguments, io: CommandIO) throws {
        let config = try HardwareArguments.config(args)
        let (model, sources) = try model(args, config: config)
        let trials = try args.int("--trials") ?? defaultTrials
        let seed = UInt64(try args.int("--seed", min: 0) ?? 1)
        let format = try args.choice("--format", ["table", "json"], default: "table")
        let threads = try args.int("--threads") ?? 2
        let sweep = try args.value("--sweep-sigma").map(SigmaSweep.init)
        if sweep == nil {
            if args.value("--svg") != nil { throw UsageError(command: "eval", message: "--svg needs --sweep-sigma (it plots the sweep)") }
            if args.positionals.count > 1 { throw UsageError(command: "eval", message: "several networks need --sweep-sigma") }
        }
        let dataset = try DataArguments.load(args, includeTraining: false)
        let setting = Setting(config: config, model: model, sources: sources, trials: trials, seed: seed, dataset: dataset, threads: threads,
                              limited: args.value("--test-limit") != nil)
        if let sweep {
            let curves = try args.positionals.indices.map { index in
                try sweepCurve(NetworkArguments.load(args, io: io, positional: index), path: args.positionals[index], sweep: sweep, setting: setting, io: io)
            }
            let text = format == "json" ? JSONWriter.write(sweepJSON(curves, sweep: sweep, setting: setting)) : sweepTable(curves, sweep: sweep, setting: setting)
            try io.emit(text, to: args.value("--output"))
            if let svg = args.value("--svg") { try io.emit(sweepChart(curves, sweep: sweep, setting: setting).render(), to: svg, flag: "--svg") }
            return
        }
        let path = args.positional(0)!
        let graph = try NetworkArguments.load(args, io: io)
        try requireMemory(graph, threads: threads, path: path)
        let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: dataset.shape, classes: dataset.classes, file: path)
        let result = try evaluator.evaluate(model: model, trials: trials, seed: seed, images: dataset.testImages, labels: dataset.testLabels,
                                            workers: threads) { t, r in
            io.progress("eval: \(t.map { "trial \($0 + 1)/\(trials)" } ?? "ideal arrays"): accuracy \(TrainCommand.percent(r.accuracy))")
        }
        let text = format == "json" ? JSONWriter.write(json(result, graph: graph, path: path, setting: setting))
            : table(result, graph: graph, setting: setting)
        try io.emit(text, to: args.value("--output"))
    }

    /// Fails early, naming the file, when a chunk of images per thread would not fit in memory.
    static func requireMemory(_ graph: Graph, threads: Int, path: String) throws {
        try MemoryEstimate.requireFits(MemoryEstimate.activationBytes(graph, images: HardwareEvaluator.defaultChunk * threads, allNodes: true),
                                       what: "a network whose simulation (\(HardwareEvaluator.defaultChunk) images per thread)", location: path)
    }

    /// What every evaluation of one command line shares.
    struct Setting {
        let config: HardwareConfig
        let model: CrossbarModel
        /// Where each non-ideality's value came from ("config" or the flag).
        let sources: [String: String]
        let trials: Int
        let seed: UInt64
        let dataset: Dataset
        let threads: Int
        /// --test-limit: not the whole test set.
        let limited: Bool

        var header: String {
            "\(config.name) (\(config.arrayRows) x \(config.arrayColumns) arrays, \(config.inputEncoding.rawValue) inputs), "
                + "\(dataset.name): \(dataset.testCount) test images, \(trials) trial\(trials == 1 ? "" : "s"), seed \(seed)"
        }

        var nonidealities: String {
            let m = model
            func s(_ key: String) -> String { sources[key].map { " (\($0))" } ?? "" }
            var parts = ["conductance sigma \(short(m.conductanceSigma))\(s("conductance"))",
                         "read noise sigma \(short(m.readNoiseSigma))\(s("read-noise"))",
                         "stuck at low/high \(short(m.stuckAtLow))/\(short(m.stuckAtHigh))\(s("stuck-at"))",
                         "comparator offset sigma \(short(m.senseAmpOffsetSigma)) unit currents\(s("sa-offset"))"]
            parts.append(m.adcBits.map { "ADCs of \($0) bits (--adc-bits)" } ?? "ADCs as mapped")
            if m.adcRange != 1 { parts.append("ADC range \(short(m.adcRange)) of the largest partial sum (config)") }
            return "non-idealities: " + parts.joined(separator: ", ")
        }
    }

    /// The config's model with the command line's overrides, and where each value came from.
    static func model(_ args: ParsedArguments, config: HardwareConfig) throws -> (CrossbarModel, [String: String]) {
        var model = CrossbarModel(config: config)
        var sources: [String: String] = [:]
        if config.nonideality != nil { for key in ["conductance", "read-noise", "stuck-at", "sa-offset"] { sources[key] = "config" } }
        if let v = try args.nonNegativeDouble("--conductance-sigma") { model.conductanceSigma = v; sources["conductance"] = "--conductance-sigma" }
        if let v = try args.nonNegativeDouble("--read-noise-sigma") { model.readNoiseSigma = v; sources["read-noise"] = "--read-noise-sigma" }
        if let v = try args.nonNegativeDouble("--sa-offset-sigma") { model.senseAmpOffsetSigma = v; sources["sa-offset"] = "--sa-offset-sigma" }
        if let text = args.value("--stuck-at") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard parts.count == 2, let p0 = parts[0], let p1 = parts[1], p0 >= 0, p1 >= 0, p0 + p1 <= 1 else {
                throw InputError(location: "--stuck-at", expected: "two fractions P0,P1 >= 0 with P0 + P1 <= 1 (e.g. 0.01,0.002)", found: "\"\(text)\"")
            }
            (model.stuckAtLow, model.stuckAtHigh) = (p0, p1)
            sources["stuck-at"] = "--stuck-at"
        }
        model.adcBits = try args.int("--adc-bits", min: 2)
        return (model, sources)
    }

    // MARK: pimsim run

    /// A trained network's accuracy on the ideal arrays of a mapping.
    struct IdealAccuracy {
        let accuracy: Double
        let images: Int
        let dataset: String

        var line: String {
            "accuracy on the ideal hardware (simulated, pimsim eval --hw): \(TrainCommand.percent(accuracy)) on \(dataset) (\(NumberFormat.grouped(images)) test images)"
        }
    }

    /// For `pimsim run`: the accuracy of a trained `graph` on `config`'s ideal arrays, on
    /// `--data` or, when the network was trained on it, the built-in MNIST subset; nil (with a
    /// note on stderr) for a shape-only network or when no test data is at hand.
    static func idealAccuracy(_ graph: Graph, file: String?, config: HardwareConfig, args: ParsedArguments, io: CommandIO) throws -> IdealAccuracy? {
        guard graph.hasTrainedData, graph.weightedLayers.allSatisfy({ graph.nodes[$0.nodeIndex].data.weights != nil }) else { return nil }
        let builtIn = (DataArguments.builtIn as NSString).lastPathComponent
        guard args.value("--data") != nil || graph.metadata.dataset == builtIn else {
            io.progress("note: accuracy on the hardware not simulated: \(graph.name) was trained on \(graph.metadata.dataset ?? "unknown data"); give its test data with --data DIR")
            return nil
        }
        let dataset = try DataArguments.load(args, includeTraining: false)
        let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: dataset.shape, classes: dataset.classes, file: file)
        let progress = PhaseProgress("run: accuracy of \(graph.name) on ideal \(config.name) arrays", unit: "test images", io: io)
        let result = try evaluator.run(model: CrossbarModel(config: config).ideal, trial: 0, seed: 1, images: dataset.testImages,
                                       labels: dataset.testLabels, progress: progress.report)
        return IdealAccuracy(accuracy: result.accuracy, images: dataset.testCount, dataset: dataset.name)
    }

    // MARK: one network

    static func percent(_ fraction: Double) -> String { NumberFormat.fixed(fraction * 100, 2) }

    /// A non-ideality's value as given: the shortest form (0.05, 1, 1e-05).
    static func short(_ value: Double) -> String { String(format: "%g", value) }

    static func table(_ r: MonteCarloResult, graph: Graph, setting: Setting) -> String {
        var table = TextTable(headers: ["layer", "read-out", "arrays", "simulated", "comparator decisions differing %", "ADC reads differing %"])
        table.alignments[1] = .left
        table.alignments[3] = .left
        for (layer, counts) in zip(r.layers, r.counts) {
            table.append([layer.name, readout(layer.readout.adcBits, sense: layer.readout.kind == "sense_amp"), NumberFormat.grouped(layer.arrays),
                          readout(layer.simulatedADCBits ?? 0, sense: layer.simulatedADCBits == nil),
                          counts.decisions > 0 ? fraction(counts.differingDecisions, counts.decisions) : "-",
                          counts.reads > 0 ? fraction(counts.differingReads, counts.reads) : "-"])
        }
        var out = "\(graph.name) on \(setting.header)\n\(setting.nonidealities)\n\n" + table.render()
        out += "accuracy on ideal arrays \(TrainCommand.percent(r.accuracy)) (\(r.ideal.correct)/\(r.ideal.total))"
        if let recorded = graph.metadata.testAccuracy, graph.metadata.dataset == setting.dataset.name, !setting.limited {
            out += "; recorded by pimsim train (integer evaluation) \(TrainCommand.percent(recorded))"
        }
        out += "\nMonte Carlo over \(r.trials.count) trial\(r.trials.count == 1 ? "" : "s"): mean \(TrainCommand.percent(r.accuracyMean)), "
        out += "std \(NumberFormat.fixed(r.accuracyStd * 100, 2)) points; per trial " + r.accuracies.map(percent).joined(separator: " ") + "\n"
        return out
    }

    static func readout(_ bits: Int, sense: Bool) -> String { sense ? "sense_amp" : "adc \(bits)b" }

    static func fraction(_ part: Int, _ whole: Int) -> String { NumberFormat.significant(100 * Double(part) / Double(whole), 3) }

    static func modelJSON(_ m: CrossbarModel) -> JSONValue {
        .object([
            ("conductance_sigma", .number(m.conductanceSigma)), ("read_noise_sigma", .number(m.readNoiseSigma)),
            ("stuck_at_low", .number(m.stuckAtLow)), ("stuck_at_high", .number(m.stuckAtHigh)),
            ("sa_offset_sigma_unit_currents", .number(m.senseAmpOffsetSigma)), ("adc_bits", m.adcBits.map(JSONValue.int) ?? .null),
            ("adc_range", .number(m.adcRange)), ("off_conductance", m.offConductance.map(JSONValue.number) ?? .null),
        ])
    }

    static func json(_ r: MonteCarloResult, graph: Graph, path: String, setting: Setting) -> JSONValue {
        .object([
            ("network", .string(graph.name)), ("file", .string(path)), ("hardware", .string(setting.config.name)),
            ("array_rows", .int(setting.config.arrayRows)), ("dataset", .string(setting.dataset.name)),
            ("images", .int(setting.dataset.testCount)), ("seed", .number(Double(setting.seed))),
            ("nonideality", modelJSON(setting.model)),
            ("accuracy", .number(r.accuracy)), ("accuracy_mean", .number(r.accuracyMean)), ("accuracy_std", .number(r.accuracyStd)),
            ("trials", .numbers(r.accuracies)),
            ("layers", .array(zip(r.layers, r.counts).map { layer, counts in
                .object([
                    ("name", .string(layer.name)), ("readout", .string(layer.readout.kind)),
                    ("mapped_adc_bits", layer.readout.kind == "adc" ? .int(layer.readout.adcBits) : .null),
                    ("simulated_adc_bits", layer.simulatedADCBits.map(JSONValue.int) ?? .null), ("arrays", .int(layer.arrays)),
                    ("comparator_decisions_differing", counts.decisions > 0 ? .number(Double(counts.differingDecisions) / Double(counts.decisions)) : .null),
                    ("adc_codes_differing", counts.reads > 0 ? .number(Double(counts.differingReads) / Double(counts.reads)) : .null),
                ])
            })),
        ])
    }

    // MARK: sweeps

    /// `--sweep-sigma NAME=A:B:N`: N evenly spaced values of one non-ideality from A to B.
    struct SigmaSweep {
        enum Parameter: String, CaseIterable { case conductance, readNoise = "read-noise", saOffset = "sa-offset" }
        let parameter: Parameter
        let values: [Double]

        init(_ text: String) throws {
            let expected = "NAME=A:B:N with NAME one of \(Parameter.allCases.map(\.rawValue).joined(separator: ", ")), 0 <= A <= B and N >= 2 values (e.g. conductance=0:0.3:7)"
            let sides = text.split(separator: "=", omittingEmptySubsequences: false)
            guard sides.count == 2, let parameter = Parameter(rawValue: String(sides[0])) else {
                throw InputError(location: "--sweep-sigma", expected: expected, found: "\"\(text)\"")
            }
            let range = sides[1].split(separator: ":", omittingEmptySubsequences: false)
            guard range.count == 3, let a = Double(range[0]), let b = Double(range[1]), let n = Int(range[2]),
                  a.isFinite, b.isFinite, a >= 0, b >= a, n >= 2 else {
                throw InputError(location: "--sweep-sigma", expected: expected, found: "\"\(text)\"")
            }
            self.parameter = parameter
            values = (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
        }

        /// `model` with the swept non-ideality at `value`.
        func model(_ model: CrossbarModel, _ value: Double) -> CrossbarModel {
            var m = model
            switch parameter {
            case .conductance: m.conductanceSigma = value
            case .readNoise: m.readNoiseSigma = value
            case .saOffset: m.senseAmpOffsetSigma = value
            }
            return m
        }

        var label: String {
            switch parameter {
            case .conductance: return "conductance sigma (sigma of ln G)"
            case .readNoise: return "read noise sigma (relative)"
            case .saOffset: return "comparator offset sigma (unit-cell currents)"
            }
        }
    }

    /// One network's accuracies along a sweep.
    struct Curve {
        let path: String
        let label: String
        let result: [MonteCarloResult]
    }

    static func sweepCurve(_ graph: Graph, path: String, sweep: SigmaSweep, setting: Setting, io: CommandIO) throws -> Curve {
        try requireMemory(graph, threads: setting.threads, path: path)
        let evaluator = try HardwareEvaluator(graph: graph, config: setting.config, shape: setting.dataset.shape, classes: setting.dataset.classes, file: path)
        let label = graph.metadata.notes["split"].map { "split \($0)" } ?? (path as NSString).lastPathComponent
        var ideal: TrialResult?
        var results: [MonteCarloResult] = []
        for value in sweep.values {
            let r = try evaluator.evaluate(model: sweep.model(setting.model, value), trials: setting.trials, seed: setting.seed,
                                           images: setting.dataset.testImages, labels: setting.dataset.testLabels, workers: setting.threads, ideal: ideal)
            ideal = r.ideal
            results.append(r)
            io.progress("eval: \(path): \(sweep.parameter.rawValue) \(short(value)): mean accuracy \(TrainCommand.percent(r.accuracyMean))")
        }
        return Curve(path: path, label: label, result: results)
    }

    static func sweepTable(_ curves: [Curve], sweep: SigmaSweep, setting: Setting) -> String {
        var table = TextTable(headers: [sweep.parameter.rawValue] + curves.map { "\($0.label) %" })
        for (i, value) in sweep.values.enumerated() {
            table.append([short(value)] + curves.map { c in
                let r = c.result[i]
                return percent(r.accuracyMean) + (r.trials.count > 1 ? " ± " + NumberFormat.fixed(r.accuracyStd * 100, 2) : "")
            })
        }
        var out = "accuracy (mean ± std over trials) against \(sweep.label), on \(setting.header)\n\(setting.nonidealities) (swept: \(sweep.parameter.rawValue))\n\n"
        out += table.render()
        out += "ideal arrays: " + curves.map { "\($0.label) \(TrainCommand.percent($0.result[0].accuracy))" }.joined(separator: ", ") + "\n"
        return out
    }

    static func sweepJSON(_ curves: [Curve], sweep: SigmaSweep, setting: Setting) -> JSONValue {
        .object([
            ("parameter", .string(sweep.parameter.rawValue)), ("values", .numbers(sweep.values)),
            ("hardware", .string(setting.config.name)), ("array_rows", .int(setting.config.arrayRows)),
            ("dataset", .string(setting.dataset.name)), ("images", .int(setting.dataset.testCount)), ("seed", .number(Double(setting.seed))),
            ("nonideality", modelJSON(setting.model)),
            ("networks", .array(curves.map { c in
                .object([
                    ("file", .string(c.path)), ("label", .string(c.label)), ("accuracy", .number(c.result[0].accuracy)),
                    ("points", .array(zip(sweep.values, c.result).map { value, r in
                        .object([("value", .number(value)), ("accuracy_mean", .number(r.accuracyMean)), ("accuracy_std", .number(r.accuracyStd)),
                                 ("trials", .numbers(r.accuracies))])
                    })),
                ])
            })),
        ])
    }

    static func sweepChart(_ curves: [Curve], sweep: SigmaSweep, setting: Setting) -> SVGChart {
        SVGChart(title: "Accuracy on \(setting.config.name) against \(sweep.parameter.rawValue) (\(setting.dataset.name), \(setting.trials) trials)",
                 kind: .lines(x: sweep.values, logX: false), xLabel: sweep.label, yLabel: "mean test accuracy (%)",
                 series: curves.map { SVGChart.Series(name: $0.label, values: $0.result.map { $0.accuracyMean * 100 }) })
    }
}
