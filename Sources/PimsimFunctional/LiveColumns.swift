/// The columns of a layer's input matrix that drive at least one row (docs/functional-sim.md,
/// §5). A column whose inputs are all 0 reads 0 on every array, ideal or not, with no read noise
/// (its variance is 0, so it draws no sample) and an ADC code of 0: the products and read-outs
/// skip it and leave its sums at 0, which changes no result. The bit-serial first layer of an
/// MNIST network has about half its columns so (background patches at bits 0-6).
///
/// Columns come in `segments` of `segmentLength` (one input cycle of one image: its output
/// positions), in order; the live columns keep that order.
struct LiveColumns {
    /// Live columns in all.
    let count: Int
    /// Live columns of segment s: `starts[s] ..< starts[s + 1]` (indices into the compacted matrix).
    let starts: [Int]
    /// The position within its segment of each live column.
    let positions: [Int32]
    let segments: Int, segmentLength: Int
    /// Every column is live (then the matrix needs no compaction).
    var isDense: Bool { count == segments * segmentLength }

    /// The live columns of `u` (rows x columns, row-major, columns = segments x segmentLength).
    init(_ u: [Float], rows: Int, segments: Int, segmentLength: Int) {
        let columns = segments * segmentLength
        self.segments = segments
        self.segmentLength = segmentLength
        // 1 where some row is non-zero (the sign bit masked, so -0 counts as 0).
        var driven = [UInt32](repeating: 0, count: columns)
        u.withUnsafeBufferPointer { U in
            driven.withUnsafeMutableBufferPointer { D in
                for r in 0..<rows {
                    let row = UnsafeRawPointer(U.baseAddress! + r * columns).assumingMemoryBound(to: UInt32.self)
                    for c in 0..<columns { D[c] |= row[c] & 0x7FFF_FFFF }
                }
            }
        }
        var starts = [Int](repeating: 0, count: segments + 1), positions: [Int32] = []
        positions.reserveCapacity(columns)
        for s in 0..<segments {
            starts[s] = positions.count
            for p in 0..<segmentLength where driven[s * segmentLength + p] != 0 { positions.append(Int32(p)) }
        }
        starts[segments] = positions.count
        self.starts = starts
        self.positions = positions
        count = positions.count
    }

    /// The live columns of `u` (rows x all columns), in order: rows x `count`.
    func compact(_ u: [Float], rows: Int) -> [Float] {
        if isDense { return u }
        let columns = segments * segmentLength
        var out = HardwareForward.uninitialised(rows * count)
        u.withUnsafeBufferPointer { U in
            out.withUnsafeMutableBufferPointer { O in
                positions.withUnsafeBufferPointer { P in
                    for r in 0..<rows {
                        let row = U.baseAddress! + r * columns, to = O.baseAddress! + r * count
                        for s in 0..<segments {
                            let from = row + s * segmentLength
                            for k in starts[s]..<starts[s + 1] { to[k] = from[Int(P[k])] }
                        }
                    }
                }
            }
        }
        return out
    }
}
