import Foundation

/// One timed case: runs `body` `iterations` times after one warm-up run and reports the median
/// wall time from a monotonic clock. `work` (optional): operations per run and their unit, printed
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
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
