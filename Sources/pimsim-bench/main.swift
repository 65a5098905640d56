import Foundation
import PimsimKernels

// pimsim-bench: times the main paths of a release build and prints one line per case,
// "name  median_ms" (and any throughput a suite adds). Run: swift run -c release pimsim-bench [FILTER]
// Each area adds its suite to this list in a file of its own (e.g. SimulatorBenchmarks.swift).
// A suite builds its cases (loads networks, hwconfigs, data) only when it is run.
ProcessMemory.retainFreedMemory()  // as pimsim does
let suites: [(name: String, cases: () -> [Benchmark])] = [
    ("core", CoreBenchmarks.cases),
    ("sim", SimulatorBenchmarks.cases),
    ("fpga", FPGABenchmarks.cases),
    ("sweep", SweepBenchmarks.cases),
    ("kernels", KernelBenchmarks.cases),
    ("training", TrainingBenchmarks.cases),
    ("functional", FunctionalBenchmarks.cases),
]

let help = """
    pimsim-bench: median wall time of pimsim's main paths (release builds only are meaningful).

    Usage: pimsim-bench [FILTER]

    Runs every case whose name contains FILTER (all without one). Case names start with their
    suite: \(suites.map { $0.name + ":" }.joined(separator: ", ")); a FILTER of a suite name (or
    "suite: ...") builds and runs that suite only. One line per case: name, median ms, and a rate
    where the case defines one. Resources (hwconfigs/, examples/data) are found as pimsim finds
    them (from the executable's path, else PIMSIM_HOME); a suite that cannot load them says so on
    stderr and is skipped.

    Examples:
      pimsim-bench            # everything
      pimsim-bench sim        # the simulator suite
      pimsim-bench "resnet20" # every case about ResNet-20

    """

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(help, terminator: "")
    exit(0)
}
if let option = arguments.first(where: { $0.hasPrefix("-") }) {
    FileHandle.standardError.write(Data("pimsim-bench: unknown option \(option); see 'pimsim-bench --help'\n".utf8))
    exit(2)
}
guard arguments.count <= 1 else {
    FileHandle.standardError.write(Data("pimsim-bench: expected at most one FILTER, found \(arguments.count) arguments; see 'pimsim-bench --help'\n".utf8))
    exit(2)
}
// PIMSIM_ISA=avx2 (or avx512, baseline, neon) measures that kernel module instead of the best one
// this CPU supports, e.g. the AVX2 path on an AVX-512 machine.
if let name = ProcessInfo.processInfo.environment["PIMSIM_ISA"] {
    guard let isa = KernelISA(rawValue: name), KernelISA.select(isa) else {
        FileHandle.standardError.write(Data("pimsim-bench: PIMSIM_ISA: expected one of \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")) (supported here), found \"\(name)\"\n".utf8))
        exit(1)
    }
}
print("# kernels: \(KernelISA.active.rawValue) (supported here: \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")))")
let filter = arguments.first
// A filter that names a suite ("sim" or "sim: ...") selects it without building the others.
let suiteName = filter.map { String($0.prefix { $0 != ":" }) }.flatMap { name in suites.contains { $0.name == name } ? name : nil }
for suite in suites where suiteName == nil || suite.name == suiteName {
    for benchmark in suite.cases() where filter == nil || filter == suiteName || benchmark.name.contains(filter!) {
        let ms = benchmark.run()
        var line = benchmark.name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: " %10.3f ms", ms)
        if let work = benchmark.work {
            line += String(format: " %10.1f %@", work.operations / (ms * 1e6), work.unit as NSString)
        }
        print(line)
    }
}
