import Foundation
import XCTest

final class TrainCommandTests: XCTestCase {
    func testTrainThenEvalReproducesAccuracy() throws {
        let path = NSTemporaryDirectory() + "pimsim-train-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let train = runPimsim(["train", "--model", "lenet5", "--quant", "stat", "--epochs", "1", "--train-limit", "500", "--test-limit", "200", "-o", path])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.err.contains("epoch 1/1"), train.err)
        XCTAssertTrue(train.err.contains("images/s"))
        let accuracy = try XCTUnwrap(train.out.components(separatedBy: "test accuracy ").last?.components(separatedBy: " %").first)
        let eval = runPimsim(["eval", path, "--test-limit", "200"])
        XCTAssertEqual(eval.status, 0, eval.err)
        XCTAssertTrue(eval.out.contains("test accuracy \(accuracy) %"), eval.out)
        XCTAssertTrue(eval.out.contains("equals the accuracy recorded by pimsim train"), eval.out)
        XCTAssertTrue(eval.out.contains("conv2  ternary/ternary"), eval.out)
    }

    func testTrainErrors() {
        let badQuant = runPimsim(["train", "--model", "lenet5", "--quant", "tnw", "-o", "/tmp/x.json"])
        XCTAssertEqual(badQuant.status, 1)
        XCTAssertTrue(badQuant.err.contains("--quant: expected one of twn, stat, xnor, float, rel2, rel4, found \"tnw\""), badQuant.err)
        let badData = runPimsim(["train", "--model", "lenet5", "--data", "/nonexistent-data", "-o", "/tmp/x.json"])
        XCTAssertEqual(badData.status, 1)
        XCTAssertTrue(badData.err.contains("/nonexistent-data: --data: expected a folder with MNIST IDX or CIFAR binary files, found no such folder"), badData.err)
        let badLayer = runPimsim(["train", "--model", "lenet5", "--layer-quant", "conv9=float", "-o", "/tmp/x.json"])
        XCTAssertEqual(badLayer.status, 1)
        XCTAssertTrue(badLayer.err.contains("--layer-quant: expected a weighted layer of lenet5: conv1, conv2, fc1, fc2, found \"conv9\""), badLayer.err)
        XCTAssertEqual(runPimsim(["train", "--quant", "twn", "-o", "/tmp/x.json"]).status, 2)
    }

    func testEvalRejectsShapeOnlyNetwork() throws {
        let path = NSTemporaryDirectory() + "pimsim-shape-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(runPimsim(["zoo", "lenet5", "-o", path]).status, 0)
        let r = runPimsim(["eval", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("node \"conv1\": expected trained weights (a net.json written by pimsim train), found none"), r.err)
    }
}
