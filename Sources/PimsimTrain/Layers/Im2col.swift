/// Convolution patch extraction shared by training and integer evaluation.
///
/// `patches` writes a (P x K) matrix, P = batch * outH * outW rows (image, y, x), K = channels *
/// kernel * kernel columns in (channel, ky, kx) order, i.e. the OIHW weight order of one group,
/// so that out(Cout_g x P) = W_g(Cout_g x K) * patches^T. Positions outside the image are zero.
enum Im2col {
    struct Geometry {
        var batch: Int, channels: Int, height: Int, width: Int
        var kernel: Int, stride: Int, padding: Int
        var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
        var rows: Int { batch * outHeight * outWidth }
    }

    /// Patches of channels `firstChannel ..< firstChannel + groupChannels` of `x` (NCHW with
    /// `g.channels` channels) into `out` (rows x groupChannels*k*k).
    static func patches(_ x: UnsafePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int, into out: UnsafeMutablePointer<Float>) {
        let k = g.kernel, oh = g.outHeight, ow = g.outWidth, kk = k &* k
        let columns = groupChannels &* kk
        let planeSize = g.height &* g.width
        for b in 0..<g.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let row = out + ((b &* oh &+ oy) &* ow &+ ox) &* columns
                    let y0 = oy &* g.stride &- g.padding, x0 = ox &* g.stride &- g.padding
                    for ci in 0..<groupChannels {
                        let src = x + (b &* g.channels &+ firstChannel &+ ci) &* planeSize
                        let dst = row + ci &* kk
                        for ky in 0..<k {
                            let y = y0 &+ ky
                            if y < 0 || y >= g.height {
                                for kx in 0..<k { dst[ky &* k &+ kx] = 0 }
                                continue
                            }
                            for kx in 0..<k {
                                let xx = x0 &+ kx
                                dst[ky &* k &+ kx] = (xx < 0 || xx >= g.width) ? 0 : src[y &* g.width &+ xx]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds the patch gradients `grad` (rows x groupChannels*k*k) back into `dx` (NCHW).
    static func accumulate(_ grad: UnsafePointer<Float>, _ g: Geometry, firstChannel: Int, groupChannels: Int, into dx: UnsafeMutablePointer<Float>) {
        let k = g.kernel, oh = g.outHeight, ow = g.outWidth, kk = k &* k
        let columns = groupChannels &* kk
        let planeSize = g.height &* g.width
        for b in 0..<g.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let row = grad + ((b &* oh &+ oy) &* ow &+ ox) &* columns
                    let y0 = oy &* g.stride &- g.padding, x0 = ox &* g.stride &- g.padding
                    for ci in 0..<groupChannels {
                        let dst = dx + (b &* g.channels &+ firstChannel &+ ci) &* planeSize
                        let src = row + ci &* kk
                        for ky in 0..<k {
                            let y = y0 &+ ky
                            if y < 0 || y >= g.height { continue }
                            for kx in 0..<k {
                                let xx = x0 &+ kx
                                if xx >= 0 && xx < g.width { dst[y &* g.width &+ xx] += src[ky &* k &+ kx] }
                            }
                        }
                    }
                }
            }
        }
    }
}
