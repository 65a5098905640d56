import Foundation
import PimsimCore
import XCTest

/// Issue 9, item 2: a deterministic fuzz test. Seeded mutations of the zoo networks, a trained
/// net.json and the shipped hwconfigs and FPGA files (truncation, key deletion, type swaps,
/// extreme numbers) are fed to the built `pimsim` binary as a child process, so a trap or a
/// crash shows as a signal. Every run must exit 0 (the mutant is still valid) or 1 or 2 with
/// exactly one line on stderr, within the time limit, never by a signal.
final class FuzzTests: XCTestCase {
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

    /// A step into a JSON tree: the index of an object member or of an array element.
    typealias Path = [Int]

    /// Every value's path in `value`, the root excluded.
    static func paths(_ value: JSONValue, prefix: Path = []) -> [Path] {
        switch value {
        case .object(let pairs): return pairs.indices.flatMap { [prefix + [$0]] + paths(pairs[$0].1, prefix: prefix + [$0]) }
        case .array(let items): return items.indices.flatMap { [prefix + [$0]] + paths(items[$0], prefix: prefix + [$0]) }
        default: return []
        }
    }

    /// `value` with the value at `path` replaced by `change(old)` (nil deletes it).
    static func edit(_ value: JSONValue, at path: Path, _ change: (JSONValue) -> JSONValue?) -> JSONValue {
        guard let step = path.first else { return change(value) ?? .null }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(var pairs):
            if rest.isEmpty {
                if let new = change(pairs[step].1) { pairs[step].1 = new } else { pairs.remove(at: step) }
            } else {
                pairs[step].1 = edit(pairs[step].1, at: rest, change)
            }
            return .object(pairs)
        case .array(var items):
            if rest.isEmpty {
                if let new = change(items[step]) { items[step] = new } else { items.remove(at: step) }
            } else {
                items[step] = edit(items[step], at: rest, change)
            }
            return .array(items)
        default:
            return value
        }
    }

    static let extremes: [Double] = [0, -1, 0.5, -1e9, 1e9, 2_147_483_648, 1_099_511_627_776, 9_007_199_254_740_993,
                                     9.3e18, 1e30, 1e308, -1e308, 1e-300, 16_777_217, 4_294_967_297]
    static let swaps: [JSONValue] = [.string("x"), .number(7), .bool(true), .null, .array([]), .object([]), .array([.number(1)])]

    /// One mutant of `text` (a JSON document).
    static func mutate(_ text: String, _ g: inout Generator) -> String {
        let kind = g.below(4)
        if kind == 0 {  // truncation
            let bytes = Array(text.utf8)
            return String(decoding: bytes.prefix(g.below(bytes.count)), as: UTF8.self)
        }
        guard let tree = try? JSONParser.parse(text) else { return text }
        let all = paths(tree)
        switch kind {
        case 1:  // key deletion (or array element deletion)
            return JSONWriter.write(edit(tree, at: all[g.below(all.count)]) { _ in nil })
        case 2:  // type swap
            let swap = swaps[g.below(swaps.count)]
            return JSONWriter.write(edit(tree, at: all[g.below(all.count)]) { _ in swap })
        default:  // an extreme number in place of a number
            let numbers = all.filter { path in
                var value = tree
                for step in path {
                    switch value {
                    case .object(let pairs): value = pairs[step].1
                    case .array(let items): value = items[step]
                    default: break
                    }
                }
                if case .number = value { return true }
                return false
            }
            guard !numbers.isEmpty else { return text }
            let extreme = extremes[g.below(extremes.count)]
            return JSONWriter.write(edit(tree, at: numbers[g.below(numbers.count)]) { _ in .number(extreme) })
        }
    }

    /// The harness sees a signal (a trap is SIGILL or SIGTRAP, an abort SIGABRT).
    func testTheHarnessDetectsASignal() throws {
        let run = try BuiltBinary.run("/bin/sh", ["-c", "kill -ABRT $$"])
        XCTAssertTrue(run.signalled)
        XCTAssertEqual(run.status, 6)
    }

    /// Runs the built `pimsim` with each argument list (two at a time, in `folder`) and checks
    /// every outcome: no signal, no hang, and exit 0, or 1 or 2 with exactly one stderr line.
    /// Returns how many runs were rejected (exit 1 or 2).
    static func runMutants(_ arguments: [[String]], in folder: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let pimsim = try XCTUnwrap(BuiltBinary.path("pimsim"), "pimsim is built beside the tests", file: file, line: line)
        final class Results: @unchecked Sendable {
            var outcomes: [BuiltBinary.Outcome?]
            init(_ n: Int) { outcomes = Array(repeating: nil, count: n) }
        }
        let results = Results(arguments.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for i in stride(from: worker, to: arguments.count, by: 2) {
                let outcome = try? BuiltBinary.run(pimsim, arguments[i], in: folder, timeLimit: 10)
                lock.lock(); results.outcomes[i] = outcome; lock.unlock()
            }
        }
        var rejected = 0
        for (a, outcome) in zip(arguments, results.outcomes) {
            let name = "pimsim " + a.joined(separator: " ")
            guard let o = outcome else { XCTFail("\(name): could not start", file: file, line: line); continue }
            XCTAssertFalse(o.signalled, "\(name): signal \(o.status)\n\(o.err.suffix(2000))", file: file, line: line)
            XCTAssertFalse(o.timedOut, "\(name): no answer within 10 s", file: file, line: line)
            guard !o.signalled, !o.timedOut, o.status != 0 else { continue }
            rejected += 1
            XCTAssertTrue(o.status == 1 || o.status == 2, "\(name): exit \(o.status)", file: file, line: line)
            XCTAssertEqual(o.err.split(separator: "\n", omittingEmptySubsequences: false).count, 2, "\(name): one line on stderr:\n\(o.err.prefix(2000))", file: file, line: line)
            XCTAssertTrue(o.err.hasPrefix("pimsim "), "\(name): \(o.err.prefix(500))", file: file, line: line)
        }
        return rejected
    }

    /// 40 rounds over 9 documents: 360 runs, about 10 s on two cores.
    func testMutatedInputsNeverCrashOrHang() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-fuzz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // Corpus: (document, commands with FILE standing for the mutant's path).
        var corpus: [(String, [[String]])] = []
        let netCommands = [["run", "FILE", "--split", "none"], ["params", "FILE", "--split", "72"],
                           ["fpga", "FILE", "--device", "xc7z020", "--macs", "4"],
                           ["sweep", "FILE", "--hw", "reram-1t1r", "--array-rows", "64", "--split", "none", "--format", "csv"]]
        for name in ["lenet5", "resnet20", "vgg7"] {
            corpus.append((NetJSON.encode(try ModelZoo.network(named: name)), netCommands))
        }
        corpus.append((try TextFile.read(try ResourceLocator.locate("examples/tiny-net.json")), [["params", "FILE"], ["zoo", "FILE"]]))
        for name in ["reram-1t1r", "sram-16t1c", "isaac"] {
            corpus.append((try TextFile.read(try ResourceLocator.locate("hwconfigs/\(name).json")),
                           [["run", "lenet5", "--split", "none", "--hw", "FILE"], ["hw", "show", "FILE"],
                            ["run", "resnet20", "--split", "72", "--hw", "FILE", "--format", "json"]]))
        }
        corpus.append((try TextFile.read(try ResourceLocator.locate("hwconfigs/fpga/devices/xc7z020.json")),
                       [["fpga", "lenet5", "--device", "FILE"]]))
        corpus.append((try TextFile.read(try ResourceLocator.locate("hwconfigs/fpga/operators.json")),
                       [["fpga", "lenet5", "--device", "xc7z020", "--operators", "FILE", "--macs", "8"]]))

        var g = Generator(state: 12345)
        var cases: [(file: String, arguments: [String])] = []
        for round in 0..<40 {
            for (c, (text, commands)) in corpus.enumerated() {
                let path = (folder as NSString).appendingPathComponent("m\(round)-\(c).json")
                try TextFile.write(Self.mutate(text, &g), to: path)
                let command = commands[g.below(commands.count)]
                cases.append((path, command.map { $0 == "FILE" ? path : $0 }))
            }
        }
        let rejected = try Self.runMutants(cases.map(\.arguments), in: folder)
        // Most mutants must be rejected, or the test exercises nothing.
        XCTAssertGreaterThan(rejected, cases.count / 2, "\(rejected) of \(cases.count) rejected")
    }
}
