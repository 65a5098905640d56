import XCTest
import PimsimCore

/// The ONNX importer on small hand-built models (ONNXBuilder), with hand-computed expectations.
final class ONNXImportTests: XCTestCase {
    func node(_ graph: Graph, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Node {
        try XCTUnwrap(graph.node(named: name), "no node \(name) in \(graph.nodes.map(\.name))", file: file, line: line)
    }

    /// x (1x4x4) -> Conv 3x3 pad 1 (2 outputs, weights `w`) -> Relu.
    func convModel(_ w: [Float]) -> ONNXModelBuilder {
        var b = ONNXModelBuilder(input: [1, 4, 4])
        b.weight("c.weight", [2, 1, 3, 3], w)
        b.node("Conv", ["x", "c.weight"], "c", [("kernel_shape", .ints([3, 3])), ("pads", .ints([1, 1, 1, 1]))])
        b.node("Relu", ["c"], "r")
        return b
    }

    func testPerChannelTernaryDetection() throws {
        let imported = try convModel([0.5, -0.5, 0, 0, 0.5, 0, -0.5, 0, 0.5, 0.25, 0.25, -0.25, 0, 0, 0, 0, 0, -0.25]).imported()
        let conv = try node(imported.graph, "c")
        XCTAssertEqual(conv.operation, .conv2d(Conv2DAttributes(outChannels: 2, kernel: 3, stride: 1, padding: 1, groups: 1, bias: false)))
        XCTAssertEqual(conv.precision, LayerPrecision(weights: .ternary, inputs: .integer(bits: 8)))
        XCTAssertEqual(conv.data.weights, .ternary([1, -1, 0, 0, 1, 0, -1, 0, 1, 1, 1, -1, 0, 0, 0, 0, 0, -1]))
        XCTAssertEqual(conv.data.scale, .perChannel([0.5, 0.25]))
        let report = try XCTUnwrap(imported.layers.first)
        XCTAssertEqual(imported.layers.count, 1)
        XCTAssertEqual([report.layer, report.onnxNode, report.op, report.weightDetail, report.inputOrigin],
                       ["c", "/c/Conv", "Conv", "{-a, 0, +a} in each of 2 output channels, a from 0.25 to 0.5", "the network input"])
        XCTAssertEqual(report.precision, conv.precision)
        XCTAssertTrue(report.hasValues)
        XCTAssertEqual(imported.graph.nodes.map(\.operation.name), ["input", "conv2d", "activation"])
        XCTAssertEqual(imported.graph.shapes.last, TensorShape(channels: 2, height: 4, width: 4))
        XCTAssertEqual(imported.summary(file: "m.onnx"), "m.onnx: ONNX opset 13 from pimsim-tests: 1 weighted layer (1 ternary); per-layer detection: pimsim convert m.onnx -o net.json")
    }

    func testBinaryAndKeptWeights() throws {
        let binary = try node(try convModel([0.5, -0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, 0.5] + [Float](repeating: -0.125, count: 9)).imported().graph, "c")
        XCTAssertEqual(binary.precision?.weights, .binary)
        XCTAssertEqual(binary.data.weights, .binary([1, -1, 1, 1, 1, -1, -1, 1, 1] + [Int8](repeating: -1, count: 9)))
        XCTAssertEqual(binary.data.scale, .perChannel([0.5, 0.125]))
        let mixed = [Float](repeating: 0.5, count: 9) + [0.25, 0.5, 0, 0, 0, 0, 0, 0, 0]
        let imported = try convModel(mixed).imported()
        let kept = try node(imported.graph, "c")
        XCTAssertEqual(kept.precision?.weights, .float32)
        XCTAssertEqual(kept.data.weights, .float32(mixed))
        XCTAssertNil(kept.data.scale)
        XCTAssertEqual(imported.layers[0].weightDetail, "channel 1 has 2 distinct magnitudes (0.25, 0.5): kept as float32")
    }

    /// Gemm with transB = 0, alpha and beta: weights are B transposed times alpha, bias C times beta.
    func testGemmTransposeAlphaBeta() throws {
        var b = ONNXModelBuilder(input: [3])
        b.weight("B", [3, 2], [1, 2, 3, 4, 5, 6])
        b.weight("C", [2], [1, -1])
        b.node("Gemm", ["x", "B", "C"], "fc", [("alpha", .float(2)), ("beta", .float(0.5))])
        let fc = try node(try b.imported().graph, "fc")
        XCTAssertEqual(fc.operation, .linear(LinearAttributes(outFeatures: 2, bias: true)))
        XCTAssertEqual(fc.data.weights, .float32([2, 6, 10, 4, 8, 12]))
        XCTAssertEqual(fc.data.bias, [0.5, -0.5])
        XCTAssertEqual(fc.precision, LayerPrecision(weights: .float32, inputs: .integer(bits: 8)))
    }

    /// MatMul then Add (bias) then Mul (per-channel factor) fold into one linear layer.
    func testMatMulBiasAndChannelFactorFold() throws {
        var b = ONNXModelBuilder(input: [2])
        b.weight("W", [2, 2], [1, 0, 0, -1])
        b.weight("bias", [2], [0.5, 0.25])
        b.weight("factor", [1, 2], [2, 4])
        b.node("MatMul", ["x", "W"], "mm")
        b.node("Add", ["mm", "bias"], "biased")
        b.node("Mul", ["factor", "biased"], "scaled")
        let graph = try b.imported().graph
        XCTAssertEqual(graph.nodes.count, 2)
        let fc = graph.nodes[1]
        XCTAssertEqual(fc.operation, .linear(LinearAttributes(outFeatures: 2, bias: true)))
        XCTAssertEqual(fc.data.weights, .ternary([1, 0, 0, -1]))
        XCTAssertEqual(fc.data.scale, .perChannel([2, 4]))
        XCTAssertEqual(fc.data.bias, [1, 1])
    }

    /// x / 4 feeding a convolution: the factor multiplies the weights; before a batch norm it
    /// becomes gamma x s and mean / s.
    func testScalarFactorsFoldIntoWeightsAndBatchNorm() throws {
        var b = ONNXModelBuilder(input: [1, 2, 2])
        b.weight("four", [], [4])
        b.weight("c.weight", [1, 1, 1, 1], [1])
        b.node("Div", ["x", "four"], "q")
        b.node("Conv", ["q", "c.weight"], "c")
        let imported = try b.imported()
        XCTAssertEqual(try node(imported.graph, "c").data.weights, .binary([1]))
        XCTAssertEqual(try node(imported.graph, "c").data.scale, .perChannel([0.25]))
        XCTAssertEqual(imported.layers[0].inputOrigin, "the network input x 0.25 (the factor is folded into the weights)")

        var n = ONNXModelBuilder(input: [1, 2, 2])
        n.weight("two", [], [2])
        for (name, v) in [("bn.weight", Float(3)), ("bn.bias", 1), ("bn.running_mean", 4), ("bn.running_var", 1)] { n.weight(name, [1], [v]) }
        n.node("Div", ["x", "two"], "half")
        n.node("BatchNormalization", ["half", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], "bn", [("epsilon", .float(0))])
        n.node("Relu", ["bn"], "r")
        let bn = try node(try n.imported().graph, "bn")
        XCTAssertEqual(bn.data.batchNorm, BatchNormParameters(gamma: [1.5], beta: [1], mean: [8], variance: [1], epsilon: 0))
    }

    func testAddOfDifferentlyScaledTensorsIsAnError() {
        var b = ONNXModelBuilder(input: [1, 2, 2])
        b.weight("two", [], [2])
        b.node("Div", ["x", "two"], "a")
        b.node("Relu", ["x"], "r")
        b.node("Add", ["a", "r"], "s")
        XCTAssertThrowsError(try b.imported()) {
            XCTAssertEqual("\($0)", "test.onnx: node \"/s/Add\" (Add): expected two inputs with the same scale, found scales 0.5 and 1.0 (from Mul, Div or quantiser scales)")
        }
    }

    /// ONNX Sign(0) = 0: a ternary activation with both thresholds 0; the next layer's inputs are ternary.
    func testSignIsTernaryWithZeroThresholds() throws {
        var b = ONNXModelBuilder(input: [1, 2, 2])
        b.weight("c1.weight", [1, 1, 1, 1], [0.5])
        b.weight("c2.weight", [1, 1, 1, 1], [-0.25])
        b.node("Conv", ["x", "c1.weight"], "c1")
        b.node("Sign", ["c1"], "s")
        b.node("Conv", ["s", "c2.weight"], "c2")
        let imported = try b.imported()
        let sign = try node(imported.graph, "s")
        XCTAssertEqual(sign.operation, .activation(.ternary))
        XCTAssertEqual(sign.data.thresholds, ActivationThresholds(low: [0], high: [0]))
        XCTAssertEqual(try node(imported.graph, "c2").precision, LayerPrecision(weights: .binary, inputs: .ternary))
        XCTAssertEqual(imported.layers[1].inputOrigin, "Sign \"/s/Sign\"")
    }

    /// MultiThreshold counts x >= t: with [t1, t2], out_scale 2, out_bias -2 it is 2 x ternary with
    /// low = t1 and high = the float below t2; the 2 multiplies the next layer's weights.
    func testMultiThresholdTernaryAndSign() throws {
        var b = ONNXModelBuilder(input: [2, 2, 2])
        b.weight("t", [2, 2], [-1, 2, 0.5, 0.75])
        b.weight("c.weight", [1, 2, 1, 1], [1, -1])
        b.node("MultiThreshold", ["x", "t"], "mt", [("out_scale", .float(2)), ("out_bias", .float(-2))], domain: ONNXModelBuilder.qonnx)
        b.node("Conv", ["mt", "c.weight"], "c")
        let graph = try b.imported().graph
        XCTAssertEqual(try node(graph, "mt").data.thresholds, ActivationThresholds(low: [-1, 0.5], high: [Float(2).nextDown, Float(0.75).nextDown]))
        XCTAssertEqual(try node(graph, "c").data.scale, .perChannel([2]))
        XCTAssertEqual(try node(graph, "c").precision?.inputs, .ternary)

        var s = ONNXModelBuilder(input: [2, 2, 2])
        s.weight("t", [2, 1], [0.5, 0.25])
        s.weight("c.weight", [1, 2, 1, 1], [1, -1])
        s.node("MultiThreshold", ["x", "t"], "mt", [("out_scale", .float(2)), ("out_bias", .float(-1))], domain: ONNXModelBuilder.qonnx)
        s.node("Conv", ["mt", "c.weight"], "c")
        let signGraph = try s.imported().graph
        XCTAssertEqual(try node(signGraph, "mt").operation, .activation(.sign))
        XCTAssertEqual(try node(signGraph, "mt").data.thresholds, ActivationThresholds(low: [0.5, 0.25], high: [0.5, 0.25]))
        XCTAssertEqual(try node(signGraph, "c").data.scale, .perChannel([1]))
        XCTAssertEqual(try node(signGraph, "c").precision?.inputs, .binary)

        var u = ONNXModelBuilder(input: [2, 2, 2])
        u.weight("t", [2, 2], [-1, 2, 0.5, 0.75])
        u.node("MultiThreshold", ["x", "t"], "mt", [], domain: ONNXModelBuilder.qonnx)
        XCTAssertThrowsError(try u.imported()) {
            XCTAssertEqual("\($0)", "test.onnx: node \"/mt/MultiThreshold\" (qonnx.custom_op.general::MultiThreshold): expected 2 thresholds per channel with out_bias = -out_scale (ternary) or 1 with out_bias = -out_scale/2 (binary), found 2 thresholds, out_scale 1.0, out_bias 0.0")
        }
    }

    /// A QONNX Quant on activations followed by a 1x1 conv with weights [1, -1].
    func quantModel(bits: Float, scale: Float, signed: Int64 = 1, narrow: Int64 = 1) -> ONNXModelBuilder {
        var b = ONNXModelBuilder(input: [2, 2, 2])
        b.weight("s", [], [scale])
        b.weight("z", [], [0])
        b.weight("bits", [], [bits])
        b.weight("c.weight", [1, 2, 1, 1], [1, -1])
        b.node("Quant", ["x", "s", "z", "bits"], "q", [("signed", .int(signed)), ("narrow", .int(narrow))], domain: ONNXModelBuilder.qonnx)
        b.node("Conv", ["q", "c.weight"], "c")
        return b
    }

    func testQuantActivations() throws {
        let ternary = try quantModel(bits: 2, scale: 0.5).imported()
        XCTAssertEqual(try node(ternary.graph, "q").data.thresholds, ActivationThresholds(low: [-0.25], high: [0.25]))
        XCTAssertEqual(try node(ternary.graph, "c").data.scale, .perChannel([0.5]))
        XCTAssertEqual(try node(ternary.graph, "c").precision?.inputs, .ternary)
        let eightBit = try quantModel(bits: 8, scale: 0.5, narrow: 0).imported()
        XCTAssertEqual(eightBit.graph.nodes.map(\.operation.name), ["input", "conv2d"])
        XCTAssertEqual(try node(eightBit.graph, "c").precision?.inputs, .integer(bits: 8))
        XCTAssertEqual(eightBit.layers[0].inputOrigin, "Quant \"/q/Quant\" (8-bit signed)")
        XCTAssertEqual(try node(try quantModel(bits: 4, scale: 1, signed: 0).imported().graph, "c").precision?.inputs, .integer(bits: 5))

        var b = ONNXModelBuilder(input: [2, 2, 2])
        b.weight("s", [], [1])
        b.weight("c.weight", [1, 2, 1, 1], [1, -1])
        b.node("BipolarQuant", ["x", "s"], "q", domain: ONNXModelBuilder.qonnx)
        b.node("Conv", ["q", "c.weight"], "c")
        let bipolar = try b.imported().graph
        XCTAssertEqual(try node(bipolar, "q").operation, .activation(.sign))
        XCTAssertEqual(try node(bipolar, "q").data.thresholds, ActivationThresholds(low: [0], high: [0]))
        XCTAssertEqual(try node(bipolar, "c").precision, LayerPrecision(weights: .binary, inputs: .binary))
    }

    /// Quant on a weight is folded: round(clamp(w / s)) x s, half to even.
    func testQuantOnWeights() throws {
        func imported(bits: Float, scale: Float) throws -> ONNXImport {
            var b = ONNXModelBuilder(input: [3, 1, 1])
            b.weight("c.weight", [1, 3, 1, 1], [0.26, -0.04, 0.1])
            b.weight("s", [], [scale])
            b.weight("z", [], [0])
            b.weight("bits", [], [bits])
            b.node("Quant", ["c.weight", "s", "z", "bits"], "wq", [("narrow", .int(1))], domain: ONNXModelBuilder.qonnx)
            b.node("Conv", ["x", "wq"], "c")
            return try b.imported()
        }
        // 4 bits, s = 0.1: 2.6 -> 3, -0.4 -> -0, 1 -> 1: magnitudes 0.3 and 0.1, not ternary: int4.
        let four = try imported(bits: 4, scale: 0.1)
        XCTAssertEqual(four.graph.nodes[1].precision?.weights, .integer(bits: 4))
        XCTAssertEqual(four.graph.nodes[1].data.weights, .float32([3 * 0.1, 0 * 0.1, 1 * 0.1].map { Float($0) }))
        XCTAssertTrue(four.layers[0].weightDetail.hasSuffix("kept as int4"), four.layers[0].weightDetail)
        // 2 bits, s = 0.2: 1.3 -> 1, -0.2 -> 0, 0.5 -> 0 (half to even): ternary {0.2, 0, 0}.
        let two = try imported(bits: 2, scale: 0.2)
        XCTAssertEqual(two.graph.nodes[1].data.weights, .ternary([1, 0, 0]))
        XCTAssertEqual(two.graph.nodes[1].data.scale, .perChannel([0.2]))
    }

    /// int8 codes with a per-channel DequantizeLinear; float16 raw data; float_data; int32_data float16.
    func testInitializerEncodings() throws {
        var d = ONNXModelBuilder(input: [2, 1, 1])
        d.initializers.append(TensorSpec(name: "codes", dims: [2, 2, 1, 1], type: 3, raw: [1, 0xff, 0, 1]))  // INT8
        d.weight("scales", [2], [0.5, 0.25])
        d.node("DequantizeLinear", ["codes", "scales"], "w", [("axis", .int(0))])
        d.node("Conv", ["x", "w"], "c")
        let dq = try d.imported().graph.nodes[1]
        XCTAssertEqual(dq.data.weights, .ternary([1, -1, 0, 1]))
        XCTAssertEqual(dq.data.scale, .perChannel([0.5, 0.25]))

        func conv(_ tensor: TensorSpec) throws -> Node {
            var b = ONNXModelBuilder(input: [2, 1, 1])
            b.initializers.append(tensor)
            b.node("Conv", ["x", tensor.name], "c")
            return try b.imported().graph.nodes[1]
        }
        // float16 0.5 = 0x3800, -0.5 = 0xb800, little-endian
        let half = try conv(TensorSpec(name: "w", dims: [1, 2, 1, 1], type: 10, raw: [0x00, 0x38, 0x00, 0xb8]))
        XCTAssertEqual(half.data.weights, .binary([1, -1]))
        XCTAssertEqual(half.data.scale, .perChannel([0.5]))
        XCTAssertEqual(try conv(TensorSpec(name: "w", dims: [1, 2, 1, 1], type: 10, int32s: [0x3800, 0xb800])).data.weights, .binary([1, -1]))
        XCTAssertEqual(try conv(.float("w", [1, 2, 1, 1], [0.75, -0.75], raw: false)).data.scale, .perChannel([0.75]))
        XCTAssertEqual(try conv(TensorSpec(name: "w", dims: [1, 2, 1, 1], type: 3, int32s: [-1, 0])).precision?.weights, .ternary)
    }

    func testPoolsFlattenAndReshapeChains() throws {
        var b = ONNXModelBuilder(input: [1, 4, 4])
        b.node("MaxPool", ["x"], "mp", [("kernel_shape", .ints([2, 2])), ("strides", .ints([2, 2]))])
        b.node("AveragePool", ["mp"], "ap", [("kernel_shape", .ints([2, 2])), ("pads", .ints([1, 1, 1, 1])), ("strides", .ints([1, 1]))])
        b.node("Relu", ["ap"], "r")
        // x.view(x.size(0), -1) as PyTorch exports it
        b.initializers.append(.int64("zero", [0], dims: []))
        b.initializers.append(.int64("axes", [0]))
        b.initializers.append(.int64("minus1", [-1]))
        b.node("Shape", ["r"], "shape")
        b.node("Gather", ["shape", "zero"], "n")
        b.node("Unsqueeze", ["n", "axes"], "n1")
        b.node("Concat", ["n1", "minus1"], "target", [("axis", .int(0))])
        b.node("Reshape", ["r", "target"], "flat")
        b.weight("fc.weight", [1, 9], [Float](repeating: 1, count: 9))
        b.node("Gemm", ["flat", "fc.weight"], "fc", [("transB", .int(1))])
        let graph = try b.imported().graph
        XCTAssertEqual(graph.nodes.map(\.operation.name), ["input", "maxpool", "avgpool", "activation", "flatten", "linear"])
        XCTAssertEqual(graph.nodes[2].operation, .pool(PoolAttributes(kind: .avg, kernel: 2, stride: 1, padding: 1)))
        XCTAssertEqual(graph.shapes[2], TensorShape(channels: 1, height: 3, width: 3))

        var bad = ONNXModelBuilder(input: [1, 4, 4])
        bad.initializers.append(.int64("target", [1, 2, 8]))
        bad.node("Reshape", ["x", "target"], "y")
        XCTAssertThrowsError(try bad.imported()) {
            XCTAssertEqual("\($0)", "test.onnx: node \"/y/Reshape\" (Reshape): expected a Reshape of the flatten kind ([1, 1, 4, 4] to [1, 16]), found target [1, 2, 8]")
        }
        var avg = ONNXModelBuilder(input: [1, 4, 4])
        avg.node("AveragePool", ["x"], "ap", [("kernel_shape", .ints([3, 3])), ("pads", .ints([1, 1, 1, 1])), ("count_include_pad", .int(1))])
        XCTAssertThrowsError(try avg.imported()) { XCTAssertTrue("\($0)".contains("expected count_include_pad 0"), "\($0)") }
    }

    /// x[:, :, ::2, ::2] (two Slice nodes) then F.pad of channels: one option-A shortcut.
    func testSliceAndChannelPadBecomeAShortcut() throws {
        var b = ONNXModelBuilder(input: [2, 4, 4])
        for (name, v) in [("start", Int64(0)), ("end", Int64.max), ("h", 2), ("w", 3), ("step", 2)] { b.initializers.append(.int64(name, [v])) }
        b.initializers.append(.int64("pads", [0, 1, 0, 0, 0, 1, 0, 0]))
        b.node("Slice", ["x", "start", "end", "h", "step"], "sh")
        b.node("Slice", ["sh", "start", "end", "w", "step"], "sw")
        b.node("Pad", ["sw", "pads"], "p", [("mode", .string("constant"))])
        let graph = try b.imported().graph
        XCTAssertEqual(graph.nodes.map(\.operation), [.input(TensorShape(channels: 2, height: 4, width: 4)), .shortcut(ShortcutAttributes(stride: 2, outChannels: 4))])
        XCTAssertEqual(graph.shapes[1], TensorShape(channels: 4, height: 2, width: 2))
    }

    func testWeightsAsGraphInputsAreShapeOnly() throws {
        var b = ONNXModelBuilder(input: [1, 4, 4])
        b.inputs.append(("c.weight", [.fixed(2), .fixed(1), .fixed(3), .fixed(3)]))
        b.node("Conv", ["x", "c.weight"], "c")
        let imported = try b.imported()
        let conv = imported.graph.nodes[1]
        XCTAssertNil(conv.data.weights)
        XCTAssertEqual(conv.precision, LayerPrecision(weights: .float32, inputs: .integer(bits: 8)))
        XCTAssertFalse(imported.layers[0].hasValues)
        XCTAssertEqual(imported.layers[0].weightDetail, "no values in the file (graph input float): float32 assumed")
        XCTAssertEqual(ParameterAccounting.report(for: imported.graph).parameters, 18)
    }

    func testErrorsNameNodeOpAndWhatIsSupported() {
        func message(_ b: ONNXModelBuilder, bytes: (([UInt8]) -> [UInt8])? = nil) -> String {
            do {
                _ = try ONNXImporter.decode((bytes ?? { $0 })(b.encode()), name: "test", file: "test.onnx")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        var softmax = ONNXModelBuilder(input: [4])
        softmax.node("Softmax", ["x"], "y")
        XCTAssertEqual(message(softmax), "test.onnx: node \"/y/Softmax\" (Softmax): expected a supported op on a tensor (Conv, Gemm, MatMul, BatchNormalization, Relu, Clip, Sign, Add, Mul, Div, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape (flatten), Slice and Pad (option-A shortcut), Identity, Dropout, Shape, and QONNX Quant, BipolarQuant, MultiThreshold), found op Softmax")

        var dynamic = ONNXModelBuilder(input: [1, 4, 4])
        dynamic.inputs[0].dims[2] = .symbolic("height")
        dynamic.node("Relu", ["x"], "y")
        XCTAssertEqual(message(dynamic), "test.onnx: graph input \"x\": expected fixed sizes after the batch dimension (dynamic shapes are not supported: export with a fixed input size), found symbolic \"height\" at dimension 2")

        var external = convModel([Float](repeating: 1, count: 18))
        external.initializers[0] = TensorSpec(name: "c.weight", dims: [2, 1, 3, 3], external: true)
        XCTAssertTrue(message(external).hasSuffix("expected tensor \"c.weight\" stored inside the .onnx file (external data files are not read; save with onnx.save(model, path, save_as_external_data=False)), found external data"), message(external))
        XCTAssertTrue(message(external).hasPrefix("test.onnx: initializer \"c.weight\" at byte "), message(external))

        var old = convModel([Float](repeating: 1, count: 18))
        old.opset = 9
        XCTAssertEqual(message(old), "test.onnx: opset_import: expected ONNX opset 11-21 (re-export with opset_version in that range), found opset 9")

        let truncated = message(convModel([Float](repeating: 1, count: 18))) { Array($0.dropLast(7)) }
        XCTAssertTrue(truncated.hasPrefix("test.onnx: model at byte "), truncated)
        XCTAssertTrue(truncated.contains("(a valid ONNX protobuf)"), truncated)

        var clip = ONNXModelBuilder(input: [4])
        clip.weight("lo", [], [0])
        clip.weight("hi", [], [6])
        clip.node("Clip", ["x", "lo", "hi"], "y")
        XCTAssertEqual(message(clip), "test.onnx: node \"/y/Clip\" (Clip): expected Clip with min -1 and max 1 (hardtanh) or min 0 and no max (relu), found min 0.0, max 6.0")

        var rect = ONNXModelBuilder(input: [1, 4, 4])
        rect.weight("w", [1, 1, 1, 3], [1, 1, 1])
        rect.node("Conv", ["x", "w"], "y")
        XCTAssertEqual(message(rect), "test.onnx: node \"/y/Conv\" (Conv): expected a square kernel, found 1 x 3")

        var domain = ONNXModelBuilder(input: [4])
        domain.node("Relu", ["x"], "y", domain: "com.example")
        XCTAssertTrue(message(domain).contains("(com.example::Relu): expected an op of the default ONNX domain or QONNX"), message(domain))
    }

    func testMoreErrorsAndNotes() throws {
        func message(_ b: ONNXModelBuilder) -> String {
            do { _ = try b.imported(); return "no error" } catch { return "\(error)" }
        }
        var groups = ONNXModelBuilder(input: [2, 4, 4])
        groups.weight("w", [3, 1, 1, 1], [1, 1, 1])
        groups.node("Conv", ["x", "w"], "c", [("group", .int(2))])
        XCTAssertEqual(message(groups), "test.onnx: node \"/c/Conv\" (Conv): expected a divisor of out_channels 3 (node \"c\"), found 2")

        var concat = ONNXModelBuilder(input: [2, 4, 4])
        concat.node("Concat", ["x", "x"], "y", [("axis", .int(1))])
        XCTAssertTrue(message(concat).hasPrefix("test.onnx: node \"/y/Concat\" (Concat): expected a supported op on a tensor (Conv, "), message(concat))

        var constant = ONNXModelBuilder(input: [4])
        constant.weight("a", [2], [1, 4])
        constant.node("Sqrt", ["a"], "b")
        constant.node("Add", ["x", "b"], "y")
        XCTAssertTrue(message(constant).hasPrefix("test.onnx: node \"/b/Sqrt\" (Sqrt): expected an op pimsim evaluates on constants (Constant, ConstantOfShape, "), message(constant))

        var huge = ONNXModelBuilder(input: [4])
        huge.initializers.append(.int64("shape", [1 << 20, 1 << 10]))
        huge.node("ConstantOfShape", ["shape"], "big")
        huge.node("Add", ["x", "big"], "y")
        XCTAssertTrue(message(huge).contains("(ConstantOfShape): expected a constant of at most "), message(huge))

        var scaled = ONNXModelBuilder(input: [4])
        scaled.weight("two", [], [2])
        scaled.weight("w", [3, 4], [Float](repeating: 0.5, count: 12))
        scaled.node("Gemm", ["x", "w"], "fc", [("transB", .int(1))])
        scaled.node("Mul", ["fc", "two"], "y")
        let imported = try scaled.imported()
        XCTAssertEqual(imported.notes, ["the ONNX output is 2.0 x the imported network's output; the factor is dropped (it is positive, so the predicted class is the same)"])
        XCTAssertEqual(imported.graph.nodes.last?.data.scale, .perChannel([0.5, 0.5, 0.5]))
    }

    func testClipAsHardtanhAndRelu() throws {
        var b = ONNXModelBuilder(input: [4])
        b.weight("lo", [], [-1])
        b.weight("hi", [], [1])
        b.weight("zero", [], [0])
        b.node("Clip", ["x", "lo", "hi"], "h")
        b.node("Clip", ["h", "zero"], "r")
        XCTAssertEqual(try b.imported().graph.nodes.map(\.operation), [.input(.vector(4)), .activation(.hardtanh), .activation(.relu)])
    }
}
