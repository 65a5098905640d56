/// The register-tiled inner kernel of `FloatGEMM`: one 8 x 48 tile of C accumulated from panels,
/// C[r][j] (+)= sum over p < kc of a[p * 8 + r] * b[p * ldb + j].
/// The 24 accumulators are SIMD16<Float> locals (8 rows x 3 vectors of 16 columns) updated with
/// `addingProduct` (one broadcast + fused multiply-add each), so with a host target that has
/// AVX-512 the whole tile stays in the 32 vector registers.
enum FloatMicroKernel {
    /// Rows of C per tile (rows of a packed A panel).
    static let rows = 8
    /// Columns of C per tile (columns of a packed B panel): three SIMD16<Float> vectors.
    static let columns = 48

    /// acc + a * b: one fused multiply-add per lane on host-tuned builds; a separate multiply and
    /// add on portable ones, where the baseline x86-64 target has no FMA and `addingProduct` became
    /// a libm `fmaf` call per lane (0.5 GFLOP/s; docs/performance.md).
    @inline(__always)
    static func multiplyAdd(_ acc: SIMD16<Float>, _ a: Float, _ b: SIMD16<Float>) -> SIMD16<Float> {
        #if PIMSIM_HOST_TUNED
        return acc.addingProduct(a, b)
        #else
        return acc + b * a
        #endif
    }

    /// `a`: packed A panel, kc x 8 (row index fastest). `b`: B panel, kc rows of 48 floats, `ldb`
    /// floats apart (48 when packed, n when read in place from a row-major B).
    /// `c`: the tile's top-left element, rows `ldc` floats apart; read first when `load`.
    @inline(__always)
    static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                     load: Bool) {
        let row0 = UnsafeMutableRawPointer(c + 0 &* ldc)
        let row1 = UnsafeMutableRawPointer(c + 1 &* ldc)
        let row2 = UnsafeMutableRawPointer(c + 2 &* ldc)
        let row3 = UnsafeMutableRawPointer(c + 3 &* ldc)
        let row4 = UnsafeMutableRawPointer(c + 4 &* ldc)
        let row5 = UnsafeMutableRawPointer(c + 5 &* ldc)
        let row6 = UnsafeMutableRawPointer(c + 6 &* ldc)
        let row7 = UnsafeMutableRawPointer(c + 7 &* ldc)
        var c00 = load ? row0.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c01 = load ? row0.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c02 = load ? row0.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c10 = load ? row1.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c11 = load ? row1.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c12 = load ? row1.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c20 = load ? row2.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c21 = load ? row2.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c22 = load ? row2.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c30 = load ? row3.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c31 = load ? row3.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c32 = load ? row3.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c40 = load ? row4.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c41 = load ? row4.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c42 = load ? row4.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c50 = load ? row5.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c51 = load ? row5.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c52 = load ? row5.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c60 = load ? row6.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c61 = load ? row6.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c62 = load ? row6.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c70 = load ? row7.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c71 = load ? row7.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : SIMD16<Float>()
        var c72 = load ? row7.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) : SIMD16<Float>()
        var ap = a
        var bp = UnsafeRawPointer(b)
        let bStep = ldb &* 4
        for _ in 0..<kc {
            let b0 = bp.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
            let b1 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let b2 = bp.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
            let a0 = ap[0]
            c00 = multiplyAdd(c00, a0, b0)
            c01 = multiplyAdd(c01, a0, b1)
            c02 = multiplyAdd(c02, a0, b2)
            let a1 = ap[1]
            c10 = multiplyAdd(c10, a1, b0)
            c11 = multiplyAdd(c11, a1, b1)
            c12 = multiplyAdd(c12, a1, b2)
            let a2 = ap[2]
            c20 = multiplyAdd(c20, a2, b0)
            c21 = multiplyAdd(c21, a2, b1)
            c22 = multiplyAdd(c22, a2, b2)
            let a3 = ap[3]
            c30 = multiplyAdd(c30, a3, b0)
            c31 = multiplyAdd(c31, a3, b1)
            c32 = multiplyAdd(c32, a3, b2)
            let a4 = ap[4]
            c40 = multiplyAdd(c40, a4, b0)
            c41 = multiplyAdd(c41, a4, b1)
            c42 = multiplyAdd(c42, a4, b2)
            let a5 = ap[5]
            c50 = multiplyAdd(c50, a5, b0)
            c51 = multiplyAdd(c51, a5, b1)
            c52 = multiplyAdd(c52, a5, b2)
            let a6 = ap[6]
            c60 = multiplyAdd(c60, a6, b0)
            c61 = multiplyAdd(c61, a6, b1)
            c62 = multiplyAdd(c62, a6, b2)
            let a7 = ap[7]
            c70 = multiplyAdd(c70, a7, b0)
            c71 = multiplyAdd(c71, a7, b1)
            c72 = multiplyAdd(c72, a7, b2)
            ap += 8
            bp += bStep
        }
        row0.storeBytes(of: c00, toByteOffset: 0, as: SIMD16<Float>.self)
        row0.storeBytes(of: c01, toByteOffset: 64, as: SIMD16<Float>.self)
        row0.storeBytes(of: c02, toByteOffset: 128, as: SIMD16<Float>.self)
        row1.storeBytes(of: c10, toByteOffset: 0, as: SIMD16<Float>.self)
        row1.storeBytes(of: c11, toByteOffset: 64, as: SIMD16<Float>.self)
        row1.storeBytes(of: c12, toByteOffset: 128, as: SIMD16<Float>.self)
        row2.storeBytes(of: c20, toByteOffset: 0, as: SIMD16<Float>.self)
        row2.storeBytes(of: c21, toByteOffset: 64, as: SIMD16<Float>.self)
        row2.storeBytes(of: c22, toByteOffset: 128, as: SIMD16<Float>.self)
        row3.storeBytes(of: c30, toByteOffset: 0, as: SIMD16<Float>.self)
        row3.storeBytes(of: c31, toByteOffset: 64, as: SIMD16<Float>.self)
        row3.storeBytes(of: c32, toByteOffset: 128, as: SIMD16<Float>.self)
        row4.storeBytes(of: c40, toByteOffset: 0, as: SIMD16<Float>.self)
        row4.storeBytes(of: c41, toByteOffset: 64, as: SIMD16<Float>.self)
        row4.storeBytes(of: c42, toByteOffset: 128, as: SIMD16<Float>.self)
        row5.storeBytes(of: c50, toByteOffset: 0, as: SIMD16<Float>.self)
        row5.storeBytes(of: c51, toByteOffset: 64, as: SIMD16<Float>.self)
        row5.storeBytes(of: c52, toByteOffset: 128, as: SIMD16<Float>.self)
        row6.storeBytes(of: c60, toByteOffset: 0, as: SIMD16<Float>.self)
        row6.storeBytes(of: c61, toByteOffset: 64, as: SIMD16<Float>.self)
        row6.storeBytes(of: c62, toByteOffset: 128, as: SIMD16<Float>.self)
        row7.storeBytes(of: c70, toByteOffset: 0, as: SIMD16<Float>.self)
        row7.storeBytes(of: c71, toByteOffset: 64, as: SIMD16<Float>.self)
        row7.storeBytes(of: c72, toByteOffset: 128, as: SIMD16<Float>.self)
    }
}
