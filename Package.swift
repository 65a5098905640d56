// swift-tools-version:6.0
// pimsim: a cost model and simulator for ternary neural networks on processing-in-memory
// crossbars and FPGAs. Swift toolchain only: no third-party packages.
import Foundation
import PackageDescription

// Release builds are tuned for the CPU that builds them (`-target-cpu native`): on x86-64 the
// default target is baseline SSE2, where wide SIMD and popcount fall back to scalar code that was
// measured 20-150x slower (docs/performance.md). Set PIMSIM_PORTABLE=1 to build a portable binary.
let portableBuild = ProcessInfo.processInfo.environment["PIMSIM_PORTABLE"] != nil
let hostTuned: [SwiftSetting] = portableBuild
    ? []
    : [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))]

// PimsimKernels is also optimised and host-tuned in debug builds: its SIMD code unoptimised, or on
// the baseline target, ran 0.2-0.5 GFLOP/s instead of ~200 (docs/performance.md), which made debug
// test runs of anything that trains crawl. PIMSIM_HOST_TUNED selects fused multiply-adds.
let kernelSettings: [SwiftSetting] = portableBuild
    ? []
    : [.unsafeFlags(["-target-cpu", "native"]), .unsafeFlags(["-O"], .when(configuration: .debug)),
       .define("PIMSIM_HOST_TUNED")]

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
        .target(name: "PimsimCore", swiftSettings: hostTuned),
        // Bit-exact ternary kernels and float GEMM (SIMD, bit-packing, popcount, both cores).
        .target(name: "PimsimKernels", swiftSettings: kernelSettings),
        // Crossbar mapping, scheduling (event counts) and cost (hwconfig tables).
        .target(name: "PimsimSim", dependencies: ["PimsimCore"], swiftSettings: hostTuned),
        // Training of ternary / binary / float networks; export to net.json; integer evaluation.
        .target(name: "PimsimTrain", dependencies: ["PimsimCore", "PimsimKernels"], swiftSettings: hostTuned),
        // FPGA resource estimation (LUT, FF, DSP, BRAM).
        .target(name: "PimsimFPGA", dependencies: ["PimsimCore"], swiftSettings: hostTuned),
        // Text tables, CSV, JSON and SVG reports.
        .target(name: "PimsimReports", dependencies: ["PimsimCore"], swiftSettings: hostTuned),
        // Command-line front end: argument parsing and commands (a library so tests can run it).
        .target(
            name: "PimsimCLI",
            dependencies: ["PimsimCore", "PimsimSim", "PimsimTrain", "PimsimFPGA", "PimsimReports"],
            swiftSettings: hostTuned),
        .executableTarget(name: "pimsim", dependencies: ["PimsimCLI"], swiftSettings: hostTuned),
        .executableTarget(
            name: "pimsim-bench",
            dependencies: ["PimsimCore", "PimsimSim", "PimsimKernels", "PimsimTrain", "PimsimFPGA", "PimsimCLI"],
            swiftSettings: hostTuned),
        .testTarget(name: "PimsimCoreTests", dependencies: ["PimsimCore"]),
        .testTarget(name: "PimsimKernelsTests", dependencies: ["PimsimKernels"]),
        .testTarget(name: "PimsimTrainTests", dependencies: ["PimsimTrain", "PimsimCore"]),
        .testTarget(name: "PimsimFPGATests", dependencies: ["PimsimFPGA", "PimsimCore"]),
        .testTarget(name: "PimsimReportsTests", dependencies: ["PimsimReports"]),
        .testTarget(name: "PimsimSimTests", dependencies: ["PimsimSim", "PimsimCore"]),
        .testTarget(name: "PimsimCLITests", dependencies: ["PimsimCLI", "PimsimCore"]),
    ]
)
