import Foundation
import PimsimCore
import PimsimSim

/// `pimsim run`'s main path: ResNet-20 through split -> map -> schedule -> cost for seed 000's
/// five configurations, after the network and the hwconfig are loaded (target: < 10 ms).
enum SimulatorBenchmarks {
    static func cases() -> [Benchmark] {
        guard let graph = try? ModelZoo.network(named: "resnet20"),
              let reram = try? HardwareConfig.load("reram-1t1r"),
              let isaac = try? HardwareConfig.load("isaac") else {
            FileHandle.standardError.write(Data("sim: skipped: cannot load resnet20 or hwconfigs/ (set PIMSIM_HOME to the repository)\n".utf8))
            return []
        }
        func allSplits(_ config: HardwareConfig) -> () -> Void {
            {
                for spec in SplitSpec.seedConfigurations {
                    let result = try? Simulator.run(graph, on: config, split: spec)
                    precondition(result != nil)
                }
            }
        }
        return [
            Benchmark(name: "sim: resnet20 x 5 splits on reram-1t1r", iterations: 50, body: allSplits(reram)),
            Benchmark(name: "sim: resnet20 x 5 splits on isaac", iterations: 50, body: allSplits(isaac)),
            Benchmark(name: "sim: load hwconfig reram-1t1r", iterations: 50) { precondition((try? HardwareConfig.load("reram-1t1r")) != nil) },
        ]
    }
}
