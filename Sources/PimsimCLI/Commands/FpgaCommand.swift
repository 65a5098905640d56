import PimsimCore
import PimsimFPGA
import PimsimReports

/// `pimsim fpga`: LUT, FF, DSP and BRAM budgets of float, ternary and binary MAC arrays.
enum FpgaCommand {
    static let formats = ["table", "json", "csv"]

    static let spec = CommandSpec(
        name: "fpga",
        summary: "FPGA resources (LUT6, FF, DSP, BRAM) of float, ternary and binary MAC arrays for a network.",
        usage: ["pimsim fpga NET --device NAME|FILE [--layer NAME] [--macs N | --macs TYPE=N,... | --auto] [--weights LIST] "
                + "[--activations network|float32] [--ternary-model adders|finn] [--weight-memory bram|lutram|off-chip] [--format table|json|csv] [-o FILE]"],
        discussion: """
        Builds one MAC array per weighted layer (a FINN-style dataflow design: every layer's array \
        on chip at once) for float, ternary and binary weights, and counts the operators, LUT6, \
        flip-flops, DSP slices and BRAM18 they need against the device (hwconfigs/fpga/devices). \
        Operator costs come from hwconfigs/fpga/operators.json (Ehliar 2014 floating-point adder \
        and multiplier; n-bit adders; FINN's matrix-vector unit model); formulas in docs/fpga.md.

        A layer with N MAC units runs P = min(N, MH) output channels in parallel with \
        floor(N / P) lanes each (FINN's PE x SIMD); cycles per image = positions x ceil(MH / P) x \
        ceil(MW / SIMD). --macs N gives every layer N units (at most one per weight); TYPE=N sets it \
        per weight type and estimates only the types named. --auto (the default) finds the largest \
        uniform N whose whole design fits and reports the utilisation it reaches.

        Units are explicit: LUT6 (Vivado's "slice LUTs") and slices are different units (a \
        7-series slice holds 4 LUT6 and 8 FF); slices (min) is the fewest slices that could hold \
        the design. Seed 003 Table IX prints the LUT6 requirement against the XC7K480T's 74,650 \
        slices; this report shows both.
        """,
        examples: [
            ("pimsim fpga alexnet --layer fc8 --device xc7k480t --macs float=100,ternary=90 --activations float32 --weight-memory off-chip",
             "seed 003 Table IX: AlexNet's last layer, 100 float and 90 ternary MACs"),
            ("pimsim fpga resnet20 --device xc7k480t --auto", "the largest arrays that fit, per layer, float / ternary / binary"),
            ("pimsim fpga resnet20 --device xc7z020 --macs 64 --format json", "64 MAC units per layer on a Zynq-7020, as JSON"),
            ("pimsim fpga lenet5 --device xc7z020 --auto --format csv", "one CSV row per layer and weight type, and a total row per type"),
            ("pimsim fpga lenet5 --input 1x28x28 --device my-board.json --auto", "a device described in your own file"),
        ],
        options: [
            OptionSpec("--device", value: "NAME|FILE", help: "A device in hwconfigs/fpga/devices (e.g. xc7k480t, xc7z020) or a device JSON file. Required."),
            OptionSpec("--layer", value: "NAME", help: "Estimate only this weighted layer."),
            OptionSpec("--macs", value: "N|TYPE=N,...", help: "MAC units per layer, for all weight types or per type (float=100,ternary=90)."),
            .flag("--auto", help: "Find the largest uniform MAC count per layer that fits the device (default)."),
            OptionSpec("--weights", value: "LIST", help: "Weight types to estimate (default float,ternary,binary)."),
            OptionSpec("--activations", value: "network|float32", help: "Ternary/binary designs read the network's activations (default) or float32 ones (seed 003)."),
            OptionSpec("--ternary-model", value: "adders|finn", help: "Cost ternary arrays on integer activations by adder count (default) or FINN's MVAU formula."),
            OptionSpec("--weight-memory", value: "bram|lutram|off-chip", help: "Where weights are held (default bram); off-chip counts no storage."),
            OptionSpec("--operators", value: "FILE", help: "Operator library (default hwconfigs/fpga/operators.json)."),
            OutputArguments.format(formats),
            OutputArguments.outputFile,
        ] + NetworkArguments.options,
        positionals: ["NET"], requiredPositionals: 1
    ) { args, io in
        let report = try FpgaRun(args, io: io)
        let format = try args.choice("--format", formats, default: "table")
        let text: String
        switch format {
        case "json": text = JSONWriter.write(report.json())
        case "csv": text = report.csv()
        default: text = report.text()
        }
        try io.emit(text, to: args.value("--output"))
    }
}

/// One `pimsim fpga` run: arguments resolved, designs estimated.
struct FpgaRun {
    let network: String
    let layerName: String?
    let device: FPGADevice
    let library: OperatorLibrary
    let activations: ActivationMode
    let weightMemory: WeightMemory
    let ternaryModel: TernaryModel
    let designs: [DesignEstimate]

    init(_ args: ParsedArguments, io: CommandIO) throws {
        guard let deviceName = args.value("--device") else {
            throw UsageError(command: args.command, message: "missing --device NAME|FILE")
        }
        if args.flag("--auto") && args.value("--macs") != nil {
            throw UsageError(command: args.command, message: "give either --macs or --auto, not both")
        }
        let graph = try NetworkArguments.load(args, io: io)
        device = try FPGADevice.resolve(deviceName)
        library = try args.value("--operators").map { try OperatorLibrary.load(path: $0) } ?? OperatorLibrary.shipped()
        activations = ActivationMode(rawValue: try args.choice("--activations", ActivationMode.allCases.map(\.rawValue), default: "network"))!
        weightMemory = WeightMemory(rawValue: try args.choice("--weight-memory", WeightMemory.allCases.map(\.rawValue), default: "bram"))!
        ternaryModel = TernaryModel(rawValue: try args.choice("--ternary-model", TernaryModel.allCases.map(\.rawValue), default: "adders"))!
        let macs = try args.value("--macs").map { try MACSpec(parsing: $0) }
        var types = macs?.types ?? WeightType.allCases
        if let list = args.value("--weights") {
            types = try list.split(separator: ",").map { name in
                guard let type = WeightType(name: String(name)) else {
                    throw InputError(location: "--weights", expected: "a comma-separated list of float, ternary, binary", found: "\"\(name)\"")
                }
                if let macs, macs.count(for: type) == nil {
                    throw InputError(location: "--macs", expected: "a MAC count for every type in --weights", found: "none for \(type.rawValue)")
                }
                return type
            }
            guard !types.isEmpty, Set(types).count == types.count else {
                throw InputError(location: "--weights", expected: "each of float, ternary, binary at most once, at least one", found: "\"\(list)\"")
            }
        }
        var workloads = LayerWorkload.all(in: graph)
        layerName = args.value("--layer")
        if let layerName {
            guard let layer = workloads.first(where: { $0.name == layerName }) else {
                let names = workloads.map(\.name)
                let hint = Suggestion.closest(to: layerName, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw InputError(location: "--layer", expected: "a weighted layer of \(graph.name)\(hint)", found: "\"\(layerName)\"")
            }
            workloads = [layer]
        }
        guard !workloads.isEmpty else {
            throw InputError(location: "NET", expected: "a network with at least one conv2d or linear layer", found: "none in \(graph.name)")
        }
        network = graph.name
        let estimator = FPGAEstimator(
            model: try LayerCostModel(library: library, device: device, weightMemory: weightMemory, activations: activations, ternaryModel: ternaryModel),
            layers: workloads)
        designs = types.map { type in
            estimator.estimate(type, parallelism: macs?.count(for: type).map(Parallelism.macs) ?? .auto)
        }
    }

    var dspUnit: String { device.dspPrimitive.rawValue }

    // MARK: text

    func text() -> String {
        var out = "\(network)\(layerName.map { ", layer \($0)" } ?? "") on \(device.part) (\(device.name)); "
        out += "activations: \(activations.rawValue); weight memory: \(weightMemory.rawValue); ternary model: \(ternaryModel.rawValue); operators: \(library.name)\n\n"
        out += summaryTable().render()
        out += "Units: LUT6 = 6-input LUTs (Vivado's \"slice LUTs\"); \(device.name) has \(NumberFormat.grouped(device.slices.value)) slices "
        out += "x \(device.lutsPerSlice) LUT6 = \(NumberFormat.grouped(device.luts.value)) LUT6; slices (min) = max(ceil(LUT6 / \(device.lutsPerSlice)), "
        out += "ceil(FF / \(device.ffsPerSlice)), carry-chain slices); BRAM18 available = 2 x \(NumberFormat.grouped(device.bram36.value)) BRAM36.\n"
        for design in designs {
            out += "\n" + designNotes(design)
            out += "\n" + layerTable(design).render()
        }
        return out
    }

    func summaryTable() -> TextTable {
        var table = TextTable(headers: [
            "weights", "datapath", "MAC units", "multipliers", "adders", "LUT6 required", "LUT6 available", "slices (min)", "slices available",
            "\(dspUnit) required", "\(dspUnit) available", "BRAM18 required", "BRAM18 available", "FF required", "fits",
        ])
        table.alignments[1] = .left
        for d in designs {
            let paths = Set(d.layers.map(\.datapath.description)).sorted().joined(separator: ", ")
            let f = d.fit
            table.append([
                d.weightType.rawValue, paths, grouped(d.macUnits), grouped(d.multipliers), grouped(d.adders),
                grouped(f.line("lut6").required), grouped(f.line("lut6").available), grouped(f.line("slices").required), grouped(f.line("slices").available),
                grouped(f.line("dsps").required), grouped(f.line("dsps").available), grouped(f.line("bram18").required), grouped(f.line("bram18").available),
                grouped(f.line("ffs").required), d.fits ? "yes" : "no (\(f.exceeded.joined(separator: ", ")))",
            ])
        }
        return table
    }

    func designNotes(_ d: DesignEstimate) -> String {
        var out = "\(d.weightType.rawValue): \(grouped(d.macUnitsPerLayer)) MAC unit\(d.macUnitsPerLayer == 1 ? "" : "s") per layer"
        if d.automatic {
            let full = d.layers.allSatisfy { $0.macUnits == $0.workload.fullUnroll }
            out += full ? " (--auto: every layer fully unrolled)" : d.fits ? " (--auto: the largest that fits; one more does not)" : " (--auto: does not fit even with 1)"
        }
        out += "; utilisation " + d.fit.lines.map { "\($0.key) \(percent($0.utilisation))" }.joined(separator: ", ") + "\n"
        out += "clock \(NumberFormat.fixed(d.clockMHz, 0)) MHz; \(grouped(d.cycles)) cycles per image = \(NumberFormat.significant(d.latencySeconds * 1e6)) us "
        out += "(layers in sequence); pipelined: \(NumberFormat.significant(d.imagesPerSecond)) images/s (slowest layer \(grouped(d.bottleneckCycles)) cycles)\n"
        return out
    }

    func layerTable(_ d: DesignEstimate) -> TextTable {
        var table = TextTable(headers: ["layer", "datapath", "MAC units", "PE x SIMD", "multipliers", "adders", "comparators", "acc bits", "LUT6", "of which LUTRAM", "FF", dspUnit, "BRAM18", "cycles", "fits alone"])
        table.alignments[1] = .left
        for l in d.layers {
            let r = l.resources
            table.append([l.workload.name, l.datapath.description, grouped(l.macUnits), "\(l.pe) x \(l.simd)", grouped(l.multipliers), grouped(l.adders),
                          grouped(l.comparators), l.accumulatorBits.map(String.init) ?? "-",
                          grouped(r.luts.value), grouped(r.lutramLUTs.value), grouped(r.ffs.value), grouped(r.dsps.value), grouped(r.bram18.value),
                          grouped(l.cycles), FitReport(r, on: device).fits ? "yes" : "no"])
        }
        return table
    }

    func grouped(_ n: Int) -> String { NumberFormat.grouped(n) }
    func percent(_ x: Double) -> String { x.isFinite ? NumberFormat.fixed(100 * x, 1) + "%" : "inf" }

    // MARK: JSON and CSV (docs/outputs.md)

    /// The unit of each resource field; the same keys in `device.available`, each design and layer.
    func unitsJSON() -> JSONValue {
        .object([("lut6", .string(LUT6.symbol)), ("lutram_lut6", .string(LUT6.symbol)), ("ffs", .string(FlipFlop.symbol)),
                 ("dsps", .string(dspUnit)), ("bram18", .string(BRAM18.symbol)), ("bram36", .string(BRAM36.symbol)),
                 ("slices", .string(Slice.symbol)), ("carry_slices", .string(Slice.symbol))])
    }

    func json() -> JSONValue {
        .object([
            ("network", .string(network)),
            ("layer", layerName.map(JSONValue.string) ?? .null),
            ("device", deviceJSON()),
            ("operators", .string(library.name)),
            ("activations", .string(activations.rawValue)),
            ("weight_memory", .string(weightMemory.rawValue)),
            ("ternary_model", .string(ternaryModel.rawValue)),
            ("units", unitsJSON()),
            ("designs", .array(designs.map(designJSON))),
        ])
    }

    func deviceJSON() -> JSONValue {
        .object([
            ("name", .string(device.name)), ("part", .string(device.part)), ("family", .string(device.family)),
            ("available", .object([
                ("slices", .int(device.slices.value)), ("lut6", .int(device.luts.value)), ("lutram_lut6", .int(device.lutramLUTs.value)),
                ("ffs", .int(device.ffs.value)), ("dsps", .int(device.dsps.value)), ("bram18", .int(device.bram18.value)),
                ("bram36", .int(device.bram36.value)),
            ])),
            ("lut6_per_slice", .int(device.lutsPerSlice)), ("ffs_per_slice", .int(device.ffsPerSlice)),
        ])
    }

    func resourcesJSON(_ r: ResourceUse) -> [(String, JSONValue?)] {
        [("lut6", .int(r.luts.value)), ("lutram_lut6", .int(r.lutramLUTs.value)), ("ffs", .int(r.ffs.value)), ("dsps", .int(r.dsps.value)),
         ("bram18", .int(r.bram18.value)), ("carry_slices", .int(r.carrySlices.value)), ("slices", .int(r.minimumSlices(on: device).value))]
    }

    func designJSON(_ d: DesignEstimate) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("weight_type", .string(d.weightType.rawValue)), ("mac_units", .int(d.macUnits)), ("mac_units_per_layer", .int(d.macUnitsPerLayer)),
            ("auto", .bool(d.automatic)), ("multipliers", .int(d.multipliers)), ("adders", .int(d.adders)), ("comparators", .int(d.comparators)),
        ]
        pairs += resourcesJSON(d.total)
        pairs += [
            ("fits", .bool(d.fits)), ("exceeded", .array(d.fit.exceeded.map(JSONValue.string))),
            ("utilisation", .object(d.fit.lines.map { ($0.key, $0.utilisation.isFinite ? .number($0.utilisation) : .null) })),
            ("clock_mhz", .number(d.clockMHz)), ("cycles", .int(d.cycles)), ("bottleneck_cycles", .int(d.bottleneckCycles)),
            ("latency_ns", .number(d.latencySeconds * 1e9)), ("inferences_per_s", .number(d.imagesPerSecond)),
            ("layers", .array(d.layers.map(layerJSON))),
        ]
        return .object(pairs)
    }

    func layerJSON(_ l: LayerEstimate) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [
            ("name", .string(l.workload.name)), ("datapath", .string(l.datapath.description)), ("activation", .string(l.activation.description)),
            ("outputs", .int(l.workload.outputs)), ("connections", .int(l.workload.connections)), ("positions", .int(l.workload.positions)),
            ("mac_units", .int(l.macUnits)), ("pe", .int(l.pe)), ("simd", .int(l.simd)), ("multipliers", .int(l.multipliers)), ("adders", .int(l.adders)),
            ("xnor_lanes", .int(l.xnorLanes)), ("comparators", .int(l.comparators)), ("accumulator_bits", l.accumulatorBits.map(JSONValue.int) ?? .null),
        ]
        pairs += resourcesJSON(l.resources)
        pairs += [("fits", .bool(FitReport(l.resources, on: device).fits)), ("cycles", .int(l.cycles)), ("clock_mhz", .number(l.clockMHz)),
                  ("latency_ns", .number(l.latencySeconds * 1e9))]
        return .object(pairs)
    }

    /// The CSV columns, in order; `row_kind` tells layer rows from each design's total row.
    static let csvColumns = ["network", "device", "weight_type", "row_kind", "layer", "datapath", "mac_units", "pe", "simd", "multipliers",
                             "adders", "comparators", "accumulator_bits", "lut6", "lutram_lut6", "ffs", "dsps", "bram18", "carry_slices",
                             "slices", "fits", "cycles", "clock_mhz", "latency_ns"]

    /// One row per layer of every design and one `total` row per design. Cells are empty only
    /// where the quantity does not exist: a float layer's accumulator bits, a total's layer,
    /// datapath, PE, SIMD and accumulator bits (they differ by layer).
    func csv() -> String {
        var csv = CSVWriter(headers: FpgaRun.csvColumns)
        func resources(_ r: ResourceUse) -> [String] {
            ["\(r.luts.value)", "\(r.lutramLUTs.value)", "\(r.ffs.value)", "\(r.dsps.value)", "\(r.bram18.value)", "\(r.carrySlices.value)",
             "\(r.minimumSlices(on: device).value)"]
        }
        for d in designs {
            let prefix = [network, device.name, d.weightType.rawValue]
            for l in d.layers {
                csv.append(prefix + ["layer", l.workload.name, l.datapath.description, "\(l.macUnits)", "\(l.pe)", "\(l.simd)",
                                     "\(l.multipliers)", "\(l.adders)", "\(l.comparators)", l.accumulatorBits.map(String.init) ?? ""]
                           + resources(l.resources)
                           + ["\(FitReport(l.resources, on: device).fits)", "\(l.cycles)", "\(l.clockMHz)", "\(l.latencySeconds * 1e9)"])
            }
            csv.append(prefix + ["total", "", "", "\(d.macUnits)", "", "", "\(d.multipliers)", "\(d.adders)", "\(d.comparators)", ""]
                       + resources(d.total) + ["\(d.fits)", "\(d.cycles)", "\(d.clockMHz)", "\(d.latencySeconds * 1e9)"])
        }
        return csv.render()
    }
}
