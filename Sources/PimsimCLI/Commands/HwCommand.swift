import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim hw`: the hardware configs shipped in hwconfigs/, and one config with its sources.
enum HwCommand {
    static let spec = CommandSpec(
        name: "hw",
        summary: "List the hardware configs, or show one with the source of every constant.",
        usage: ["pimsim hw", "pimsim hw show NAME|FILE.json [--node NM] [--vdd V]"],
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
        ],
        options: [TechnologyArguments.node, TechnologyArguments.vdd],
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
}
