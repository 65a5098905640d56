import PimsimTrain

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
    /// Live columns of segment s: `starts[s] ..< starts[s + 1]` (indices into the live columns).
    let starts: [Int]
    /// The position within its segment of each live column.
    let positions: [Int32]

    /// The columns whose `driven` entry (segments x segmentLength) is not 0.
    init(driven: [UInt8], segments: Int, segmentLength: Int) {
        var starts = [Int](repeating: 0, count: segments + 1), positions: [Int32] = []
        positions.reserveCapacity(driven.count)
        for s in 0..<segments {
            starts[s] = positions.count
            for p in 0..<segmentLength where driven[s * segmentLength + p] != 0 { positions.append(Int32(p)) }
        }
        starts[segments] = positions.count
        self.starts = starts
        self.positions = positions
        count = positions.count
    }
}

/// A weighted layer's input matrix for a block of images (docs/functional-sim.md, "Physical
/// rows"): one row per physical row of every group, one column per live output position and
/// input cycle (cycle-major, then image, then position), values the row's input: x (one row per
/// input), x⁺ and x⁻ (paired rows), or the input's cycle-j slice (integer inputs: bits
/// j·v ..< (j+1)·v unsigned, the top slice signed, so x = Σ_j 2^(j·v) slice_j).
enum InputMatrix {
    /// The matrix over the live columns, with its entries squared when `squares` (the inputs of
    /// the read-noise variances; the matrix itself on paired rows, whose inputs are 0 or 1).
    static func build(_ L: LayerLayout, _ x: Tensor, images: Range<Int>, geometry g: Im2col.Geometry,
                      squares: Bool) -> (u: [Float], squares: [Float], live: LiveColumns) {
        let patchRows = x.c * g.kernel * g.kernel, P = g.positions, plane = P / images.count, cycles = L.cycles
        var patches = HardwareForward.uninitialised(patchRows * P)  // im2col writes every entry
        x.data.withUnsafeBufferPointer { xp in
            patches.withUnsafeMutableBufferPointer { pp in
                Im2col.columns(xp.baseAddress! + images.lowerBound * x.imageSize, g, firstChannel: 0, groupChannels: x.c, into: pp.baseAddress!)
            }
        }
        // A column is live when some row's input in its cycle is not 0: for integer inputs, when
        // the bits of the cycle's slice are not all 0 in every row (the top slice: any bit from
        // it up, the sign included), else when some x is not 0 (either sign of zero).
        let integer = L.inputBits != nil
        // Integer inputs as integers (checked to be integers of the layer's input width).
        let integers = integer ? patches.map { Int32($0) } : []
        var any = [UInt32](repeating: 0, count: P)
        for r in 0..<patchRows {
            if integer {
                for p in 0..<P { any[p] |= UInt32(bitPattern: integers[r * P + p]) }
            } else {
                for p in 0..<P { any[p] |= patches[r * P + p].bitPattern & 0x7FFF_FFFF }
            }
        }
        let v = UInt32(L.bitsPerCycle), mask = UInt32((1 << L.bitsPerCycle) - 1), last = cycles - 1
        var driven = [UInt8](repeating: 0, count: cycles * P)
        for j in 0..<cycles {
            let slice = j == last ? ~UInt32(0) : mask, shift = integer ? v * UInt32(j) : 0
            for p in 0..<P { driven[j * P + p] = (any[p] >> shift) & slice != 0 ? 1 : 0 }
        }
        let live = LiveColumns(driven: driven, segments: cycles * images.count, segmentLength: plane)
        let rows = patchRows * L.rowsPerInput, n = live.count
        var u = HardwareForward.uninitialised(rows * n)
        let paired = L.rowsPerInput == 2, squared = squares && !paired
        var u2 = squared ? HardwareForward.uninitialised(rows * n) : []
        patches.withUnsafeBufferPointer { X in
        integers.withUnsafeBufferPointer { XI in
        live.positions.withUnsafeBufferPointer { Q in
        u.withUnsafeMutableBufferPointer { U in
        u2.withUnsafeMutableBufferPointer { U2 in
            for r in 0..<patchRows {
                for j in 0..<cycles {
                    let shift = Int32(v) * Int32(j), sliceMask = j == last ? ~Int32(0) : Int32(mask)
                    for b in 0..<images.count {
                        let segment = j * images.count + b, k0 = live.starts[segment], k1 = live.starts[segment + 1]
                        let from = X.baseAddress! + r * P + b * plane
                        if paired {
                            let plus = U.baseAddress! + 2 * r * n, minus = plus + n
                            for k in k0..<k1 {
                                let value = from[Int(Q[k])]
                                plus[k] = max(value, 0)
                                minus[k] = max(-value, 0)
                            }
                        } else {
                            let to = U.baseAddress! + r * n
                            if integer {
                                let slices = XI.baseAddress! + r * P + b * plane
                                for k in k0..<k1 { to[k] = Float((slices[Int(Q[k])] >> shift) & sliceMask) }
                            } else if k1 - k0 == plane {
                                (to + k0).update(from: from, count: plane)  // every position live
                            } else {
                                for k in k0..<k1 { to[k] = from[Int(Q[k])] }
                            }
                            if squared {
                                let to2 = U2.baseAddress! + r * n
                                for k in k0..<k1 { to2[k] = to[k] * to[k] }
                            }
                        }
                    }
                }
            }
        }}}}}
        return (u, squares && paired ? u : u2, live)
    }
}

