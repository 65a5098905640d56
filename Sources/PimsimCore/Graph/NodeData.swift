/// Trained values of a weighted layer's weights, in PyTorch's OIHW order
/// (`out x in/groups x kernel x kernel`; linear: `out x in`).
public enum WeightValues: Equatable, Sendable {
    /// Each value in {-1, 0, +1}.
    case ternary([Int8])
    /// Each value in {-1, +1}.
    case binary([Int8])
    case float32([Float])

    /// "ternary", "binary" or "float32", for messages.
    public var kindName: String {
        switch self {
        case .ternary: return "ternary"
        case .binary: return "binary"
        case .float32: return "float32"
        }
    }

    public var count: Int {
        switch self {
        case .ternary(let v), .binary(let v): return v.count
        case .float32(let v): return v.count
        }
    }

    /// Fraction of non-zero weights (1 for binary).
    public var density: Double {
        switch self {
        case .ternary(let v): return v.isEmpty ? 0 : Double(v.lazy.filter { $0 != 0 }.count) / Double(v.count)
        case .binary: return 1
        case .float32(let v): return v.isEmpty ? 0 : Double(v.lazy.filter { $0 != 0 }.count) / Double(v.count)
        }
    }
}

/// The scale that turns ternary/binary weights back into real values: w = scale * t.
public enum WeightScale: Equatable, Sendable {
    /// One scale for the whole layer (TWN, statistical scaling).
    case perLayer(Float)
    /// One scale per output channel.
    case perChannel([Float])
    /// Separate scales for positive and negative weights, per output channel or one each (EC2T).
    case signed(positive: [Float], negative: [Float])
}

/// Batch normalisation: y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, per channel.
public struct BatchNormParameters: Equatable, Sendable {
    public var gamma: [Float]
    public var beta: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var epsilon: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }
}

/// Per-channel comparator thresholds of a ternary or sign activation (one value broadcasts to
/// every channel). Ternary: +1 if x > high, -1 if x < low, else 0. Sign: +1 if x >= high, else -1
/// (`low` equals `high`).
public struct ActivationThresholds: Equatable, Sendable {
    public var low: [Float]
    public var high: [Float]

    public init(low: [Float], high: [Float]) {
        self.low = low
        self.high = high
    }
}

/// Measured statistics of a layer from training or evaluation.
public struct LayerStatistics: Equatable, Sendable {
    /// Fraction of non-zero weights.
    public var weightDensity: Double?
    /// Fraction of non-zero input activations, measured on the test set.
    public var inputDensity: Double?

    public init(weightDensity: Double? = nil, inputDensity: Double? = nil) {
        self.weightDensity = weightDensity
        self.inputDensity = inputDensity
    }
}

/// Optional trained data attached to a node. A shape-only graph leaves all of it nil.
public struct NodeData: Equatable, Sendable {
    public var weights: WeightValues?
    public var scale: WeightScale?
    public var bias: [Float]?
    public var batchNorm: BatchNormParameters?
    public var thresholds: ActivationThresholds?
    public var statistics: LayerStatistics?

    public init(weights: WeightValues? = nil, scale: WeightScale? = nil, bias: [Float]? = nil,
                batchNorm: BatchNormParameters? = nil, thresholds: ActivationThresholds? = nil,
                statistics: LayerStatistics? = nil) {
        self.weights = weights
        self.scale = scale
        self.bias = bias
        self.batchNorm = batchNorm
        self.thresholds = thresholds
        self.statistics = statistics
    }

    /// True when no trained data is attached.
    public var isEmpty: Bool { self == NodeData() }
}
