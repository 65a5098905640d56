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

    /// linear (no bias) -> batchnorm -> activation, the hidden fully connected unit.
    @discardableResult
    public mutating func linearBlock(_ name: String, out: Int, precision: LayerPrecision, activation: ActivationFunction) -> String {
        add(name, .linear(LinearAttributes(outFeatures: out, bias: false)), precision: precision)
        add(name + ".bn", .batchNorm)
        return add(name + ".act", .activation(activation))
    }

    /// A ResNet basic block (He et al. 2016): conv3x3-bn-act, conv3x3-bn, plus the shortcut, then
    /// add and activation. Where the shape changes the shortcut is option A (subsample and zero
    /// channels, no parameters) or, with `projection`, a 1x1 convolution with batch norm.
    @discardableResult
    public mutating func basicBlock(_ prefix: String, inChannels: Int, out: Int, stride: Int, precision: LayerPrecision,
                                    activation: ActivationFunction, bias: Bool, projection: Bool) -> String {
        let blockInput = last
        convBlock(prefix + "c1", out: out, kernel: 3, stride: stride, padding: 1, precision: precision, activation: activation, bias: bias)
        convBlock(prefix + "c2", out: out, kernel: 3, padding: 1, precision: precision, activation: nil, bias: bias)
        let main = last
        var shortcut = blockInput
        if stride != 1 || out != inChannels {
            if projection {
                add(prefix + ".proj", .conv2d(Conv2DAttributes(outChannels: out, kernel: 1, stride: stride)), inputs: [blockInput], precision: precision)
                shortcut = add(prefix + ".proj.bn", .batchNorm)
            } else {
                shortcut = add(prefix + ".shortcut", .shortcut(ShortcutAttributes(stride: stride, outChannels: out)), inputs: [blockInput])
            }
        }
        add(prefix + ".add", .add, inputs: [main, shortcut])
        return add(prefix + ".act", .activation(activation))
    }

    public func build(name: String) throws -> Graph { try Graph(name: name, nodes: nodes, output: last) }
}
