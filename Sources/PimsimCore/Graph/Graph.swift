/// A validated network graph: nodes in topological order with every output shape inferred.
///
/// Construction checks everything a downstream stage relies on (unique names, existing
/// references, no cycles, positive sizes, groups dividing channels, kernels fitting their input,
/// matching residual shapes, trained data of the right size), so the splitter, the simulator, the
/// trainer and the FPGA estimator never see an inconsistent graph. Errors name the node by its
/// position in the list given (`$.nodes[3].groups`) and by name.
public struct Graph: Equatable, Sendable {
    public let name: String
    /// Nodes in topological order.
    public let nodes: [Node]
    /// Output shape of each node, index-aligned with `nodes`.
    public let shapes: [TensorShape]
    /// Index of the node whose output is the network's output.
    public let outputIndex: Int
    public let metadata: NetworkMetadata
    private let indexByName: [String: Int]

    /// Validates `nodes` and infers shapes.
    /// - Parameter output: the output node's name; defaults to the only node nobody consumes.
    public init(name: String, nodes: [Node], output: String? = nil, metadata: NetworkMetadata = NetworkMetadata()) throws {
        self.name = name
        self.metadata = metadata
        let ordered = try Graph.topologicalOrder(nodes)
        var indexByName: [String: Int] = [:]
        for (i, entry) in ordered.enumerated() { indexByName[entry.node.name] = i }
        var shapes: [TensorShape] = []
        shapes.reserveCapacity(ordered.count)
        for entry in ordered {
            let inputShapes = entry.node.inputs.map { shapes[indexByName[$0]!] }
            let context = NodeContext(node: entry.node, listIndex: entry.listIndex)
            shapes.append(try context.inferShape(inputShapes: inputShapes))
            try context.validateData(inputShapes: inputShapes, outputShape: shapes.last!)
        }
        // Per-layer MACs are bounded in shape inference; their sum must be too.
        var macs = 0
        for (entry, shape) in zip(ordered, shapes) where entry.node.operation.isWeighted {
            let layer = LayerGeometry(nodeIndex: 0, node: entry.node, input: entry.node.inputs.map { shapes[indexByName[$0]!] }[0], output: shape)
            guard let total = SizeLimits.sum(macs, layer.macs, limit: SizeLimits.networkMACs) else {
                throw InputError(location: "$.nodes[\(entry.listIndex)]",
                                 expected: "a network of at most \(SizeLimits.describe(SizeLimits.networkMACs)) multiply-accumulates per inference (node \"\(entry.node.name)\")",
                                 found: "more by this layer")
            }
            macs = total
        }
        self.nodes = ordered.map(\.node)
        self.shapes = shapes
        self.indexByName = indexByName
        if let output {
            guard let i = indexByName[output] else {
                throw InputError(location: "$.output", expected: "the name of a node", found: "\"\(output)\"")
            }
            self.outputIndex = i
        } else {
            let consumed = Set(ordered.flatMap(\.node.inputs))
            let sinks = ordered.indices.filter { !consumed.contains(ordered[$0].node.name) }
            guard sinks.count == 1 else {
                throw InputError(location: "$.output", expected: "the name of the output node (the graph has \(sinks.count) nodes nobody consumes: \(sinks.map { ordered[$0].node.name }.joined(separator: ", ")))", found: "nothing")
            }
            self.outputIndex = sinks[0]
        }
    }

    public static func == (lhs: Graph, rhs: Graph) -> Bool {
        lhs.name == rhs.name && lhs.nodes == rhs.nodes && lhs.outputIndex == rhs.outputIndex && lhs.metadata == rhs.metadata
    }

    /// Index of the node called `name`.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// The node called `name`.
    public func node(named name: String) -> Node? { indexByName[name].map { nodes[$0] } }

    /// Shapes of the inputs of node `index`.
    public func inputShapes(of index: Int) -> [TensorShape] {
        nodes[index].inputs.map { shapes[indexByName[$0]!] }
    }

    /// Indices of the nodes that consume node `index`'s output.
    public func consumers(of index: Int) -> [Int] {
        let name = nodes[index].name
        return nodes.indices.filter { nodes[$0].inputs.contains(name) }
    }

    /// The network's input shape (the first input node's).
    public var inputShape: TensorShape {
        for node in nodes { if case .input(let shape) = node.operation { return shape } }
        preconditionFailure("a validated graph has an input node")
    }

    /// Geometry of every weighted layer (conv2d, linear), in topological order.
    public var weightedLayers: [LayerGeometry] {
        nodes.indices.compactMap { layerGeometry(at: $0) }
    }

    /// Geometry of node `index` if it is weighted.
    public func layerGeometry(at index: Int) -> LayerGeometry? {
        let node = nodes[index]
        guard node.operation.isWeighted else { return nil }
        return LayerGeometry(nodeIndex: index, node: node, input: inputShapes(of: index)[0], output: shapes[index])
    }

    /// A copy with new nodes (validated again); keeps name, metadata and the output node's name.
    public func replacingNodes(_ newNodes: [Node], output: String? = nil) throws -> Graph {
        try Graph(name: name, nodes: newNodes, output: output ?? nodes[outputIndex].name, metadata: metadata)
    }

    /// A copy with every weighted layer's precision set to `precision` (for baseline runs).
    public func withPrecision(_ precision: LayerPrecision) throws -> Graph {
        try replacingNodes(nodes.map { node in
            var n = node
            if n.operation.isWeighted { n.precision = precision }
            return n
        })
    }

    /// Whether any node carries trained data.
    public var hasTrainedData: Bool { nodes.contains { !$0.data.isEmpty } }

    // MARK: - topological order

    struct OrderedNode {
        var node: Node
        var listIndex: Int
    }

    /// Kahn's algorithm, stable with respect to the given order; reports unknown references,
    /// duplicate names and cycles.
    static func topologicalOrder(_ nodes: [Node]) throws -> [OrderedNode] {
        guard !nodes.isEmpty else { throw InputError(location: "$.nodes", expected: "at least one node", found: "an empty list") }
        var listIndexByName: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            guard !node.name.isEmpty else { throw InputError(location: "$.nodes[\(i)].name", expected: "a non-empty name", found: "\"\"") }
            if let first = listIndexByName[node.name] {
                throw InputError(location: "$.nodes[\(i)].name", expected: "a unique name (also used by $.nodes[\(first)])", found: "\"\(node.name)\"")
            }
            listIndexByName[node.name] = i
        }
        var pending = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() {
            let arity = node.operation.arity
            guard node.inputs.count == arity else {
                throw InputError(location: "$.nodes[\(i)].inputs", expected: "\(arity) input\(arity == 1 ? "" : "s") for op \(node.operation.name) (node \"\(node.name)\")", found: "\(node.inputs.count)")
            }
            for (k, input) in node.inputs.enumerated() {
                guard let j = listIndexByName[input] else {
                    let hint = Suggestion.closest(to: input, among: listIndexByName.keys).map { " (did you mean \"\($0)\"?)" } ?? ""
                    throw InputError(location: "$.nodes[\(i)].inputs[\(k)]", expected: "the name of another node\(hint)", found: "\"\(input)\", which no node has")
                }
                guard j != i else {
                    throw InputError(location: "$.nodes[\(i)].inputs[\(k)]", expected: "another node (the graph must be acyclic)", found: "the node itself, \"\(input)\"")
                }
                pending[i] += 1
                consumers[j].append(i)
            }
        }
        // A min-heap would be O(n log n); graphs are small, so a sorted ready list is enough.
        var ready = nodes.indices.filter { pending[$0] == 0 }
        var order: [OrderedNode] = []
        order.reserveCapacity(nodes.count)
        while !ready.isEmpty {
            let i = ready.removeFirst()
            order.append(OrderedNode(node: nodes[i], listIndex: i))
            for c in consumers[i] {
                pending[c] -= 1
                if pending[c] == 0 {
                    let position = ready.firstIndex { $0 > c } ?? ready.count
                    ready.insert(c, at: position)
                }
            }
        }
        if order.count < nodes.count {
            let stuck = nodes.indices.filter { pending[$0] > 0 }
            let cycle = findCycle(among: Set(stuck), nodes: nodes, listIndexByName: listIndexByName)
            throw InputError(location: "$.nodes[\(cycle[0])].inputs", expected: "an acyclic graph",
                             found: "a cycle " + (cycle + [cycle[0]]).map { "\"\(nodes[$0].name)\"" }.joined(separator: " -> "))
        }
        return order
    }

    /// Follows input edges inside `stuck` until a node repeats; returns the cycle's list indices.
    private static func findCycle(among stuck: Set<Int>, nodes: [Node], listIndexByName: [String: Int]) -> [Int] {
        var path: [Int] = []
        var current = stuck.min()!
        while !path.contains(current) {
            path.append(current)
            current = nodes[current].inputs.compactMap { listIndexByName[$0] }.first { stuck.contains($0) }!
        }
        // Input edges walk against the data flow: reverse, then start at the earliest-listed node.
        let cycle = Array(path[path.firstIndex(of: current)!...].reversed())
        let start = cycle.firstIndex(of: cycle.min()!)!
        return Array(cycle[start...] + cycle[..<start])
    }
}

/// The shape facts of one weighted layer that every cost model needs.
public struct LayerGeometry: Equatable, Sendable {
    /// Index of the node in `Graph.nodes`.
    public let nodeIndex: Int
    public let name: String
    public let operation: Operation
    public let precision: LayerPrecision
    public let input: TensorShape
    public let output: TensorShape
    public let kernel: Int
    public let groups: Int

    init(nodeIndex: Int, node: Node, input: TensorShape, output: TensorShape) {
        self.nodeIndex = nodeIndex
        self.name = node.name
        self.operation = node.operation
        self.precision = node.precision!
        self.input = input
        self.output = output
        switch node.operation {
        case .conv2d(let c):
            kernel = c.kernel
            groups = c.groups
        default:
            kernel = 1
            groups = 1
        }
    }

    public var inChannels: Int { operation.isConvolution ? input.channels : input.count }
    public var outChannels: Int { output.channels }
    /// Connections per output value: k * k * Cin / groups (linear: input features).
    public var connections: Int { kernel * kernel * inChannels / groups }
    /// Output channels per group.
    public var outChannelsPerGroup: Int { outChannels / groups }
    /// Output positions per image (1 for linear).
    public var positions: Int { output.positions }
    /// Weight count: Cout * connections.
    public var weightCount: Int { outChannels * connections }
    /// Multiply-accumulates per image: output values * connections.
    public var macs: Int { output.count * connections }
    /// Whether the layer has a bias vector.
    public var hasBias: Bool {
        switch operation {
        case .conv2d(let c): return c.bias
        case .linear(let l): return l.bias
        default: return false
        }
    }
    /// Whether the layer is a 1x1 convolution.
    public var isPointwise: Bool { operation.isConvolution && kernel == 1 }
}

extension Operation {
    /// Whether the operation is a 2-D convolution.
    public var isConvolution: Bool {
        if case .conv2d = self { return true }
        return false
    }
}
