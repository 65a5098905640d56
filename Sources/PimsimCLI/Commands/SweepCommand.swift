import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim sweep`: evaluates the cross product of hwconfig x array rows x columns x ADC sharing
/// x any hwconfig setting (`--vary`) x split x read-out, streaming every design point to CSV or
/// JSON (or a table), with the best point per metric and the Pareto front.
enum SweepCommand {
    static let defaultHardware = "reram-1t1r,sram-16t1c"
    static let defaultRows = "32:1024"
    static let formats = ["table", "csv", "json"]
    static let defaultObjectives = "area,energy"

    static let spec = CommandSpec(
        name: "sweep",
        summary: "Sweep hwconfig x array rows x columns x ADC sharing x any hwconfig setting x split x read-out x node x supply: energy, area, latency, EDP, ADCs per design point; best points, Pareto front; CSV/JSON streamed; --shard for clusters.",
        usage: ["pimsim sweep [NET] [--hw CONFIG[,CONFIG...]] [--array-rows R[,R...]|A:B] [--columns C[,C...]|A:B] [--adc-sharing S[,S...]|A:B] "
                + "[--vary PATH=A:B:N|A:B:Nlog|v1,v2,... ...] [--set PATH=VALUE ...] [--split SPEC[,SPEC...]] [--readout auto,adc] [--node NM[,NM...]] [--vdd V[,V...]] [--precision W/A] "
                + "[--pareto OBJ,OBJ[,OBJ]] [--format table|csv|json] [-o FILE] [--shard K/N] [--svg FILE] [--metric METRIC]"],
        discussion: """
        Simulates NET (default resnet20) at every point of the cross product of the axes, one \
        inference per point, exactly as `pimsim run` would with the same --hw, --array-rows and \
        --set settings. Axes nest in this order (the last innermost): hwconfig, array rows, \
        columns, ADC sharing, --vary settings that change the mapping, split, read-out, \
        technology node, supply, --vary settings that only price it (energies, areas, static \
        powers, counts, times, hops, organisation). --node scales every config to each node \
        (at its nominal supply unless --vdd; docs/cost-model.md, "Technology scaling"). Each mapping is computed once and its constant points priced from its \
        event counts, so constant axes run at hundreds of thousands of points per second. \
        --vary PATH=A:B:N gives N values from A to B, A:B:Nlog a geometric progression, \
        v1,v2,... a list; several --vary form a cross product; paths as in --set (pimsim hw \
        show CONFIG lists them). Read-out auto is the config's rule (comparators where a \
        group's dot product fits one array); adc forces ADCs on every layer. Ratios (x) \
        compare each point with the no-split ADC point with everything else the same. A point \
        that cannot be built is skipped with its reason on stderr and in the JSON.

        CSV and JSON are written as points are evaluated (memory does not grow with the \
        sweep). --shard K/N evaluates the K-th of N equal slices of the space; `pimsim merge` \
        joins the shards into exactly the unsharded output. --pareto picks the front's two or \
        three objectives (energy, area, latency, edp, adcs, arrays; default area,energy). --svg \
        draws the front against all points (dominated ones dimmed); with --metric, the metric \
        against array rows instead, one line per split and read-out. See docs/sweep.md.
        """,
        examples: [
            ("pimsim sweep", "ResNet-20: 2 hwconfigs x 6 array sizes x 5 splits x 2 read-outs = 120 points"),
            ("pimsim sweep --hw reram-1t1r --array-rows 144 --split 144 --readout auto --vary adc.energy_pj_by_adc_bits.6=0.2:2:50 --vary sense_amp.energy_pj=0.01:0.1:50 --vary array.cycle_ns=5:50:50 --format csv -o dse.csv",
             "125,000 constant points of one design in about a second"),
            ("pimsim sweep --hw reram-1t1r --columns 64,128,256 --adc-sharing 1:16 --pareto energy,area,latency --svg front.svg --format csv -o geo.csv", "geometry axes, 3-objective front"),
            ("pimsim sweep --hw reram-1t1r --vary array.cycle_ns=1:100:400log --format csv --shard 1/2 -o part-1.csv", "the first of 2 shards (on a cluster: one per task)"),
            ("pimsim sweep --hw reram-1t1r --vary array.cycle_ns=1:100:400log --format csv --shard 2/2 -o part-2.csv", "the second; then pimsim merge part-1.csv part-2.csv -o all.csv"),
            ("pimsim sweep --hw reram-1t1r --metric edp --svg edp.svg", "EDP against array rows, one line per split and read-out"),
            ("pimsim sweep --hw reram-1t1r --node 65,45,32,22,14,7 --vdd 0.8,0.9,1 --array-rows 144 --split none,144", "energy and area against the technology node and supply"),
        ],
        options: [
            OptionSpec("--hw", value: "CONFIG[,CONFIG...]", help: "Hardware config names or .json paths (default \(defaultHardware))."),
            OptionSpec("--array-rows", value: "R[,R...]|A:B", help: "Array rows: a list, or A:B for the powers of two from A to B (default \(defaultRows))."),
            OptionSpec("--columns", value: "C[,C...]|A:B", help: "Columns per array: a list, or A:B for powers of two (default: each config's)."),
            OptionSpec("--adc-sharing", value: "S[,S...]|A:B", help: "Columns per ADC: a list, or A:B for powers of two (default: each config's)."),
            OptionSpec("--vary", value: "PATH=A:B:N|A:B:Nlog|v1,v2,...", help: "Sweep a hwconfig setting (repeatable: a cross product).", repeatable: true),
            ConfigArguments.set,
            OptionSpec("--split", value: "SPEC[,SPEC...]", help: "Split configurations (default none,144:72,144,72,36; none for a trained net.json)."),
            OptionSpec("--readout", value: "auto,adc", help: "Read-out axis: auto (the config's rule), adc (ADCs only) or both (default auto,adc)."),
            TechnologyArguments.nodes, TechnologyArguments.vdds,
            NetworkArguments.precision,
            OptionSpec("--pareto", value: "OBJ,OBJ[,OBJ]", help: "Objectives of the Pareto front: two or three of \(SweepMetric.allCases.map(\.rawValue).joined(separator: ", ")) (default \(defaultObjectives))."),
            OptionSpec("--shard", value: "K/N", help: "Evaluate only the K-th of N equal slices of the space (csv or json; join with pimsim merge)."),
            OptionSpec("--svg", value: "FILE", help: "Write an SVG scatter of the Pareto front over all points (or, with --metric, line charts against array rows)."),
            OptionSpec("--metric", value: SweepMetric.allCases.map(\.rawValue).joined(separator: "|"), help: "With --svg: plot this metric against array rows instead."),
            OutputArguments.format(formats),
            OutputArguments.outputFile,
        ] + SweepAccuracy.options + NetworkArguments.options,
        positionals: ["NET"], requiredPositionals: 0
    ) { args, io in
        try run(args, io: io)
    }

    static func run(_ args: ParsedArguments, io: CommandIO) throws {
        let graph = try NetworkArguments.load(args, io: io, fallback: "resnet20")
        let format = try args.choice("--format", formats, default: formats[0])
        let objectives = try parseObjectives(args.value("--pareto") ?? defaultObjectives)
        let shard = try args.value("--shard").map { try Shard(parsing: $0) }
        if shard != nil, format == "table" {
            throw InputError(location: "--shard", expected: "--format csv or json (shards are joined by pimsim merge)", found: "the table format")
        }
        let lineMetric = try args.value("--metric").map { _ in SweepMetric(rawValue: try args.choice("--metric", SweepMetric.allCases.map(\.rawValue), default: ""))! }
        if lineMetric != nil, args.value("--svg") == nil {
            throw InputError(location: "--metric", expected: "--svg FILE (the metric is what the SVG plots)", found: "no --svg")
        }
        let space = try designSpace(args, trained: graph.hasTrainedData)
        if lineMetric != nil, space.columns != nil || space.adcSharing != nil || !space.geometryAxes.isEmpty || !space.costAxes.isEmpty
            || space.nodes != nil || space.supplies != nil || shard != nil {
            throw InputError(location: "--metric", expected: "a sweep over hwconfig, rows, split and read-out only, unsharded (lines against array rows); the Pareto scatter (--svg without --metric) takes any space",
                             found: "other axes or --shard")
        }
        SplitWarnings.warnAboutUnusedRules(graph, specs: space.splits, io: io)
        var plan = Sweep.Plan(graph, space: space)
        for s in space.splits.indices {
            guard case .success(let network) = plan.network(split: s) else { continue }
            for layer in network.unsplittable { io.progress("sweep: warning: split \(network.split): layer \(layer) left whole (channels do not allow the split)") }
        }
        let range = shard?.range(of: space.count) ?? 0..<space.count
        let accuracy = try SweepAccuracy.compute(args, graph: graph, space: space, range: range, io: io)
        if accuracy == nil, let metric = (objectives + [lineMetric].compactMap { $0 }).first(where: { $0 == .accuracy }) {
            throw InputError(location: metric == lineMetric ? "--metric accuracy" : "--pareto accuracy",
                             expected: "--accuracy with a trained net.json (the functional simulation gives the accuracy: docs/sweep.md, \"Accuracy\")", found: "no --accuracy")
        }
        plan.accuracy = accuracy ?? [:]
        let columns = SweepColumns(network: graph.name, space: space, label: SplitLabels(graph), accuracy: accuracy != nil)
        let svgPath = args.value("--svg")
        if let svgPath {
            do { try TextFile.checkWritable(svgPath) } catch var e as InputError { e.location = "--svg"; throw e }
        }
        var writer = try SweepWriter(format: format, path: args.value("--output"), columns: columns, objectives: objectives,
                                     shard: shard, range: range, settings: try ConfigArguments.assignments(args), io: io)
        let keepRows = format == "table" || lineMetric != nil
        let scatter = svgPath != nil && lineMetric == nil ? Array(objectives.prefix(2)) : nil
        let progress = RateProgress("sweep", total: range.count, unit: "points", io: io)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            try Sweep.run(plan, range: range, transform: { block in
                SweepWriter.output(of: block, columns: columns, format: format, objectives: objectives, keepRows: keepRows, scatter: scatter)
            }, consume: { try writer.consume($0) }, progress: progress.report)
            try writer.finish(heading: heading(space, shard: shard))
        } catch {
            writer.discard()
            throw error
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let of = shard.map { "the \(NumberFormat.grouped(range.count)) points of shard \($0)" } ?? "\(NumberFormat.grouped(range.count))"
        io.progress("sweep: \(writer.evaluated) of \(of) points evaluated (\(range.count - writer.evaluated) skipped) in "
                    + "\(NumberFormat.significant(seconds, 3)) s, \(NumberFormat.grouped(Int(Double(range.count) / max(seconds, 1e-9)))) points/s"
                    + " on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        if let svgPath {
            if let lineMetric {
                for (h, config) in space.configs.enumerated() {
                    let file = space.configs.count == 1 ? svgPath : svgPathFor(svgPath, hardware: config.name)
                    try io.emit(lineChart(lineMetric, hardware: h, rows: writer.rows, space: space, network: graph.name).render(), to: file, flag: "--svg")
                }
            } else {
                try io.emit(writer.scatterChart(network: graph.name).render(), to: svgPath, flag: "--svg")
            }
        }
    }

    /// `--pareto`: two or three distinct objectives.
    static func parseObjectives(_ text: String) throws -> [SweepMetric] {
        let names = SweepMetric.allCases.map(\.rawValue)
        let objectives = try DesignSpace.uniqueItems(text, flag: "--pareto", expected: "objectives among \(names.joined(separator: ", ")) separated by commas (e.g. \(defaultObjectives))") { item -> SweepMetric? in
            SweepMetric(rawValue: item)
        }
        guard (2...3).contains(objectives.count) else {
            throw InputError(location: "--pareto", expected: "two or three objectives", found: "\(objectives.count)")
        }
        return objectives
    }

    /// The design space the flags describe; every bad value is an `InputError` naming its flag.
    static func designSpace(_ args: ParsedArguments, trained: Bool) throws -> DesignSpace {
        let names = try DesignSpace.uniqueItems(args.value("--hw") ?? defaultHardware, flag: "--hw", expected: "hwconfig names or .json paths separated by commas") {
            $0.isEmpty ? nil : $0
        }
        let settings = try ConfigArguments.assignments(args)
        for (path, flag) in [("array.rows", "--array-rows")] where settings.contains(where: { $0.path == path }) {
            throw InputError(location: "--set \(path)", expected: "the \(flag) axis for \(path)", found: "--set \(path)")
        }
        let configs = try names.map { try ConfigArguments.apply(settings, to: try HardwareConfig.load($0)) }
        try DesignSpace.rejectRepeats(configs.map(\.name), flag: "--hw")  // rows and SVG files are named by config name
        let rows = try DesignSpace.parseRows(args.value("--array-rows") ?? defaultRows)
        let columns = try args.value("--columns").map { try DesignSpace.parseCounts($0, flag: "--columns", what: "columns C[,C...]") }
        let sharing = try args.value("--adc-sharing").map { try DesignSpace.parseCounts($0, flag: "--adc-sharing", what: "columns per ADC S[,S...]") }
        for (flag, path) in [("--columns", "array.columns"), ("--adc-sharing", "readout.adc_sharing")] where args.value(flag) != nil && settings.contains(where: { $0.path == path }) {
            throw InputError(location: "--set \(path)", expected: "one of --set \(path) and \(flag)", found: "both")
        }
        let varied = try args.all("--vary").map { try ConstantAxis.parse($0, configs: configs) }
        try DesignSpace.rejectRepeats(varied.map(\.name), flag: "--vary")
        for axis in varied where settings.contains(where: { (try? ConfigPath.resolve($0.path, in: configs[0], flag: "--set"))?.description == axis.name }) {
            throw InputError(location: "--vary \(axis.name)", expected: "one of --set \(axis.name) and --vary \(axis.name)", found: "both")
        }
        // A cost-side value is checked against each whole config now (a geometry-side one can
        // only fail in combination with other axes: that point is then skipped).
        for axis in varied where axis.isCostSide {
            for (config, path) in zip(configs, axis.paths) {
                for value in axis.values { _ = try config.setting(path, to: value, source: "--vary") }
            }
        }
        // A trained network is trained split, so it is costed as it is unless --split says otherwise.
        let splits = try args.value("--split").map { try SplitSpec.parseList($0) } ?? (trained ? [.none] : SplitSpec.seedConfigurations)
        try DesignSpace.rejectRepeats(splits, flag: "--split")
        let readouts = try ReadoutChoice.parseList(args.value("--readout") ?? ReadoutChoice.allCases.map(\.rawValue).joined(separator: ","))
        return try DesignSpace(configs: configs, rows: rows, columns: columns, adcSharing: sharing, varied: varied, splits: splits, readouts: readouts,
                               nodes: try TechnologyArguments.nodeAxis(args), supplies: try TechnologyArguments.vddAxis(args))
    }

    /// The table's first line: the axes and the number of points.
    static func heading(_ space: DesignSpace, shard: Shard?) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(NumberFormat.grouped(n)) \(n == 1 ? one : many)" }
        var parts = [count(space.configs.count, "hwconfig", "hwconfigs"), count(space.rows.count, "array height", "array heights")]
        if let c = space.columns { parts.append(count(c.count, "column count", "column counts")) }
        if let s = space.adcSharing { parts.append(count(s.count, "ADC sharing", "ADC sharings")) }
        parts += space.geometryAxes.map { count($0.values.count, "value of \($0.name)", "values of \($0.name)") }
        parts += [count(space.splits.count, "split", "splits"), count(space.readouts.count, "read-out", "read-outs")]
        if let n = space.nodes { parts.append(count(n.count, "node", "nodes")) }
        if let v = space.supplies { parts.append(count(v.count, "supply", "supplies")) }
        parts += space.costAxes.map { count($0.values.count, "value of \($0.name)", "values of \($0.name)") }
        return parts.joined(separator: " x ") + " = \(NumberFormat.grouped(space.count)) design points, one inference each"
    }

    /// `path` with `-hardware` before its extension: sweep.svg -> sweep-reram-1t1r.svg
    /// (a path without an extension gets `.svg`: sweep -> sweep-reram-1t1r.svg).
    static func svgPathFor(_ path: String, hardware: String) -> String {
        let ns = path as NSString
        let ext = ns.pathExtension
        return ns.deletingPathExtension + "-" + hardware + "." + (ext.isEmpty ? "svg" : ext)
    }

    /// `metric` against array rows (log2-spaced) on config `hardware`: one line per split and
    /// read-out, coloured by split, dashed for adc; skipped points leave gaps.
    static func lineChart(_ metric: SweepMetric, hardware: Int, rows: [SweepColumns.View], space: DesignSpace, network: String) -> SVGChart {
        var values: [DesignPoint: Double] = [:]
        for row in rows { values[row.point] = metric.value(of: row.metrics!) }
        var series: [SVGChart.Series] = []
        for (s, split) in space.splits.enumerated() {
            for (o, readout) in space.readouts.enumerated() {
                let line = space.rows.indices.map { r in
                    values[DesignPoint(hardware: hardware, row: r, column: 0, sharing: 0, geometry: [], split: s, readout: o, cost: [])] ?? .nan
                }
                series.append(SVGChart.Series(name: "\(split) \(readout.rawValue)", values: line, colorIndex: s, dashed: readout == .adc))
            }
        }
        return SVGChart(title: "\(network) on \(space.configs[hardware].name): \(metric.title) against array rows",
                        kind: .lines(x: space.rows.map(Double.init), logX: true),
                        xLabel: "array rows (log scale; columns \(space.configs[hardware].arrayColumns))", yLabel: metric.title, series: series)
    }
}

/// `--shard K/N`: the K-th (1-based) of N contiguous, equal slices of a space's points.
struct Shard: Equatable, CustomStringConvertible {
    let index: Int
    let count: Int

    init(index: Int, count: Int) { (self.index, self.count) = (index, count) }

    init(parsing text: String, flag: String = "--shard") throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            throw InputError(location: flag, expected: "K/N with 1 <= K <= N (e.g. 3/8)", found: "\"\(text)\"")
        }
        (index, count) = (k, n)
    }

    var description: String { "\(index)/\(count)" }

    /// Points floor((K-1) T / N) ..< floor(K T / N) of a space of `total` points.
    func range(of total: Int) -> Range<Int> {
        func bound(_ k: Int) -> Int { count.dividingFullWidth(total.multipliedFullWidth(by: k)).quotient }
        return bound(index - 1)..<bound(index)
    }
}
