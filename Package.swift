// swift-tools-version:6.0
// pimsim: a cost model and simulator for ternary neural networks on processing-in-memory
// crossbars and FPGAs. Swift toolchain only: no third-party packages.
import Foundation
import PackageDescription

// The kernels (PimsimKernelsISA/, float GEMM, ternary products, bit packing) are compiled once
// per instruction set into separate modules, each with its own target CPU, and PimsimKernels
// picks the best one the CPU supports at run time (KernelISA): one binary runs on any x86-64 CPU
// and uses AVX-512 or AVX2 + FMA where they exist. Everything else builds for the default
// target, so nothing outside those modules can use an instruction another x86-64 CPU lacks.
// On the default x86-64 target (SSE2), wide SIMD and popcount fall back to code measured
// 20-150x slower (docs/performance.md), hence the per-ISA modules.
//
// The target-CPU flags are `unsafeFlags`, which SwiftPM refuses in a package used as a
// dependency: set PIMSIM_PORTABLE=1 to build without them (only the portable kernels; on x86-64
// that is baseline SSE2, on arm64 NEON, which every arm64 CPU has).
let portableBuild = ProcessInfo.processInfo.environment["PIMSIM_PORTABLE"] != nil

// Kernel modules are optimised in debug builds too: their SIMD code unoptimised ran
// 0.2-0.5 GFLOP/s instead of ~200 (docs/performance.md), which made debug test runs of anything
// that trains crawl.
let optimisedInDebug: [SwiftSetting] = portableBuild ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// One kernel module: the shared sources (a symbolic link to Sources/PimsimKernelsISA) built for
/// one instruction set. `-Xcc -march` sets the features Swift's code generator uses (Swift 6.3
/// rejects the x86-64-v3/v4 names as -target-cpu).
func kernelModule(_ name: String, define: String?, march: [String]) -> Target {
    .target(name: name, dependencies: ["PimsimKernelBase"],
            swiftSettings: (define.map { [.define($0)] } ?? []) + (march.isEmpty ? [] : [.unsafeFlags(march)]) + optimisedInDebug)
}

var kernelModules: [Target] = [kernelModule("PimsimKernelsPortable", define: nil, march: [])]
#if arch(x86_64)
if !portableBuild {
    kernelModules += [
        kernelModule("PimsimKernelsAVX2", define: "PIMSIM_ISA_AVX2", march: ["-Xcc", "-march=x86-64-v3"]),
        kernelModule("PimsimKernelsAVX512", define: "PIMSIM_ISA_AVX512",
                     march: ["-Xcc", "-march=x86-64-v4", "-Xcc", "-mavx512vpopcntdq"]),
    ]
}
#endif
let kernelModuleNames = kernelModules.map { Target.Dependency(stringLiteral: $0.name) }

let package = Package(
    name: "pimsim",
    // macOS 15 for the Synchronization module (Atomic, Mutex) used by the kernels' worker pool.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pimsim", targets: ["pimsim"]),
        .executable(name: "pimsim-bench", targets: ["pimsim-bench"]),
        .library(name: "PimsimCore", targets: ["PimsimCore"]),
    ],
    targets: [
        // Graph IR, net.json, model zoo, network splitting, parameter accounting.
        .target(name: "PimsimCore"),
        // Threads (worker pool), scratch memory and the interface every kernel module implements.
        .target(name: "PimsimKernelBase", swiftSettings: optimisedInDebug),
        // Bit-exact ternary kernels and float GEMM (SIMD, bit-packing, popcount, both cores): the
        // public API and the run-time choice of kernel module.
        .target(name: "PimsimKernels", dependencies: ["PimsimKernelBase"] + kernelModuleNames, swiftSettings: optimisedInDebug),
        // Crossbar mapping, scheduling (event counts) and cost (hwconfig tables).
        .target(name: "PimsimSim", dependencies: ["PimsimCore"]),
        // Training of ternary / binary / float networks; export to net.json; integer evaluation.
        .target(name: "PimsimTrain", dependencies: ["PimsimCore", "PimsimKernels"]),
        // Functional simulation of trained networks on the mapped arrays, with non-idealities.
        .target(name: "PimsimFunctional", dependencies: ["PimsimCore", "PimsimSim", "PimsimTrain", "PimsimKernelBase", "PimsimKernels"]),
        // FPGA resource estimation (LUT, FF, DSP, BRAM).
        .target(name: "PimsimFPGA", dependencies: ["PimsimCore"]),
        // Text tables, CSV, JSON and SVG reports.
        .target(name: "PimsimReports", dependencies: ["PimsimCore"]),
        // Command-line front end: argument parsing and commands (a library so tests can run it).
        .target(
            name: "PimsimCLI",
            dependencies: ["PimsimCore", "PimsimSim", "PimsimTrain", "PimsimFunctional", "PimsimFPGA", "PimsimReports", "PimsimKernels"]),
        .executableTarget(name: "pimsim", dependencies: ["PimsimCLI"]),
        .executableTarget(
            name: "pimsim-bench",
            dependencies: ["PimsimCore", "PimsimSim", "PimsimKernels", "PimsimTrain", "PimsimFunctional", "PimsimFPGA", "PimsimCLI"]),
        .testTarget(name: "PimsimCoreTests", dependencies: ["PimsimCore"]),
        .testTarget(name: "PimsimKernelsTests", dependencies: ["PimsimKernels", "PimsimKernelBase"]),
        .testTarget(name: "PimsimTrainTests", dependencies: ["PimsimTrain", "PimsimCore"]),
        .testTarget(name: "PimsimFunctionalTests", dependencies: ["PimsimFunctional", "PimsimSim", "PimsimTrain", "PimsimCore"]),
        .testTarget(name: "PimsimFPGATests", dependencies: ["PimsimFPGA", "PimsimCore"]),
        .testTarget(name: "PimsimReportsTests", dependencies: ["PimsimReports"]),
        .testTarget(name: "PimsimSimTests", dependencies: ["PimsimSim", "PimsimCore"]),
        .testTarget(name: "PimsimCLITests", dependencies: ["PimsimCLI", "PimsimCore", "PimsimKernels"]),
    ] + kernelModules
)
