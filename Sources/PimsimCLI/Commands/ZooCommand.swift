import PimsimCore
import PimsimReports

enum ZooCommand {
    static let spec = CommandSpec(
        name: "zoo",
        summary: "List the built-in networks, or write one as net.json.",
        usage: ["pimsim zoo", "pimsim zoo NAME [-o FILE] [--input CxHxW] [--classes N] [--binary]"],
        discussion: """
        Without a name, lists the built-in networks with their input shape, parameters and \
        multiply-accumulates. With a name, prints (or writes with -o) that network as a shape-only \
        net.json, which can be edited and fed back to any command.
        """,
        examples: [
            ("pimsim zoo", "list the built-in networks"),
            ("pimsim zoo resnet20 -o resnet20.json", "write ResNet-20 as net.json"),
            ("pimsim zoo resnet20 --input 1x28x28 -o resnet20-mnist.json", "ResNet-20 adapted to MNIST"),
        ],
        options: NetworkArguments.options + [OutputArguments.outputFile],
        positionals: ["NAME"], requiredPositionals: 0
    ) { args, io in
        guard args.positional(0) != nil else {
            // The list takes no options: --input, -o and the rest only apply to one network.
            if let given = ["--output", "--input", "--classes"].first(where: { args.value($0) != nil }) ?? (args.flag("--binary") ? "--binary" : nil) {
                throw UsageError(command: "zoo", message: "\(given) needs a network NAME (pimsim zoo NAME \(given) ...)")
            }
            var table = TextTable(headers: ["name", "input", "classes", "parameters", "MACs", "description"])
            table.alignments[5] = .left
            for entry in ModelZoo.entries {
                let graph = try ModelZoo.network(named: entry.name)
                let report = ParameterAccounting.report(for: graph)
                let macs = graph.weightedLayers.reduce(0) { $0 + $1.macs }
                table.append([entry.name, "\(entry.defaultInput)", "\(entry.defaultClasses)", NumberFormat.grouped(report.parameters),
                              NumberFormat.grouped(macs), entry.summary])
            }
            io.print(table.render())
            return
        }
        let graph = try NetworkArguments.load(args, io: io)
        try io.emit(NetJSON.encode(graph), to: args.value("--output"))
    }
}
