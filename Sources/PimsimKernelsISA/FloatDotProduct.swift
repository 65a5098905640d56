import PimsimKernelBase

/// C (m x n) (+)= A (m x k) B^T for row-major A and B (n x k) with a small C and a long k: a
/// convolution's weight gradient dW = dY patches^T (e.g. M16 K144 N50176, k = 50,176 positions).
/// Both operands run along k in memory, so no packing is needed: a 3 x 3 block of C is nine
/// vector dot products, each step loading three vectors of A and three of B for nine fused
/// multiply-adds (9 + 3 + 1 registers). The packed GEMM would transpose all of B into panels,
/// which cost more than the multiply-adds when m is small (docs/performance.md).
///
/// Blocking: rows of B in blocks of `blockRows`, k in chunks of `chunk`: a block's chunk
/// (48 x 1024 floats, 192 KiB) stays in L2 while every 3-row tile of A (12 KiB) streams past it
/// from L1. Each tile's nine vector sums are reduced and added to C once per chunk.
enum FloatDotProduct {
    typealias Vector = FloatMicroKernel.Vector
    /// Rows of A and of B per register tile.
    static let tileRows = 3
    /// Rows of B per block (a multiple of `tileRows`).
    static let blockRows = 48
    /// k per chunk (a multiple of every vector width).
    static let chunk = 1024
    /// Use this kernel when C has at most this many elements ...
    static let largestOutput = 65_536
    /// ... and k is at least this long.
    static let shortestDepth = 128

    static func suits(m: Int, n: Int, k: Int) -> Bool { m &* n <= largestOutput && k >= shortestDepth }

    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, accumulate: Bool, threads: Int) {
        let rowTiles = (m &+ tileRows &- 1) / tileRows, blocks = (n &+ blockRows &- 1) / blockRows
        let work = 2.0 * Double(m) * Double(n) * Double(k)
        let workers = work < Double(FloatProduct.parallelWorkFLOP) ? 1 : max(1, min(threads, Parallel.processorCount))
        // Units of work: (block of B rows, range of A row tiles), at least four per worker.
        let rowParts = workers == 1 ? 1 : min(rowTiles, max(1, (4 &* workers &+ blocks &- 1) / blocks))
        let units = blocks &* rowParts
        let operands = (a: SendablePointer(a), b: SendablePointer(b), c: SendablePointer(c))
        let body: @Sendable (Int) -> Void = { unit in
            let block = unit / rowParts, tiles = Parallel.range(part: unit % rowParts, of: rowParts, units: rowTiles)
            let j0 = block &* blockRows, j1 = min(n, j0 &+ blockRows)
            for p0 in stride(from: 0, to: k, by: chunk) {
                let depth = min(chunk, k &- p0), add = accumulate || p0 > 0
                for tile in tiles {
                    let i0 = tile &* tileRows
                    for jStart in stride(from: j0, to: j1, by: tileRows) {
                        block3x3(operands.a.pointer, operands.b.pointer, operands.c.pointer, m: m, n: n, k: k,
                                 i0: i0, j0: jStart, p0: p0, depth: depth, add: add)
                    }
                }
            }
        }
        if workers == 1 {
            for unit in 0..<units { body(unit) }
        } else {
            Parallel.run(workers: units, body)
        }
    }

    /// C[i0 + r][j0 + s] (+)= sum over p in p0..<p0+depth of A[i0 + r][p] B[j0 + s][p] for the
    /// rows and columns inside C (edge tiles repeat their last valid row, whose sums are dropped).
    @inline(__always)
    private static func block3x3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                 m: Int, n: Int, k: Int, i0: Int, j0: Int, p0: Int, depth: Int, add: Bool) {
        let rows = min(tileRows, m &- i0), columns = min(tileRows, n &- j0)
        let a0 = a + (i0 &* k &+ p0), a1 = a0 + (min(1, rows &- 1) &* k), a2 = a0 + (min(2, rows &- 1) &* k)
        let b0 = b + (j0 &* k &+ p0), b1 = b0 + (min(1, columns &- 1) &* k), b2 = b0 + (min(2, columns &- 1) &* k)
        let lanes = Vector.scalarCount, vectorDepth = depth & ~(lanes &- 1)
        var s00 = Vector(), s01 = Vector(), s02 = Vector(), s10 = Vector(), s11 = Vector(), s12 = Vector()
        var s20 = Vector(), s21 = Vector(), s22 = Vector()
        @inline(__always) func load(_ pointer: UnsafePointer<Float>, _ p: Int) -> Vector {
            UnsafeRawPointer(pointer + p).loadUnaligned(as: Vector.self)
        }
        @inline(__always) func fma(_ acc: Vector, _ x: Vector, _ y: Vector) -> Vector {
            #if PIMSIM_ISA_AVX512 || PIMSIM_ISA_AVX2 || arch(arm64)
            return acc.addingProduct(x, y)
            #else
            return acc + x * y
            #endif
        }
        var p = 0
        while p < vectorDepth {
            let x0 = load(b0, p), x1 = load(b1, p), x2 = load(b2, p)
            let y0 = load(a0, p)
            s00 = fma(s00, y0, x0); s01 = fma(s01, y0, x1); s02 = fma(s02, y0, x2)
            let y1 = load(a1, p)
            s10 = fma(s10, y1, x0); s11 = fma(s11, y1, x1); s12 = fma(s12, y1, x2)
            let y2 = load(a2, p)
            s20 = fma(s20, y2, x0); s21 = fma(s21, y2, x1); s22 = fma(s22, y2, x2)
            p &+= lanes
        }
        var sums = (s00.total, s01.total, s02.total, s10.total, s11.total, s12.total, s20.total, s21.total, s22.total)
        for q in vectorDepth..<depth {
            sums.0 += a0[q] * b0[q]; sums.1 += a0[q] * b1[q]; sums.2 += a0[q] * b2[q]
            sums.3 += a1[q] * b0[q]; sums.4 += a1[q] * b1[q]; sums.5 += a1[q] * b2[q]
            sums.6 += a2[q] * b0[q]; sums.7 += a2[q] * b1[q]; sums.8 += a2[q] * b2[q]
        }
        withUnsafeBytes(of: sums) { raw in
            let values = raw.bindMemory(to: Float.self)
            for r in 0..<rows {
                let row = c + ((i0 &+ r) &* n &+ j0)
                for s in 0..<columns { row[s] = add ? row[s] + values[r &* 3 &+ s] : values[r &* 3 &+ s] }
            }
        }
    }
}

// Sums of the lanes by halving (the order only changes the rounding of the total).
extension SIMD16 where Scalar == Float {
    @inline(__always) var total: Float { (lowHalf + highHalf).total }
}

extension SIMD8 where Scalar == Float {
    @inline(__always) var total: Float { (lowHalf + highHalf).total }
}

extension SIMD4 where Scalar == Float {
    @inline(__always) var total: Float { (lowHalf + highHalf).total }
}

extension SIMD2 where Scalar == Float {
    @inline(__always) var total: Float { self[0] + self[1] }
}
