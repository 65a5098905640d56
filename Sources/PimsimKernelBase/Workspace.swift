import Foundation

/// Reusable 64-byte-aligned scratch memory for the kernels' packed panels. Allocating and freeing
/// a few hundred KiB per call (likely returned to the kernel by glibc and faulted in again each
/// time) made the two-core conv-shaped GEMM slower than one core (docs/performance.md). Buffers are kept for reuse: at most `keptBuffers`, each at most
/// `largestKeptBytes`.
package final class Workspace: @unchecked Sendable {
    package static let shared = Workspace()
    /// Enough for every worker of two nested kernel calls.
    static let keptBuffers = 8
    /// Larger buffers are freed after use rather than kept (bounds the memory held between calls).
    static let largestKeptBytes = 64 << 20

    private let lock = NSLock()
    private var idle: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    /// Runs `body` with at least `bytes` bytes of uninitialised memory, aligned to 64 bytes.
    package func withBuffer<Result>(bytes: Int, _ body: (UnsafeMutableRawPointer) -> Result) -> Result {
        let buffer = take(max(bytes, 64))
        defer { give(buffer) }
        return body(buffer.pointer)
    }

    private func take(_ bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        if let index = idle.indices.filter({ idle[$0].bytes >= bytes }).min(by: { idle[$0].bytes < idle[$1].bytes }) {
            return idle.remove(at: index)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }

    private func give(_ buffer: (pointer: UnsafeMutableRawPointer, bytes: Int)) {
        guard buffer.bytes <= Self.largestKeptBytes else {
            buffer.pointer.deallocate()
            return
        }
        lock.lock()
        defer { lock.unlock() }
        idle.append(buffer)
        if idle.count > Self.keptBuffers, let smallest = idle.indices.min(by: { idle[$0].bytes < idle[$1].bytes }) {
            idle.remove(at: smallest).pointer.deallocate()
        }
    }
}
