import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim run`: maps a network onto crossbar arrays and reports energy, area and latency per
/// split configuration.
enum RunCommand {
    static let spec = CommandSpec(
        name: "run",
        summary: "Map a network onto ReRAM or SRAM crossbars: arrays, ADCs or sense amps, energy, area and latency per split configuration.",
        usage: ["pimsim run [NET] [--hw CONFIG] [--split SPEC[,SPEC...]] [--array-rows R] [--set PATH=VALUE ...] [--precision W/A] [--node NM] [--vdd V] [--duplicate auto|none|N,N,...] [--max-arrays N] [--format table|json|csv] [-o FILE]"],
        discussion: """
        Splits NET (default resnet20) as each SPEC says (default: seed 000's five \
        configurations none,144:72,144,72,36; none for a trained net.json), maps every weighted layer onto the arrays of \
        CONFIG (default reram-1t1r; see `pimsim hw`), schedules it into event counts and prices \
        the counts with the config's per-action energies, static powers and areas \
        (docs/cost-model.md). A group whose dot product fits one array is read by comparators \
        against batch-norm-folded thresholds; one that does not is digitised by ADCs and added \
        digitally. Ratios compare each configuration with no split. Every component is scaled \
        from the node it was published at to the config's technology node (--node, --vdd move \
        it); --duplicate copies layers' weights so their copies split the positions (latency \
        falls, arrays grow).

        With one configuration the table is per layer; with several, one row per configuration \
        plus an energy breakdown. Densities come from trained net.json data where present, \
        otherwise from the config's assumed densities (the report says which).
        """,
        examples: [
            ("pimsim run", "ResNet-20, five split configurations, on reram-1t1r"),
            ("pimsim run resnet20 --split 72 --hw sram-16t1c", "per-layer report of one configuration on the 16T1C array"),
            ("pimsim run resnet20 --split none --hw isaac --precision 16/16", "ISAAC-style 16-bit baseline"),
            ("pimsim run resnet20 --binary --format json -o xnor.json", "XNOR-Net variant as JSON"),
            ("pimsim run resnet20 --split 144 --set adc.energy_pj_by_adc_bits.6=0.5 --set array.cycle_ns=5", "with two constants of the hwconfig changed"),
            ("pimsim run vgg7 --split none --hw isaac --precision 16/16 --duplicate auto", "copies of early layers balance ISAAC's pipeline within its 168 tiles"),
        ],
        options: [
            HardwareArguments.hw,
            OptionSpec("--split", value: "SPEC", help: "Split configuration(s) (default none,144:72,144,72,36)."),
            HardwareArguments.arrayRows,
            ConfigArguments.set,
            NetworkArguments.precision,
            OptionSpec("--inferences", value: "N", help: "Number of inferences to cost (default 1)."),
            OptionSpec("--mode", value: "layer_by_layer|pipelined", help: "Override the config's schedule mode."),
            OptionSpec("--duplicate", value: "auto|none|N,N,...", help: "Copies of each layer's weights: auto balances the schedule within the array budget, or one count per weighted layer (default none)."),
            OptionSpec("--max-arrays", value: "N", help: "Array budget of --duplicate auto (default the config's chip: tiles_per_chip)."),
            TechnologyArguments.node, TechnologyArguments.vdd,
            OutputArguments.format(["table", "json", "csv"]),
            OutputArguments.outputFile,
            OptionSpec("--data", value: "DIR", help: "Test data for a trained network's simulated accuracy (default: the built-in MNIST subset when the network was trained on it)."),
            OptionSpec("--test-limit", value: "N", help: "Simulate the accuracy on only the first N test images."),
        ] + NetworkArguments.options,
        positionals: ["NET"], requiredPositionals: 0
    ) { args, io in
        let graph = try NetworkArguments.load(args, io: io, fallback: "resnet20")
        let settings = try ConfigArguments.assignments(args)
        for (flag, path) in [("--array-rows", "array.rows"), ("--mode", "schedule.mode")] where args.value(flag) != nil && settings.contains(where: { $0.path == path }) {
            throw InputError(location: "--set \(path)", expected: "one of --set \(path) and \(flag)", found: "both")
        }
        // --set gives published values, as the file does; --node and --vdd then scale them.
        var config = try TechnologyArguments.apply(args, to: try HardwareArguments.config(args, settings: settings))
        if args.value("--mode") != nil {
            config.scheduleMode = ScheduleMode(rawValue: try args.choice("--mode", ScheduleMode.allCases.map(\.rawValue), default: ""))!
        }
        // A trained network is trained split, so it is costed as it is unless --split says otherwise.
        let defaultSpecs = graph.hasTrainedData ? [SplitSpec.none] : SplitSpec.seedConfigurations
        let specs = try args.value("--split").map { try SplitSpec.parseList($0) } ?? defaultSpecs
        SplitWarnings.warnAboutUnusedRules(graph, specs: specs, io: io)
        let inferences = try args.int("--inferences") ?? 1
        let maxArrays = try args.int("--max-arrays")
        let duplication = try Duplication.parse(args.value("--duplicate") ?? "none", maxArrays: maxArrays)
        if maxArrays != nil, case .auto = duplication {} else if maxArrays != nil {
            throw InputError(location: "--max-arrays", expected: "--duplicate auto (the budget is that of automatic duplication)", found: "--duplicate \(duplication.description)")
        }
        let format = try args.choice("--format", ["table", "json", "csv"], default: "table")
        // Simulated for one inference: every report quantity is per inference, and the energy of
        // all N is N times it (static power is charged per inference's share of the schedule).
        let reference = try Simulator.run(graph, on: config, split: .none, duplication: duplication)
        var results: [SimulationResult] = []
        for spec in specs {
            let result = spec == .none ? reference : try Simulator.run(graph, on: config, split: spec, duplication: duplication)
            for layer in result.unsplittable { io.progress("warning: split \(spec): layer \(layer) left whole (channels do not allow the split)") }
            results.append(result)
        }
        let label = SplitLabels(graph)
        // A trained network's accuracy on the ideal arrays of this mapping (pimsim eval --hw).
        let simulated = specs == [.none] ? try HardwareEvaluation.idealAccuracy(graph, file: args.positional(0), config: config, args: args, io: io) : nil
        let text: String
        switch format {
        case "json": text = JSONWriter.write(json(results, reference: reference, config: config, inferences: inferences, label: label, simulated: simulated))
        case "csv": text = csv(results, inferences: inferences, label: label)
        default:
            let accuracy = results.map { publishedAccuracy($0, graph: graph) }
            text = results.count == 1 ? layerTable(results[0], config: config, inferences: inferences, label: label, simulated: simulated)
                : summaryTable(results, reference: reference, config: config, inferences: inferences, label: label,
                               accuracy: accuracy.contains(nil) ? nil : accuracy.map { $0! })
        }
        try io.emit(text, to: args.value("--output"))
    }

    // MARK: published accuracy

    /// CIFAR-10 test accuracy (%) seed 000 (Karimah et al., Electronics 2025, CIFAR-10 accuracy
    /// table) reports for ResNet-20 under each of its split configurations, TNN and XNOR-Net.
    /// Quoted, not simulated: shown beside the cost so the trade-off reads at a glance.
    static let seedAccuracy: [String: (tnn: Double, xnor: Double)] = [
        "none": (88.38, 83.23), "144:72": (87.14, 82.68), "144": (86.18, 76.16), "72": (83.51, 70.43), "36": (80.97, 67.73),
    ]

    /// seed 000's accuracy for `r` if the network is its (untrained, zoo) ResNet-20 on CIFAR-10
    /// (ternary or binary); a trained network gets its simulated accuracy instead.
    static func publishedAccuracy(_ r: SimulationResult, graph: Graph) -> Double? {
        guard graph.name == "resnet20", !graph.hasTrainedData, graph.inputShape == TensorShape(channels: 3, height: 32, width: 32),
              let last = graph.weightedLayers.last, last.outChannels == 10, let entry = seedAccuracy[r.split.description] else { return nil }
        switch last.precision {
        case .ternary: return entry.tnn
        case LayerPrecision(weights: .binary, inputs: .binary): return entry.xnor
        default: return nil
        }
    }

    // MARK: table

    static func nJ(_ pJ: Double) -> TextTable.Cell { .number(pJ / 1000) }
    static func us(_ ns: Double) -> TextTable.Cell { .number(ns / 1000) }
    static func count(_ n: Int) -> TextTable.Cell { .text(NumberFormat.grouped(n)) }
    /// `a / b`, or nil when `b` is 0 (a config whose no-split design has no area or spends no
    /// energy): shown as "-" and written as null, never as NaN.
    static func quotient(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
    static func ratio(_ a: Double, _ b: Double) -> TextTable.Cell { .text(quotient(a, b).map { NumberFormat.ratio($0) } ?? "-") }
    static func ratioJSON(_ a: Double, _ b: Double) -> JSONValue { quotient(a, b).map(JSONValue.number) ?? .null }

    /// Column titles of the quantities `--inferences` scales: every one says per inference or all N.
    static func energyTitles(_ inferences: Int) -> [String] {
        ["energy nJ/inf."] + (inferences > 1 ? ["energy nJ, \(NumberFormat.grouped(inferences)) inf."] : [])
    }

    static func energyCells(_ pJ: Double, _ inferences: Int) -> [TextTable.Cell] {
        [nJ(pJ)] + (inferences > 1 ? [nJ(pJ * Double(inferences))] : [])
    }

    static func header(_ r: SimulationResult, config: HardwareConfig, inferences: Int) -> String {
        var s = "\(r.network) on \(config.name) (\(config.arrayRows) x \(config.arrayColumns) arrays, \(config.inputEncoding.rawValue) inputs), "
        s += "\(r.mode.rawValue) schedule; "
        s += inferences == 1 ? "one inference\n" : "\(NumberFormat.grouped(inferences)) inferences: columns say per inference (/inf.) or for all of them\n"
        let assumed = r.layers.filter { $0.mapping.inputDensitySource == .assumed || $0.mapping.weightDensitySource == .assumed }.map(\.mapping.name)
        let measured = r.layers.count - assumed.count
        if assumed.isEmpty {
            s += "densities: measured (trained weights and activation statistics in the network file)\n"
        } else {
            s += measured > 0 ? "densities: measured from the network file for \(measured) of \(r.layers.count) layers; assumed for " + assumed.joined(separator: ", ") : "densities: assumed"
            s += " (config: non-zero ternary inputs \(config.assumedInputDensity.value), ternary weights \(config.assumedWeightDensity.value), integer input bits \(config.assumedInputBitDensity.value); binary values are never zero)\n"
        }
        if let accuracy = r.testAccuracy { s += "test accuracy \(NumberFormat.fixed(accuracy * 100, 2)) % (from the network file)\n" }
        return s
    }

    /// A note when static (leakage) energy is most of a configuration's energy, naming the
    /// components that leak most: energy then tracks latency, not the work done (e.g. ISAAC's
    /// tile-level eDRAM and router).
    static func staticNote(_ r: SimulationResult, label: SplitLabels) -> String? {
        guard r.energyPJ > 0, r.staticPJ > 0.5 * r.energyPJ else { return nil }
        let leakers = r.components.filter { $0.staticPJ >= 0.01 * r.staticPJ }.sorted { $0.staticPJ > $1.staticPJ }.prefix(3)
        let named = leakers.map { "\($0.name) (per \($0.per.rawValue)) \(NumberFormat.fixed(100 * $0.staticPJ / r.staticPJ, 0)) %" }
        return "\(label(r.split)): static power dominates: leakage is \(NumberFormat.fixed(100 * r.staticPJ / r.energyPJ, 0)) % of the energy "
            + "(of it: " + named.joined(separator: ", ") + "), so energy follows latency more than the work done"
    }

    /// One row per configuration; `accuracy` (seed 000's published figures) adds a column.
    static func summaryTable(_ results: [SimulationResult], reference: SimulationResult, config: HardwareConfig, inferences: Int,
                             label: SplitLabels, accuracy: [Double]?) -> String {
        var table = TextTable(headers: ["configuration", "parameters", "arrays", "ADCs", "sense amps", "ADC conv./inf."]
                              + energyTitles(inferences) + ["area mm2", "latency us/inf.", "params x", "energy x", "area x", "latency x"]
                              + (accuracy == nil ? [] : ["seed acc. %"]))
        for (i, r) in results.enumerated() {
            table.append(cells: [.text(label(r.split)), count(r.parameters), count(r.instances.arrays), count(r.instances.adcs),
                                 count(r.instances.senseAmps), .count(r.events.adcConversions)] + energyCells(r.energyPJ, inferences)
                         + [.number(r.areaMM2), us(r.latencyNS), ratio(Double(r.parameters), Double(reference.parameters)),
                            ratio(r.energyPJ, reference.energyPJ), ratio(r.areaMM2, reference.areaMM2), ratio(r.latencyNS, reference.latencyNS)]
                         + (accuracy.map { [.text(NumberFormat.fixed($0[i], 2))] } ?? []))
        }
        var breakdown = TextTable(headers: ["energy nJ/inf. by component"] + results[0].breakdown.map(\.name))
        for r in results { breakdown.append(cells: [.text(label(r.split))] + r.breakdown.map { nJ($0.pJ) }) }
        var out = header(results[0], config: config, inferences: inferences) + "ratios (x) are to no split"
        if accuracy != nil { out += "; seed acc. = CIFAR-10 accuracy seed 000 reports for this configuration (published, not simulated)" }
        out += "\n\n" + table.render() + "\n" + breakdown.render()
        for r in results where r.duplication != .none { out += "\n\(label(r.split)): " + duplicationLine(r) }
        for r in results {
            let adcLayers = r.layers.filter { $0.mapping.readout.kind == "adc" }
            guard !adcLayers.isEmpty else { continue }
            var groups: [(reason: String, names: [String])] = []
            for l in adcLayers {
                if let i = groups.firstIndex(where: { $0.reason == l.mapping.readoutReason }) { groups[i].names.append(l.mapping.name) }
                else { groups.append((l.mapping.readoutReason, [l.mapping.name])) }
            }
            out += "\n\(label(r.split)): ADC layers " + groups.map { $0.names.joined(separator: ", ") + " (\($0.reason))" }.joined(separator: "; ")
        }
        for note in results.compactMap({ staticNote($0, label: label) }) { out += "\n" + note }
        return out + "\n"
    }

    static func layerTable(_ r: SimulationResult, config: HardwareConfig, inferences: Int, label: SplitLabels,
                           simulated: HardwareEvaluation.IdealAccuracy? = nil) -> String {
        let copies = r.duplication != .none
        var table = TextTable(headers: ["layer", "precision", "groups", "connections", "tiles RxC"] + (copies ? ["copies"] : [])
                              + ["arrays", "util.", "read-out", "ADCs", "sense amps", "ADC conv./inf."] + energyTitles(inferences) + ["latency us/inf."])
        table.alignments[1] = .left
        table.alignments[copies ? 8 : 7] = .left
        for l in r.layers {
            let m = l.mapping
            let readout = m.readout.kind == "adc" ? "adc \(m.readout.adcBits)b" : "sense_amp"
            table.append(cells: [.text(m.name), .text(m.precisionDescription), count(m.groups), count(m.connections),
                                 .text("\(m.rowTiles)x\(m.columnTiles)")] + (copies ? [count(m.duplicates)] : [])
                         + [count(m.allArrays), .text(NumberFormat.fixed(m.utilisation, 2)),
                            .text(readout), count(m.allADCs), count(m.allSenseAmps), .count(l.events.adcConversions)]
                         + energyCells(l.cost.energyPJ, inferences) + [us(l.schedule.latencyNS)])
        }
        table.append(cells: [.text("total"), .text(""), .text(""), .text(""), .text("")] + (copies ? [.text("")] : [])
                     + [count(r.instances.arrays), .text(""), .text(""),
                        count(r.instances.adcs), count(r.instances.senseAmps), .count(r.events.adcConversions)]
                     + energyCells(r.energyPJ, inferences) + [us(r.latencyNS)])
        var out = header(r, config: config, inferences: inferences)
        if let simulated { out += simulated.line + "\n" }
        out += "split \(r.split) (\(label(r.split))): \(NumberFormat.grouped(r.parameters)) parameters, "
        out += "\(NumberFormat.grouped(r.macs)) MACs, area \(NumberFormat.significant(r.areaMM2, 4)) mm2, "
        out += "\(NumberFormat.significant(r.inferencesPerSecond, 4)) inferences/s\n"
        if copies { out += duplicationLine(r) + "\n" }
        out += "\n" + table.render() + "\n"
        let parts = NumberFormat.column(r.breakdown.map { $0.pJ / 1000 })
        out += "energy per inference by component: " + zip(r.breakdown, parts).map { "\($0.name) \($1) nJ" }.joined(separator: ", ") + "\n"
        if let note = staticNote(r, label: label) { out += note + "\n" }
        return out
    }

    /// "weights duplicated auto within 16,128 arrays (16,128 used): interval 12.3 us, latency 45.6 us".
    static func duplicationLine(_ r: SimulationResult) -> String {
        var s = "weights duplicated " + (r.arrayBudget.map { "auto within \(NumberFormat.grouped($0)) arrays" } ?? r.duplication.description)
        s += " (\(NumberFormat.grouped(r.instances.arrays)) arrays used; copies per layer " + r.layers.map { "\($0.mapping.duplicates)" }.joined(separator: ",")
        return s + "): interval \(NumberFormat.significant(r.intervalNS / 1000, 4)) us, latency \(NumberFormat.significant(r.latencyNS / 1000, 4)) us (\(r.mode.rawValue))"
    }

    // MARK: JSON and CSV (docs/outputs.md)

    /// Every quantity is per inference unless its name says `all_inferences`; units are in the names.
    static func eventsJSON(_ e: EventCounts) -> JSONValue {
        .object([
            ("array_activations", .number(e.arrayActivations)), ("wordline_drives", .number(e.wordlineDrives)),
            ("cell_reads_on", .number(e.cellReadsOn)), ("cell_reads_off", .number(e.cellReadsOff)),
            ("comparator_decisions", .number(e.comparatorDecisions)), ("adc_conversions", .number(e.adcConversions)),
            ("digital_additions", .number(e.digitalAdditions)), ("buffer_read_bits", .number(e.bufferReadBits)),
            ("buffer_write_bits", .number(e.bufferWriteBits)), ("interconnect_bit_hops", .number(e.interconnectBitHops)),
            ("busy_cycles", .number(e.busyCycles)), ("idle_cycles", .number(e.idleCycles)),
        ])
    }

    static func breakdownJSON(_ byCategory: [Category: Double], staticPJ: Double) -> JSONValue {
        .object(Category.allCases.map { ($0.rawValue, .number(byCategory[$0] ?? 0)) } + [("leakage", .number(staticPJ))])
    }

    static func json(_ results: [SimulationResult], reference: SimulationResult, config: HardwareConfig, inferences: Int,
                     label: SplitLabels, simulated: HardwareEvaluation.IdealAccuracy? = nil) -> JSONValue {
        .object([
            ("network", .string(reference.network)), ("hardware", .string(config.name)),
            ("array_rows", .int(config.arrayRows)), ("array_columns", .int(config.arrayColumns)),
            ("mode", .string(reference.mode.rawValue)), ("inferences", .int(inferences)),
            ("test_accuracy", reference.testAccuracy.map(JSONValue.number) ?? .null),
            ("hardware_accuracy", simulated.map { .number($0.accuracy) } ?? .null),
            ("hardware_accuracy_images", simulated.map { .int($0.images) } ?? .null),
            ("trained_split", label.trained.map { .string($0.description) } ?? .null),
            ("configurations", .array(results.map { r in
                .object([
                    ("split", .string(r.split.description)), ("split_label", .string(label(r.split))),
                    ("parameters", .int(r.parameters)), ("macs", .int(r.macs)), ("arrays", .int(r.instances.arrays)),
                    ("adcs", .int(r.instances.adcs)), ("sense_amps", .int(r.instances.senseAmps)),
                    ("adc_conversions", .number(r.events.adcConversions)), ("energy_pj", .number(r.energyPJ)),
                    ("dynamic_energy_pj", .number(r.dynamicPJ)), ("static_energy_pj", .number(r.staticPJ)),
                    ("energy_all_inferences_pj", .number(r.energyPJ * Double(inferences))),
                    ("area_mm2", .number(r.areaMM2)), ("latency_ns", .number(r.latencyNS)), ("interval_ns", .number(r.intervalNS)),
                    ("inferences_per_s", .number(r.inferencesPerSecond)),
                    ("duplication", .string(r.duplication.description)), ("array_budget", r.arrayBudget.map(JSONValue.int) ?? .null),
                    ("densities", .string(r.usesAssumedDensities ? "assumed" : "measured")),
                    ("parameters_x", ratioJSON(Double(r.parameters), Double(reference.parameters))),
                    ("energy_x", ratioJSON(r.energyPJ, reference.energyPJ)), ("area_x", ratioJSON(r.areaMM2, reference.areaMM2)),
                    ("latency_x", ratioJSON(r.latencyNS, reference.latencyNS)),
                    ("energy_breakdown_pj", .object(r.breakdown.map { ($0.name, .number($0.pJ)) })),
                    ("components", .array(r.components.map { c in
                        .object([("name", .string(c.name)), ("category", .string(c.category.rawValue)), ("per", .string(c.per.rawValue)),
                                 ("instances", .number(c.instances)), ("dynamic_energy_pj", .number(c.dynamicPJ)),
                                 ("static_energy_pj", .number(c.staticPJ)), ("area_mm2", .number(c.areaUM2 / 1e6))])
                    })),
                    ("events", eventsJSON(r.events)),
                    ("unsplittable", .array(r.unsplittable.map(JSONValue.string))),
                    ("layers", .array(r.layers.map(layerJSON))),
                ])
            })),
        ])
    }

    static func layerJSON(_ l: LayerResult) -> JSONValue {
        let m = l.mapping
        return .object([
            ("name", .string(m.name)), ("precision", .string(m.precisionDescription)), ("groups", .int(m.groups)),
            ("connections", .int(m.connections)), ("parameters", .int(m.parameters)), ("macs", .int(m.macs)),
            ("readout", .string(m.readout.kind)),
            ("adc_bits", m.readout.kind == "adc" ? .int(m.readout.adcBits) : .null), ("readout_reason", .string(m.readoutReason)),
            ("comparators_per_output", .int(m.comparatorsPerOutput)),
            ("residual", .bool(m.residual)), ("row_tiles", .int(m.rowTiles)), ("column_tiles", .int(m.columnTiles)),
            ("groups_per_array", .int(m.groupsPerArray)), ("duplicates", .int(m.duplicates)), ("arrays_per_copy", .int(m.arrays)),
            ("arrays", .int(m.allArrays)), ("utilisation", .number(m.utilisation)),
            ("adcs", .int(m.allADCs)), ("sense_amps", .int(m.allSenseAmps)), ("adc_conversions", .number(l.events.adcConversions)),
            ("input_density", .number(m.inputDensity)), ("input_density_source", .string(m.inputDensitySource.rawValue)),
            ("weight_density", .number(m.weightDensity)), ("weight_density_source", .string(m.weightDensitySource.rawValue)),
            ("energy_pj", .number(l.cost.energyPJ)), ("dynamic_energy_pj", .number(l.cost.dynamicPJ)),
            ("static_energy_pj", .number(l.cost.staticPJ)),
            ("latency_ns", .number(l.schedule.latencyNS)), ("step_ns", .number(l.schedule.stepNS)), ("steps", .int(l.schedule.steps)),
            ("transfer_ns", .number(l.schedule.transferNS)),
            ("energy_breakdown_pj", breakdownJSON(l.cost.dynamicByCategory, staticPJ: l.cost.staticPJ)),
            ("events", eventsJSON(l.events)),
        ])
    }

    /// The CSV columns, in order; `row_kind` tells layer rows from each configuration's total row.
    static let csvColumns = ["network", "hardware", "split", "split_label", "row_kind", "layer", "precision", "connections", "groups",
                             "readout", "adc_bits", "arrays", "adcs", "sense_amps", "adc_conversions", "parameters", "macs",
                             "energy_pj", "dynamic_energy_pj", "static_energy_pj", "energy_all_inferences_pj", "area_mm2",
                             "latency_ns", "inferences"]

    /// One row per layer and one `total` row per configuration. Cells are empty only where the
    /// quantity does not exist: a total's layer, precision, connections, groups, read-out and ADC
    /// bits; a layer's area (arrays of a layer share macros and tiles with others); a sense-amp
    /// layer's ADC bits.
    static func csv(_ results: [SimulationResult], inferences: Int, label: SplitLabels) -> String {
        var csv = CSVWriter(headers: csvColumns)
        let n = Double(inferences)
        for r in results {
            let prefix = [r.network, r.hardware, r.split.description, label(r.split)]
            for l in r.layers {
                let m = l.mapping
                csv.append(prefix + ["layer", m.name, m.precisionDescription, "\(m.connections)", "\(m.groups)", m.readout.kind,
                                     m.readout.kind == "adc" ? "\(m.readout.adcBits)" : "", "\(m.allArrays)", "\(m.allADCs)", "\(m.allSenseAmps)",
                                     "\(l.events.adcConversions)", "\(m.parameters)", "\(m.macs)", "\(l.cost.energyPJ)",
                                     "\(l.cost.dynamicPJ)", "\(l.cost.staticPJ)", "\(l.cost.energyPJ * n)", "",
                                     "\(l.schedule.latencyNS)", "\(inferences)"])
            }
            csv.append(prefix + ["total", "", "", "", "", "", "", "\(r.instances.arrays)", "\(r.instances.adcs)",
                                 "\(r.instances.senseAmps)", "\(r.events.adcConversions)", "\(r.parameters)", "\(r.macs)",
                                 "\(r.energyPJ)", "\(r.dynamicPJ)", "\(r.staticPJ)", "\(r.energyPJ * n)", "\(r.areaMM2)",
                                 "\(r.latencyNS)", "\(inferences)"])
        }
        return csv.render()
    }
}
