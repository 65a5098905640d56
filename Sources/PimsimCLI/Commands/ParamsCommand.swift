import PimsimCore
import PimsimReports

/// `pimsim params`: parameters and weight memory per layer, per split configuration.
enum ParamsCommand {
    static let formats = ["table", "json", "csv"]

    static let spec = CommandSpec(
        name: "params",
        summary: "Parameters, connections and weight memory per layer, for one or more split configurations.",
        usage: ["pimsim params NET [--split SPEC[,SPEC...]] [--array-rows R] [--format table|json|csv] [-o FILE]"],
        discussion: """
        Splits NET as each SPEC says (seed 000, Algorithm 1) and counts, per layer, its groups, \
        connections per output (k*k*Cin/groups), parameters (weights + bias; batch norm gamma + \
        beta) and weight memory at the layer's weight precision (2 bits per ternary weight) and as \
        float32. Memory saving is the unsplit network's parameters over the split network's, as in \
        seed 000's table. With one SPEC the report is per layer; with several, one row per \
        configuration.

        Group thresholds: each split layer's group activation compares every output channel of \
        its grouped convolution with its own thresholds (2 per channel for ternary, 1 for sign), \
        folded from the batch norm pimsim train puts before it. They are per-channel constants, \
        not weights: counted apart and not in the parameter total (docs/training.md).

        SPEC: none | S | N:S[,N:S...]. S splits every layer with more than S connections so each \
        output sees at most S; N:S splits only layers with exactly N connections. Separate \
        configurations with commas (consecutive N:S rules form one configuration) or with ';'.
        """,
        examples: [
            ("pimsim params resnet20 --split 72", "ResNet-20 with every layer split to 72 connections"),
            ("pimsim params resnet20 --split none,144:72,144,72,36", "seed 000's five configurations side by side"),
            ("pimsim params resnet20 --split 72 --format json", "the same as JSON (parameters, layers)"),
            ("pimsim params resnet20 --split none,72 --format csv", "one CSV row per layer and a total row per configuration"),
        ],
        options: [
            OptionSpec("--split", value: "SPEC", help: "Split configuration(s) (default none)."),
            OptionSpec("--array-rows", value: "R", help: "Flag layers with more than R connections (default: S of a uniform split)."),
            OutputArguments.format(formats),
            OutputArguments.outputFile,
        ] + NetworkArguments.options,
        positionals: ["NET"], requiredPositionals: 1
    ) { args, io in
        let graph = try NetworkArguments.load(args, io: io)
        let specs = try SplitSpec.parseList(args.value("--split") ?? "none")
        SplitWarnings.warnAboutUnusedRules(graph, specs: specs, io: io)
        let format = try args.choice("--format", formats, default: "table")
        let arrayRows = try args.int("--array-rows")
        let unsplit = ParameterAccounting.report(for: graph)
        var reports: [(ParameterReport, NetworkSplitter.SplitOutcome)] = []
        for spec in specs {
            let outcome = try NetworkSplitter.split(graph, spec: spec)
            for (layer, reason) in outcome.unsplittable { io.progress("warning: split \(spec): layer \(layer) left whole: \(reason)") }
            reports.append((ParameterAccounting.report(for: outcome.graph, split: spec, limit: arrayRows ?? spec.uniformLimit), outcome))
        }
        let label = SplitLabels(graph)
        let text: String
        switch format {
        case "json":
            // One shape for one configuration or several (docs/outputs.md).
            text = JSONWriter.write(.object([
                ("network", .string(graph.name)), ("unsplit_parameters", .int(unsplit.parameters)),
                ("trained_split", label.trained.map { .string($0.description) } ?? .null),
                ("configurations", .array(reports.map { json($0.0, unsplit: unsplit, outcome: $0.1, label: label) })),
            ]))
        case "csv":
            text = csv(reports.map(\.0), unsplit: unsplit, label: label)
        default:
            text = reports.count == 1 ? layerTable(reports[0].0, unsplit: unsplit, label: label)
                : summaryTable(reports.map(\.0), unsplit: unsplit, label: label)
        }
        try io.emit(text, to: args.value("--output"))
    }

    static func saving(_ report: ParameterReport, _ unsplit: ParameterReport) -> Double {
        Double(unsplit.parameters) / Double(report.parameters)
    }

    static func json(_ r: ParameterReport, unsplit: ParameterReport, outcome: NetworkSplitter.SplitOutcome, label: SplitLabels) -> JSONValue {
        .object([
            ("split", .string(r.split.description)),
            ("split_label", .string(label(r.split))),
            ("parameters", .int(r.parameters)),
            ("parameters_x", .number(Double(r.parameters) / Double(unsplit.parameters))),
            ("reduction", .int(unsplit.parameters - r.parameters)),
            ("memory_saving", .number(saving(r, unsplit))),
            ("group_threshold_constants", .int(r.groupThresholdConstants)),
            ("group_thresholds", .array(r.groupThresholds.map { .object([("name", .string($0.name)), ("channels", .int($0.channels)), ("constants", .int($0.constants))]) })),
            ("weight_bits", .int(r.weightBits)),
            ("float32_weight_bits", .int(r.float32WeightBits)),
            ("connection_limit", r.limit.map(JSONValue.int) ?? .null),
            ("exceeding", .array(r.exceeding.map { .string($0.name) })),
            ("unsplittable", .array(outcome.unsplittable.map { .object([("layer", .string($0.layer)), ("reason", .string($0.reason))]) })),
            ("layers", .array(r.layers.map { l in
                .object([
                    ("name", .string(l.name)), ("op", .string(l.op)), ("output_shape", .ints(l.outputShape.array)),
                    ("groups", l.groups.map(JSONValue.int) ?? .null), ("connections", l.connections.map(JSONValue.int) ?? .null),
                    ("parameters", .int(l.parameters)), ("weights", .int(l.weights)), ("weight_bits", .int(l.weightBits)),
                    ("float32_weight_bits", .int(l.float32WeightBits)), ("exceeds_limit", l.exceedsLimit.map(JSONValue.bool) ?? .null),
                ])
            })),
        ])
    }

    /// The CSV columns, in order; `row_kind` tells layer rows from each configuration's total row.
    static let csvColumns = ["network", "split", "split_label", "row_kind", "layer", "op", "output_shape", "groups", "connections",
                             "parameters", "weights", "weight_bits", "float32_weight_bits", "exceeds_limit", "unsplit_parameters",
                             "memory_saving"]

    /// One row per layer with parameters and one `total` row per configuration. Cells are empty
    /// only where the quantity does not exist: a batch norm's groups and connections, a layer's
    /// limit check without a limit, a total's layer fields, a layer's unsplit parameters and saving.
    static func csv(_ reports: [ParameterReport], unsplit: ParameterReport, label: SplitLabels) -> String {
        var csv = CSVWriter(headers: csvColumns)
        for r in reports {
            let prefix = [r.network, r.split.description, label(r.split)]
            for l in r.layers {
                csv.append(prefix + ["layer", l.name, l.op, "\(l.outputShape)", l.groups.map(String.init) ?? "",
                                     l.connections.map(String.init) ?? "", "\(l.parameters)", "\(l.weights)", "\(l.weightBits)",
                                     "\(l.float32WeightBits)", l.exceedsLimit.map(String.init) ?? "", "", ""])
            }
            csv.append(prefix + ["total", "", "", "", "", "", "\(r.parameters)", "\(r.layers.reduce(0) { $0 + $1.weights })",
                                 "\(r.weightBits)", "\(r.float32WeightBits)", r.limit == nil ? "" : "\(!r.exceeding.isEmpty)",
                                 "\(unsplit.parameters)", "\(saving(r, unsplit))"])
        }
        return csv.render()
    }

    static func layerTable(_ r: ParameterReport, unsplit: ParameterReport, label: SplitLabels) -> String {
        var headers = ["layer", "op", "output", "groups", "connections", "parameters", "weight bits", "float32 bits"]
        if r.limit != nil { headers.append("> \(r.limit!)") }
        var table = TextTable(headers: headers)
        table.alignments[1] = .left
        let batchNorms = r.layers.filter { $0.connections == nil }
        for l in r.layers where l.connections != nil {
            var row = [l.name, l.op, "\(l.outputShape)", "\(l.groups!)", "\(l.connections!)", NumberFormat.grouped(l.parameters),
                       NumberFormat.grouped(l.weightBits), NumberFormat.grouped(l.float32WeightBits)]
            if r.limit != nil { row.append(l.exceedsLimit == true ? "exceeds" : "") }
            table.append(row)
        }
        var out = "\(r.network), split \(r.split) (\(label(r.split)))\n\n" + table.render()
        out += "batch norm: \(batchNorms.count) layers, \(NumberFormat.grouped(batchNorms.reduce(0) { $0 + $1.parameters })) parameters (gamma, beta)\n"
        if !r.groupThresholds.isEmpty {
            out += "group thresholds: \(r.groupThresholds.count) group activations, \(NumberFormat.grouped(r.groupThresholdConstants)) per-channel constants (not in the total)\n"
        }
        out += "total: \(NumberFormat.grouped(r.parameters)) parameters; weight memory \(NumberFormat.grouped(r.weightBits)) bits "
        out += "(\(NumberFormat.grouped(r.float32WeightBits)) as float32); memory saving \(NumberFormat.ratio(saving(r, unsplit))) "
        out += "against no split (\(NumberFormat.grouped(unsplit.parameters)))\n"
        if !r.exceeding.isEmpty {
            out += "still exceeding \(r.limit!) connections: " + r.exceeding.map { "\($0.name) (\($0.connections!))" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func summaryTable(_ reports: [ParameterReport], unsplit: ParameterReport, label: SplitLabels) -> String {
        var table = TextTable(headers: ["configuration", "split", "parameters", "reduction", "memory saving", "weight bits", "group thresholds", "layers > S"])
        table.alignments[1] = .left
        for r in reports {
            table.append([label(r.split), r.split.description, NumberFormat.grouped(r.parameters),
                          NumberFormat.grouped(unsplit.parameters - r.parameters), NumberFormat.ratio(saving(r, unsplit)),
                          NumberFormat.grouped(r.weightBits), NumberFormat.grouped(r.groupThresholdConstants), r.limit == nil ? "-" : "\(r.exceeding.count)"])
        }
        return "\(reports[0].network)\n\n" + table.render()
    }
}
