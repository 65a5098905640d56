import Foundation

/// What the importer found for one weighted layer (docs/onnx.md, "Ternary detection").
public struct ONNXLayerReport: Equatable, Sendable {
    /// The layer's name in the imported graph.
    public var layer: String
    /// The ONNX node it came from and its op type.
    public var onnxNode: String
    public var op: String
    /// The precision given to the layer: detected weights, and inputs from what produces them.
    public var precision: LayerPrecision
    /// Whether the file holds the weight values (false for weights that are graph inputs).
    public var hasValues: Bool
    /// How the weight precision was decided, e.g. `{-a, 0, +a} in each of 16 output channels, a from 0.01 to 0.03`.
    public var weightDetail: String
    /// What produces the layer's inputs, e.g. `the network input` or `MultiThreshold "conv1_act"`.
    public var inputOrigin: String
}

/// An imported ONNX model: the graph, the per-layer detection report and notes on anything the
/// graph does not carry over.
public struct ONNXImport: Sendable {
    public let graph: Graph
    public let layers: [ONNXLayerReport]
    /// Things the import changed or dropped (e.g. a positive scale on the output), one per line.
    public let notes: [String]
    /// The default-domain opset version and the producer named in the file.
    public let opset: Int
    public let producer: String

    /// One line for standard error: what was read and what the weights were detected as.
    public func summary(file: String) -> String {
        var counts: [String: Int] = [:]
        for layer in layers { counts[layer.hasValues ? layer.precision.weights.description : "shape-only", default: 0] += 1 }
        let order = ["ternary", "binary"] + counts.keys.filter { $0 != "ternary" && $0 != "binary" && $0 != "shape-only" }.sorted() + ["shape-only"]
        let kinds = order.compactMap { kind in counts[kind].map { "\($0) \(kind)" } }.joined(separator: ", ")
        let from = producer.isEmpty ? "" : " from \(producer)"
        return "\(file): ONNX opset \(opset)\(from): \(layers.count) weighted layer\(layers.count == 1 ? "" : "s") (\(kinds)); per-layer detection: pimsim convert \(file) -o net.json"
    }
}

/// Reads ONNX models (opset 11-21) into pimsim graphs (docs/onnx.md): a protobuf reader written
/// here (`ProtobufReader`, `ONNXDecoder`), constant folding of initializer subgraphs, one pimsim
/// node per supported ONNX op, and per-output-channel ternary/binary detection of the weights.
public enum ONNXImporter {
    /// The default-domain opset versions the importer supports.
    public static let opsets: ClosedRange<Int64> = 11...21

    /// Reads and imports the ONNX file at `path`.
    /// - Throws: `InputError` naming the file and the node (or byte offset of malformed data).
    public static func read(path: String) throws -> ONNXImport {
        let bytes = try TextFile.readBytes(path)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try decode(bytes, name: name.isEmpty ? "onnx" : name, file: path)
    }

    /// Imports an ONNX model held in `bytes`; `name` names the graph, `file` the source in errors.
    public static func decode(_ bytes: [UInt8], name: String, file: String? = nil) throws -> ONNXImport {
        let model: ONNXModel
        do {
            model = try ONNXDecoder.decode(bytes)
        } catch let error as ONNXFormatError {
            throw InputError(file: file, location: "\(error.path) at byte \(error.offset)", expected: error.expected + " (a valid ONNX protobuf)", found: error.found)
        }
        do {
            let source = file.map { ($0 as NSString).lastPathComponent } ?? "\(name).onnx"
            var state = try ImportState(model: model, name: name, source: source, fileSize: bytes.count)
            return try state.run()
        } catch let error as ImportFailure {
            throw InputError(file: file, location: error.location, expected: error.expected, found: error.found)
        }
    }

    /// Whether `path` names an ONNX file (by its extension).
    public static func isONNXPath(_ path: String) -> Bool { path.lowercased().hasSuffix(".onnx") }
}

/// An import error with its location (node, graph input or opset), before the file is added.
struct ImportFailure: Error {
    var location: String
    var expected: String
    var found: String
}

/// The kind of values a tensor holds, which decides the input precision of the layers it feeds.
struct ValueDomain {
    enum Kind: Equatable {
        /// The network input: image bytes, 8-bit integers p - 128 (pimsim's convention).
        case image
        case ternary
        case binary
        case integer(bits: Int)
        case real
    }

    var kind: Kind
    /// What produced the values, for the report.
    var origin: String

    var precision: Precision {
        switch kind {
        case .image: return .integer(bits: ImportState.imageBits)
        case .ternary: return .ternary
        case .binary: return .binary
        case .integer(let bits): return .integer(bits: min(max(bits, 2), 32))
        case .real: return .float32
        }
    }
}

/// A tensor computed by the network: the pimsim node producing it, its per-image shape, its ONNX
/// rank (4: N x C x H x W, 2: N x F) and a positive factor: ONNX value = scale x node output. The
/// factor comes from Mul/Div by a constant or a quantiser's scale and is folded into the next
/// weighted layer's weights or batch norm.
struct DynamicTensor {
    var node: String
    var shape: TensorShape
    var rank: Int
    var scale: Float
    var domain: ValueDomain
    /// A Slice that stepped one spatial axis (axis, step), waiting for the Slice of the other:
    /// PyTorch exports x[:, :, ::2, ::2] as two Slice nodes.
    var pendingSlice: (axis: Int, step: Int64)?
}

enum ImportedValue {
    case constant(ONNXConstant)
    case tensor(DynamicTensor)
}

/// Side facts about a weighted layer, for detection and the report.
struct LayerOrigin {
    var onnxNode: String
    var op: String
    var inputOrigin: String
    /// Integer bits and signedness the weights were quantised to, if known (int8 initializer, Quant).
    var integerBits: Int?
    var isUnsigned: Bool
    var elementType: Int32
}

struct ImportState {
    /// Bits of the network input: image bytes p - 128 (docs/training.md, "Integer evaluation").
    static let imageBits = 8

    let model: ONNXModel
    let name: String
    /// The file's name, for the graph's metadata.
    let source: String
    let opset: Int64
    var values: [String: ImportedValue] = [:]
    var nodes: [Node] = []
    var shapes: [String: TensorShape] = [:]
    var nodeIndex: [String: Int] = [:]
    var usedNames: Set<String> = []
    var consumers: [String: Int] = [:]
    var origins: [String: LayerOrigin] = [:]
    var notes: [String] = []
    /// The batch size declared on the input (1 when symbolic); `Shape` reports it.
    var batch = 1
    /// The most values a folded constant may hold: the file's size in bytes (a legitimate model's
    /// computed constants are smaller than the data they come from; this stops a crafted shape
    /// from allocating gigabytes).
    let foldLimit: Int
    /// The node being converted (for messages).
    var current = ONNXNode()

    init(model: ONNXModel, name: String, source: String, fileSize: Int) throws {
        self.model = model
        self.name = name
        self.source = source
        self.foldLimit = fileSize
        let version = model.opsets[""] ?? model.opsets["ai.onnx"]
        guard let version else {
            throw ImportFailure(location: "opset_import", expected: "an import of the default ONNX domain (opset \(ONNXImporter.opsets.lowerBound)-\(ONNXImporter.opsets.upperBound))", found: "none")
        }
        guard ONNXImporter.opsets.contains(version) else {
            throw ImportFailure(location: "opset_import", expected: "ONNX opset \(ONNXImporter.opsets.lowerBound)-\(ONNXImporter.opsets.upperBound) (re-export with opset_version in that range)", found: "opset \(version)")
        }
        opset = version
    }

    // MARK: - the conversion

    mutating func run() throws -> ONNXImport {
        let graph = model.graph
        guard graph.outputs.count == 1 else {
            throw ImportFailure(location: "graph outputs", expected: "one output (the logits)", found: "\(graph.outputs.count) outputs: " + graph.outputs.map { "\"\($0.name)\"" }.joined(separator: ", "))
        }
        for tensor in graph.initializers {
            do {
                values[tensor.name] = .constant(try ONNXConstant(tensor: tensor))
            } catch let error as ONNXImportError {
                throw ImportFailure(location: "initializer \"\(tensor.name)\" at byte \(tensor.offset)", expected: error.expected, found: error.found)
            }
        }
        try bindGraphInputs()
        let needed = try neededNodes()
        for node in graph.nodes where needed.contains(node.index) {
            for input in node.inputs where !input.isEmpty { consumers[input, default: 0] += 1 }
        }
        consumers[graph.outputs[0].name, default: 0] += 1
        for node in graph.nodes where needed.contains(node.index) {
            current = node
            do {
                try convert(node)
            } catch let error as ONNXImportError {
                throw ImportFailure(location: location(node), expected: error.expected, found: error.found)
            } catch let error as InputError {
                // A shape check of the graph layer (kernel larger than the input, groups, ...).
                throw ImportFailure(location: location(node), expected: error.expected, found: error.found ?? "")
            }
        }
        let outputName = graph.outputs[0].name
        guard case .tensor(let output)? = values[outputName] else {
            throw ImportFailure(location: "graph output \"\(outputName)\"", expected: "a tensor computed from the network input", found: values[outputName] == nil ? "a value no node produces" : "a constant")
        }
        if let pending = output.pendingSlice {
            throw ImportFailure(location: "graph output \"\(outputName)\"", expected: "a tensor sliced alike on height and width",
                                found: "a slice with step \(pending.step) on axis \(pending.axis) only")
        }
        if output.scale != 1 {
            notes.append("the ONNX output is \(output.scale) x the imported network's output; the factor is dropped (it is positive, so the predicted class is the same)")
        }
        let reports = try finalizeWeights()
        let metadata = NetworkMetadata(notes: [
            "source": "ONNX file \(source)", "onnx_opset": "\(opset)",
            "onnx_producer": [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " "),
        ].filter { !$0.value.isEmpty })
        let result: Graph
        do {
            result = try Graph(name: name, nodes: nodes, output: output.node, metadata: metadata)
        } catch let error as InputError {
            throw ImportFailure(location: "imported graph \(error.location ?? "")", expected: error.expected, found: error.found ?? "")
        }
        return ONNXImport(graph: result, layers: reports, notes: notes, opset: Int(opset),
                          producer: [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// The first graph input without an initializer is the network input; later ones are weights
    /// known by their shape (an export with `export_params=False`).
    mutating func bindGraphInputs() throws {
        var dataInputBound = false
        for info in model.graph.inputs where values[info.name] == nil {
            let location = "graph input \"\(info.name)\""
            guard let type = info.elementType else { throw ImportFailure(location: location, expected: "a tensor", found: "a sequence, map or other non-tensor type") }
            guard let dims = info.dims else { throw ImportFailure(location: location, expected: "a declared shape", found: "none") }
            if !dataInputBound {
                dataInputBound = true
                try bindNetworkInput(info, dims: dims, location: location)
                continue
            }
            var fixed: [Int64] = []
            for (i, d) in dims.enumerated() {
                guard case .fixed(let v) = d else { throw ImportFailure(location: location, expected: "fixed dimensions for a weight given as a graph input", found: "\(Self.describe(d)) at dimension \(i)") }
                fixed.append(v)
            }
            do {
                let checked = try ONNXConstant.checkedDims(fixed, what: "graph input \"\(info.name)\"")
                var constant = ONNXConstant(dims: checked, values: .shapeOnly, elementType: type, source: info.name)
                if type == ONNXDataType.int8 { constant.integerBits = 8 }
                values[info.name] = .constant(constant)
            } catch let error as ONNXImportError {
                throw ImportFailure(location: location, expected: error.expected, found: error.found)
            }
        }
        guard dataInputBound else {
            throw ImportFailure(location: "graph inputs", expected: "a network input (a graph input that is not an initializer)", found: "none")
        }
    }

    mutating func bindNetworkInput(_ info: ONNXValueInfo, dims: [ONNXValueInfo.Dimension], location: String) throws {
        guard dims.count == 4 || dims.count == 2 else {
            throw ImportFailure(location: location, expected: "an input of shape N x C x H x W (images) or N x F (vectors)", found: "\(dims.count) dimensions")
        }
        var sizes: [Int] = []
        for (i, d) in dims.enumerated().dropFirst() {
            guard case .fixed(let v) = d else {
                throw ImportFailure(location: location, expected: "fixed sizes after the batch dimension (dynamic shapes are not supported: export with a fixed input size)", found: "\(Self.describe(d)) at dimension \(i)")
            }
            guard v >= 1, v <= Int64(SizeLimits.dimension) else {
                throw ImportFailure(location: location, expected: "sizes from 1 to \(SizeLimits.describe(SizeLimits.dimension))", found: "\(v) at dimension \(i)")
            }
            sizes.append(Int(v))
        }
        if case .fixed(let n) = dims[0] {
            guard n >= 1, n <= Int64(SizeLimits.dimension) else {
                throw ImportFailure(location: location, expected: "a batch size from 1 to \(SizeLimits.describe(SizeLimits.dimension))", found: "\(n)")
            }
            batch = Int(n)
        }
        let shape = sizes.count == 3 ? TensorShape(channels: sizes[0], height: sizes[1], width: sizes[2]) : .vector(sizes[0])
        let nodeName = uniqueName(info.name)
        do {
            try append(Node(name: nodeName, operation: .input(shape)))
        } catch let error as InputError {
            throw ImportFailure(location: location, expected: error.expected, found: error.found ?? "")
        }
        values[info.name] = .tensor(DynamicTensor(node: nodeName, shape: shape, rank: dims.count, scale: 1,
                                                  domain: ValueDomain(kind: .image, origin: "the network input")))
    }

    static func describe(_ d: ONNXValueInfo.Dimension) -> String {
        switch d {
        case .fixed(let v): return "\(v)"
        case .symbolic(let s): return "symbolic \"\(s)\""
        case .unknown: return "an unknown size"
        }
    }

    /// Indices of the nodes the graph output depends on (others are skipped); checks that every
    /// input is produced before it is used (ONNX requires topological order).
    func neededNodes() throws -> Set<Int> {
        var producer: [String: Int] = [:]
        for node in model.graph.nodes {
            for input in node.inputs where !input.isEmpty && values[input] == nil && producer[input] == nil {
                throw ImportFailure(location: location(node), expected: "inputs that are initializers, graph inputs or outputs of earlier nodes", found: "\"\(input)\", which is none of these")
            }
            for output in node.outputs where !output.isEmpty { producer[output] = node.index }
        }
        var needed = Set<Int>()
        var stack = [model.graph.outputs[0].name]
        while let value = stack.popLast() {
            guard let p = producer[value], needed.insert(p).inserted else { continue }
            stack += model.graph.nodes[p].inputs.filter { !$0.isEmpty }
        }
        return needed
    }

    func location(_ node: ONNXNode) -> String {
        let label = node.name.isEmpty ? (node.outputs.first.map { "producing \"\($0)\"" } ?? "#\(node.index)") : "\"\(node.name)\""
        return "node \(label) (\(node.domain.isEmpty || node.domain == "ai.onnx" ? "" : node.domain + "::")\(node.opType))"
    }

    // MARK: - values

    /// Input `i`, or nil when absent (an optional input left empty).
    func value(_ i: Int) throws -> ImportedValue? {
        guard i < current.inputs.count, !current.inputs[i].isEmpty else { return nil }
        guard let v = values[current.inputs[i]] else {
            // e.g. a Dropout mask or a batch norm's running statistics: outputs pimsim does not compute.
            throw ONNXImportError(expected: "input \(i) \"\(current.inputs[i])\" computed by the importer", found: "an output of an earlier node that pimsim does not compute")
        }
        return v
    }

    /// Input `i`, which must be present.
    func requiredValue(_ i: Int) throws -> ImportedValue {
        guard let v = try value(i) else { throw ONNXImportError(expected: "input \(i)", found: "none") }
        return v
    }

    /// Input `i` as a constant; `what` names it in messages.
    func constant(_ i: Int, _ what: String) throws -> ONNXConstant {
        guard let v = try value(i) else { throw ONNXImportError(expected: "input \(i) (\(what))", found: "none") }
        guard case .constant(let c) = v else {
            throw ONNXImportError(expected: "a constant \(what) (an initializer or a Constant node)", found: "a tensor computed from the network input")
        }
        return c
    }

    func optionalConstant(_ i: Int, _ what: String) throws -> ONNXConstant? {
        try value(i) == nil ? nil : try constant(i, what)
    }

    /// Input `i` as constant values (not shape-only).
    func constantValues(_ i: Int, _ what: String) throws -> (ONNXConstant, [Float]) {
        let c = try constant(i, what)
        guard let v = c.floats else { throw ONNXImportError(expected: "the values of \(what)", found: "graph input \"\(c.source)\", which has a shape but no data") }
        return (c, v)
    }

    /// A constant scalar input (one value).
    func scalar(_ i: Int, _ what: String) throws -> Float? {
        guard try value(i) != nil else { return nil }
        let (_, v) = try constantValues(i, what)
        guard v.count == 1 else { throw ONNXImportError(expected: "one value for \(what)", found: "\(v.count) values") }
        return v[0]
    }

    /// Input `i` as a tensor computed from the network input.
    func tensor(_ i: Int) throws -> DynamicTensor {
        guard case .tensor(let t)? = try value(i) else {
            throw ONNXImportError(expected: "input \(i) computed from the network input", found: try value(i) == nil ? "none" : "a constant")
        }
        if let pending = t.pendingSlice, current.opType != "Slice" {
            throw ONNXImportError(expected: "a Slice stepping height and width alike (x[:, :, ::s, ::s]) before other ops",
                                  found: "a tensor sliced with step \(pending.step) on axis \(pending.axis) only")
        }
        return t
    }

    mutating func setOutput(_ value: ImportedValue, _ index: Int = 0) {
        guard index < current.outputs.count, !current.outputs[index].isEmpty else { return }
        values[current.outputs[index]] = value
    }

    /// Fails if output `index` (e.g. MaxPool's indices, BatchNormalization's running statistics)
    /// is used.
    func requireUnused(outputsFrom index: Int, _ what: String) throws {
        for (k, name) in current.outputs.enumerated() where k >= index && !name.isEmpty && consumers[name, default: 0] > 0 {
            throw ONNXImportError(expected: "only the first output to be used (\(what) are not supported)", found: "output \(k) \"\(name)\" used")
        }
    }

    // MARK: - attributes

    func attribute(_ name: String) -> ONNXAttribute? { current.attributes[name] }

    /// Attribute `name` as the kind `extract` accepts (nil when absent); `kind` names it in errors.
    func attribute<T>(_ name: String, _ kind: String, _ extract: (ONNXAttribute) -> T?) throws -> T? {
        guard let a = current.attributes[name] else { return nil }
        guard let v = extract(a) else { throw ONNXImportError(expected: "\(kind) attribute \(name)", found: "another kind") }
        return v
    }

    func int(_ name: String, default value: Int64) throws -> Int64 {
        try attribute(name, "an integer") { a -> Int64? in if case .int(let v) = a { return v }; return nil } ?? value
    }

    func float(_ name: String, default value: Float) throws -> Float {
        try attribute(name, "a float") { a -> Float? in
            switch a {
            case .float(let v): return v
            case .int(let v): return Float(v)
            default: return nil
            }
        } ?? value
    }

    func ints(_ name: String) throws -> [Int64]? {
        try attribute(name, "an integer list") { a -> [Int64]? in if case .ints(let v) = a { return v }; return nil }
    }

    func string(_ name: String, default value: String) throws -> String {
        try attribute(name, "a string") { a -> String? in if case .string(let v) = a { return v }; return nil } ?? value
    }

    // MARK: - graph nodes

    /// A unique node name: the PyTorch module path of a scoped name (`/layer1/layer1.0/conv1/Conv`
    /// -> `layer1.0.conv1`), else the module of the weight's initializer (`fc.weight` -> `fc`), else the ONNX name, the first output's name, or the op type.
    mutating func nodeName(for node: ONNXNode, weightSource: String? = nil) -> String {
        var base = ""
        if node.name.hasPrefix("/") {
            var parts = node.name.split(separator: "/").map(String.init)
            if parts.count > 1, let last = parts.last, last == node.opType || last.hasPrefix(node.opType + "_") { parts.removeLast() }
            // Scope parts name a module relative to some ancestor: "layer1", "layer1.0", "conv1",
            // or "downsample", "downsample.0"; rebuild the full dotted path.
            var path = ""
            for part in parts {
                let last = path.split(separator: ".").last.map(String.init) ?? ""
                if path.isEmpty || part.hasPrefix(path + ".") {
                    path = part
                } else if !last.isEmpty, part.hasPrefix(last + ".") {
                    path += part.dropFirst(last.count)
                } else {
                    path += "." + part
                }
            }
            base = path
        }
        if base.isEmpty, let source = weightSource, let dot = source.lastIndex(of: "."), !source.hasPrefix("onnx::"), source.first != "/" {
            base = String(source[..<dot])
        }
        if base.isEmpty { base = node.name }
        if base.isEmpty { base = node.outputs.first ?? "" }
        if base.isEmpty { base = "\(node.opType)\(node.index)" }
        return uniqueName(base)
    }

    mutating func uniqueName(_ base: String) -> String {
        var candidate = base
        var k = 2
        while usedNames.contains(candidate) {
            candidate = "\(base)_\(k)"
            k += 1
        }
        usedNames.insert(candidate)
        return candidate
    }

    /// Appends a pimsim node after inferring (and so checking) its shape.
    @discardableResult
    mutating func append(_ node: Node) throws -> TensorShape {
        usedNames.insert(node.name)
        let inputShapes = node.inputs.map { shapes[$0]! }
        let shape = try NodeContext(node: node, listIndex: nodes.count).inferShape(inputShapes: inputShapes)
        nodeIndex[node.name] = nodes.count
        nodes.append(node)
        shapes[node.name] = shape
        return shape
    }

    /// Adds a node reading `input`; returns the tensor it produces (scale 1 unless given).
    mutating func emit(_ operation: Operation, from input: DynamicTensor, name: String? = nil, precision: LayerPrecision? = nil,
                       data: NodeData = NodeData(), rank: Int? = nil, scale: Float = 1, domain: ValueDomain) throws -> DynamicTensor {
        let nodeName = name ?? nodeName(for: current)
        let shape = try append(Node(name: nodeName, operation: operation, inputs: [input.node], precision: precision, data: data))
        return DynamicTensor(node: nodeName, shape: shape, rank: rank ?? input.rank, scale: scale, domain: domain)
    }

    /// "Relu \"relu1\"": the op and node that produce a value, for the report.
    var currentOrigin: String { "\(current.opType) \"\(current.name.isEmpty ? current.outputs.first ?? "" : current.name)\"" }

    /// Whether the ONNX value `name` has exactly one consumer and is not the graph output.
    func isSoleUse(_ name: String) -> Bool {
        consumers[name, default: 0] == 1 && name != model.graph.outputs[0].name
    }
}
