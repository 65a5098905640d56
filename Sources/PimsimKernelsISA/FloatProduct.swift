import PimsimKernelBase

/// The float GEMM behind `FloatGEMM.multiply` (docs/performance.md, "Float GEMM"):
/// C (m x n) = op(A) (m x k) * op(B) (k x n), plus C if `accumulate`, row-major.
///
/// k is cut into blocks of at most `kBlock`; each worker packs its rows of op(A) into
/// `FloatMicroKernel.rows`-row panels once, then per group of `panelsPerPack` column panels and k
/// block packs those B panels and runs `FloatMicroKernel` on every tile under them. Edge tiles are
/// computed on zero-padded panels into a scratch tile and only the valid part is copied out.
/// Products with a small C and a long k where B is transposed (a weight gradient) go to
/// `FloatDotProduct` instead. Problems of at least `parallelWorkFLOP` run on up to `threads`
/// cores: row panels split into one chunk per core, or column panels into `columnChunksPerCore`
/// chunks per core (whichever splits more evenly); smaller ones run on the calling thread.
enum FloatProduct {
    /// Largest k block. AVX-512: a 48-column B panel of 1024 rows is 192 KiB and stays in the
    /// 1 MiB L2 while every A panel of the worker streams past it; with one block per product
    /// (k <= 1024) each C tile is written once (C rows n * 4 bytes apart map to one cache set;
    /// re-reading tiles across k blocks of 192 or 256 measured 5-10 % slower).
    static let kBlock = 1024
    /// B panels packed together: rows of a group are read as `panelsPerPack * columns`
    /// contiguous floats (384, 1.5 KiB; strided 192-byte rows were a third of the conv-shaped
    /// GEMM's time on AVX-512).
    static let panelsPerPack = max(1, 384 / FloatMicroKernel.columns)
    /// 2*m*n*k below which one thread is faster: waking a worker costs ~5 µs after idle and
    /// 10 MFLOP take ~50 µs on one core at ~200 GFLOP/s (docs/performance.md).
    static let parallelWorkFLOP = 10_000_000
    /// Rows per worker up to which B (if not transposed) is read in place instead of packed:
    /// packing costs about as much as the FMAs of one or two panels of rows.
    static let inPlaceBRows = 16
    /// Chunks per core when the columns are split (see `multiply`).
    static let columnChunksPerCore = 4
    /// A transposed B with C of at most this many elements ...
    static let transposedOutputLimit = 65_536
    /// ... and at least this k goes to `transposedOutput`.
    static let transposedOutputDepth = 128

    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool, threads: Int) {
        if transposeB && !transposeA && m &* n <= transposedOutputLimit && k >= transposedOutputDepth {
            transposedOutput(a, b, c, m: m, n: n, k: k, accumulate: accumulate, threads: threads)
            return
        }
        run(FloatProblem<FloatMicroKernel>(a: SendablePointer(a), b: SendablePointer(b), c: SendablePointer(c), m: m, n: n, k: k,
                                           transposeA: transposeA, transposeB: transposeB, accumulate: accumulate), threads: threads)
    }

    /// C (+)= A B^T with a small C and a long k (a weight gradient dW = dY patches^T):
    /// C^T = B A^T with B (n x k) read in place as the left operand (its rows are the micro-kernel's
    /// broadcast rows, k apart) and A (m x k) packed as the transposed right operand, then
    /// transposed into C, on `NarrowMicroKernel`. A weight gradient's m (output channels, 16-64)
    /// fills whole 16-column tiles this way, and no operand is copied but the small A.
    static func transposedOutput(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                 m: Int, n: Int, k: Int, accumulate: Bool, threads: Int) {
        Workspace.shared.withBuffer(bytes: m &* n &* 4) { raw in
            let transposed = raw.bindMemory(to: Float.self, capacity: m &* n)
            run(FloatProblem<NarrowMicroKernel>(a: SendablePointer(b), b: SendablePointer(a), c: SendablePointer(transposed), m: n, n: m, k: k,
                                                transposeA: false, transposeB: true, accumulate: false, aInPlace: true), threads: threads)
            for i in 0..<m {
                let row = c + i &* n
                for j in 0..<n { row[j] = accumulate ? row[j] + transposed[j &* m &+ i] : transposed[j &* m &+ i] }
            }
        }
    }

    private static func run<Tile: MicroTile>(_ problem: FloatProblem<Tile>, threads: Int) {
        let m = problem.m, n = problem.n, k = problem.k
        let rowPanels = (m &+ Tile.rows &- 1) / Tile.rows
        let columnPanels = (n &+ Tile.columns &- 1) / Tile.columns
        let work = 2.0 * Double(m) * Double(n) * Double(k)
        let workers = work < Double(parallelWorkFLOP) ? 1 : max(1, min(threads, Parallel.processorCount, max(rowPanels, columnPanels)))
        // Split the dimension whose largest chunk is closest to an even share.
        let rowChunk = (rowPanels + workers - 1) / workers, columnChunk = (columnPanels + workers - 1) / workers
        let splitRows = Double(rowChunk) / Double(rowPanels) <= Double(columnChunk) / Double(columnPanels)
        // Column chunks only repack A (small next to their share of the work), so each core gets
        // several and a core that starts late leaves them to the other; row chunks would each
        // repack all of B, so there is one per core.
        let chunks = workers == 1 || splitRows ? workers : min(columnPanels, workers &* columnChunksPerCore)
        Parallel.run(workers: chunks) { chunk in
            let rows = splitRows ? Parallel.range(part: chunk, of: chunks, units: rowPanels) : 0..<rowPanels
            let columns = splitRows ? 0..<columnPanels : Parallel.range(part: chunk, of: chunks, units: columnPanels)
            problem.compute(rowPanels: rows, columnPanels: columns)
        }
    }
}

/// One GEMM call's operands, shared read-only by the workers.
private struct FloatProblem<Tile: MicroTile>: Sendable {
    typealias Vector = Tile.Vector
    let a: SendablePointer<Float>, b: SendablePointer<Float>, c: SendablePointer<Float>
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool, accumulate: Bool
    /// Full row panels of a row-major A are read where they are (only a partial last panel is
    /// packed).
    var aInPlace = false

    /// Computes the C tiles in the given row-panel x column-panel block. The worker's rows of op(A)
    /// are packed once for all k (block-major, then panel); then per group of `panelsPerPack`
    /// column panels and k block those B panels are packed and each is swept by every A panel, so
    /// the C tiles under them stay in cache across the k blocks.
    func compute(rowPanels: Range<Int>, columnPanels: Range<Int>) {
        guard !rowPanels.isEmpty && !columnPanels.isEmpty else { return }
        let mr = Tile.rows, nr = Tile.columns, group = FloatProduct.panelsPerPack
        let blocks = (k + FloatProduct.kBlock - 1) / FloatProduct.kBlock
        let kc = (k + blocks - 1) / blocks
        // In place, only a partial last row panel is packed.
        let aFloats = (aInPlace ? 1 : rowPanels.count) &* mr &* k, bFloats = group &* nr &* kc
        Workspace.shared.withBuffer(bytes: (aFloats &+ bFloats &+ mr &* nr) &* 4) { raw in
            let packedA = raw.bindMemory(to: Float.self, capacity: aFloats &+ bFloats &+ mr &* nr)
            compute(rowPanels: rowPanels, columnPanels: columnPanels, packedA: packedA,
                    packedB: packedA + aFloats, scratch: packedA + (aFloats &+ bFloats))
        }
    }

    private func compute(rowPanels: Range<Int>, columnPanels: Range<Int>, packedA: UnsafeMutablePointer<Float>,
                         packedB: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let mr = Tile.rows, nr = Tile.columns, group = FloatProduct.panelsPerPack
        let blocks = (k + FloatProduct.kBlock - 1) / FloatProduct.kBlock
        let kc = (k + blocks - 1) / blocks
        let panelCount = rowPanels.count, packedPanels = aInPlace ? 1 : panelCount
        // With few A rows each B panel would be used only once or twice after packing: read
        // full-width panels of a row-major B where they are instead.
        let inPlaceB = !transposeB && panelCount &* mr <= FloatProduct.inPlaceBRows
        // Block b starts at packedA + b * kc * mr * panelCount; panel s of it is depth * mr further per panel.
        for block in 0..<blocks {
            let p0 = block &* kc, depth = min(kc, k &- p0)
            for (slot, panel) in rowPanels.enumerated() where !(aInPlace && panel &* mr &+ mr <= m) {
                packA(into: packedA + (p0 &* packedPanels &+ (aInPlace ? 0 : slot) &* depth) &* mr, row0: panel &* mr, p0: p0, depth: depth)
            }
        }
        for groupStart in stride(from: columnPanels.lowerBound, to: columnPanels.upperBound, by: group) {
            let panels = groupStart..<min(columnPanels.upperBound, groupStart &+ group)
            for block in 0..<blocks {
                let p0 = block &* kc, depth = min(kc, k &- p0)
                let load = accumulate || block > 0
                if !inPlaceB { packB(into: packedB, panels: panels, p0: p0, depth: depth) }
                for (bSlot, columnPanel) in panels.enumerated() {
                    let j0 = columnPanel &* nr, width = min(nr, n &- j0)
                    var bPanel = UnsafePointer(packedB + bSlot &* depth &* nr), ldb = nr
                    if inPlaceB && width == nr {
                        (bPanel, ldb) = (UnsafePointer(b.pointer + (p0 &* n &+ j0)), n)
                    } else if inPlaceB {
                        packPanel(into: packedB, column0: j0, p0: p0, depth: depth)
                        bPanel = UnsafePointer(packedB)
                    }
                    for (slot, panel) in rowPanels.enumerated() {
                        let i0 = panel &* mr, height = min(mr, m &- i0)
                        let packed = UnsafePointer(packedA + (p0 &* packedPanels &+ (aInPlace ? 0 : slot) &* depth) &* mr)
                        let inPlace = aInPlace && height == mr
                        let aPanel = inPlace ? UnsafePointer(a.pointer + (i0 &* k &+ p0)) : packed
                        let (aRow, aStep) = inPlace ? (k, 1) : (1, mr)
                        let tile = c.pointer + (i0 &* n &+ j0)
                        if height == mr && width == nr {
                            Tile.tile(kc: depth, a: aPanel, aRow: aRow, aStep: aStep, b: bPanel, ldb: ldb, c: tile, ldc: n, load: load)
                        } else {
                            scratch.update(repeating: 0, count: mr &* nr)
                            if load { copy(height, width, from: tile, n, to: scratch, nr) }
                            Tile.tile(kc: depth, a: aPanel, aRow: aRow, aStep: aStep, b: bPanel, ldb: ldb, c: scratch, ldc: nr, load: true)
                            copy(height, width, from: scratch, nr, to: tile, n)
                        }
                    }
                }
            }
        }
    }

    /// packed[p * mr + r] = op(A)[row0 + r][p0 + p], zero for rows past m.
    private func packA(into packed: UnsafeMutablePointer<Float>, row0: Int, p0: Int, depth: Int) {
        let mr = Tile.rows, lanes = Tile.lanes, height = min(mr, m &- row0)
        if height < mr { packed.update(repeating: 0, count: mr &* depth) }
        if transposeA {
            for p in 0..<depth {
                let source = a.pointer + ((p0 &+ p) &* m &+ row0), target = packed + p &* mr
                for r in 0..<height { target[r] = source[r] }
            }
            return
        }
        // Full panels with a power-of-two row count: mr rows x `lanes` k loaded as mr vectors,
        // transposed in registers, stored as contiguous vectors (a strided copy compiled to
        // `vscatterqps` on AVX-512, slow there).
        let fullDepth = height == mr && mr & (mr &- 1) == 0 ? depth & ~(lanes &- 1) : 0
        if fullDepth > 0 {
            withUnsafeTemporaryAllocation(of: Vector.self, capacity: 2 &* mr) { scratch in
                let block = scratch.baseAddress!
                for pStart in stride(from: 0, to: fullDepth, by: lanes) {
                    for r in 0..<mr {
                        block[r] = UnsafeRawPointer(a.pointer + ((row0 &+ r) &* k &+ p0 &+ pStart)).loadUnaligned(as: Vector.self)
                    }
                    let columns = unshuffle(block, vectors: mr, rounds: lanes.trailingZeroBitCount)
                    let target = UnsafeMutableRawPointer(packed + pStart &* mr)
                    for v in 0..<mr { target.storeBytes(of: columns[v], toByteOffset: v &* lanes &* 4, as: Vector.self) }
                }
            }
        }
        for p in fullDepth..<depth {
            for r in 0..<height { packed[p &* mr &+ r] = a.pointer[(row0 &+ r) &* k &+ p0 &+ p] }
        }
    }

    /// Packs the column panels `panels` of op(B) rows p0..<p0+depth one after another:
    /// panel q at packed + q * depth * nr, packed[p * nr + j] = op(B)[p0 + p][nr * panel + j],
    /// zero for columns past n.
    private func packB(into packed: UnsafeMutablePointer<Float>, panels: Range<Int>, p0: Int, depth: Int) {
        let nr = Tile.columns, vectors = Tile.vectors, vectorBytes = Tile.lanes &* 4
        let fullPanels = transposeB ? 0 : min(panels.count, (n &- panels.lowerBound &* nr) / nr)
        if fullPanels > 0 {
            // Whole rows of the group at once, a few vectors per panel (a memmove call per panel
            // row cost 20 % of the GEMM on AVX-512).
            for p in 0..<depth {
                let source = UnsafeRawPointer(b.pointer + ((p0 &+ p) &* n &+ panels.lowerBound &* nr))
                for q in 0..<fullPanels {
                    let target = UnsafeMutableRawPointer(packed + (q &* depth &+ p) &* nr)
                    for v in 0..<vectors {
                        target.storeBytes(of: source.loadUnaligned(fromByteOffset: (q &* vectors &+ v) &* vectorBytes, as: Vector.self),
                                          toByteOffset: v &* vectorBytes, as: Vector.self)
                    }
                }
            }
        }
        for q in fullPanels..<panels.count {
            packPanel(into: packed + q &* depth &* nr, column0: (panels.lowerBound &+ q) &* nr, p0: p0, depth: depth)
        }
    }

    /// One panel of `packB`, any width and either layout of B.
    private func packPanel(into packed: UnsafeMutablePointer<Float>, column0: Int, p0: Int, depth: Int) {
        let nr = Tile.columns, width = min(nr, n &- column0)
        if width < nr { packed.update(repeating: 0, count: nr &* depth) }
        if transposeB {
            packTransposedPanel(into: packed, column0: column0, width: width, p0: p0, depth: depth)
        } else {
            for p in 0..<depth {
                let source = b.pointer + ((p0 &+ p) &* n &+ column0), target = packed + p &* nr
                for j in 0..<width { target[j] = source[j] }
            }
        }
    }

    /// The transposed case of `packPanel`: B is stored n x k, so panel column j is the
    /// contiguous source row column0 + j. Square blocks of `lanes` columns x `lanes` k are loaded
    /// as vectors, transposed in registers and stored as panel rows, walking down k for `lanes`
    /// columns at a time (sequential read streams). A plain strided copy compiled to
    /// `vscatterqps` on AVX-512 and ran the weight-gradient GEMM at 19 GFLOP/s there.
    private func packTransposedPanel(into packed: UnsafeMutablePointer<Float>, column0: Int, width: Int, p0: Int, depth: Int) {
        let nr = Tile.columns, lanes = Tile.lanes
        let fullDepth = depth & ~(lanes &- 1), fullWidth = width & ~(lanes &- 1)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 2 &* lanes) { scratch in
            let block = scratch.baseAddress!
            for jStart in stride(from: 0, to: fullWidth, by: lanes) {
                for pStart in stride(from: 0, to: fullDepth, by: lanes) {
                    for r in 0..<lanes {
                        let source = UnsafeRawPointer(b.pointer + ((column0 &+ jStart &+ r) &* k &+ p0 &+ pStart))
                        block[r] = source.loadUnaligned(as: Vector.self)
                    }
                    let rows = unshuffle(block, vectors: lanes, rounds: lanes.trailingZeroBitCount)
                    for c in 0..<lanes {
                        UnsafeMutableRawPointer(packed + ((pStart &+ c) &* nr &+ jStart)).storeBytes(of: rows[c], as: Vector.self)
                    }
                }
            }
        }
        // Leftover k rows (all columns) and leftover columns (all k rows), element by element.
        for p in 0..<depth {
            let firstColumn = p < fullDepth ? fullWidth : 0
            for j in firstColumn..<width { packed[p &* nr &+ j] = b.pointer[(column0 &+ j) &* k &+ p0 &+ p] }
        }
    }

    /// Perfect unshuffles of the `vectors` x `lanes` floats in block[0..<vectors] (vector-major,
    /// `vectors` a power of two): each round writes the even-indexed values of the whole sequence,
    /// then the odd-indexed ones, which rotates the bits of an element's index right by one. With
    /// a lanes x lanes block, log2(lanes) rounds transpose it; with mr x lanes (rows r of `lanes`
    /// k each), log2(lanes) rounds give k-major order (index r * lanes + p becomes p * mr + r).
    /// block[vectors..<2 * vectors] is the other buffer; returns the one holding the result.
    @inline(__always)
    private func unshuffle(_ block: UnsafeMutablePointer<Vector>, vectors: Int, rounds: Int) -> UnsafeMutablePointer<Vector> {
        var from = block, to = block + vectors
        let half = vectors / 2
        for _ in 0..<rounds {
            for i in 0..<half {
                to[i] = Vector.evens(from[2 &* i], from[2 &* i &+ 1])
                to[i &+ half] = Vector.odds(from[2 &* i], from[2 &* i &+ 1])
            }
            swap(&from, &to)
        }
        return from
    }

    private func copy(_ rows: Int, _ columns: Int, from source: UnsafePointer<Float>, _ sourceStride: Int,
                      to target: UnsafeMutablePointer<Float>, _ targetStride: Int) {
        for r in 0..<rows {
            (target + r &* targetStride).update(from: source + r &* sourceStride, count: columns)
        }
    }
}
