import Foundation

/// One timed case: runs `body` `iterations` times after one warm-up run and reports the median
/// wall time from a monotonic clock (with PIMSIM_BENCH_CLOCK=thread: the calling thread's CPU
/// time, which a loaded machine disturbs less; meaningful for one-thread cases only). `work` (optional): operations per run and their unit, printed
/// as a rate, e.g. (2*m*n*k, "GFLOP/s").
struct Benchmark {
    let name: String
    let iterations: Int
    var work: (operations: Double, unit: String)? = nil
    let body: () -> Void

    /// Says on stderr that suite `name` is skipped because its resources could not be loaded.
    static func skip(_ name: String, because error: Error) {
        FileHandle.standardError.write(Data("\(name): skipped: \(error)\n".utf8))
    }

    /// Median milliseconds.
    func run() -> Double {
        body()
        var samples: [Double] = []
        for _ in 0..<iterations {
            let start = Self.now()
            body()
            samples.append(Double(Self.now() - start) / 1e6)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static let threadClock = ProcessInfo.processInfo.environment["PIMSIM_BENCH_CLOCK"] == "thread"

    /// Nanoseconds of the chosen clock.
    static func now() -> UInt64 {
        guard threadClock else { return DispatchTime.now().uptimeNanoseconds }
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
