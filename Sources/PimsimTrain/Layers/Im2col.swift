/// Convolution patch extraction (im2col) shared by training and integer evaluation.
///
/// `columns` writes a (K x P) matrix: K = channels * kernel * kernel rows in (channel, ky, kx)
/// order, i.e. the OIHW weight order of one group, and P = batch * outH * outW columns in
/// (image, y, x) order, so that out (Cout_g x P) = W_g (Cout_g x K) * columns. Positions outside
/// the image are zero. With stride 1 each row segment is a contiguous copy of an input row.
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
    }

    /// Columns of channels `firstChannel ..< firstChannel + groupChannels` of `x` (NCHW with
    /// `g.channels` channels) into `out` (groupChannels*k*k x positions).
    package static func columns(_ x: UnsafePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int, into out: UnsafeMutablePointer<Float>) {
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

    /// Adds column gradients `grad` (groupChannels*k*k x positions) back into `dx` (NCHW).
    static func accumulate(_ grad: UnsafePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int, into dx: UnsafeMutablePointer<Float>) {
        let s = g.stride
        visit(g, firstChannel: firstChannel, groupChannels: groupChannels) { inputRow, shift, column, lower, upper in
            guard let inputRow else { return }
            let dst = dx + (inputRow &+ shift), src = grad + column
            for ox in lower..<upper { dst[ox &* s] += src[ox] }
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
