/// A 2-D convolution. Weights are `outChannels x (inChannels / groups) x kernel x kernel`.
public struct Conv2DAttributes: Hashable, Sendable {
    public var outChannels: Int
    /// Square kernel side.
    public var kernel: Int
    public var stride: Int
    /// Zero padding on each side.
    public var padding: Int
    public var groups: Int
    public var bias: Bool

    public init(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1, bias: Bool = false) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.bias = bias
    }
}

/// A fully connected layer over a flattened input.
public struct LinearAttributes: Hashable, Sendable {
    public var outFeatures: Int
    public var bias: Bool

    public init(outFeatures: Int, bias: Bool = true) {
        self.outFeatures = outFeatures
        self.bias = bias
    }
}

/// Element-wise activation functions.
public enum ActivationFunction: String, Hashable, Sendable, CaseIterable {
    /// +1 above the high threshold, -1 below the low threshold, 0 between (two comparators).
    case ternary
    /// +1 at or above the threshold, -1 below (one comparator); XNOR-Net's binary activation.
    case sign
    case relu
    /// clamp(x, -1, 1): the real-valued activation whose derivative is the straight-through
    /// estimator of the ternary and sign activations.
    case hardtanh
    case identity
}

/// Average or maximum pooling.
public enum PoolKind: String, Hashable, Sendable, CaseIterable {
    case avg
    case max
}

public struct PoolAttributes: Hashable, Sendable {
    public var kind: PoolKind
    public var kernel: Int
    public var stride: Int
    public var padding: Int

    public init(kind: PoolKind, kernel: Int, stride: Int, padding: Int = 0) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }
}

/// ResNet "option A" shortcut: subsample by `stride` and pad with zero channels up to
/// `outChannels` (no parameters).
public struct ShortcutAttributes: Hashable, Sendable {
    public var stride: Int
    public var outChannels: Int

    public init(stride: Int, outChannels: Int) {
        self.stride = stride
        self.outChannels = outChannels
    }
}

/// What a node computes.
public enum Operation: Hashable, Sendable {
    case input(TensorShape)
    case conv2d(Conv2DAttributes)
    case linear(LinearAttributes)
    case batchNorm
    case activation(ActivationFunction)
    /// Element-wise sum of two inputs of the same shape (residual connection).
    case add
    case pool(PoolAttributes)
    case globalAvgPool
    case flatten
    case shortcut(ShortcutAttributes)

    /// The `op` name in net.json.
    public var name: String {
        switch self {
        case .input: return "input"
        case .conv2d: return "conv2d"
        case .linear: return "linear"
        case .batchNorm: return "batchnorm"
        case .activation: return "activation"
        case .add: return "add"
        case .pool(let p): return p.kind == .avg ? "avgpool" : "maxpool"
        case .globalAvgPool: return "global_avgpool"
        case .flatten: return "flatten"
        case .shortcut: return "shortcut"
        }
    }

    /// All `op` names net.json accepts.
    public static let names = ["input", "conv2d", "linear", "batchnorm", "activation", "add", "avgpool", "maxpool", "global_avgpool", "flatten", "shortcut"]

    /// Whether the node has weights that map onto crossbar arrays (conv2d, linear).
    public var isWeighted: Bool {
        switch self {
        case .conv2d, .linear: return true
        default: return false
        }
    }

    /// How many inputs the operation takes.
    public var arity: Int {
        switch self {
        case .input: return 0
        case .add: return 2
        default: return 1
        }
    }
}
