import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim sweep`: evaluates the cross product hwconfig x array rows x split x read-out and
/// reports every design point, the best per metric and the energy-area Pareto front.
enum SweepCommand {
    static let defaultHardware = "reram-1t1r,sram-16t1c"
    static let defaultRows = "32:1024"
    static let formats = ["table", "csv", "json"]
    /// Sweeps with at least this many simulations report progress every tenth on stderr.
    static let progressThreshold = 1000

    static let spec = CommandSpec(
        name: "sweep",
        summary: "Sweep hwconfig x array rows x split x read-out: energy, area, latency, EDP, ADCs per design point; best points, Pareto front, CSV/JSON, SVG plot.",
        usage: ["pimsim sweep [NET] [--hw CONFIG[,CONFIG...]] [--node NM[,NM...]] [--vdd V] [--array-rows R[,R...] | --array-rows A:B] [--split SPEC[,SPEC...]] [--readout auto,adc] [--precision W/A] [--format table|csv|json] [-o FILE] [--svg FILE] [--metric energy|area|latency|edp|adcs|arrays]"],
        discussion: """
        Simulates NET (default resnet20) at every point of the cross product of the axes, in \
        that nesting order (read-out innermost), exactly as `pimsim run` would with the same \
        --hw, --array-rows and --split, one inference per point, on all cores. Read-out auto is \
        the config's own rule (comparators wherever a group's dot product fits one array, ADCs \
        elsewhere); adc forces ADCs on every layer, the conventional design. Ratios (x) compare \
        each point with the no-split ADC point of the same hwconfig and array rows. A point that \
        cannot be built (e.g. an N:S split the channels do not allow) is listed as skipped with \
        its reason on stderr and in the JSON. --node adds a technology-node axis: every hwconfig \
        is scaled to each node (named CONFIG@NODEnm; docs/cost-model.md, "Technology scaling"). Under the table: the best point per metric and the \
        Pareto front of energy against area. --svg plots --metric against array rows, one line \
        per split and read-out (dashed: adc), one file per hwconfig when there are several \
        (FILE-CONFIG.svg). See docs/sweep.md.
        """,
        examples: [
            ("pimsim sweep", "ResNet-20: 2 hwconfigs x 6 array sizes x 5 splits x 2 read-outs = 120 points"),
            ("pimsim sweep --hw reram-1t1r --metric edp --svg edp.svg", "one hwconfig, EDP plot"),
            ("pimsim sweep --array-rows 16:4096 --split none,288,144,72,36,18 --format csv -o sweep.csv", "a wider space as CSV"),
            ("pimsim sweep vgg7 --hw isaac,reram-1t1r --array-rows 128,256 --readout auto --format json", "VGG-7, chosen points, JSON"),
            ("pimsim sweep --hw reram-1t1r --node 65,45,32,22,14,7 --array-rows 144 --split none,144", "energy and area against the technology node"),
        ],
        options: [
            OptionSpec("--hw", value: "CONFIG[,CONFIG...]", help: "Hardware config names or .json paths (default \(defaultHardware))."),
            OptionSpec("--array-rows", value: "R[,R...]|A:B", help: "Array rows: a list, or A:B for the powers of two from A to B (default \(defaultRows))."),
            OptionSpec("--split", value: "SPEC[,SPEC...]", help: "Split configurations (default none,144:72,144,72,36; none for a trained net.json)."),
            OptionSpec("--readout", value: "auto,adc", help: "Read-out axis: auto (the config's rule), adc (ADCs only) or both (default auto,adc)."),
            TechnologyArguments.nodes, TechnologyArguments.vdd,
            NetworkArguments.precision,
            OptionSpec("--metric", value: SweepMetric.allCases.map(\.rawValue).joined(separator: "|"), help: "Metric the SVG plots (default energy)."),
            OptionSpec("--svg", value: "FILE", help: "Write an SVG line chart of --metric against array rows."),
            OutputArguments.format(formats),
            OutputArguments.outputFile,
        ] + NetworkArguments.options,
        positionals: ["NET"], requiredPositionals: 0
    ) { args, io in
        let graph = try NetworkArguments.load(args, io: io, fallback: "resnet20")
        let space = try designSpace(args, trained: graph.hasTrainedData)
        SplitWarnings.warnAboutUnusedRules(graph, specs: space.splits, io: io)
        let format = try args.choice("--format", formats, default: formats[0])
        let metric = SweepMetric(rawValue: try args.choice("--metric", SweepMetric.allCases.map(\.rawValue), default: SweepMetric.energy.rawValue))!
        if args.value("--metric") != nil, args.value("--svg") == nil {
            throw InputError(location: "--metric", expected: "--svg FILE (the metric is what the SVG plots)", found: "no --svg")
        }

        let start = DispatchTime.now().uptimeNanoseconds
        let showProgress = space.count >= progressThreshold
        let result = Sweep.run(graph, space: space) { done, total in
            if showProgress { io.progress("sweep: \(done)/\(total) simulations") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let report = SweepReport(network: graph.name, label: SplitLabels(graph), result: result)
        report.warnings().forEach { io.progress("sweep: \($0)") }
        io.progress("sweep: \(report.rows.count) of \(space.count) points evaluated (\(space.count - report.rows.count) skipped) in "
                    + "\(NumberFormat.significant(seconds, 3)) s, \(NumberFormat.grouped(Int(Double(space.count) / max(seconds, 1e-9)))) points/s"
                    + " on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        guard !report.rows.isEmpty else {
            throw InputError(expected: "at least one design point that can be built", found: "all \(space.count) skipped (reasons above)")
        }
        let text: String
        switch format {
        case "csv": text = report.csv()
        case "json": text = JSONWriter.write(report.json())
        default: text = report.table()
        }
        try io.emit(text, to: args.value("--output"))
        if let path = args.value("--svg") {
            for (h, config) in space.configs.enumerated() {
                let file = space.configs.count == 1 ? path : svgPath(path, hardware: config.name)
                try io.emit(report.chart(metric, hardware: h).render(), to: file, flag: "--svg")
            }
        }
    }

    /// The design space the flags describe; every bad value is an `InputError` naming its flag.
    static func designSpace(_ args: ParsedArguments, trained: Bool) throws -> DesignSpace {
        let names = try DesignSpace.uniqueItems(args.value("--hw") ?? defaultHardware, flag: "--hw", expected: "hwconfig names or .json paths separated by commas") {
            $0.isEmpty ? nil : $0
        }
        let loaded = try names.map { try HardwareConfig.load($0) }
        try DesignSpace.rejectRepeats(loaded.map(\.name), flag: "--hw")  // rows and SVG files are named by config name
        let configs = try DesignSpace.technologyAxis(loaded, nodes: try TechnologyArguments.nodeAxis(args), vddV: try args.positiveDouble("--vdd"))
        let rows = try DesignSpace.parseRows(args.value("--array-rows") ?? defaultRows)
        // A trained network is trained split, so it is costed as it is unless --split says otherwise.
        let splits = try args.value("--split").map { try SplitSpec.parseList($0) } ?? (trained ? [.none] : SplitSpec.seedConfigurations)
        try DesignSpace.rejectRepeats(splits, flag: "--split")
        let readouts = try ReadoutChoice.parseList(args.value("--readout") ?? ReadoutChoice.allCases.map(\.rawValue).joined(separator: ","))
        return DesignSpace(configs: configs, rows: rows, splits: splits, readouts: readouts)
    }

    /// `path` with `-hardware` before its extension: sweep.svg -> sweep-reram-1t1r.svg
    /// (a path without an extension gets `.svg`: sweep -> sweep-reram-1t1r.svg).
    static func svgPath(_ path: String, hardware: String) -> String {
        let ns = path as NSString
        let ext = ns.pathExtension
        return ns.deletingPathExtension + "-" + hardware + "." + (ext.isEmpty ? "svg" : ext)
    }
}
