import Foundation
import XCTest

/// The built binary as a user runs it: on PATH or through a link, from any folder, without
/// PIMSIM_HOME (issue 9, item 1); `pimsim-bench` reads its arguments before building anything.
final class InstallTests: XCTestCase {
    func binary(_ name: String) throws -> String {
        try XCTUnwrap(BuiltBinary.path(name), "\(name) is built beside the tests")
    }

    func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-install-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// `export PATH=".build/release:$PATH"; cd /elsewhere; pimsim run` finds hwconfigs/ although
    /// argv[0] is the bare name "pimsim".
    func testBinaryOnPathWorksFromAnyFolder() throws {
        let pimsim = try binary("pimsim")
        let folder = try scratchFolder()
        var env = ProcessInfo.processInfo.environment
        env["PIMSIM_HOME"] = nil
        env["PATH"] = (pimsim as NSString).deletingLastPathComponent + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let run = try BuiltBinary.run("/bin/sh", ["-c", "pimsim run lenet5 --split none && pimsim hw"], in: folder, environment: env)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("lenet5 on reram-1t1r"), run.out)
        XCTAssertTrue(run.out.contains("sram-16t1c"), run.out)
    }

    /// A symbolic link in another folder (e.g. ~/.local/bin/pimsim) resolves to the clone.
    func testSymbolicLinkToTheBinaryWorks() throws {
        let pimsim = try binary("pimsim")
        let folder = try scratchFolder()
        let link = (folder as NSString).appendingPathComponent("pimsim")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: pimsim)
        let run = try BuiltBinary.run(link, ["sweep", "--hw", "isaac", "--array-rows", "128", "--split", "none", "--format", "csv"], in: folder)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("resnet20,isaac,128,"), run.out)
    }

    func testVersionAndNoArgumentHelp() throws {
        let pimsim = try binary("pimsim")
        let version = try BuiltBinary.run(pimsim, ["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.out.hasPrefix("pimsim "), version.out)
        let bare = try BuiltBinary.run(pimsim, [])
        XCTAssertEqual(bare.status, 2)
        XCTAssertEqual(bare.out, "", "with no arguments the help goes to stderr")
        XCTAssertTrue(bare.err.contains("Usage: pimsim <command>"), bare.err)
    }

    func testBenchHelpAndBadArgumentsDoNotRunAnything() throws {
        let bench = try binary("pimsim-bench")
        let help = try BuiltBinary.run(bench, ["--help"])
        XCTAssertEqual(help.status, 0, help.err)
        XCTAssertTrue(help.out.contains("Usage: pimsim-bench [FILTER]"), help.out)
        let bad = try BuiltBinary.run(bench, ["--fast"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.err, "pimsim-bench: unknown option --fast; see 'pimsim-bench --help'\n")
        XCTAssertEqual(bad.out, "")
    }

    /// Copied away from its clone without PIMSIM_HOME, the FPGA suite says it cannot load its
    /// resources instead of trapping.
    func testBenchWithoutResourcesSkipsInsteadOfTrapping() throws {
        let bench = try binary("pimsim-bench")
        let folder = try scratchFolder()
        let copy = (folder as NSString).appendingPathComponent("pimsim-bench")
        try FileManager.default.copyItem(atPath: bench, toPath: copy)
        let run = try BuiltBinary.run(copy, ["fpga"], in: folder)
        XCTAssertFalse(run.signalled, run.err)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.err.hasPrefix("fpga: skipped: "), run.err)
    }
}
