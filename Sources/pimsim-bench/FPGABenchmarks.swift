import PimsimCore
import PimsimFPGA

/// `pimsim fpga --auto`: the search for the largest MAC count per layer that fits, per weight type.
enum FPGABenchmarks {
    static func cases() -> [Benchmark] {
        let model: LayerCostModel
        do {
            model = try LayerCostModel(library: try OperatorLibrary.shipped(), device: try FPGADevice.resolve("xc7k480t"),
                                       weightMemory: .bram, activations: .network)
        } catch {
            Benchmark.skip("fpga", because: error)
            return []
        }
        func auto(_ network: String) -> Benchmark {
            let estimator = FPGAEstimator(model: model, layers: LayerWorkload.all(in: try! ModelZoo.network(named: network)))
            return Benchmark(name: "fpga: --auto \(network) on xc7k480t (3 weight types)", iterations: 10) {
                for type in WeightType.allCases { _ = estimator.estimate(type, parallelism: .auto) }
            }
        }
        return [auto("resnet20"), auto("alexnet"), auto("resnet18")]
    }
}
