import PimsimCore
import PimsimReports

/// `pimsim convert`: writes any network pimsim reads (an ONNX model above all) as net.json.
enum ConvertCommand {
    static let spec = CommandSpec(
        name: "convert",
        summary: "Convert an ONNX model (or any network pimsim reads) to net.json, with the per-layer ternary detection report.",
        usage: ["pimsim convert NET [-o net.json] [--precision W/A]"],
        discussion: """
        Reads NET and writes it as net.json: running the written file gives the same results as \
        running NET. For an ONNX model (docs/onnx.md) the report lists each weighted layer: the \
        ONNX node it came from, the weight precision detected (ternary when every output channel \
        holds {-a, 0, +a}, binary for {-a, +a}, else the precision the file gives) and why, and \
        the input precision with what produces the inputs. The report goes to standard output \
        when -o is given, else to standard error (standard output then carries the net.json).
        """,
        examples: [
            ("pimsim convert lenet5-twn.onnx -o lenet5-onnx.json", "an ONNX export from PyTorch as net.json, with the detection report"),
            ("pimsim convert resnet18-shapes.onnx --precision 8/8 -o r18.json", "a float model (shapes only) at 8-bit weights and inputs"),
        ],
        options: [NetworkArguments.precision, OutputArguments.outputFile],
        positionals: ["NET"], requiredPositionals: 1
    ) { args, io in
        let output = args.value("--output")
        if let output { do { try TextFile.checkWritable(output) } catch var error as InputError { error.location = "-o"; throw error } }
        let (graph, onnx) = try NetworkArguments.loadWithReport(args, io: io, summary: false)
        if let onnx {
            let report = detectionReport(onnx, file: args.positional(0)!)
            if output != nil { io.print(report) } else { io.progress(report) }
        }
        try io.emit(NetJSON.encode(graph), to: output)
    }

    /// One row per weighted layer: precision detected and why, and where its inputs come from.
    static func detectionReport(_ onnx: ONNXImport, file: String) -> String {
        var table = TextTable(headers: ["layer", "ONNX node", "op", "weights", "inputs", "weights detected from", "inputs from"])
        for k in [0, 1, 2, 3, 4, 5, 6] { table.alignments[k] = .left }
        for layer in onnx.layers {
            table.append([layer.layer, layer.onnxNode, layer.op, layer.hasValues ? layer.precision.weights.description : "\(layer.precision.weights) (shape only)",
                          layer.precision.inputs.description, layer.weightDetail, layer.inputOrigin])
        }
        var text = "\(file): ONNX opset \(onnx.opset)\(onnx.producer.isEmpty ? "" : ", written by \(onnx.producer)"); network \(onnx.graph.name), "
        text += "\(onnx.graph.nodes.count) nodes, input \(onnx.graph.inputShape)\n\n" + table.render()
        for note in onnx.notes { text += "note: \(note)\n" }
        return text
    }
}
