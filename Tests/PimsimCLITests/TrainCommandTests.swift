import Foundation
import PimsimCore
import PimsimKernels
import XCTest

final class TrainCommandTests: XCTestCase {
    func testTrainThenEvalReproducesAccuracy() throws {
        let path = NSTemporaryDirectory() + "pimsim-train-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let train = runPimsim(["train", "--model", "lenet5", "--quant", "stat", "--epochs", "1", "--train-limit", "500", "--test-limit", "200", "-o", path])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.err.contains("epoch 1/1"), train.err)
        XCTAssertTrue(train.err.contains("images/s"))
        XCTAssertFalse(train.err.contains("of chance"), "a network that learned gets no chance warning: \(train.err)")
        let accuracy = try XCTUnwrap(train.out.components(separatedBy: "test accuracy ").last?.components(separatedBy: " %").first)
        let eval = runPimsim(["eval", path, "--test-limit", "200"])
        XCTAssertEqual(eval.status, 0, eval.err)
        XCTAssertTrue(eval.out.contains("test accuracy \(accuracy) %"), eval.out)
        XCTAssertTrue(eval.out.contains("equals the accuracy recorded by pimsim train"), eval.out)
        XCTAssertTrue(eval.out.contains("conv2  ternary/ternary"), eval.out)
        // Every long phase reports progress on stderr: export, then integer evaluation.
        XCTAssertTrue(train.err.contains("exporting lenet5: folding batch norm"), train.err)
        XCTAssertTrue(train.err.contains("integer evaluation of the exported network: 200/200 test images"), train.err)
        XCTAssertTrue(eval.err.contains("eval: integer evaluation of lenet5: 200/200 test images"), eval.err)
        // Activations that cannot fit in memory are an error before any allocation.
        let huge = runPimsim(["eval", path, "--threads", "10000000000"])
        XCTAssertEqual(huge.status, 1)
        XCTAssertTrue(huge.err.hasPrefix("pimsim eval: \(path): expected a network whose evaluation (100 images per thread) that fits in memory"), huge.err)
    }

    func testABatchThatCannotFitInMemoryIsAnError() {
        let r = runPimsim(["train", "--model", "lenet5", "--batch", "100000000000", "-o", "/tmp/x.json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("pimsim train: --model lenet5: expected a model and batch (100000000000 images of 1x28x28) that fits in memory"), r.err)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
    }

    /// A network trained split is labelled by its split (metadata notes.split), not "No Split".
    func testTrainedSplitNetworkIsLabelledByItsSplit() throws {
        let path = NSTemporaryDirectory() + "pimsim-train-split-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let train = runPimsim(["train", "--model", "lenet5", "--split", "150:75", "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "-o", path])
        XCTAssertEqual(train.status, 0, train.err)
        let run = runPimsim(["run", path])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("split none (150 -> 2 x 75 (trained))"), run.out)
        XCTAssertFalse(run.out.contains("No Split"), run.out)
        let json = try JSONReader.parse(runPimsim(["run", path, "--format", "json"]).out, file: nil)
        XCTAssertEqual(try json.string("trained_split"), "150:75")
        XCTAssertEqual(try json.field("configurations").array()[0].string("split_label"), "150 -> 2 x 75 (trained)")
        let params = try JSONReader.parse(runPimsim(["params", path, "--format", "json"]).out, file: nil)
        XCTAssertEqual(try params.string("trained_split"), "150:75")
        let sweep = runPimsim(["sweep", path, "--hw", "reram-1t1r", "--array-rows", "128", "--format", "csv"])
        XCTAssertTrue(sweep.out.contains(",150 -> 2 x 75 (trained),"), sweep.out)
        // A shape-only network has no trained split.
        let shapeOnly = runPimsim(["run", "lenet5", "--split", "none", "--format", "json"]).out
        XCTAssertTrue(shapeOnly.contains("\"trained_split\": null,"), shapeOnly)
    }

    /// PIMSIM_ISA picks the kernels' instruction set; a set this CPU cannot run is a one-line
    /// error naming the variable and the sets it can.
    func testKernelVariable() {
        let unknown = runPimsim(["zoo"], environment: ["PIMSIM_ISA": "sse9"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.hasPrefix("pimsim: PIMSIM_ISA: expected an instruction set this CPU supports: "), unknown.err)
        XCTAssertTrue(unknown.err.contains("found \"sse9\""), unknown.err)
        XCTAssertEqual(unknown.out, "")
        #if arch(x86_64)
        let chosen = runPimsim(["zoo"], environment: ["PIMSIM_ISA": "baseline"])
        XCTAssertEqual(chosen.status, 0, chosen.err)
        XCTAssertEqual(KernelISA.active, .baseline)
        KernelISA.select(KernelISA.supported[0])
        #endif
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

    /// An unwritable -o is reported before training starts (no progress lines), not after.
    func testUnwritableOutputFailsBeforeTraining() {
        let dir = FileManager.default.temporaryDirectory.path
        let intoDirectory = runPimsim(["train", "--model", "lenet5", "--epochs", "1", "--train-limit", "10", "--test-limit", "5", "-o", dir])
        XCTAssertEqual(intoDirectory.status, 1)
        XCTAssertEqual(intoDirectory.err, "pimsim train: \(dir): -o: expected a writable file path, found a directory\n")
        let noFolder = runPimsim(["train", "--model", "lenet5", "--epochs", "1", "-o", "/nonexistent-folder/x.json"])
        XCTAssertEqual(noFolder.err, "pimsim train: /nonexistent-folder/x.json: -o: expected a writable file path, found no folder /nonexistent-folder\n")
    }

    func testModelTooLargeForTheImagesNamesModelAndShape() {
        let result = runPimsim(["train", "--model", "alexnet", "-o", "/tmp/x.json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "pimsim train: alexnet on 1x28x28 images: $.nodes[8].kernel: expected a kernel of at most 2 (input 2 plus padding 2 x 0) (node \"pool2\"), found 3\n")
    }

    /// Options that only apply with another option are errors without it, not silently ignored.
    func testPadAndBetaNeedTheirOption() {
        let pad = runPimsim(["train", "--model", "lenet5", "--pad", "-1", "-o", "/tmp/x.json"])
        XCTAssertEqual(pad.status, 1)
        XCTAssertEqual(pad.err, "pimsim train: --pad: expected an integer >= 0, found \"-1\"\n")
        let padNoCrop = runPimsim(["train", "--model", "lenet5", "--pad", "2", "-o", "/tmp/x.json"])
        XCTAssertEqual(padNoCrop.err, "pimsim train: --pad: expected --augment crop or crop-flip (the padding of the random crop), found --augment none\n")
        let beta = runPimsim(["train", "--model", "lenet5", "--quant", "twn", "--beta", "0.1", "-o", "/tmp/x.json"])
        XCTAssertEqual(beta.status, 1)
        XCTAssertEqual(beta.err, "pimsim train: --beta: expected --quant stat or a --layer-quant L=stat (β is statistical scaling's), found --quant twn\n")
    }

    func testEvalRejectsShapeOnlyNetwork() throws {
        let path = NSTemporaryDirectory() + "pimsim-shape-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(runPimsim(["zoo", "lenet5", "-o", path]).status, 0)
        let r = runPimsim(["eval", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("node \"conv1\": expected trained weights (a net.json written by pimsim train), found none"), r.err)
    }

    /// A network that has not learned (a learning rate too small to move any ternary code) gets a
    /// warning on stderr naming its accuracy and chance; the result line and the file are still written.
    func testWarnsWhenTheAccuracyIsWithinTwoPointsOfChance() throws {
        let path = NSTemporaryDirectory() + "pimsim-chance-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runPimsim(["train", "--model", "lenet5", "--quant", "stat", "--epochs", "1", "--lr", "1e-9", "--seed", "3", "--train-limit", "64", "--test-limit", "500", "--quiet", "-o", path])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try XCTUnwrap(r.out.components(separatedBy: "test accuracy ").last?.components(separatedBy: " %").first)
        XCTAssertLessThanOrEqual(try XCTUnwrap(Double(text)), 12, "the case must end near chance for the test to mean anything")
        XCTAssertTrue(r.err.contains("warning: test accuracy \(text) % is within 2 points of chance (10.00 % for 10 classes)"), r.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    /// A trained split ResNet-20: its group batch norms are folded into per-channel thresholds of
    /// the group activations, which `pimsim params` counts apart from the parameters (the same
    /// total as the untrained split network) and `pimsim run` reads with comparators.
    func testTrainedSplitNetworkIsCountedAndCostedWithItsGroupThresholds() throws {
        let path = NSTemporaryDirectory() + "pimsim-split-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let train = runPimsim(["train", "--model", "resnet20", "--split", "72", "--quant", "stat", "--epochs", "1", "--train-limit", "32", "--test-limit", "20", "--quiet", "-o", path])
        XCTAssertEqual(train.status, 0, train.err)
        let trained = runPimsim(["params", path])
        XCTAssertEqual(trained.status, 0, trained.err)
        XCTAssertTrue(trained.out.contains("group thresholds: 18 group activations, 1,344 per-channel constants (not in the total)"), trained.out)
        let shapeOnly = runPimsim(["params", "resnet20", "--input", "1x28x28", "--split", "72"])
        let total = { (text: String) in text.components(separatedBy: "total: ").last?.components(separatedBy: " parameters").first }
        XCTAssertNotNil(total(trained.out))
        XCTAssertEqual(total(trained.out), total(shapeOnly.out), "the folded group batch norms add no parameters")
        XCTAssertTrue(shapeOnly.out.contains("1,344 per-channel constants"), shapeOnly.out)
        let run = runPimsim(["run", path, "--split", "none", "--format", "json"])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let layers = try XCTUnwrap((json["configurations"] as? [[String: Any]])?.first?["layers"] as? [[String: Any]] ?? json["layers"] as? [[String: Any]])
        let grouped = try XCTUnwrap(layers.first { $0["name"] as? String == "s1b1c1" })
        XCTAssertEqual(grouped["readout"] as? String, "sense_amp", "\(grouped)")
    }
}
