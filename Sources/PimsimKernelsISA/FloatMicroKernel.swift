/// The register-tiled inner kernel of the float GEMM, sized for this module's instruction set:
/// one `rows` x `columns` tile of C accumulated from packed panels,
/// C[r][j] (+)= sum over p < kc of a[p * rows + r] * b[p * ldb + j].
/// The accumulators are `rows * vectors` SIMD locals updated with one broadcast and one fused
/// multiply-add each; the tile is chosen so that accumulators, the B vectors of one step and the
/// broadcast fit the vector registers without spills (checked in the disassembly,
/// docs/performance.md):
///
/// | build | vector | tile | registers used |
/// |---|---|---|---|
/// | AVX-512 | SIMD16<Float> (zmm) | 8 x 48 | 24 + 3 + 1 of 32 |
/// | AVX2 + FMA | SIMD8<Float> (ymm) | 6 x 16 | 12 + 2 + 1 of 16 |
/// | arm64 (NEON) | SIMD4<Float> (q) | 8 x 12 | 24 + 3 + 1 of 32 |
/// | baseline x86-64 (SSE2) | SIMD4<Float> (xmm) | 4 x 8 | 8 + 2 + 1 + 1 product of 16 |
/// A register tile of the float GEMM: `rows` x `columns` of C, `vectors` SIMD vectors per row.
protocol MicroTile: Sendable {
    associatedtype Vector: PanelVector
    static var rows: Int { get }
    static var vectors: Int { get }
    /// C[r][j] (+)= sum over p < kc of A(r, p) * b[p * ldb + j], A(r, p) = a[r * aRow + p * aStep].
    static func tile(kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool)
}

extension MicroTile {
    /// Floats per vector.
    static var lanes: Int { Vector.scalarCount }
    /// Columns of C per tile (columns of a packed B panel).
    static var columns: Int { vectors &* lanes }
}

/// A float vector the packing routines can transpose: even- and odd-indexed lanes of two vectors,
/// one after the other (one perfect-unshuffle step).
protocol PanelVector: SIMD where Scalar == Float {
    static func evens(_ x: Self, _ y: Self) -> Self
    static func odds(_ x: Self, _ y: Self) -> Self
}

extension SIMD16: PanelVector where Scalar == Float {
    @inline(__always) static func evens(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.evenHalf, highHalf: y.evenHalf) }
    @inline(__always) static func odds(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.oddHalf, highHalf: y.oddHalf) }
}

extension SIMD8: PanelVector where Scalar == Float {
    @inline(__always) static func evens(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.evenHalf, highHalf: y.evenHalf) }
    @inline(__always) static func odds(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.oddHalf, highHalf: y.oddHalf) }
}

extension SIMD4: PanelVector where Scalar == Float {
    @inline(__always) static func evens(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.evenHalf, highHalf: y.evenHalf) }
    @inline(__always) static func odds(_ x: Self, _ y: Self) -> Self { Self(lowHalf: x.oddHalf, highHalf: y.oddHalf) }
}

/// The tile for outputs of 16 to 64 columns with a long k (weight gradients computed as
/// C^T = patches * dY^T, `FloatProduct.transposedOutput`): AVX2's 6 x 16 SIMD8 tile, also on
/// AVX-512, where the 8 x 48 tile would leave most columns of a 16-column output empty (measured
/// 81-95 GFLOP/s with this tile against 33-68 with 8 x 48 and 42-53 with dot products on the
/// ResNet-20 and LeNet-5 weight gradients, one AVX-512 core). Other builds use their wide tile.
enum NarrowMicroKernel: MicroTile {
    #if PIMSIM_ISA_AVX512 || PIMSIM_ISA_AVX2
    typealias Vector = SIMD8<Float>
    static let rows = 6, vectors = 2
    @inline(__always)
    static func tile(kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool) {
        Tiles<Vector>.tile6x2(rows: rows, kc: kc, a: a, aRow: aRow, aStep: aStep, b: b, ldb: ldb, c: c, ldc: ldc, load: load)
    }
    #else
    typealias Vector = FloatMicroKernel.Vector
    static let rows = FloatMicroKernel.rows, vectors = FloatMicroKernel.vectors
    @inline(__always)
    static func tile(kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool) {
        FloatMicroKernel.tile(kc: kc, a: a, aRow: aRow, aStep: aStep, b: b, ldb: ldb, c: c, ldc: ldc, load: load)
    }
    #endif
}

enum FloatMicroKernel: MicroTile {
    #if PIMSIM_ISA_AVX512
    typealias Vector = SIMD16<Float>
    static let rows = 8, vectors = 3
    #elseif PIMSIM_ISA_AVX2
    typealias Vector = SIMD8<Float>
    static let rows = 6, vectors = 2
    #elseif arch(arm64)
    typealias Vector = SIMD4<Float>
    static let rows = 8, vectors = 3
    #else
    typealias Vector = SIMD4<Float>
    static let rows = 4, vectors = 2
    #endif
    /// `a`: A panel, element (r, p) at a[r * aRow + p * aStep]: packed kc x rows (aRow 1, aStep
    /// rows) or read in place from a row-major A (aRow = its k, aStep 1). `b`: B panel, kc rows of
    /// `columns` floats, `ldb` floats apart (`columns` when packed, n when read in place from a
    /// row-major B). `c`: the tile's top-left element, rows `ldc` floats apart; read first when
    /// `load`.
    @inline(__always)
    static func tile(kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool) {
        #if PIMSIM_ISA_AVX512 || arch(arm64)
        Tiles<Vector>.tile8x3(kc: kc, a: a, aRow: aRow, aStep: aStep, b: b, ldb: ldb, c: c, ldc: ldc, load: load)
        #else
        Tiles<Vector>.tile6x2(rows: rows, kc: kc, a: a, aRow: aRow, aStep: aStep, b: b, ldb: ldb, c: c, ldc: ldc, load: load)
        #endif
    }
}

/// The register tiles, for any float vector type.
enum Tiles<Vector: PanelVector> {
    static var lanes: Int { Vector.scalarCount }

    /// acc + a * b: one fused multiply-add per lane where the instruction set has one (AVX2,
    /// AVX-512, arm64); a separate multiply and add on baseline x86-64, which has no FMA and
    /// where `addingProduct` became a libm `fmaf` call per lane (0.5 GFLOP/s; docs/performance.md).
    @inline(__always)
    static func multiplyAdd(_ acc: Vector, _ a: Float, _ b: Vector) -> Vector {
        #if PIMSIM_ISA_AVX512 || PIMSIM_ISA_AVX2 || arch(arm64)
        return acc.addingProduct(a, b)
        #else
        return acc + b * a
        #endif
    }


    @inline(__always)
    private static func loadRow(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ r: Int, _ v: Int, _ load: Bool) -> Vector {
        load ? UnsafeRawPointer(c + (r &* ldc &+ v &* lanes)).loadUnaligned(as: Vector.self) : Vector()
    }

    @inline(__always)
    private static func store(_ value: Vector, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ r: Int, _ v: Int) {
        UnsafeMutableRawPointer(c + (r &* ldc &+ v &* lanes)).storeBytes(of: value, as: Vector.self)
    }

    @inline(__always)
    private static func loadB(_ b: UnsafeRawPointer, _ v: Int) -> Vector {
        b.loadUnaligned(fromByteOffset: v &* lanes &* 4, as: Vector.self)
    }

    /// 8 rows x 3 vectors (AVX-512: 8 x 48; NEON: 8 x 12).
    @inline(__always)
    static func tile8x3(kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool) {
        var c00 = loadRow(c, ldc, 0, 0, load), c01 = loadRow(c, ldc, 0, 1, load), c02 = loadRow(c, ldc, 0, 2, load)
        var c10 = loadRow(c, ldc, 1, 0, load), c11 = loadRow(c, ldc, 1, 1, load), c12 = loadRow(c, ldc, 1, 2, load)
        var c20 = loadRow(c, ldc, 2, 0, load), c21 = loadRow(c, ldc, 2, 1, load), c22 = loadRow(c, ldc, 2, 2, load)
        var c30 = loadRow(c, ldc, 3, 0, load), c31 = loadRow(c, ldc, 3, 1, load), c32 = loadRow(c, ldc, 3, 2, load)
        var c40 = loadRow(c, ldc, 4, 0, load), c41 = loadRow(c, ldc, 4, 1, load), c42 = loadRow(c, ldc, 4, 2, load)
        var c50 = loadRow(c, ldc, 5, 0, load), c51 = loadRow(c, ldc, 5, 1, load), c52 = loadRow(c, ldc, 5, 2, load)
        var c60 = loadRow(c, ldc, 6, 0, load), c61 = loadRow(c, ldc, 6, 1, load), c62 = loadRow(c, ldc, 6, 2, load)
        var c70 = loadRow(c, ldc, 7, 0, load), c71 = loadRow(c, ldc, 7, 1, load), c72 = loadRow(c, ldc, 7, 2, load)
        var ap = a, bp = UnsafeRawPointer(b)
        let bStep = ldb &* 4
        for _ in 0..<kc {
            let b0 = loadB(bp, 0), b1 = loadB(bp, 1), b2 = loadB(bp, 2)
            let a0 = ap[0 &* aRow]
            c00 = multiplyAdd(c00, a0, b0); c01 = multiplyAdd(c01, a0, b1); c02 = multiplyAdd(c02, a0, b2)
            let a1 = ap[1 &* aRow]
            c10 = multiplyAdd(c10, a1, b0); c11 = multiplyAdd(c11, a1, b1); c12 = multiplyAdd(c12, a1, b2)
            let a2 = ap[2 &* aRow]
            c20 = multiplyAdd(c20, a2, b0); c21 = multiplyAdd(c21, a2, b1); c22 = multiplyAdd(c22, a2, b2)
            let a3 = ap[3 &* aRow]
            c30 = multiplyAdd(c30, a3, b0); c31 = multiplyAdd(c31, a3, b1); c32 = multiplyAdd(c32, a3, b2)
            let a4 = ap[4 &* aRow]
            c40 = multiplyAdd(c40, a4, b0); c41 = multiplyAdd(c41, a4, b1); c42 = multiplyAdd(c42, a4, b2)
            let a5 = ap[5 &* aRow]
            c50 = multiplyAdd(c50, a5, b0); c51 = multiplyAdd(c51, a5, b1); c52 = multiplyAdd(c52, a5, b2)
            let a6 = ap[6 &* aRow]
            c60 = multiplyAdd(c60, a6, b0); c61 = multiplyAdd(c61, a6, b1); c62 = multiplyAdd(c62, a6, b2)
            let a7 = ap[7 &* aRow]
            c70 = multiplyAdd(c70, a7, b0); c71 = multiplyAdd(c71, a7, b1); c72 = multiplyAdd(c72, a7, b2)
            ap += aStep
            bp += bStep
        }
        store(c00, c, ldc, 0, 0); store(c01, c, ldc, 0, 1); store(c02, c, ldc, 0, 2)
        store(c10, c, ldc, 1, 0); store(c11, c, ldc, 1, 1); store(c12, c, ldc, 1, 2)
        store(c20, c, ldc, 2, 0); store(c21, c, ldc, 2, 1); store(c22, c, ldc, 2, 2)
        store(c30, c, ldc, 3, 0); store(c31, c, ldc, 3, 1); store(c32, c, ldc, 3, 2)
        store(c40, c, ldc, 4, 0); store(c41, c, ldc, 4, 1); store(c42, c, ldc, 4, 2)
        store(c50, c, ldc, 5, 0); store(c51, c, ldc, 5, 1); store(c52, c, ldc, 5, 2)
        store(c60, c, ldc, 6, 0); store(c61, c, ldc, 6, 1); store(c62, c, ldc, 6, 2)
        store(c70, c, ldc, 7, 0); store(c71, c, ldc, 7, 1); store(c72, c, ldc, 7, 2)
    }

    /// 6 or 4 rows (`rows`, a constant of the build) x 2 vectors: AVX2 6 x 16, baseline x86-64
    /// 4 x 8. The code for rows 4 and 5 is removed by the compiler when rows = 4.
    @inline(__always)
    static func tile6x2(rows: Int, kc: Int, a: UnsafePointer<Float>, aRow: Int, aStep: Int, b: UnsafePointer<Float>, ldb: Int,
                        c: UnsafeMutablePointer<Float>, ldc: Int, load: Bool) {
        let six = rows == 6
        var c00 = loadRow(c, ldc, 0, 0, load), c01 = loadRow(c, ldc, 0, 1, load)
        var c10 = loadRow(c, ldc, 1, 0, load), c11 = loadRow(c, ldc, 1, 1, load)
        var c20 = loadRow(c, ldc, 2, 0, load), c21 = loadRow(c, ldc, 2, 1, load)
        var c30 = loadRow(c, ldc, 3, 0, load), c31 = loadRow(c, ldc, 3, 1, load)
        var c40 = loadRow(c, ldc, 4, 0, load && six), c41 = loadRow(c, ldc, 4, 1, load && six)
        var c50 = loadRow(c, ldc, 5, 0, load && six), c51 = loadRow(c, ldc, 5, 1, load && six)
        var ap = a, bp = UnsafeRawPointer(b)
        let bStep = ldb &* 4
        for _ in 0..<kc {
            let b0 = loadB(bp, 0), b1 = loadB(bp, 1)
            let a0 = ap[0 &* aRow]
            c00 = multiplyAdd(c00, a0, b0); c01 = multiplyAdd(c01, a0, b1)
            let a1 = ap[1 &* aRow]
            c10 = multiplyAdd(c10, a1, b0); c11 = multiplyAdd(c11, a1, b1)
            let a2 = ap[2 &* aRow]
            c20 = multiplyAdd(c20, a2, b0); c21 = multiplyAdd(c21, a2, b1)
            let a3 = ap[3 &* aRow]
            c30 = multiplyAdd(c30, a3, b0); c31 = multiplyAdd(c31, a3, b1)
            if six {
                let a4 = ap[4 &* aRow]
                c40 = multiplyAdd(c40, a4, b0); c41 = multiplyAdd(c41, a4, b1)
                let a5 = ap[5 &* aRow]
                c50 = multiplyAdd(c50, a5, b0); c51 = multiplyAdd(c51, a5, b1)
            }
            ap += aStep
            bp += bStep
        }
        store(c00, c, ldc, 0, 0); store(c01, c, ldc, 0, 1)
        store(c10, c, ldc, 1, 0); store(c11, c, ldc, 1, 1)
        store(c20, c, ldc, 2, 0); store(c21, c, ldc, 2, 1)
        store(c30, c, ldc, 3, 0); store(c31, c, ldc, 3, 1)
        if six {
            store(c40, c, ldc, 4, 0); store(c41, c, ldc, 4, 1)
            store(c50, c, ldc, 5, 0); store(c51, c, ldc, 5, 1)
        }
    }
}
