import Foundation
import PimsimCore
import XCTest

/// Issue 9, item 5: every command the README shows and every example in every `--help` runs,
/// as a user would run it: the built binary, one scratch folder per source, commands in order
/// (so `pimsim eval lenet5-twn.json` reads what the `train` line before it wrote).
///
/// Training commands are run with `--epochs 1 --train-limit 200 --test-limit 100` so the suite
/// stays within CI's time; everything else runs exactly as written.
final class ExamplesTests: XCTestCase {
    /// Lines of README's sh blocks that are not pimsim commands, each covered elsewhere.
    static let notPimsim: Set<String> = [
        "swift test -c release",  // CI runs it
        "swift build -c release",  // the test runs the binary it built
        "export PATH=\"$PWD/.build/release:$PATH\"",  // InstallTests.testBinaryOnPathWorksFromAnyFolder
        "swift build -c release && export PATH=\"$PWD/.build/release:$PATH\"",
        "examples/experiments/seed000_mnist.sh",  // testExperimentScriptRunsAndResumesOnItsOptions
        "examples/experiments/funcsim_splits.sh",  // testFunctionalSimulationScriptRuns
    ]

    func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-examples-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// `pimsim ...` as argument lists, reduced for CI if it trains.
    static func arguments(_ command: String) -> [String] {
        var words = command.split(separator: " ").map(String.init)
        if words.first == "swift" { words.removeFirst(4) }  // swift run -c release pimsim ...
        words.removeFirst()  // pimsim
        if words.first == "train" {
            if let e = words.firstIndex(of: "--epochs") { words[e + 1] = "1" } else { words += ["--epochs", "1"] }
            words += ["--train-limit", "200", "--test-limit", "100"]
        }
        return words
    }

    /// The commands in README's ```sh blocks, comments stripped, in order.
    static func readmeCommands() throws -> [String] {
        let text = try TextFile.read(try ResourceLocator.locate("README.md"))
        var commands: [String] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock = line == "```sh"; continue }
            guard inBlock else { continue }
            let command = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingCharacters(in: .whitespaces)
            if !command.isEmpty { commands.append(command) }
        }
        return commands
    }

    /// A CIFAR-10 folder of 20 made-up records per file (the layout, not the data: the help's
    /// CIFAR example needs the files, not their content).
    static func makeCIFAR(in folder: String) throws {
        let directory = (folder as NSString).appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (f, name) in ((1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"]).enumerated() {
            var bytes: [UInt8] = []
            for r in 0..<20 { bytes += [UInt8(r % 10)] + (0..<3072).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ r &* 7 &+ f) } }
            try Data(bytes).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
        }
    }

    func run(_ commands: [String], in folder: String) throws {
        let pimsim = try XCTUnwrap(BuiltBinary.path("pimsim"))
        for command in commands {
            let outcome = try BuiltBinary.run(pimsim, Self.arguments(command), in: folder)
            XCTAssertFalse(outcome.signalled, "\(command): signal \(outcome.status)")
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.err.suffix(1000))")
        }
    }

    /// Copies the ONNX fixtures into `folder`, at `subfolder` (the README names them by their
    /// repository path; help examples by their file name, as a user's own files).
    static func copyONNXFixtures(into folder: String, subfolder: String = "") throws {
        let target = (folder as NSString).appendingPathComponent(subfolder)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in ["lenet5-twn.onnx", "resnet20-split72.onnx", "resnet18-shapes.onnx"] {
            try FileManager.default.copyItem(atPath: try ResourceLocator.locate("Tests/Fixtures/onnx/\(name)"),
                                             toPath: (target as NSString).appendingPathComponent(name))
        }
    }

    func testEveryReadmeCommandRuns() throws {
        let commands = try Self.readmeCommands()
        let pimsim = commands.filter { $0.hasPrefix("pimsim ") || $0.hasPrefix("swift run -c release pimsim ") }
        let others = Set(commands).subtracting(pimsim)
        XCTAssertEqual(others.subtracting(Self.notPimsim).sorted(), [], "README commands that no test runs")
        XCTAssertGreaterThanOrEqual(pimsim.count, 20)
        let folder = try scratchFolder()
        try Self.copyONNXFixtures(into: folder, subfolder: "Tests/Fixtures/onnx")
        try run(pimsim, in: folder)
    }

    func testEveryHelpExampleRuns() throws {
        let folder = try scratchFolder()
        // The files the examples name as the user's own.
        try FileManager.default.copyItem(atPath: try ResourceLocator.locate("hwconfigs/fpga/devices/xc7z020.json"),
                                         toPath: (folder as NSString).appendingPathComponent("my-board.json"))
        try FileManager.default.copyItem(atPath: try ResourceLocator.locate("hwconfigs/reram-1t1r.json"),
                                         toPath: (folder as NSString).appendingPathComponent("my-array.json"))
        try Self.makeCIFAR(in: folder)
        try Self.copyONNXFixtures(into: folder)
        var examples: [String] = []
        let overview = runPimsim(["help"]).out
        let names = overview.split(separator: "\n", omittingEmptySubsequences: false).drop { $0 != "Commands:" }.dropFirst().prefix { !$0.isEmpty }
            .map { String($0.split(separator: " ")[0]) }
        XCTAssertEqual(names.count, 10, overview)
        for name in names {
            let help = runPimsim([name, "--help"]).out
            let lines = help.split(separator: "\n").drop { $0 != "Examples:" }.dropFirst()
            let own = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("pimsim ") }
            XCTAssertFalse(own.isEmpty, "\(name) --help has examples")
            examples += own
        }
        try run(examples, in: folder)
    }

    /// examples/experiments/funcsim_splits.sh (docs/functional-sim.md's example) trains, sweeps
    /// and plots; a rerun reuses the trained networks.
    func testFunctionalSimulationScriptRuns() throws {
        let script = try ResourceLocator.locate("examples/experiments/funcsim_splits.sh")
        let out = (try scratchFolder() as NSString).appendingPathComponent("runs")
        var env = ProcessInfo.processInfo.environment
        env["PIMSIM"] = try XCTUnwrap(BuiltBinary.path("pimsim"))
        env["SPLITS"] = "none 72"
        env["EPOCHS"] = "1"
        env["TRIALS"] = "1"
        env["OPTS"] = "--optimizer adam --lr 0.005 --batch 32 --train-limit 64 --test-limit 20"
        env["EVAL_OPTS"] = "--test-limit 20"
        let first = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.out.contains("split none %"), first.out)
        XCTAssertTrue(first.out.contains("split 72 %"), first.out)
        for file in ["r20-none.json", "r20-72.json", "conductance.svg", "sa-offset.svg", "conductance.txt", "sa-offset.txt"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(file)), file)
        }
        let net = (out as NSString).appendingPathComponent("r20-none.json")
        let trained = try FileManager.default.attributesOfItem(atPath: net)[.modificationDate] as? Date
        let again = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: net)[.modificationDate] as? Date, trained, "the networks are reused, not trained again")
    }

    /// examples/experiments/lenet5_mnist.sh: the same resume rule (here on THREADS).
    func testLeNetScriptResumesOnItsOptions() throws {
        let script = try ResourceLocator.locate("examples/experiments/lenet5_mnist.sh")
        let out = (try scratchFolder() as NSString).appendingPathComponent("runs")
        var env = ProcessInfo.processInfo.environment
        env["PIMSIM"] = try XCTUnwrap(BuiltBinary.path("pimsim"))
        env["SEEDS"] = "1"
        env["EPOCHS"] = "1"
        env["OPTS"] = "--train-limit 64 --test-limit 50"
        let results = (out as NSString).appendingPathComponent("results.tsv")
        func rows() throws -> Int { try TextFile.read(results).split(separator: "\n").count - 1 }
        for (threads, expected) in [("2", 3), ("2", 3), ("1", 6)] {
            env["THREADS"] = threads
            let run = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
            XCTAssertEqual(run.status, 0, run.err)
            XCTAssertEqual(try rows(), expected, "THREADS \(threads)")
        }
    }

    /// examples/experiments/seed000_mnist.sh (the README's experiment) runs, and a rerun resumes
    /// only when every result-changing option matches.
    func testExperimentScriptRunsAndResumesOnItsOptions() throws {
        let pimsim = try XCTUnwrap(BuiltBinary.path("pimsim"))
        let script = try ResourceLocator.locate("examples/experiments/seed000_mnist.sh")
        let out = (try scratchFolder() as NSString).appendingPathComponent("runs")
        var env = ProcessInfo.processInfo.environment
        env["PIMSIM"] = pimsim
        env["SEEDS"] = "1"
        env["SPLITS"] = "none"
        env["EPOCHS"] = "1"
        env["OPTS"] = "--optimizer adam --lr 0.005 --batch 32 --train-limit 64 --test-limit 50"
        let results = (out as NSString).appendingPathComponent("results.tsv")
        func rows() throws -> Int { try TextFile.read(results).split(separator: "\n").count - 1 }
        let first = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(try rows(), 2, "stat and xnor")
        XCTAssertTrue(first.out.contains("| none | "), first.out)
        let again = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(try rows(), 2, "the same options resume: nothing reruns")
        env["OPTS"] = "--optimizer adam --lr 0.01 --batch 32 --train-limit 64 --test-limit 50"
        let changed = try BuiltBinary.run("/bin/bash", [script, out], environment: env)
        XCTAssertEqual(changed.status, 0, changed.err)
        XCTAssertEqual(try rows(), 4, "another learning rate is another experiment")
    }
}
