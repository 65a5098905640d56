/// A reusable, growable float buffer (contents undefined between uses), so that large im2col
/// matrices are not reallocated, and page-faulted in again, on every call.
final class ScratchBuffer {
    private var storage: UnsafeMutablePointer<Float>
    private var capacity = 0

    init() { storage = UnsafeMutablePointer<Float>.allocate(capacity: 1) }
    deinit { storage.deallocate() }

    /// A buffer of at least `count` floats.
    func pointer(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            storage.deallocate()
            storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return storage
    }
}
