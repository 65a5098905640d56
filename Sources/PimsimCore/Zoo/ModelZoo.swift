/// Built-in networks, so that every command works with no files. Every command that takes a
/// network accepts a zoo name wherever it accepts a net.json path.
///
/// Precision conventions (documented in docs/zoo.md): hidden layers ternary weights and ternary
/// inputs (seed 000's TNN); the first layer ternary weights on 8-bit image inputs; the
/// classifier ternary weights on ternary inputs. `xnor` networks use binary weights and inputs
/// with sign activations instead.
public enum ModelZoo {
    /// One zoo entry.
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        public let defaultInput: TensorShape
        public let defaultClasses: Int
        let builder: @Sendable (TensorShape, Int, ActivationFunction) throws -> Graph
    }

    public static let entries: [Entry] = [
        Entry(name: "resnet20", summary: "ResNet-20 for CIFAR-10 (option-A shortcuts), seed 000's network",
              defaultInput: TensorShape(channels: 3, height: 32, width: 32), defaultClasses: 10) { try resnet20(input: $0, classes: $1, activation: $2) },
        Entry(name: "resnet20-paper", summary: "ResNet-20 with conv biases and a batch norm before the classifier: +816 parameters, seed 000's totals (docs/reproducing.md)",
              defaultInput: TensorShape(channels: 3, height: 32, width: 32), defaultClasses: 10) {
            try resnetCIFAR(name: "resnet20-paper", blocksPerStage: 3, input: $0, classes: $1, activation: $2, convBias: true, classifierBatchNorm: true)
        },
        Entry(name: "vgg7", summary: "VGG-7 for CIFAR-10: 2x(128-C3) MP2 2x(256-C3) MP2 2x(512-C3) MP2 1024-FC (seed 004)",
              defaultInput: TensorShape(channels: 3, height: 32, width: 32), defaultClasses: 10) { try vgg7(input: $0, classes: $1, activation: $2) },
        Entry(name: "vgg8", summary: "NeuroSim V1.3's VGG-8 for CIFAR-10 (NetWork_VGG8.csv): VGG-7's shapes, int8 weights and activations, ReLU, no batch norm",
              defaultInput: TensorShape(channels: 3, height: 32, width: 32), defaultClasses: 10) { try vgg8(input: $0, classes: $1, activation: $2) },
        Entry(name: "lenet5", summary: "LeNet-5 for MNIST: 32-C5 MP2 64-C5 MP2 512-FC (seed 004)",
              defaultInput: TensorShape(channels: 1, height: 28, width: 28), defaultClasses: 10) { try lenet5(input: $0, classes: $1, activation: $2) },
        Entry(name: "alexnet", summary: "AlexNet for ImageNet (torchvision shapes; last layer 4096x1000 as in seed 003)",
              defaultInput: TensorShape(channels: 3, height: 224, width: 224), defaultClasses: 1000) { try alexnet(input: $0, classes: $1, activation: $2) },
        Entry(name: "resnet18", summary: "ResNet-18 for ImageNet (1x1 projection shortcuts)",
              defaultInput: TensorShape(channels: 3, height: 224, width: 224), defaultClasses: 1000) { try resnet18(input: $0, classes: $1, activation: $2) },
    ]

    public static var names: [String] { entries.map(\.name) }

    /// Builds zoo network `name`, optionally for another input shape or class count.
    /// - Parameter binary: build the XNOR-Net variant (binary weights and inputs, sign activations).
    public static func network(named name: String, input: TensorShape? = nil, classes: Int? = nil, binary: Bool = false) throws -> Graph {
        guard let entry = entries.first(where: { $0.name == name }) else {
            let hint = Suggestion.closest(to: name, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw InputError(location: "network", expected: "a net.json or .onnx file or a zoo name: " + names.joined(separator: ", ") + hint, found: "\"\(name)\"")
        }
        if let classes, classes < 1 { throw InputError(location: "--classes", expected: "an integer >= 1", found: "\(classes)") }
        return try entry.builder(input ?? entry.defaultInput, classes ?? entry.defaultClasses, binary ? .sign : .ternary)
    }

    // MARK: - the networks

    static func precisions(_ activation: ActivationFunction) -> (first: LayerPrecision, hidden: LayerPrecision) {
        let q: Precision = activation == .sign ? .binary : .ternary
        return (LayerPrecision(weights: q, inputs: .integer(bits: 8)), LayerPrecision(weights: q, inputs: q))
    }

    /// ResNet-20 (He et al. 2016, CIFAR variant): 3 stages of 3 basic blocks with 16/32/64
    /// channels, option-A shortcuts, batch norm after each of the 19 convolutions, global average
    /// pooling, 64 -> classes linear with bias. 269,722 parameters for CIFAR-10.
    static func resnet20(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        try resnetCIFAR(name: "resnet20", blocksPerStage: 3, input: input, classes: classes, activation: activation)
    }

    /// - Parameters:
    ///   - convBias: give every convolution a bias (PyTorch's default), 688 parameters for ResNet-20.
    ///     A split convolution keeps it once, on its pointwise convolution.
    ///   - classifierBatchNorm: a batch norm over the pooled features before the classifier (2 x 64).
    static func resnetCIFAR(name: String, blocksPerStage: Int, input: TensorShape, classes: Int, activation: ActivationFunction,
                            convBias: Bool = false, classifierBatchNorm: Bool = false) throws -> Graph {
        let p = precisions(activation)
        var b = GraphBuilder(input: input)
        b.convBlock("conv1", out: 16, kernel: 3, padding: 1, precision: p.first, activation: activation, bias: convBias)
        var channels = 16
        for (stage, width) in [16, 32, 64].enumerated() {
            for block in 1...blocksPerStage {
                b.basicBlock("s\(stage + 1)b\(block)", inChannels: channels, out: width, stride: (stage > 0 && block == 1) ? 2 : 1,
                             precision: p.hidden, activation: activation, bias: convBias, projection: false)
                channels = width
            }
        }
        b.add("pool", .globalAvgPool)
        if classifierBatchNorm { b.add("pool.bn", .batchNorm) }
        b.add("pool.act", .activation(activation))
        b.add("fc", .linear(LinearAttributes(outFeatures: classes, bias: true)), precision: p.hidden)
        return try b.build(name: name)
    }

    /// VGG-7 (seed 004, Table 1): 2x(128-C3) + MP2 + 2x(256-C3) + MP2 + 2x(512-C3) + MP2 + 1024-FC + classifier.
    static func vgg7(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        let p = precisions(activation)
        var b = GraphBuilder(input: input)
        var first = true
        for (stage, width) in [128, 256, 512].enumerated() {
            for i in 1...2 {
                b.convBlock("conv\(stage + 1)_\(i)", out: width, kernel: 3, padding: 1, precision: first ? p.first : p.hidden, activation: activation)
                first = false
            }
            b.add("pool\(stage + 1)", .pool(PoolAttributes(kind: .max, kernel: 2, stride: 2)))
        }
        b.add("flatten", .flatten)
        b.linearBlock("fc1", out: 1024, precision: p.hidden, activation: activation)
        b.add("fc2", .linear(LinearAttributes(outFeatures: classes, bias: true)), precision: p.hidden)
        return try b.build(name: "vgg7")
    }

    /// NeuroSim V1.3's VGG-8 (Inference_pytorch/models/VGG.py, NeuroSIM/NetWork_VGG8.csv):
    /// 2x(128-C3) MP2 2x(256-C3) MP2 2x(512-C3) MP2 8192-1024-classes, 3x3 convolutions with
    /// padding 1, no biases, no batch norm, ReLU after every layer but the last, 8-bit weights
    /// and activations (NeuroSim's wl_weight = wl_activate = 8). The XNOR variant has binary
    /// weights and inputs, batch norm and sign activations, the first layer on int8 inputs.
    static func vgg8(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        let binary = activation == .sign
        let int8 = LayerPrecision(weights: .integer(bits: 8), inputs: .integer(bits: 8))
        let p = binary ? precisions(activation) : (first: int8, hidden: int8)
        var b = GraphBuilder(input: input)
        var first = true
        for (stage, width) in [128, 256, 512].enumerated() {
            for i in 1...2 {
                let name = "conv\(2 * stage + i)"
                if binary {
                    b.convBlock(name, out: width, kernel: 3, padding: 1, precision: first ? p.first : p.hidden, activation: activation)
                } else {
                    b.add(name, .conv2d(Conv2DAttributes(outChannels: width, kernel: 3, padding: 1)), precision: int8)
                    b.add(name + ".act", .activation(.relu))
                }
                first = false
            }
            b.add("pool\(stage + 1)", .pool(PoolAttributes(kind: .max, kernel: 2, stride: 2)))
        }
        b.add("flatten", .flatten)
        if binary {
            b.linearBlock("fc1", out: 1024, precision: p.hidden, activation: activation)
        } else {
            b.add("fc1", .linear(LinearAttributes(outFeatures: 1024, bias: false)), precision: int8)
            b.add("fc1.act", .activation(.relu))
        }
        b.add("fc2", .linear(LinearAttributes(outFeatures: classes, bias: false)), precision: p.hidden)
        return try b.build(name: "vgg8")
    }

    /// LeNet-5 as in seed 004: 32-C5 + MP2 + 64-C5 + MP2 + 512-FC + classifier (no padding).
    static func lenet5(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        let p = precisions(activation)
        var b = GraphBuilder(input: input)
        b.convBlock("conv1", out: 32, kernel: 5, padding: 0, precision: p.first, activation: activation)
        b.add("pool1", .pool(PoolAttributes(kind: .max, kernel: 2, stride: 2)))
        b.convBlock("conv2", out: 64, kernel: 5, padding: 0, precision: p.hidden, activation: activation)
        b.add("pool2", .pool(PoolAttributes(kind: .max, kernel: 2, stride: 2)))
        b.add("flatten", .flatten)
        b.linearBlock("fc1", out: 512, precision: p.hidden, activation: activation)
        b.add("fc2", .linear(LinearAttributes(outFeatures: classes, bias: true)), precision: p.hidden)
        return try b.build(name: "lenet5")
    }

    /// AlexNet with torchvision's shapes (64-C11/4, MP3/2, 192-C5, MP3/2, 384-C3, 256-C3, 256-C3,
    /// MP3/2, FC 9216-4096-4096-classes); batch norm replaces local response normalisation.
    static func alexnet(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        let p = precisions(activation)
        var b = GraphBuilder(input: input)
        b.convBlock("conv1", out: 64, kernel: 11, stride: 4, padding: 2, precision: p.first, activation: activation)
        b.add("pool1", .pool(PoolAttributes(kind: .max, kernel: 3, stride: 2)))
        b.convBlock("conv2", out: 192, kernel: 5, padding: 2, precision: p.hidden, activation: activation)
        b.add("pool2", .pool(PoolAttributes(kind: .max, kernel: 3, stride: 2)))
        b.convBlock("conv3", out: 384, kernel: 3, padding: 1, precision: p.hidden, activation: activation)
        b.convBlock("conv4", out: 256, kernel: 3, padding: 1, precision: p.hidden, activation: activation)
        b.convBlock("conv5", out: 256, kernel: 3, padding: 1, precision: p.hidden, activation: activation)
        b.add("pool5", .pool(PoolAttributes(kind: .max, kernel: 3, stride: 2)))
        b.add("flatten", .flatten)
        for (i, width) in [4096, 4096].enumerated() {
            b.linearBlock("fc\(i + 6)", out: width, precision: p.hidden, activation: activation)
        }
        b.add("fc8", .linear(LinearAttributes(outFeatures: classes, bias: true)), precision: p.hidden)
        return try b.build(name: "alexnet")
    }

    /// ResNet-18 (He et al. 2016, ImageNet): 7x7/2 stem, max pool, 4 stages of 2 basic blocks
    /// (64/128/256/512), 1x1 projection shortcuts with batch norm where the shape changes.
    static func resnet18(input: TensorShape, classes: Int, activation: ActivationFunction) throws -> Graph {
        let p = precisions(activation)
        var b = GraphBuilder(input: input)
        b.convBlock("conv1", out: 64, kernel: 7, stride: 2, padding: 3, precision: p.first, activation: activation)
        b.add("pool1", .pool(PoolAttributes(kind: .max, kernel: 3, stride: 2, padding: 1)))
        var channels = 64
        for (stage, width) in [64, 128, 256, 512].enumerated() {
            for block in 1...2 {
                b.basicBlock("s\(stage + 1)b\(block)", inChannels: channels, out: width, stride: (stage > 0 && block == 1) ? 2 : 1,
                             precision: p.hidden, activation: activation, bias: false, projection: true)
                channels = width
            }
        }
        b.add("pool", .globalAvgPool)
        b.add("pool.act", .activation(activation))
        b.add("fc", .linear(LinearAttributes(outFeatures: classes, bias: true)), precision: p.hidden)
        return try b.build(name: "resnet18")
    }
}
