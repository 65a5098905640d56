/// One operation in a network graph.
public struct Node: Equatable, Sendable {
    /// Unique name; other nodes refer to it in `inputs`.
    public var name: String
    public var operation: Operation
    /// Names of the nodes whose outputs this node consumes, in order.
    public var inputs: [String]
    /// Precision of weights and inputs; required for weighted nodes (conv2d, linear), nil otherwise.
    public var precision: LayerPrecision?
    /// Optional trained data.
    public var data: NodeData

    public init(name: String, operation: Operation, inputs: [String] = [], precision: LayerPrecision? = nil, data: NodeData = NodeData()) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.precision = precision
        self.data = data
    }
}

/// Facts about the data a network was trained and measured on.
public struct NetworkMetadata: Equatable, Sendable {
    /// Dataset name, e.g. `mnist5k` or `cifar10`.
    public var dataset: String?
    /// Test accuracy as a fraction in [0, 1].
    public var testAccuracy: Double?
    /// Free-form provenance (command that produced the file, quantiser, seed).
    public var notes: [String: String]

    public init(dataset: String? = nil, testAccuracy: Double? = nil, notes: [String: String] = [:]) {
        self.dataset = dataset
        self.testAccuracy = testAccuracy
        self.notes = notes
    }
}
