#if canImport(Glibc)
import Glibc
#endif

/// The process's heap policy for large, short-lived arrays (docs/performance.md, "Memory").
///
/// glibc serves allocations above a dynamic threshold (128 KiB at start) with fresh `mmap`s and
/// returns freed memory at the top of a heap to the kernel, so arrays of a few MiB allocated and
/// freed per chunk of work (the functional simulation's input matrices and array sums) are
/// faulted in page by page every time: for LeNet-5 with every non-ideality 600,000 minor page
/// faults and 1.3-1.7 s of system time per 4 passes over 1,000 images, against 6-7 s of user
/// time; training's per-layer activations were faulted in again on every batch (half the run time
/// in the kernel, measured). `retainFreedMemory` raises the mmap threshold to glibc's largest
/// (32 MiB), the trim threshold to 1 GiB and pads each heap extension by 64 MiB, so freed memory
/// is reused without faults (45,000 faults, 0.1 s). Elsewhere (other C libraries) it does nothing.
public enum ProcessMemory {
    /// glibc's `mallopt` parameters (malloc.h: M_TRIM_THRESHOLD -1, M_TOP_PAD -2,
    /// M_MMAP_THRESHOLD -3), not imported into Swift's Glibc module, hence looked up at run time.
    private static let trimThreshold: Int32 = -1, topPad: Int32 = -2, mmapThreshold: Int32 = -3
    /// Free memory at the top of the heap kept rather than returned to the kernel.
    private static let keptOnTop: Int32 = 1 << 30
    /// The largest mmap threshold glibc accepts on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX).
    private static let largestThreshold: Int32 = 32 << 20
    /// Extra memory requested with each heap extension (assumption: covers a chunk's arrays).
    private static let pad: Int32 = 64 << 20

    private static let applied: Bool = {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(mmapThreshold, largestThreshold) == 1 && mallopt(topPad, pad) == 1 && mallopt(trimThreshold, keptOnTop) == 1
        #else
        return false
        #endif
    }()

    /// Applies the policy (once per process; later calls do nothing). Returns whether it applies.
    @discardableResult
    public static func retainFreedMemory() -> Bool { applied }
}
