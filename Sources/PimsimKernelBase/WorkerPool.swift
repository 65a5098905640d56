import Foundation
import Synchronization

/// Persistent worker threads that stay awake (polling, yielding the CPU between polls) for
/// `spinNanoseconds` after a job, so that back-to-back kernel calls (layer after layer, benchmark
/// repetitions) find them running. With
/// `DispatchQueue.concurrentPerform` the second vCPU of this (KVM) machine joined a 325 µs ternary
/// product 7-15 µs late at best and in many calls not before the calling thread had done all the
/// work; the caller was also woken 30-40 µs after the last chunk (docs/performance.md).
///
/// One job at a time: a call made while a job runs (nested, or from another thread) falls back to
/// Dispatch. Work units are claimed one at a time from a single atomic word that also holds the
/// job's generation and unit count, so a late worker can never claim a unit of another job.
final class WorkerPool: @unchecked Sendable {
    /// One pool thread per processor besides the caller's.
    static let shared = WorkerPool(threads: Parallel.processorCount - 1)
    /// How long an idle worker polls for the next job before sleeping: longer than one layer's
    /// gap in an inference or training loop, short enough not to hold a core that others need.
    static let spinNanoseconds: UInt64 = 1_000_000

    let threads: Int
    /// generation (bits 40...63) | unit count (bits 20...39) | next unit (bits 0...19).
    private let state = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let busy = Mutex<Bool>(false)
    private let wake = NSCondition()
    /// Written by the caller before a job is published, read by a worker only after it has
    /// claimed a unit of that job (so never while being rewritten).
    private var body: (@Sendable (Int) -> Void)?

    private static let unitBits = 20, unitMask = (1 << 20) - 1

    private init(threads: Int) {
        self.threads = max(0, threads)
        for _ in 0..<self.threads {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.start()
        }
    }

    /// Runs body(0..<count) on the pool threads and the calling thread; false (nothing run) when
    /// the pool is busy, has no threads or count does not fit the state word.
    func run(count: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        guard threads > 0, count <= Self.unitMask else { return false }
        guard busy.withLock({ wasBusy in
            if wasBusy { return false }
            wasBusy = true
            return true
        }) else { return false }
        defer { busy.withLock { $0 = false } }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            finished.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> (2 * Self.unitBits)) &+ 1
            state.store((generation << (2 * Self.unitBits)) | (count << Self.unitBits), ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            work(generation: generation & ((1 << 24) - 1))
            // A worker still running a unit may share this core with another process: yield.
            while finished.load(ordering: .acquiring) < count { sched_yield() }
            self.body = nil
        }
        return true
    }

    /// Claims and runs units of job `generation` until none is left.
    private func work(generation: Int) {
        while true {
            let current = state.load(ordering: .acquiring)
            let next = current & Self.unitMask, count = (current >> Self.unitBits) & Self.unitMask
            guard (current >> (2 * Self.unitBits)) & ((1 << 24) - 1) == generation, next < count else { return }
            guard state.compareExchange(expected: current, desired: current &+ 1, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            body!(next)
            finished.add(1, ordering: .releasing)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var start = DispatchTime.now().uptimeNanoseconds, polls = 0
            var generation = (state.load(ordering: .acquiring) >> (2 * Self.unitBits)) & ((1 << 24) - 1)
            while generation == seen {
                // Yielding keeps this vCPU awake but lets other runnable threads have it.
                sched_yield()
                polls &+= 1
                if polls & 15 == 0 && DispatchTime.now().uptimeNanoseconds &- start > Self.spinNanoseconds {
                    wake.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while (state.load(ordering: .sequentiallyConsistent) >> (2 * Self.unitBits)) & ((1 << 24) - 1) == seen {
                        wake.wait()
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    wake.unlock()
                    start = DispatchTime.now().uptimeNanoseconds
                }
                generation = (state.load(ordering: .acquiring) >> (2 * Self.unitBits)) & ((1 << 24) - 1)
            }
            seen = generation
            work(generation: generation)
        }
    }
}
