import PimsimCore

/// Graph construction, splitting and net.json on ResNet-20: the front of every command.
enum CoreBenchmarks {
    static func cases() -> [Benchmark] {
        let resnet = try! ModelZoo.network(named: "resnet20")
        let text = NetJSON.encode(resnet)
        return [
            Benchmark(name: "core: build resnet20 from the zoo", iterations: 50) { _ = try! ModelZoo.network(named: "resnet20") },
            Benchmark(name: "core: split resnet20 five seed ways", iterations: 50) {
                for spec in SplitSpec.seedConfigurations { _ = try! NetworkSplitter.split(resnet, spec: spec) }
            },
            Benchmark(name: "core: net.json encode + decode resnet20", iterations: 20) { _ = try! NetJSON.decode(NetJSON.encode(resnet)) },
            Benchmark(name: "core: net.json decode resnet20", iterations: 20) { _ = try! NetJSON.decode(text) },
        ]
    }
}
