import PimsimKernelBase

/// C (m x n) (+)= A (m x k) B^T for row-major A and B (n x k) with a small C: a convolution's
/// weight gradient dW = dY patches^T (e.g. M16 K144 N50176, k = 50,176 positions). Both operands
/// run along k in memory, so no packing is needed: a `tileRows` x 4 block of C is that many
/// vector dot products, each step loading `tileRows` vectors of A and four of B for
/// 4 * `tileRows` fused multiply-adds. The packed GEMM would transpose all of B into panels,
/// which cost more than the multiply-adds when m is small (docs/performance.md).
///
/// The accumulators of a tile are summed by a tree of unshuffle-adds (pairs of vectors become
/// one vector of pairwise sums), which leaves the tile's sums in one vector per `lanes`
/// accumulators, in order: about three instructions per sum instead of eight for a horizontal
/// sum of each. Tiles: AVX-512 4 x 4 (16 accumulators = 16 lanes), AVX2 2 x 4 (8 = 8 lanes),
/// SIMD4 builds 2 x 4 (two vectors of sums).
///
/// Blocking: rows of B in blocks of `blockRows`, k in chunks of `chunk`: a block's chunk
/// (48 x 1024 floats, 192 KiB) stays in L2 while every tile of A rows streams past it from L1.
enum FloatDotProduct {
    typealias Vector = FloatMicroKernel.Vector
    static let lanes = Vector.scalarCount
    /// Rows of A per register tile (rows of B: 4).
    static let tileRows = lanes == 16 ? 4 : 2
    /// Rows of B per block (a multiple of 4).
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
                    for jStart in stride(from: j0, to: j1, by: 4) {
                        Tile(a: operands.a.pointer, b: operands.b.pointer, m: m, n: n, k: k, i0: tile &* tileRows, j0: jStart, p0: p0)
                            .accumulate(into: operands.c.pointer, depth: depth, add: add)
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

    /// One tile: rows i0..<i0+tileRows of A and j0..<j0+4 of B from column p0. Rows past m or n
    /// repeat the last valid row (their sums are computed and dropped).
    private struct Tile {
        let a0: UnsafePointer<Float>, a1: UnsafePointer<Float>, a2: UnsafePointer<Float>, a3: UnsafePointer<Float>
        let b0: UnsafePointer<Float>, b1: UnsafePointer<Float>, b2: UnsafePointer<Float>, b3: UnsafePointer<Float>
        let rows: Int, columns: Int, i0: Int, j0: Int, n: Int

        @inline(__always)
        init(a: UnsafePointer<Float>, b: UnsafePointer<Float>, m: Int, n: Int, k: Int, i0: Int, j0: Int, p0: Int) {
            rows = min(tileRows, m &- i0)
            columns = min(4, n &- j0)
            let aBase = a + (i0 &* k &+ p0), bBase = b + (j0 &* k &+ p0)
            a0 = aBase; a1 = aBase + min(1, rows &- 1) &* k; a2 = aBase + min(2, rows &- 1) &* k; a3 = aBase + min(3, rows &- 1) &* k
            b0 = bBase; b1 = bBase + min(1, columns &- 1) &* k; b2 = bBase + min(2, columns &- 1) &* k
            b3 = bBase + min(3, columns &- 1) &* k
            (self.i0, self.j0, self.n) = (i0, j0, n)
        }

        /// C[i0 + r][j0 + s] (+)= sum over p < depth of a_r[p] b_s[p] for the valid r, s.
        @inline(__always)
        func accumulate(into c: UnsafeMutablePointer<Float>, depth: Int, add: Bool) {
            let four = tileRows == 4, vectorDepth = depth & ~(lanes &- 1)
            var s00 = Vector(), s01 = Vector(), s02 = Vector(), s03 = Vector(), s10 = Vector(), s11 = Vector(), s12 = Vector()
            var s13 = Vector(), s20 = Vector(), s21 = Vector(), s22 = Vector(), s23 = Vector(), s30 = Vector(), s31 = Vector()
            var s32 = Vector(), s33 = Vector()
            var p = 0
            while p < vectorDepth {
                let x0 = load(b0, p), x1 = load(b1, p), x2 = load(b2, p), x3 = load(b3, p)
                let y0 = load(a0, p)
                s00 = fma(s00, y0, x0); s01 = fma(s01, y0, x1); s02 = fma(s02, y0, x2); s03 = fma(s03, y0, x3)
                let y1 = load(a1, p)
                s10 = fma(s10, y1, x0); s11 = fma(s11, y1, x1); s12 = fma(s12, y1, x2); s13 = fma(s13, y1, x3)
                if four {
                    let y2 = load(a2, p)
                    s20 = fma(s20, y2, x0); s21 = fma(s21, y2, x1); s22 = fma(s22, y2, x2); s23 = fma(s23, y2, x3)
                    let y3 = load(a3, p)
                    s30 = fma(s30, y3, x0); s31 = fma(s31, y3, x1); s32 = fma(s32, y3, x2); s33 = fma(s33, y3, x3)
                }
                p &+= lanes
            }
            // Lane r * 4 + s of the sums = the dot of a_r and b_s (16 or 8 lanes; SIMD4: two vectors).
            var first = Vector(), second = Vector()
            if lanes == 16 {
                first = pair(pair(pair(pair(s00, s01), pair(s02, s03)), pair(pair(s10, s11), pair(s12, s13))),
                             pair(pair(pair(s20, s21), pair(s22, s23)), pair(pair(s30, s31), pair(s32, s33))))
            } else if lanes == 8 {
                first = pair(pair(pair(s00, s01), pair(s02, s03)), pair(pair(s10, s11), pair(s12, s13)))
            } else {
                first = pair(pair(s00, s01), pair(s02, s03))
                second = pair(pair(s10, s11), pair(s12, s13))
            }
            withUnsafeBytes(of: (first, second)) { raw in
                let values = raw.bindMemory(to: Float.self)
                let secondStart = lanes
                for r in 0..<rows {
                    let row = c + ((i0 &+ r) &* n &+ j0)
                    let base = lanes == 4 && r == 1 ? secondStart : r &* 4
                    for s in 0..<columns {
                        var sum = values[base &+ s]
                        let ar = r == 0 ? a0 : (r == 1 ? a1 : (r == 2 ? a2 : a3))
                        let bs = s == 0 ? b0 : (s == 1 ? b1 : (s == 2 ? b2 : b3))
                        for q in vectorDepth..<depth { sum += ar[q] * bs[q] }
                        row[s] = add ? row[s] + sum : sum
                    }
                }
            }
        }

        @inline(__always) private func load(_ pointer: UnsafePointer<Float>, _ p: Int) -> Vector {
            UnsafeRawPointer(pointer + p).loadUnaligned(as: Vector.self)
        }

        @inline(__always) private func fma(_ acc: Vector, _ x: Vector, _ y: Vector) -> Vector {
            #if PIMSIM_ISA_AVX512 || PIMSIM_ISA_AVX2 || arch(arm64)
            return acc.addingProduct(x, y)
            #else
            return acc + x * y
            #endif
        }

        /// One vector of the pairwise sums of x's lanes, then of y's.
        @inline(__always) private func pair(_ x: Vector, _ y: Vector) -> Vector { Vector.evens(x, y) + Vector.odds(x, y) }
    }
}

