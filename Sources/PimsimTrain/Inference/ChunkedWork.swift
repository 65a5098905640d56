import Foundation

/// Work cut into chunks and run on a few threads, for the evaluators (integer and crossbar):
/// chunk k runs on worker k mod threads, results come back in chunk order, so they do not depend
/// on the number of threads.
package enum ChunkedWork {
    /// `body(k)` for k in 0..<count on up to `workers` threads; `done(k)` is called after chunk k
    /// finishes, one call at a time. The first error thrown stops every worker and is rethrown.
    package static func map<T>(count: Int, workers: Int, _ body: @Sendable (Int) throws -> T,
                               done: (@Sendable (Int) -> Void)? = nil) throws -> [T] {
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: max(count, 1))
        results.initialize(repeating: nil)
        defer { results.deinitialize().deallocate() }
        nonisolated(unsafe) let out = results
        nonisolated(unsafe) var failure: Error?
        let lock = NSLock()
        let threads = min(max(workers, 1), max(count, 1))
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            var k = w
            while k < count {
                do {
                    out[k] = try body(k)
                    lock.lock(); defer { lock.unlock() }
                    if failure != nil { return }
                    done?(k)
                } catch {
                    lock.lock(); if failure == nil { failure = error }; lock.unlock()
                    return
                }
                k += threads
            }
        }
        if let failure { throw failure }
        return (0..<count).map { out[$0]! }
    }
}
