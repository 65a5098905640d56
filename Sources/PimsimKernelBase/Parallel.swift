import Dispatch
import Foundation

/// Runs `body(worker)` for workers 0..<count, on parallel threads when count > 1: on the spinning
/// `WorkerPool`, or on Dispatch when the pool is busy.
/// Dispatch needs a `@Sendable` closure; callers pass pointers through `SendablePointer` and each
/// worker must write only its own disjoint part of the output.
package enum Parallel {
    /// Worker threads worth using: the machine's active processors, read once per process
    /// (`activeProcessorCount` reads cgroup files on Linux: 16 µs per call, measured; per kernel
    /// call that was 5-10 % of a two-core ternary product).
    package static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    package static func run(workers count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            body(0)
        } else if !WorkerPool.shared.run(count: count, body) {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// Splits `units` work units into `parts` contiguous ranges whose sizes differ by at most one.
    package static func range(part: Int, of parts: Int, units: Int) -> Range<Int> {
        let base = units / parts, extra = units % parts
        let start = part * base + min(part, extra)
        return start..<(start + base + (part < extra ? 1 : 0))
    }
}

/// A pointer that may cross into Dispatch workers; the caller guarantees disjoint writes.
package struct SendablePointer<Pointee>: @unchecked Sendable {
    package let pointer: UnsafeMutablePointer<Pointee>
    package init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
    package init(_ pointer: UnsafePointer<Pointee>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
