/// Convolution patch extraction (im2col) shared by training and integer evaluation.
///
/// `columns` writes a (K x P) matrix: K = channels * kernel * kernel rows in (channel, ky, kx)
/// order, i.e. the OIHW weight order of one group, and P = batch * outH * outW columns in
/// (image, y, x) order, so that out (Cout_g x P) = W_g (Cout_g x K) * columns. Positions outside
/// the image are zero.
///
/// With stride 1 and "same" padding (outW = W, outH = H: every 3x3 convolution of ResNet-20 and
/// VGG) row (c, ky, kx) of one image is the input plane shifted by dy * W + dx (dy = ky - padding,
/// dx = kx - padding): one contiguous copy of the valid output rows, then the column that wrapped
/// around the row ends is set to zero. With stride 1 and no padding every output row is one
/// input row segment. Other geometries copy row segments with their padding.
package enum Im2col {
    package struct Geometry {
        package var batch: Int, channels: Int, height: Int, width: Int
        package var kernel: Int, stride: Int, padding: Int

        package init(batch: Int, channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
            self.batch = batch; self.channels = channels; self.height = height; self.width = width
            self.kernel = kernel; self.stride = stride; self.padding = padding
        }

        package var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        package var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
        /// P: one column per output position of every image.
        package var positions: Int { batch * outHeight * outWidth }
        /// Output planes equal input planes and a shift is one contiguous copy (see `Im2col`).
        var isSameShift: Bool { stride == 1 && outHeight == height && outWidth == width }
    }

    /// Columns of channels `firstChannel ..< firstChannel + groupChannels` of `x` (NCHW with
    /// `g.channels` channels) into `out` (groupChannels*k*k x positions).
    package static func columns(_ x: UnsafePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int, into out: UnsafeMutablePointer<Float>) {
        if g.isSameShift {
            visitShifts(g, firstChannel: firstChannel, groupChannels: groupChannels) { plane, column, shift in
                let target = out + column
                target.update(repeating: 0, count: shift.copy.lowerBound)
                (target + shift.copy.lowerBound).update(from: x + (plane &+ shift.copy.lowerBound &+ shift.offset), count: shift.copy.count)
                (target + shift.copy.upperBound).update(repeating: 0, count: g.height &* g.width &- shift.copy.upperBound)
                shift.zeroWrapped(target)
            }
            return
        }
        if g.stride == 1 && g.padding == 0 {
            visitValid(g, firstChannel: firstChannel, groupChannels: groupChannels) { source, target, count in
                for i in 0..<count { out[target &+ i] = x[source &+ i] }
            }
            return
        }
        let s = g.stride
        visit(g, firstChannel: firstChannel, groupChannels: groupChannels) { inputRow, shift, column, lower, upper in
            let dst = out + column
            guard let inputRow else { dst.update(repeating: 0, count: g.outWidth); return }
            let src = x + (inputRow &+ shift)
            for ox in 0..<lower { dst[ox] = 0 }
            if s == 1 {
                for ox in lower..<upper { dst[ox] = src[ox] }
            } else {
                for ox in lower..<upper { dst[ox] = src[ox &* s] }
            }
            for ox in upper..<g.outWidth { dst[ox] = 0 }
        }
    }

    /// Adds column gradients `grad` (groupChannels*k*k x positions) back into `dx` (NCHW). Sets
    /// the entries of `grad` at padding positions to zero on the way (they are not read again).
    static func accumulate(_ grad: UnsafeMutablePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int,
                           into dx: UnsafeMutablePointer<Float>) {
        if g.isSameShift {
            visitShifts(g, firstChannel: firstChannel, groupChannels: groupChannels) { plane, column, shift in
                let source = grad + column
                shift.zeroWrapped(source)
                let target = dx + (plane &+ shift.offset)
                for i in shift.copy { target[i] += source[i] }
            }
            return
        }
        if g.stride == 1 && g.padding == 0 {
            visitValid(g, firstChannel: firstChannel, groupChannels: groupChannels) { source, target, count in
                for i in 0..<count { dx[source &+ i] += grad[target &+ i] }
            }
            return
        }
        let s = g.stride
        visit(g, firstChannel: firstChannel, groupChannels: groupChannels) { inputRow, shift, column, lower, upper in
            guard let inputRow else { return }
            let dst = dx + (inputRow &+ shift), src = grad + column
            for ox in lower..<upper { dst[ox &* s] += src[ox] }
        }
    }

    /// One row (c, ky, kx) of one image for a same-shift geometry: output position i reads input
    /// position i + offset of the same plane (offset = dy * W + dx) for i in `copy`, except the
    /// `wrapped` columns of each row of `rows` (ox + dx outside the row); everything else is zero.
    struct Shift {
        var offset: Int
        /// Output positions whose source lies inside the plane.
        var copy: Range<Int>
        /// Output rows inside the image and the columns in them that wrapped around a row end.
        var rows: Range<Int>, wrapped: Range<Int>, width: Int

        @inline(__always)
        func zeroWrapped(_ row: UnsafeMutablePointer<Float>) {
            guard !wrapped.isEmpty else { return }
            for y in rows { for ox in wrapped { row[y &* width &+ ox] = 0 } }
        }
    }

    /// Calls `body(input start, output start, count)` for every output row of a stride-1
    /// unpadded geometry (every tap inside the image): output row (c, ky, kx, image, oy) is the
    /// input row segment (image, c, oy + ky, kx ..< kx + outW).
    @inline(__always)
    private static func visitValid(_ g: Geometry, firstChannel: Int, groupChannels: Int, _ body: (Int, Int, Int) -> Void) {
        let k = g.kernel, oh = g.outHeight, ow = g.outWidth, w = g.width, plane = g.height &* w, positions = g.positions
        for ci in 0..<groupChannels {
            for ky in 0..<k {
                for kx in 0..<k {
                    var target = ((ci &* k &+ ky) &* k &+ kx) &* positions
                    for b in 0..<g.batch {
                        var source = (b &* g.channels &+ firstChannel &+ ci) &* plane &+ ky &* w &+ kx
                        for _ in 0..<oh {
                            body(source, target, ow)
                            source &+= w
                            target &+= ow
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(input plane start, output column start, shift)` for every (channel, ky, kx,
    /// image) of a same-shift geometry.
    @inline(__always)
    private static func visitShifts(_ g: Geometry, firstChannel: Int, groupChannels: Int, _ body: (Int, Int, Shift) -> Void) {
        let k = g.kernel, w = g.width, h = g.height, plane = w &* h, positions = g.positions
        for ci in 0..<groupChannels {
            for ky in 0..<k {
                let dy = ky &- g.padding
                let rows = max(0, -dy)..<min(h, h &- dy)
                for kx in 0..<k {
                    let dx = kx &- g.padding, offset = dy &* w &+ dx
                    let lower = max(rows.lowerBound &* w, -offset), upper = min(rows.upperBound &* w, plane &- offset)
                    let shift = Shift(offset: offset, copy: lower..<max(lower, upper), rows: rows,
                                      wrapped: dx < 0 ? 0..<min(w, -dx) : max(0, w &- dx)..<w, width: w)
                    let row = (ci &* k &+ ky) &* k &+ kx
                    for b in 0..<g.batch {
                        body((b &* g.channels &+ firstChannel &+ ci) &* plane, row &* positions &+ b &* plane, shift)
                    }
                }
            }
        }
    }

    /// Calls `body(input row start or nil when the row is outside the image, shift, column
    /// start, first valid ox, end of valid ox)` for every (channel, ky, kx, image, oy): output ox
    /// of that row reads input index rowStart + ox*stride + shift (shift = kx - padding), valid
    /// for lower <= ox < upper.
    @inline(__always)
    private static func visit(_ g: Geometry, firstChannel: Int, groupChannels: Int, _ body: (Int?, Int, Int, Int, Int) -> Void) {
        let k = g.kernel, oh = g.outHeight, ow = g.outWidth, s = g.stride, p = g.padding
        let positions = g.positions, planeSize = g.height &* g.width
        for ci in 0..<groupChannels {
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = (ci &* k &+ ky) &* k &+ kx
                    let shift = kx &- p
                    // ox*s + shift in [0, width)
                    let lower = min(ow, max(0, (-shift + s - 1) / s))
                    let upper = g.width - 1 - shift < 0 ? lower : max(lower, min(ow, (g.width - 1 - shift) / s + 1))
                    for b in 0..<g.batch {
                        let channelStart = (b &* g.channels &+ firstChannel &+ ci) &* planeSize
                        for oy in 0..<oh {
                            let y = oy &* s &- p &+ ky
                            let column = row &* positions &+ (b &* oh &+ oy) &* ow
                            body(y >= 0 && y < g.height ? channelStart &+ y &* g.width : nil, shift, column, lower, upper)
                        }
                    }
                }
            }
        }
    }
}
