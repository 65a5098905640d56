import Foundation
import PimsimCore
import XCTest

/// Every command on the committed ONNX fixtures (Tests/Fixtures/onnx, made by examples/onnx/).
final class ONNXCommandTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/onnx/\(name)").standardized.path
    }

    static func temporary(_ name: String) -> String {
        NSTemporaryDirectory() + "pimsim-onnx-\(UUID().uuidString)-\(name)"
    }

    /// The LeNet-5 exported from PyTorch (int8 codes x scales, MultiThreshold activations) gives
    /// the same integer evaluation as its net.json twin from pimsim train: the same accuracy and
    /// the same weight and input densities in every layer.
    func testImportedLeNetEvaluatesLikeItsNetJSONTwin() {
        let twin = runPimsim(["eval", Self.fixture("lenet5-twn.json")])
        let onnx = runPimsim(["eval", Self.fixture("lenet5-twn.onnx")])
        XCTAssertEqual(twin.status, 0, twin.err)
        XCTAssertEqual(onnx.status, 0, onnx.err)
        XCTAssertTrue(twin.out.contains("test accuracy 97.40 % (974/1000); equals the accuracy recorded by pimsim train"), twin.out)
        XCTAssertTrue(onnx.out.contains("test accuracy 97.40 % (974/1000)"), onnx.out)
        // Everything after the title line: the per-layer table and the accuracy.
        func body(_ text: String) -> String {
            text.split(separator: "\n").dropFirst().joined(separator: "\n").components(separatedBy: "; equals")[0]
        }
        XCTAssertEqual(body(onnx.out), body(twin.out))
        XCTAssertTrue(onnx.out.contains("conv1  ternary/int8"), onnx.out)
        XCTAssertTrue(onnx.err.hasPrefix("\(Self.fixture("lenet5-twn.onnx")): ONNX opset 13 from pytorch 2.13.0: 4 weighted layers (4 ternary); per-layer detection: pimsim convert \(Self.fixture("lenet5-twn.onnx")) -o net.json\n"), onnx.err)
    }

    /// The layers of a params JSON report: (op, output shape, groups, connections, parameters).
    func layers(_ json: String) throws -> [String] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let configurations = try XCTUnwrap(object["configurations"] as? [[String: Any]])
        let layers = try XCTUnwrap(configurations.first?["layers"] as? [[String: Any]])
        return layers.map { l in ["op", "output_shape", "groups", "connections", "parameters"].map { "\(l[$0] ?? "-")" }.joined(separator: " ") }
    }

    /// The split ResNet-20 exported from PyTorch has exactly the layers of `resnet20 --split 72`:
    /// grouped convolutions, pointwise convolutions, batch norms, 83,098 parameters, all ternary.
    func testSplitResNet20MatchesTheZooSplit() throws {
        let onnx = runPimsim(["params", Self.fixture("resnet20-split72.onnx"), "--format", "json"])
        let zoo = runPimsim(["params", "resnet20", "--split", "72", "--format", "json"])
        XCTAssertEqual(onnx.status, 0, onnx.err)
        XCTAssertEqual(try layers(onnx.out), try layers(zoo.out))
        XCTAssertEqual(try layers(onnx.out).count, 57)
        XCTAssertTrue(onnx.out.contains("\"parameters\": 83098"), onnx.out)
        XCTAssertTrue(onnx.err.contains("38 weighted layers (38 ternary)"), onnx.err)

        let report = runPimsim(["convert", Self.fixture("resnet20-split72.onnx"), "-o", Self.temporary("r20.json")])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("conv1.conv        /conv1/conv/Conv               Conv  ternary  int8"), report.out)
        XCTAssertTrue(report.out.contains("the network input x 0.0078125 (the factor is folded into the weights)"), report.out)
        XCTAssertTrue(report.out.contains("blocks.0.c1.pw    /blocks/blocks.0/c1/pw/Conv    Conv  ternary  ternary  {-a, 0, +a} in each of 16 output channels"), report.out)
        XCTAssertTrue(report.out.contains("Sign \"/blocks/blocks.0/c1/Sign\""), report.out)
    }

    /// `pimsim convert` writes a net.json that every command treats exactly as the ONNX file.
    func testConvertedFileGivesTheSameResults() throws {
        let onnx = Self.fixture("resnet20-split72.onnx")
        let json = Self.temporary("r20.json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        XCTAssertEqual(runPimsim(["convert", onnx, "-o", json]).status, 0)
        for command in [["run", "FILE", "--format", "json"], ["run", "FILE", "--hw", "sram-16t1c", "--format", "csv"], ["params", "FILE", "--format", "json"],
                        ["fpga", "FILE", "--device", "xc7k480t", "--auto"], ["sweep", "FILE", "--array-rows", "64:128", "--format", "csv"]] {
            let a = runPimsim(command.map { $0 == "FILE" ? onnx : $0 }), b = runPimsim(command.map { $0 == "FILE" ? json : $0 })
            XCTAssertEqual(a.status, 0, a.err)
            XCTAssertEqual(a.out, b.out, command.joined(separator: " "))
        }
        let lenet = Self.temporary("lenet.json")
        defer { try? FileManager.default.removeItem(atPath: lenet) }
        let converted = runPimsim(["convert", Self.fixture("lenet5-twn.onnx"), "-o", lenet])
        XCTAssertTrue(converted.out.contains("fc1    /fc1/MatMul  MatMul  ternary  ternary  {-a, 0, +a} in each of 512 output channels"), converted.out)
        let a = runPimsim(["eval", Self.fixture("lenet5-twn.onnx"), "--test-limit", "300"]), b = runPimsim(["eval", lenet, "--test-limit", "300"])
        XCTAssertEqual(a.out, b.out)
        // Without -o the net.json goes to standard output and the report to standard error.
        let piped = runPimsim(["convert", Self.fixture("lenet5-twn.onnx")])
        XCTAssertTrue(piped.out.hasPrefix("{\n  \"format\": \"pimsim-net\""), String(piped.out.prefix(100)))
        XCTAssertTrue(piped.err.contains("weights detected from"), piped.err)
    }

    /// torchvision's ResNet-18 exported with export_params=False: shapes only, 11,689,512 parameters.
    func testResNet18ShapesOnly() {
        let path = Self.fixture("resnet18-shapes.onnx")
        let params = runPimsim(["params", path])
        XCTAssertEqual(params.status, 0, params.err)
        XCTAssertTrue(params.out.contains("total: 11,689,512 parameters"), params.out)
        XCTAssertTrue(params.out.contains("layer4.0.downsample.0"), params.out)
        XCTAssertTrue(params.err.contains("21 weighted layers (21 shape-only)"), params.err)
        let float = runPimsim(["run", path, "--split", "none"])
        XCTAssertEqual(float.status, 1)
        // A failure is one line: the import's summary is only written when the command succeeds.
        XCTAssertEqual(float.err, "pimsim run: layer conv1: expected ternary, binary or integer weights on a crossbar (use --precision W/A), found float32 weights\n")
        let costed = runPimsim(["run", path, "--split", "none", "--precision", "8/8"])
        XCTAssertEqual(costed.status, 0, costed.err)
        XCTAssertTrue(costed.out.contains("11,689,512 parameters"), costed.out)
        let eval = runPimsim(["eval", path])
        XCTAssertEqual(eval.status, 1)
        XCTAssertEqual(eval.err, "pimsim eval: \(path): input: expected the data's image shape 1x28x28, found 3x224x224\n")
    }

    /// A file without the .onnx extension is recognised by its content.
    func testONNXRecognisedWithoutItsExtension() throws {
        let path = Self.temporary("model.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: Self.fixture("resnet18-shapes.onnx"), toPath: path)
        let r = runPimsim(["params", path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("total: 11,689,512 parameters"))
    }
}
