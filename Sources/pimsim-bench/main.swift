import Foundation
import PimsimKernels

// pimsim-bench: times the main paths of a release build and prints one line per case,
// "name  median_ms" (and any throughput a suite adds). Run: swift run -c release pimsim-bench [FILTER]
// Each area adds its suite to this list in a file of its own (e.g. SimulatorBenchmarks.swift).
let suites: [(name: String, cases: () -> [Benchmark])] = [
    ("core", CoreBenchmarks.cases),
    ("sim", SimulatorBenchmarks.cases),
    ("fpga", FPGABenchmarks.cases),
    ("sweep", SweepBenchmarks.cases),
    ("kernels", KernelBenchmarks.cases),
    ("training", TrainingBenchmarks.cases),
]

// PIMSIM_ISA=avx2 (or avx512, baseline, neon) measures that kernel module instead of the best one
// this CPU supports, e.g. the AVX2 path on an AVX-512 machine.
if let name = ProcessInfo.processInfo.environment["PIMSIM_ISA"] {
    guard let isa = KernelISA(rawValue: name), KernelISA.select(isa) else {
        FileHandle.standardError.write(Data("pimsim-bench: PIMSIM_ISA: expected one of \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")) (supported here), found \"\(name)\"\n".utf8))
        exit(1)
    }
}
print("# kernels: \(KernelISA.active.rawValue) (supported here: \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")))")
let filter = CommandLine.arguments.dropFirst().first
for suite in suites {
    for benchmark in suite.cases() where filter == nil || benchmark.name.contains(filter!) {
        let ms = benchmark.run()
        var line = benchmark.name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: " %10.3f ms", ms)
        if let work = benchmark.work {
            line += String(format: " %10.1f %@", work.operations / (ms * 1e6), work.unit as NSString)
        }
        print(line)
    }
}
