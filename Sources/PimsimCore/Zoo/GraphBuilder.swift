/// Appends nodes to a graph under construction, chaining each to the previous one by default.
public struct GraphBuilder {
    public private(set) var nodes: [Node] = []
    /// The most recently added node's name.
    public private(set) var last: String = ""

    public init(input: TensorShape, name: String = "input") {
        nodes.append(Node(name: name, operation: .input(input)))
        last = name
    }

    /// Adds a node fed by `inputs` (default: the last node) and returns its name.
    @discardableResult
    public mutating func add(_ name: String, _ operation: Operation, inputs: [String]? = nil, precision: LayerPrecision? = nil) -> String {
        nodes.append(Node(name: name, operation: operation, inputs: inputs ?? [last], precision: precision))
        last = name
        return name
    }

    /// conv2d -> batchnorm -> activation, the repeating unit of most networks here.
    @discardableResult
    public mutating func convBlock(_ name: String, out: Int, kernel: Int, stride: Int = 1, padding: Int, precision: LayerPrecision,
                                   activation: ActivationFunction?, bias: Bool = false) -> String {
        add(name, .conv2d(Conv2DAttributes(outChannels: out, kernel: kernel, stride: stride, padding: padding, bias: bias)), precision: precision)
        add(name + ".bn", .batchNorm)
        if let activation { add(name + ".act", .activation(activation)) }
        return last
    }

    public func build(name: String) throws -> Graph { try Graph(name: name, nodes: nodes, output: last) }
}
