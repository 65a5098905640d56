import Foundation
import XCTest

/// Seeded mutations of the ONNX fixtures (truncation, byte flips, varint corruption) fed to the
/// built `pimsim` as a child process, through FuzzTests' harness: every run exits 0 (the mutant
/// is still a valid model) or 1 with exactly one line on standard error, never by a signal.
final class ONNXFuzzTests: XCTestCase {
    enum Mutation: CaseIterable { case truncation, byteFlips, varintCorruption }

    static func mutate(_ bytes: [UInt8], _ kind: Mutation, _ g: inout FuzzTests.Generator) -> [UInt8] {
        var b = bytes
        switch kind {
        case .truncation:
            return Array(b.prefix(g.below(b.count)))
        case .byteFlips:
            for _ in 0...g.below(4) { b[g.below(b.count)] = UInt8(g.below(256)) }
        case .varintCorruption:
            // Overlong varints (runs of continuation bytes) or a continuation bit set on a byte
            // that ended one: keys, lengths and sizes read wrong from there on.
            let at = g.below(b.count)
            if g.below(2) == 0 {
                for k in at..<min(b.count, at + 1 + g.below(11)) { b[k] = 0xff }
            } else {
                b[at] |= 0x80
            }
        }
        return b
    }

    /// 165 runs (55 per kind of mutation), about 5 s on two cores.
    func testMutatedONNXFilesAreRejectedWithOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-onnx-fuzz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = FuzzTests.Generator(state: 14)
        var cases: [(kind: Mutation, arguments: [String])] = []
        for (name, rounds) in [("resnet18-shapes.onnx", 40), ("resnet20-split72.onnx", 15)] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ONNXCommandTests.fixture(name))))
            for round in 0..<rounds {
                for kind in Mutation.allCases {
                    let path = (folder as NSString).appendingPathComponent("\(round)-\(kind)-\(name)")
                    try Data(Self.mutate(original, kind, &g)).write(to: URL(fileURLWithPath: path))
                    let commands = [["params", path], ["convert", path, "-o", path + ".json"], ["run", path, "--split", "none", "--precision", "8/8"]]
                    cases.append((kind, commands[g.below(commands.count)]))
                }
            }
        }
        for kind in Mutation.allCases {
            let rejected = try FuzzTests.runMutants(cases.filter { $0.kind == kind }.map(\.arguments), in: folder)
            // Every kind must reach the error paths, or the test exercises nothing.
            XCTAssertGreaterThan(rejected, 10, "\(kind)")
        }
    }
}
