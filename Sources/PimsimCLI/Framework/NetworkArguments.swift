import Foundation
import PimsimCore
import PimsimSim

/// The NET argument and the flags that adapt a zoo network, shared by every command that takes a
/// network.
enum NetworkArguments {
    static let options: [OptionSpec] = [
        OptionSpec("--input", value: "CxHxW", help: "Input shape for a zoo network (e.g. 1x28x28 for MNIST)."),
        OptionSpec("--classes", value: "N", help: "Number of classes for a zoo network."),
        .flag("--binary", help: "Build the zoo network's XNOR-Net variant (binary weights and inputs)."),
    ]

    /// `--precision W/A` for commands that cost a network at another precision (`load` applies it).
    static let precision = OptionSpec("--precision", value: "W/A", help: "Override every weighted layer's precision, e.g. 16/16 or ternary/ternary.")

    /// Loads the network named by positional `index` (or `fallback` when absent), at the
    /// precision `--precision` gives if the command has that flag. For an ONNX file, a one-line
    /// summary of the import (and any notes) goes to standard error unless the command fails.
    static func load(_ args: ParsedArguments, io: CommandIO, positional index: Int = 0, fallback: String? = nil) throws -> Graph {
        try loadWithReport(args, io: io, positional: index, fallback: fallback).graph
    }

    /// `load`, also returning the ONNX import report when NET is an ONNX file.
    /// `summary: false` leaves the one-line summary to the caller (convert prints the full report).
    static func loadWithReport(_ args: ParsedArguments, io: CommandIO, positional index: Int = 0, fallback: String? = nil,
                               summary: Bool = true) throws -> (graph: Graph, onnx: ONNXImport?) {
        let (graph, onnx) = try loadAsGiven(args, positional: index, fallback: fallback)
        if let onnx, let file = args.positional(index) {
            if summary {
                io.note(onnx.summary(file: file))
                for note in onnx.notes { io.note("note: \(file): \(note)") }
            }
        }
        return (try applyPrecision(graph, args, file: args.positional(index) ?? fallback), onnx)
    }

    static func applyPrecision(_ graph: Graph, _ args: ParsedArguments, file: String?) throws -> Graph {
        guard let spec = args.value(precision.name) else { return graph }
        let layerPrecision = try LayerPrecision(spec: spec)
        do {
            return try graph.withPrecision(layerPrecision)
        } catch let error as InputError {
            // e.g. trained ternary weights cannot be costed as int16: name the file and the flag.
            throw InputError(file: file, location: "\(precision.name) \(spec)", expected: error.expected, found: error.found)
        }
    }

    static func loadAsGiven(_ args: ParsedArguments, positional index: Int, fallback: String?) throws -> (Graph, ONNXImport?) {
        guard let name = args.positional(index) ?? fallback else {
            throw UsageError(command: args.command, message: "missing argument NET")
        }
        let input = try args.value("--input").map { try TensorShape(spec: $0) }
        let classes = try args.int("--classes")
        let adapted = input != nil || classes != nil || args.flag("--binary")
        if ModelZoo.names.contains(name) {
            do {
                return (try ModelZoo.network(named: name, input: input, classes: classes, binary: args.flag("--binary")), nil)
            } catch let error as InputError {
                // e.g. --input too small for a kernel: name the network and the flag, not just a JSON path.
                throw error.inFile(([name] + ["--input", "--classes"].compactMap { flag in args.value(flag).map { "\(flag) \($0)" } }).joined(separator: " "))
            }
        }
        if adapted {
            throw InputError(location: "--input/--classes/--binary", expected: "a zoo network name (these flags adapt built-in networks)", found: "\"\(name)\"")
        }
        return try NetworkLoader.loadWithReport(name)
    }
}

/// `--hw CONFIG` and `--array-rows R`, shared by the commands that map a network onto arrays.
enum HardwareArguments {
    static let hw = OptionSpec("--hw", value: "CONFIG", help: "Hardware config name or .json path (default \(HardwareConfig.defaultName)).")
    static let arrayRows = OptionSpec("--array-rows", value: "R", help: "Override the config's array rows.")

    /// The config `--hw` names (default `HardwareConfig.defaultName`) with `settings` (`--set`:
    /// published values, as the file gives them) and then `--array-rows` applied.
    static func config(_ args: ParsedArguments, settings: [(path: String, value: String)] = []) throws -> HardwareConfig {
        var config = try ConfigArguments.apply(settings, to: try HardwareConfig.load(args.value(hw.name) ?? HardwareConfig.defaultName))
        if let rows = try args.int(arrayRows.name) {
            guard rows <= HardwareConfig.maximumCount else {
                throw InputError(location: arrayRows.name, expected: "an integer from 1 to \(HardwareConfig.maximumCount)", found: "\"\(rows)\"")
            }
            config.rows = Constant(Double(rows), unit: "rows", source: arrayRows.name)
        }
        return config
    }
}

/// seed 000's labels for the split configurations of one network. A trained network is trained
/// split and costed as it is (split `none`): it is labelled by the split it was trained with,
/// which `pimsim train` records in its metadata (`notes.split`), not "No Split".
struct SplitLabels {
    /// The split the network was trained with, if it is trained and not `none`.
    let trained: SplitSpec?

    init(_ graph: Graph) {
        if graph.hasTrainedData, let text = graph.metadata.notes["split"], let specs = try? SplitSpec.parseList(text),
           specs.count == 1, specs[0] != .none {
            trained = specs[0]
        } else {
            trained = nil
        }
    }

    func callAsFunction(_ spec: SplitSpec) -> String {
        if spec == .none, let trained { return "\(trained.paperLabel) (trained)" }
        return spec.paperLabel
    }
}

/// Warnings shared by the commands that split a network.
enum SplitWarnings {
    /// Warns on stderr about `N:S` rules that select no layer of `graph` (they change nothing).
    static func warnAboutUnusedRules(_ graph: Graph, specs: [SplitSpec], io: CommandIO) {
        for spec in specs {
            for rule in NetworkSplitter.unusedRules(in: graph, spec: spec) {
                io.progress("warning: split \(spec): no layer of \(graph.name) has \(rule.connections) connections, so \(rule.connections):\(rule.splitSize) changes nothing")
            }
        }
    }
}

/// Output format flags.
enum OutputArguments {
    static func format(_ choices: [String]) -> OptionSpec {
        OptionSpec("--format", value: choices.joined(separator: "|"), help: "Output format (default \(choices[0])).")
    }

    static let outputFile = OptionSpec("--output", short: "-o", value: "FILE", help: "Write the result to FILE instead of standard output.")
}

/// A guard before work whose memory grows with the network: an estimate of the bytes the
/// activations take, against the machine's memory, so that a huge (but valid) network or image
/// size is a one-line error instead of an allocation failure or the kernel's OOM kill.
enum MemoryEstimate {
    /// Float32 bytes for `images` images held at once: every node's output (training keeps them
    /// all for the backward pass) plus each weighted layer's im2col patches (positions x
    /// connections), counted in Double so no size overflows.
    static func activationBytes(_ graph: Graph, images: Int, allNodes: Bool) -> Double {
        let tensors = graph.shapes.map { Double($0.count) }
        let patches = graph.weightedLayers.map { Double($0.positions) * Double($0.connections) }
        let held = allNodes ? tensors.reduce(0, +) : 2 * (tensors.max() ?? 0)
        return Double(images) * (held + (patches.max() ?? 0)) * 4
    }

    /// Throws unless `bytes` fit in the machine's physical memory.
    static func requireFits(_ bytes: Double, what: String, location: String) throws {
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard bytes <= available else {
            throw InputError(location: location, expected: "\(what) that fits in memory (\(gigabytes(available)) GB here)",
                             found: "about \(gigabytes(bytes)) GB of activations")
        }
    }

    static func gigabytes(_ bytes: Double) -> String { String(format: bytes >= 1e13 ? "%.2g" : "%.1f", bytes / 1e9) }
}
