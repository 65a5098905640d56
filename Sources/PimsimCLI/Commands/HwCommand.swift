import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim hw`: the hardware configs shipped in hwconfigs/, and one config with its sources.
enum HwCommand {
    static let spec = CommandSpec(
        name: "hw",
        summary: "List the hardware configs, or show one with the source of every constant.",
        usage: ["pimsim hw", "pimsim hw show NAME|FILE.json [--node NM] [--vdd V] [--peak [--precision W/A]]"],
        discussion: """
        Hardware configs are JSON files in hwconfigs/ (schema: docs/hwconfig.md), read at run \
        time: changing a number needs no rebuild. Every constant carries its unit and source (a \
        paper and table, a row of the published-figures reference, "fitted: ..." or \
        "assumption: <why>"). `hw show` validates the file and prints every setting.
        """,
        examples: [
            ("pimsim hw", "list the configs"),
            ("pimsim hw show isaac", "ISAAC's constants with their Table I sources"),
            ("pimsim hw show my-array.json", "validate and print a config of your own"),
            ("pimsim hw show isaac --node 22", "ISAAC's components scaled from 32 nm to 22 nm"),
            ("pimsim hw show isaac --peak --precision 16/16", "ISAAC's peak TOPS, TOPS/W, TOPS/mm^2 (its paper: 627.5 GOPS/W, 479 GOPS/mm^2)"),
        ],
        options: [TechnologyArguments.node, TechnologyArguments.vdd,
                  .flag("--peak", help: "Print peak TOPS, TOPS/W and TOPS/mm^2 at full utilisation instead of the settings."),
                  OptionSpec("--precision", value: "W/A", help: "Precision of the peak figures (default ternary/ternary, 8/8 and 16/16).")],
        positionals: ["show", "NAME"], requiredPositionals: 0
    ) { args, io in
        guard let verb = args.positional(0) else {
            let folder = try ResourceLocator.locate("hwconfigs")
            var table = TextTable(headers: ["name", "array", "cells/weight", "read-out", "ADC rule", "description"])
            table.alignments[5] = .left
            for name in try HardwareConfig.availableNames(in: folder) {
                let c = try HardwareConfig.load(name)
                table.append([c.name, "\(c.arrayRows) x \(c.arrayColumns)", "\(Int(c.cellsPerTernaryWeight.value))",
                              c.readoutKinds.rawValue, c.adcRule.rawValue,
                              c.description.count > 72 ? String(c.description.prefix(69)) + "..." : c.description])
            }
            io.print("hardware configs in \(folder) (default \(HardwareConfig.defaultName)); details: pimsim hw show NAME\n\n" + table.render())
            return
        }
        guard verb == "show" else { throw UsageError(command: "hw", message: "unknown action \"\(verb)\" (expected show)") }
        guard let name = args.positional(1) else { throw UsageError(command: "hw", message: "missing argument NAME") }
        var config: HardwareConfig
        do {
            config = try HardwareConfig.load(name)
        } catch var error as InputError where error.location == "--hw" {
            error.location = "NAME"  // a positional here, not the --hw of run and sweep
            throw error
        }
        config = try TechnologyArguments.apply(args, to: config)
        if args.flag("--peak") {
            io.print(try peakTable(config, precisions: try args.value("--precision").map { [try LayerPrecision(spec: $0)] } ?? defaultPeakPrecisions))
            return
        }
        if args.value("--precision") != nil {
            throw InputError(location: "--precision", expected: "--peak (the precision is that of the peak figures)", found: "no --peak")
        }
        let scaled = config.technology != nil
        var table = TextTable(headers: ["setting", "value"] + (scaled ? ["published value (scaled from)"] : []) + ["source"])
        table.alignments = Array(repeating: .left, count: scaled ? 4 : 3)
        for e in config.entries { table.append([e.path, e.value] + (scaled ? [e.published] : []) + [e.source]) }
        var head = "\(config.name): \(config.description)\n"
        if let t = config.technology {
            head += "values at \(ScalingModel.format(t.nodeNM)) nm, \(ScalingModel.format(t.vddV)) V (\(t.roadmap.rawValue)), scaled from each component's published node and supply by \(t.model.name) (docs/cost-model.md, \"Technology scaling\")\n"
        }
        io.print(head + "\n" + table.render())
    }

    static let defaultPeakPrecisions = [LayerPrecision.ternary, LayerPrecision(weights: .integer(bits: 8), inputs: .integer(bits: 8)),
                                        LayerPrecision(weights: .integer(bits: 16), inputs: .integer(bits: 16))]

    /// `pimsim hw show NAME --peak`: one row per precision (docs/cost-model.md, "Peak figures").
    static func peakTable(_ config: HardwareConfig, precisions: [LayerPrecision]) throws -> String {
        let peaks = try precisions.map { try PeakPerformance.compute(config, precision: $0) }
        var table = TextTable(headers: ["precision", "read-out", "arrays", "TOPS", "TOPS/W", "TOPS/mm2", "power W", "area mm2"])
        table.alignments[1] = .left
        for p in peaks {
            table.append([p.precision.description, p.readout, NumberFormat.grouped(p.arrays), NumberFormat.significant(p.tops, 4),
                          NumberFormat.significant(p.topsPerWatt, 4), NumberFormat.significant(p.topsPerMM2, 4),
                          NumberFormat.significant(p.powerW, 4), NumberFormat.significant(p.areaMM2, 4)])
        }
        var out = "\(config.name): peak at full utilisation: every array of "
        out += config.tilesPerChip.map { "the chip's \(Int($0.value)) tiles" } ?? "one tile (the config fixes no chip size: organisation.tiles_per_chip)"
        out += " computing one full dot product per step, every input, weight and input bit non-zero; ops = 2 per multiply-accumulate; power = dynamic + static"
        if let t = config.technology { out += "; at \(ScalingModel.format(t.nodeNM)) nm, \(ScalingModel.format(t.vddV)) V" }
        return out + "\n\n" + table.render()
    }
}
