import Foundation
import PimsimCore
import PimsimSim

/// `pimsim sweep`: a 1,080-point design space of ResNet-20 (3 hwconfigs x 10 array heights x 18
/// splits x 2 read-outs), on all cores (`Sweep.run`) and point by point on one
/// (`Sweep.evaluate` in a loop), reported as design points per second.
enum SweepBenchmarks {
    static func cases() -> [Benchmark] {
        guard let graph = try? ModelZoo.network(named: "resnet20"),
              let configs = try? ["reram-1t1r", "sram-16t1c", "isaac"].map({ try HardwareConfig.load($0) }),
              let rows = try? DesignSpace.parseRows("8:4096"),
              let splits = try? SplitSpec.parseList("none;288:144;144:72;576:288;144:48;576:144;288,144,96,72,48,36,24,18,12,9,6,3") else {
            FileHandle.standardError.write(Data("sweep: skipped: cannot load resnet20 or hwconfigs/ (set PIMSIM_HOME to the repository)\n".utf8))
            return []
        }
        let space = DesignSpace(configs: configs, rows: rows, splits: splits, readouts: ReadoutChoice.allCases)
        precondition(space.count == 1080)
        // The rate printed is operations / (ms * 1e6); points * 1e9 makes it points per second.
        let work = (Double(space.count) * 1e9, "points/s")
        return [
            Benchmark(name: "sweep: resnet20, 1,080 points, all cores", iterations: 5, work: work) {
                precondition(Sweep.run(graph, space: space).outcomes.count == space.count)
            },
            Benchmark(name: "sweep: resnet20, 1,080 points, one core", iterations: 3, work: work) {
                for point in space.points { _ = Sweep.evaluate(graph, point: point, in: space) }
            },
        ]
    }
}
