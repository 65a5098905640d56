import Foundation

/// net.json version 1: a network graph plus optional trained data (docs/net-json.md).
public enum NetJSON {
    public static let formatName = "pimsim-net"
    public static let version = 1

    // MARK: - reading

    /// Reads and validates a net.json file.
    /// - Throws: `InputError` naming the file, the JSON path of the field, what was expected and
    ///   what was found.
    public static func read(path: String) throws -> Graph {
        try decode(try TextFile.read(path), file: path)
    }

    /// Decodes net.json text; `file` names the source in errors.
    public static func decode(_ text: String, file: String? = nil) throws -> Graph {
        let root = try JSONReader.parse(text, file: file)
        do {
            try root.rejectUnknownKeys(["format", "version", "name", "nodes", "output", "metadata"])
            let format = try root.string("format")
            guard format == formatName else { throw try root.field("format").error(expected: "\"\(formatName)\"") }
            let version = try root.field("version")
            guard try version.int() == NetJSON.version else { throw version.error(expected: "version \(NetJSON.version)") }
            let name = try name(root.field("name"))
            let nodes = try root.field("nodes").array().map(decodeNode)
            let output = try root.optionalField("output")?.string()
            let metadata = try root.optionalField("metadata").map(decodeMetadata) ?? NetworkMetadata()
            return try Graph(name: name, nodes: nodes, output: output, metadata: metadata)
        } catch let error as InputError {
            throw error.inFile(file ?? "net.json")
        }
    }

    /// A network or node name: a string of at most `SizeLimits.nameBytes` bytes.
    static func name(_ r: JSONReader) throws -> String {
        let s = try r.string()
        guard s.utf8.count <= SizeLimits.nameBytes else {
            throw r.error(expected: "a name of at most \(SizeLimits.describe(SizeLimits.nameBytes)) bytes", found: "a name of \(SizeLimits.describe(s.utf8.count)) bytes")
        }
        return s
    }

    static func decodeMetadata(_ r: JSONReader) throws -> NetworkMetadata {
        try r.rejectUnknownKeys(["dataset", "test_accuracy", "notes"])
        var notes: [String: String] = [:]
        if let n = try r.optionalField("notes") {
            for (key, value) in try n.members() { notes[key] = try value.string() }
        }
        return NetworkMetadata(dataset: try r.optionalField("dataset")?.string(),
                               testAccuracy: try r.optionalField("test_accuracy")?.double(in: 0...1), notes: notes)
    }

    static let commonKeys: Set<String> = ["name", "op", "inputs"]
    static let weightedDataKeys: Set<String> = ["precision", "weights", "scale", "bias_values", "stats"]

    static func decodeNode(_ r: JSONReader) throws -> Node {
        let name = try name(r.field("name"))
        let op = try r.field("op").oneOf(Operation.names)
        let inputs = try r.optionalField("inputs")?.array().map { try NetJSON.name($0) } ?? []
        var data = NodeData()
        var precision: LayerPrecision?
        let operation: Operation
        switch op {
        case "input":
            try r.rejectUnknownKeys(commonKeys.union(["shape"]))
            let shape = try r.field("shape")
            let dims = try shape.ints()
            guard dims.count == 3 else { throw shape.error(expected: "[channels, height, width]") }
            operation = .input(TensorShape(channels: dims[0], height: dims[1], width: dims[2]))
        case "conv2d":
            try r.rejectUnknownKeys(commonKeys.union(weightedDataKeys).union(["out_channels", "kernel", "stride", "padding", "groups", "bias"]))
            operation = .conv2d(Conv2DAttributes(
                outChannels: try r.int("out_channels"), kernel: try r.int("kernel"),
                stride: try r.optionalField("stride")?.int() ?? 1, padding: try r.optionalField("padding")?.int() ?? 0,
                groups: try r.optionalField("groups")?.int() ?? 1, bias: try r.bool("bias")))
        case "linear":
            try r.rejectUnknownKeys(commonKeys.union(weightedDataKeys).union(["out_features", "bias"]))
            operation = .linear(LinearAttributes(outFeatures: try r.int("out_features"), bias: try r.bool("bias")))
        case "batchnorm":
            let fields: Set<String> = ["epsilon", "gamma", "beta", "mean", "variance"]
            try r.rejectUnknownKeys(commonKeys.union(fields))
            operation = .batchNorm
            if try fields.contains(where: { try r.has($0) }) {
                data.batchNorm = BatchNormParameters(
                    gamma: try r.field("gamma").floats(), beta: try r.field("beta").floats(), mean: try r.field("mean").floats(),
                    variance: try r.field("variance").floats(), epsilon: Float(try r.field("epsilon").nonNegativeDouble()))
            }
        case "activation":
            try r.rejectUnknownKeys(commonKeys.union(["function", "thresholds"]))
            let function = ActivationFunction(rawValue: try r.field("function").oneOf(ActivationFunction.allCases.map(\.rawValue)))!
            operation = .activation(function)
            if let t = try r.optionalField("thresholds") {
                switch function {
                case .ternary:
                    try t.rejectUnknownKeys(["low", "high"])
                    data.thresholds = ActivationThresholds(low: try t.field("low").floats(), high: try t.field("high").floats())
                case .sign:
                    try t.rejectUnknownKeys(["threshold"])
                    let v = try t.field("threshold").floats()
                    data.thresholds = ActivationThresholds(low: v, high: v)
                default:
                    throw t.error(expected: "no thresholds for a \(function.rawValue) activation", found: "thresholds")
                }
            }
        case "avgpool", "maxpool":
            try r.rejectUnknownKeys(commonKeys.union(["kernel", "stride", "padding"]))
            let kernel = try r.int("kernel")
            operation = .pool(PoolAttributes(kind: op == "avgpool" ? .avg : .max, kernel: kernel,
                                             stride: try r.optionalField("stride")?.int() ?? kernel, padding: try r.optionalField("padding")?.int() ?? 0))
        case "global_avgpool", "flatten", "add":
            try r.rejectUnknownKeys(commonKeys)
            operation = op == "add" ? .add : (op == "flatten" ? .flatten : .globalAvgPool)
        default:  // "shortcut"
            try r.rejectUnknownKeys(commonKeys.union(["stride", "out_channels"]))
            operation = .shortcut(ShortcutAttributes(stride: try r.int("stride"), outChannels: try r.int("out_channels")))
        }
        if operation.isWeighted {
            if let p = try r.optionalField("precision") {
                try p.rejectUnknownKeys(["weights", "inputs"])
                func precisionField(_ key: String) throws -> Precision {
                    let f = try p.field(key)
                    guard let value = Precision(name: try f.string()) else { throw f.error(expected: "one of \(Precision.accepted)") }
                    return value
                }
                precision = LayerPrecision(weights: try precisionField("weights"), inputs: try precisionField("inputs"))
            }
            if let w = try r.optionalField("weights") { data.weights = try decodeWeights(w) }
            if let s = try r.optionalField("scale") { data.scale = try decodeScale(s) }
            data.bias = try r.optionalField("bias_values")?.floats()
            if let s = try r.optionalField("stats") {
                try s.rejectUnknownKeys(["weight_density", "input_density"])
                data.statistics = LayerStatistics(weightDensity: try s.optionalField("weight_density")?.double(in: 0...1),
                                                  inputDensity: try s.optionalField("input_density")?.double(in: 0...1))
            }
        }
        return Node(name: name, operation: operation, inputs: inputs, precision: precision, data: data)
    }

    static func decodeWeights(_ w: JSONReader) throws -> WeightValues {
        try w.rejectUnknownKeys(["encoding", "count", "data"])
        let encoding = try w.field("encoding").oneOf(WeightPacking.encodings)
        let count = try w.int("count", min: 1)
        let dataField = try w.field("data")
        guard let bytes = Data(base64Encoded: try dataField.string()) else {
            throw dataField.error(expected: "base64 text", found: "text that is not valid base64 (truncated or corrupted?)")
        }
        return try WeightPacking.unpack(Array(bytes), count: count, encoding: encoding, reader: w)
    }

    static func decodeScale(_ s: JSONReader) throws -> WeightScale {
        try s.rejectUnknownKeys(["per_layer", "per_channel", "positive", "negative"])
        // Every scale is > 0 (a sign belongs in the weights): a negative or zero entry is
        // rejected with its path, for every form alike.
        func positives(_ r: JSONReader) throws -> [Float] { try r.array().map { Float(try $0.positiveDouble()) } }
        if let v = try s.optionalField("per_layer") { return .perLayer(Float(try v.positiveDouble())) }
        if let v = try s.optionalField("per_channel") { return .perChannel(try positives(v)) }
        if try s.has("positive") || s.has("negative") {
            return .signed(positive: try positives(s.field("positive")), negative: try positives(s.field("negative")))
        }
        throw s.error(expected: "one of {\"per_layer\": x}, {\"per_channel\": [...]} or {\"positive\": [...], \"negative\": [...]}", found: "an object with none of them")
    }

    // MARK: - writing

    /// Encodes `graph` as net.json text. Reading the text back gives an equal graph.
    public static func encode(_ graph: Graph) -> String {
        JSONWriter.write(.object([
            ("format", .string(formatName)),
            ("version", .int(version)),
            ("name", .string(graph.name)),
            ("metadata", encodeMetadata(graph.metadata)),
            ("nodes", .array(graph.nodes.map(encodeNode))),
            ("output", .string(graph.nodes[graph.outputIndex].name)),
        ]))
    }

    /// Writes `graph` to `path`.
    public static func write(_ graph: Graph, to path: String) throws {
        try TextFile.write(encode(graph), to: path)
    }

    static func encodeMetadata(_ m: NetworkMetadata) -> JSONValue? {
        if m == NetworkMetadata() { return nil }
        return .object([
            ("dataset", m.dataset.map(JSONValue.string)),
            ("test_accuracy", m.testAccuracy.map(JSONValue.number)),
            ("notes", m.notes.isEmpty ? nil : .object(m.notes.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
        ])
    }

    static func encodeNode(_ node: Node) -> JSONValue {
        var pairs: [(String, JSONValue?)] = [("name", .string(node.name)), ("op", .string(node.operation.name))]
        if !node.inputs.isEmpty { pairs.append(("inputs", .array(node.inputs.map(JSONValue.string)))) }
        let d = node.data
        switch node.operation {
        case .input(let shape): pairs.append(("shape", .ints(shape.array)))
        case .conv2d(let c):
            pairs += [("out_channels", .int(c.outChannels)), ("kernel", .int(c.kernel)), ("stride", .int(c.stride)),
                      ("padding", .int(c.padding)), ("groups", .int(c.groups)), ("bias", .bool(c.bias))]
        case .linear(let l): pairs += [("out_features", .int(l.outFeatures)), ("bias", .bool(l.bias))]
        case .batchNorm:
            if let bn = d.batchNorm {
                pairs += [("epsilon", .float(bn.epsilon)), ("gamma", .numbers(bn.gamma)), ("beta", .numbers(bn.beta)),
                          ("mean", .numbers(bn.mean)), ("variance", .numbers(bn.variance))]
            }
        case .activation(let f):
            pairs.append(("function", .string(f.rawValue)))
            if let t = d.thresholds {
                pairs.append(("thresholds", f == .sign ? .object([("threshold", .numbers(t.high))]) : .object([("low", .numbers(t.low)), ("high", .numbers(t.high))])))
            }
        case .pool(let p): pairs += [("kernel", .int(p.kernel)), ("stride", .int(p.stride)), ("padding", .int(p.padding))]
        case .globalAvgPool, .flatten, .add: break
        case .shortcut(let s): pairs += [("stride", .int(s.stride)), ("out_channels", .int(s.outChannels))]
        }
        if let p = node.precision {
            pairs.append(("precision", .object([("weights", .string(p.weights.description)), ("inputs", .string(p.inputs.description))])))
        }
        if let w = d.weights {
            pairs.append(("weights", .object([("encoding", .string(WeightPacking.encodingName(w))), ("count", .int(w.count)),
                                              ("data", .string(Data(WeightPacking.pack(w)).base64EncodedString()))])))
        }
        switch d.scale {
        case .perLayer(let s)?: pairs.append(("scale", .object([("per_layer", .float(s))])))
        case .perChannel(let v)?: pairs.append(("scale", .object([("per_channel", .numbers(v))])))
        case .signed(let p, let n)?: pairs.append(("scale", .object([("positive", .numbers(p)), ("negative", .numbers(n))])))
        case nil: break
        }
        if let b = d.bias { pairs.append(("bias_values", .numbers(b))) }
        if let s = d.statistics {
            pairs.append(("stats", .object([("weight_density", s.weightDensity.map(JSONValue.number)), ("input_density", s.inputDensity.map(JSONValue.number))])))
        }
        return .object(pairs)
    }
}
