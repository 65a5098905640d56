import Foundation
import PimsimKernelBase
import Synchronization
#if canImport(PimsimKernelsAVX512)
import PimsimKernelsAVX512
#endif
#if canImport(PimsimKernelsAVX2)
import PimsimKernelsAVX2
#endif
import PimsimKernelsPortable

/// The instruction sets the kernels are compiled for, and the one in use. The kernel sources are
/// compiled once per instruction set into separate modules (Package.swift); at run time the best
/// set the CPU supports is chosen, so one binary runs on any x86-64 CPU (no illegal-instruction
/// crash on a machine older than the builder) and still uses AVX-512 or AVX2 where they exist.
/// Every set gives bit-identical ternary results and float results within rounding
/// (docs/performance.md, "Build configurations").
public enum KernelISA: String, CaseIterable, Sendable {
    /// x86-64 with AVX-512 F, BW, CD, DQ, VL and VPOPCNTDQ (x86-64-v4 plus vector popcount):
    /// Zen 4 and later, Ice Lake and later Xeons.
    case avx512
    /// x86-64 with AVX2, FMA, BMI1/2, F16C, LZCNT and MOVBE (x86-64-v3): Haswell and later,
    /// Zen 1 to Zen 3.
    case avx2
    /// Any x86-64 (SSE2).
    case baseline
    /// arm64 (Apple Silicon, Graviton): NEON is part of every arm64 CPU.
    case neon

    /// The sets compiled into this binary, best first.
    public static var compiled: [KernelISA] { table.map(\.isa) }

    /// The compiled sets this CPU can run, best first (the first is the default).
    public static var supported: [KernelISA] { supportedTable.map(\.isa) }

    /// The set in use.
    public static var active: KernelISA { supportedTable[selection.load(ordering: .relaxed)].isa }

    /// Uses `isa` for every later kernel call (for tests and for measuring one path on a machine
    /// that has several). Returns false, changing nothing, if it is not in `supported`.
    @discardableResult
    public static func select(_ isa: KernelISA) -> Bool {
        guard let index = supportedTable.firstIndex(where: { $0.isa == isa }) else { return false }
        selection.store(index, ordering: .relaxed)
        return true
    }

    /// The kernels of the active set.
    static var kernels: any KernelSet.Type { supportedTable[selection.load(ordering: .relaxed)].kernels }

    /// Index of the active set in `supportedTable`.
    private static let selection = Atomic<Int>(0)

    private static let supportedTable = table.filter(\.isa.isSupportedByCPU)

    private static let table: [(isa: KernelISA, kernels: any KernelSet.Type)] = {
        var table: [(isa: KernelISA, kernels: any KernelSet.Type)] = []
        #if canImport(PimsimKernelsAVX512)
        table.append((.avx512, PimsimKernelsAVX512.ISAKernels.self))
        #endif
        #if canImport(PimsimKernelsAVX2)
        table.append((.avx2, PimsimKernelsAVX2.ISAKernels.self))
        #endif
        let portable = PimsimKernelsPortable.ISAKernels.self
        table.append((KernelISA(rawValue: portable.instructionSet)!, portable))
        return table
    }()

    /// CPU features each x86-64 set needs, by their Linux /proc/cpuinfo names ("pni" is SSE3): everything the
    /// compiler may use for that module (`-march=x86-64-v3`, `-march=x86-64-v4` plus
    /// `-mavx512vpopcntdq`, see Package.swift).
    static let requiredFeatures: [KernelISA: Set<String>] = {
        let v3: Set<String> = ["pni", "ssse3", "sse4_1", "sse4_2", "popcnt", "cx16", "lahf_lm", "avx", "avx2", "fma", "bmi1", "bmi2",
                               "f16c", "abm", "movbe"]
        return [.avx2: v3, .avx512: v3.union(["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512_vpopcntdq"])]
    }()

    var isSupportedByCPU: Bool {
        switch self {
        case .baseline:
            #if arch(x86_64)
            return true
            #else
            return false
            #endif
        case .neon:
            #if arch(arm64)
            return true
            #else
            return false
            #endif
        case .avx2, .avx512:
            return Self.requiredFeatures[self]!.isSubset(of: Self.cpuFeatures)
        }
    }

    /// The CPU's features by their Linux names (empty where unknown: then only the baseline set
    /// runs). Linux lists only features the kernel has enabled (e.g. AVX-512 register state).
    static let cpuFeatures: Set<String> = {
        #if os(Linux) && arch(x86_64)
        // The first processor's "flags" line; reading stops there.
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let text = line.map({ String(cString: $0) }) {
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: \.isWhitespace).map(String.init))
        }
        return []
        #elseif os(macOS) && arch(x86_64)
        // sysctl's feature strings, translated to the Linux names used above.
        func words(_ name: String) -> [String] {
            var size = 0
            guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return [] }
            var bytes = [CChar](repeating: 0, count: size)
            guard sysctlbyname(name, &bytes, &size, nil, 0) == 0 else { return [] }
            return String(cString: bytes).split(separator: " ").map { $0.lowercased() }
        }
        let names = ["sse3": "pni", "ssse3": "ssse3", "sse4.1": "sse4_1", "sse4.2": "sse4_2", "popcnt": "popcnt", "cx16": "cx16",
                     "lahf": "lahf_lm", "avx1.0": "avx", "avx2": "avx2", "fma": "fma", "bmi1": "bmi1", "bmi2": "bmi2", "f16c": "f16c",
                     "lzcnt": "abm", "movbe": "movbe", "avx512f": "avx512f", "avx512bw": "avx512bw", "avx512cd": "avx512cd",
                     "avx512dq": "avx512dq", "avx512vl": "avx512vl", "avx512vpopcntdq": "avx512_vpopcntdq"]
        let all = ["machdep.cpu.features", "machdep.cpu.leaf7_features", "machdep.cpu.extfeatures"].flatMap(words)
        return Set(all.compactMap { names[$0] })
        #else
        return []
        #endif
    }()
}
