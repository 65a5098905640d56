import Foundation
import XCTest

/// Seeded mutations of the ONNX fixtures (truncation, byte flips, varint corruption) fed to
/// `pimsim params`: every run exits 0 (the mutant is still a valid model) or 1 with exactly one
/// line on standard error, and never traps (a trap would end the test run).
final class ONNXFuzzTests: XCTestCase {
    /// SplitMix64: the same mutants on every machine and run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    enum Mutation: CaseIterable { case truncation, byteFlips, varintCorruption }

    static func mutate(_ bytes: [UInt8], _ kind: Mutation, _ g: inout Generator) -> [UInt8] {
        var b = bytes
        switch kind {
        case .truncation:
            return Array(b.prefix(g.below(b.count)))
        case .byteFlips:
            for _ in 0...g.below(4) { b[g.below(b.count)] = UInt8(g.below(256)) }
        case .varintCorruption:
            // Overlong varints (runs of continuation bytes) or a continuation bit set on a byte
            // that ended one: lengths, keys and sizes read wrong from there on.
            let at = g.below(b.count)
            if g.below(2) == 0 {
                for k in at..<min(b.count, at + 1 + g.below(11)) { b[k] = 0xff }
            } else {
                b[at] |= 0x80
            }
        }
        return b
    }

    func testMutatedONNXFilesAreRejectedWithOneLine() throws {
        let folder = NSTemporaryDirectory() + "pimsim-onnx-fuzz-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = Generator(state: 14)
        var rejected: [Mutation: Int] = [:], accepted: [Mutation: Int] = [:]
        for (name, rounds) in [("resnet18-shapes.onnx", 40), ("resnet20-split72.onnx", 15)] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ONNXCommandTests.fixture(name))))
            for round in 0..<rounds {
                for kind in Mutation.allCases {
                    let path = "\(folder)/\(round)-\(kind)-\(name)"
                    try Data(Self.mutate(original, kind, &g)).write(to: URL(fileURLWithPath: path))
                    let r = runPimsim(["params", path])
                    if r.status == 0 {
                        accepted[kind, default: 0] += 1
                        continue
                    }
                    rejected[kind, default: 0] += 1
                    XCTAssertEqual(r.status, 1, "\(path): \(r.err)")
                    XCTAssertEqual(r.err.split(separator: "\n", omittingEmptySubsequences: false).count, 2, "one line:\n\(r.err)")
                    XCTAssertTrue(r.err.hasPrefix("pimsim params: \(path): "), r.err)
                }
            }
        }
        // Every kind of mutation must reach the error paths (else the test exercises nothing).
        for kind in Mutation.allCases { XCTAssertGreaterThan(rejected[kind, default: 0], 10, "\(kind): \(rejected) rejected, \(accepted) accepted") }
    }
}
