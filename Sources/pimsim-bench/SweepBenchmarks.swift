import Dispatch
import Foundation
import PimsimCLI
import PimsimCore
import PimsimSim

/// `pimsim sweep` on ResNet-20, each case beside the previous per-point path (one full
/// `Simulator.run` per point: split, map, schedule, cost), reported as design points per second:
/// - geometry: 1,080 points (3 hwconfigs x 10 array heights 8:4096 x 18 splits x 2 read-outs),
///   the engine; and 21,600 points (the same with 4 column counts 64:512 x 5 ADC sharings 1:16,
///   one read-out), the whole command writing CSV to a file;
/// - constants: 125,000 points (3 `--vary` axes of 50 values on one design), the whole command
///   writing CSV to a file; the per-point path on every 100th of those points.
enum SweepBenchmarks {
    static let splits = "none;288:144;144:72;576:288;144:48;576:144;288,144,96,72,48,36,24,18,12,9,6,3"
    static let vary = ["adc.energy_pj_by_adc_bits.6=0.2:2:50", "sense_amp.energy_pj=0.01:0.1:50", "array.cycle_ns=5:50:50"]

    static func cases() -> [Benchmark] {
        do {
            return try geometry() + constants()
        } catch {
            Benchmark.skip("sweep", because: error)
            return []
        }
    }

    static func geometry() throws -> [Benchmark] {
        let graph = try ModelZoo.network(named: "resnet20")
        let configs = try ["reram-1t1r", "sram-16t1c", "isaac"].map { try HardwareConfig.load($0) }
        let space = try DesignSpace(configs: configs, rows: try DesignSpace.parseRows("8:4096"), splits: try SplitSpec.parseList(splits),
                                    readouts: ReadoutChoice.allCases)
        precondition(space.count == 1080)
        // The rate printed is operations / (ms * 1e6); points * 1e9 makes it points per second.
        let work = (Double(space.count) * 1e9, "points/s")
        return [
            Benchmark(name: "sweep: geometry, 1,080 points, engine", iterations: 5, work: work) {
                let plan = Sweep.Plan(graph, space: space)
                var points = 0
                Sweep.run(plan, range: 0..<space.count, transform: { $0.points.count }, consume: { points += $0 })
                precondition(points == 1020)  // 144:48 cannot be built on ResNet-20
            },
            command("sweep: geometry, 21,600 points, pimsim sweep -> CSV", points: 21_600,
                    ["sweep", "--hw", "reram-1t1r,sram-16t1c,isaac", "--array-rows", "8:4096", "--columns", "64:512", "--adc-sharing", "1:16",
                     "--split", splits]),
            Benchmark(name: "sweep: geometry, 1,080 points, per-point run", iterations: 3, work: work) {
                perPoint(space.count) { i in
                    let p = space.point(i)
                    _ = try? Simulator.run(graph, on: space.configuration(for: p), split: space.splits[p.split])
                }
            },
        ]
    }

    static func constants() throws -> [Benchmark] {
        let graph = try ModelZoo.network(named: "resnet20")
        let base = try HardwareConfig.load("reram-1t1r")
        let axes = try vary.map { try ConstantAxis.parse($0, configs: [base]) }
        let space = try DesignSpace(configs: [base], rows: [144], varied: axes, splits: [.uniform(144)], readouts: [.auto])
        precondition(space.count == 125_000)
        let arguments = ["sweep", "--hw", "reram-1t1r", "--array-rows", "144", "--split", "144", "--readout", "auto"] + vary.flatMap { ["--vary", $0] }
        let sampled = space.count / 100
        return [
            command("sweep: constants, 125,000 points, pimsim sweep -> CSV", points: space.count, arguments),
            Benchmark(name: "sweep: constants, every 100th point, per-point run", iterations: 3, work: (Double(sampled) * 1e9, "points/s")) {
                perPoint(sampled) { k in
                    let p = space.point(k * 100)
                    var config = base
                    for (a, axis) in space.costAxes.enumerated() {
                        config = try! config.setting(axis.paths[0], to: axis.values[p.cost[a]], source: "bench")
                    }
                    _ = try? Simulator.run(graph, on: space.configuration(for: p, config: config), split: space.splits[p.split])
                }
            },
        ]
    }

    /// The whole `pimsim` command `arguments` writing CSV to a temporary file, at `points` points per run.
    static func command(_ name: String, points: Int, _ arguments: [String]) -> Benchmark {
        let output = (NSTemporaryDirectory() as NSString).appendingPathComponent("pimsim-bench-sweep-\(ProcessInfo.processInfo.processIdentifier).csv")
        return Benchmark(name: name, iterations: 5, work: (Double(points) * 1e9, "points/s")) {
            let io = CommandIO(out: { _ in }, err: { _ in })
            precondition(CommandLineInterface.main(arguments: arguments + ["--format", "csv", "-o", output], io: io) == 0)
            try? FileManager.default.removeItem(atPath: output)
        }
    }

    /// `body(0..<n)` on all cores in chunks of 8, as the previous sweep did.
    static func perPoint(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let chunk = 8
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(n, (c + 1) * chunk) { body(i) }
        }
    }
}

extension DesignSpace {
    /// `configuration(for:)` of point `p` on a given hwconfig (the bench's per-point path sets
    /// the cost-side settings in the config itself).
    func configuration(for p: DesignPoint, config: HardwareConfig) throws -> HardwareConfig {
        var c = config
        c.rows = Constant(Double(rows[p.row]), unit: "rows", source: "bench")
        return readouts[p.readout].apply(to: c)
    }
}
