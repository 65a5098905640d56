/// Bit-exact ternary (and binary) matrix products with AND, XOR and popcount.
///
/// Method (docs/performance.md): the rows of `a` are regrouped eight at a time so that word w of
/// eight rows is one SIMD8<UInt64> per bit-plane; each word of a row of `b` is broadcast to all
/// eight lanes. Per word and row of `b`: both = nzA & nzB, minus = both & (negA ^ negB), two
/// lane-wise popcounts and two adds: 8 x 64 = 512 multiply-accumulates. Four rows of `b` share
/// each load of `a`; an 8 x 8 register transpose lets each row of `a` store eight outputs at once.
/// When both operands are binary (`isBinary`), dot = columns - 2 popcount(negA ^ negB): one XOR,
/// one popcount and one add per word. Work of at least `parallelMACs` is split across cores by
/// rows of `b` (or by groups of rows of `a` when `b` has few rows), `chunksPerCore` contiguous
/// chunks per core.
public enum TernaryGEMM {
    /// a.rows * b.rows * columns below which one thread is faster (~50 µs at ~1,000 GMAC/s on one
    /// core; Dispatch costs ~5 µs after idle; docs/performance.md).
    static let parallelMACs = 50_000_000
    /// Chunks per core handed to Dispatch: a core that starts late (the machine is shared) leaves
    /// its chunks to the others. Chunks share nothing, so more of them cost little.
    static let chunksPerCore = 4
    /// Rows of `b` per output tile: computed four at a time (4 x 2 SIMD8<UInt64> accumulators), then
    /// an 8 x 8 transpose gives each row of `a` eight consecutive outputs.
    static let bRowsPerTile = 8
    /// Tiles of `b` per cache block: 512 rows, 16 bytes per row and word (74 KiB at 576 columns).
    static let tilesPerBlock = 64

    /// out[i * b.rows + j] = sum over k of a[i][k] * b[j][k]: every row of `a` (e.g. one output
    /// channel's weights) dotted with every row of `b` (e.g. one im2col input patch).
    /// Per word: both = nzA & nzB; minus = both & (negA ^ negB);
    /// dot += popcount(both) - 2 * popcount(minus).
    public static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix) -> [Int32] {
        multiply(a, b, threads: .max)
    }

    /// As above with at most `threads` worker threads (1 = the calling thread only; never more than
    /// the machine's active processors).
    public static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, threads: Int) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: a.rows * b.rows) { buffer, count in
            if let base = buffer.baseAddress { multiply(a, b, into: base, threads: threads) }
            count = a.rows * b.rows
        }
    }

    /// Writes out[i * b.rows + j] (a.rows x b.rows Int32 values) without allocating the result.
    public static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, into out: UnsafeMutablePointer<Int32>,
                                threads: Int = .max) {
        precondition(a.columns == b.columns, "both operands need the same number of columns")
        guard a.rows > 0 && b.rows > 0 else { return }
        guard a.wordsPerRow > 0 else {
            out.update(repeating: 0, count: a.rows &* b.rows)
            return
        }
        run(a, b, sink: Int32Sink(out: SendablePointer(out), aRows: a.rows, bRows: b.rows), threads: threads)
    }

    /// Regroups `a` eight rows at a time and computes every dot product on up to `threads` cores,
    /// handing each 8 x 8 block (or single row of `b`) of dots to `sink`. Needs a.wordsPerRow > 0.
    static func run<Sink: DotSink>(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, sink: Sink, threads: Int) {
        let words = a.wordsPerRow
        let groups = (a.rows &+ 7) / 8
        let vectors = groups &* words &* 2
        let binary = a.isBinary && b.isBinary
        Workspace.shared.withBuffer(bytes: vectors &* MemoryLayout<SIMD8<UInt64>>.stride) { raw in
            let interleaved = raw.bindMemory(to: SIMD8<UInt64>.self, capacity: vectors)
            interleave(a, into: interleaved)
            let tiles = (b.rows &+ bRowsPerTile &- 1) / bRowsPerTile
            let work = Double(a.rows) * Double(b.rows) * Double(b.columns)
            let cores = work < Double(parallelMACs) ? 1 : max(1, min(threads, Parallel.processorCount))
            let splitB = tiles >= groups
            let workers = cores == 1 ? 1 : min(cores &* chunksPerCore, splitB ? tiles : groups)
            b.nonzero.withUnsafeBufferPointer { bNonzero in
                b.negative.withUnsafeBufferPointer { bNegative in
                    let product = Product(a: SendablePointer(interleaved), bNonzero: SendablePointer(bNonzero.baseAddress!),
                                          bNegative: SendablePointer(bNegative.baseAddress!), sink: sink,
                                          bRows: b.rows, words: words, columns: b.columns, binary: binary)
                    Parallel.run(workers: workers) { worker in
                        let tileRange = splitB ? Parallel.range(part: worker, of: workers, units: tiles) : 0..<tiles
                        let groupRange = splitB ? 0..<groups : Parallel.range(part: worker, of: workers, units: groups)
                        product.compute(tiles: tileRange, groups: groupRange)
                    }
                }
            }
        }
    }

    /// interleaved[(g * words + w) * 2] = word w of rows 8g..8g+7 of the nonzero plane,
    /// [... + 1] the same of the negative plane; rows past a.rows are zero.
    private static func interleave(_ a: PackedTernaryMatrix, into target: UnsafeMutablePointer<SIMD8<UInt64>>) {
        let words = a.wordsPerRow, groups = (a.rows &+ 7) / 8
        let lanes = UnsafeMutableRawPointer(target).bindMemory(to: UInt64.self, capacity: groups &* words &* 16)
        lanes.initialize(repeating: 0, count: groups &* words &* 16)
        a.nonzero.withUnsafeBufferPointer { nonzero in
            a.negative.withUnsafeBufferPointer { negative in
                for row in 0..<a.rows {
                    let group = row / 8, lane = row % 8
                    for w in 0..<words {
                        let slot = (group &* words &+ w) &* 16 &+ lane
                        lanes[slot] = nonzero[row &* words &+ w]
                        lanes[slot &+ 8] = negative[row &* words &+ w]
                    }
                }
            }
        }
        lanes.deinitialize(count: groups &* words &* 16)
        _ = UnsafeMutableRawPointer(lanes).bindMemory(to: SIMD8<UInt64>.self, capacity: groups &* words &* 2)
    }
}

/// What a product does with its dots: `tile` gets dots[j] (lane r = the dot of row 8 * group + r
/// of `a`; lanes past a.rows are meaningless) with rows j0..<j0+8 of `b`; `row` gets the dots with
/// one row j of `b`. The workers call a sink concurrently for disjoint (group, rows of `b`) pairs.
protocol DotSink: Sendable {
    func tile(_ dots: (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>,
                       SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>), group: Int, j0: Int)
    func row(_ dots: SIMD8<UInt64>, group: Int, j: Int)
}

/// One ternary product's operands, shared read-only by the workers.
private struct Product<Sink: DotSink>: Sendable {
    let a: SendablePointer<SIMD8<UInt64>>
    let bNonzero: SendablePointer<UInt64>, bNegative: SendablePointer<UInt64>
    let sink: Sink
    let bRows: Int, words: Int
    /// Both operands binary: dot = columns - 2 popcount(negA ^ negB), three instructions per word.
    let columns: Int, binary: Bool

    /// Dot products of the row groups of `a` with the rows of `b` in the given tiles. Tiles are
    /// taken `tilesPerBlock` at a time (a block of `b` stays in L1/L2) and each row group of `a`
    /// sweeps the block, so its eight output rows are written as eight contiguous streams (output
    /// rows are b.rows * 4 bytes apart, often a multiple of 4 KiB: scattering over all rows of a
    /// tile thrashed one L1 set and ran 4x slower).
    func compute(tiles: Range<Int>, groups: Range<Int>) {
        let tileRows = TernaryGEMM.bRowsPerTile
        for blockStart in stride(from: tiles.lowerBound, to: tiles.upperBound, by: TernaryGEMM.tilesPerBlock) {
            let block = blockStart..<min(tiles.upperBound, blockStart &+ TernaryGEMM.tilesPerBlock)
            for group in groups {
                for tile in block {
                    let j0 = tile &* tileRows
                    if j0 &+ tileRows <= bRows {
                        fullTile(group: group, j0: j0)
                    } else {
                        for j in j0..<bRows { singleRow(group: group, j: j) }
                    }
                }
            }
        }
    }

    /// Dots of row group `group` of `a` with rows j0..<j0+8 of `b`, computed four rows of `b` at
    /// a time.
    private func fullTile(group: Int, j0: Int) {
        let (d0, d1, d2, d3) = binary ? fourBinaryDots(group: group, j0: j0) : fourDots(group: group, j0: j0)
        let (d4, d5, d6, d7) = binary ? fourBinaryDots(group: group, j0: j0 &+ 4) : fourDots(group: group, j0: j0 &+ 4)
        sink.tile((d0, d1, d2, d3, d4, d5, d6, d7), group: group, j0: j0)
    }

    @inline(__always)
    private func fourDots(group: Int, j0: Int) -> (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let nz = UnsafePointer(bNonzero.pointer + j0 &* words), ng = UnsafePointer(bNegative.pointer + j0 &* words)
        let w1 = words, w2 = words &* 2, w3 = words &* 3
        var p0 = SIMD8<UInt64>(), p1 = SIMD8<UInt64>(), p2 = SIMD8<UInt64>(), p3 = SIMD8<UInt64>()
        var m0 = SIMD8<UInt64>(), m1 = SIMD8<UInt64>(), m2 = SIMD8<UInt64>(), m3 = SIMD8<UInt64>()
        for w in 0..<words {
            let aNonzero = ap[0], aNegative = ap[1]
            ap += 2
            let b0 = aNonzero & SIMD8(repeating: nz[w]), b1 = aNonzero & SIMD8(repeating: nz[w &+ w1])
            let b2 = aNonzero & SIMD8(repeating: nz[w &+ w2]), b3 = aNonzero & SIMD8(repeating: nz[w &+ w3])
            p0 &+= b0.nonzeroBitCount
            p1 &+= b1.nonzeroBitCount
            p2 &+= b2.nonzeroBitCount
            p3 &+= b3.nonzeroBitCount
            m0 &+= (b0 & (aNegative ^ SIMD8(repeating: ng[w]))).nonzeroBitCount
            m1 &+= (b1 & (aNegative ^ SIMD8(repeating: ng[w &+ w1]))).nonzeroBitCount
            m2 &+= (b2 & (aNegative ^ SIMD8(repeating: ng[w &+ w2]))).nonzeroBitCount
            m3 &+= (b3 & (aNegative ^ SIMD8(repeating: ng[w &+ w3]))).nonzeroBitCount
        }
        return (p0 &- (m0 &<< 1), p1 &- (m1 &<< 1), p2 &- (m2 &<< 1), p3 &- (m3 &<< 1))
    }

    /// `fourDots` for binary operands: only the sign planes are read.
    @inline(__always)
    private func fourBinaryDots(group: Int, j0: Int) -> (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let ng = UnsafePointer(bNegative.pointer + j0 &* words)
        let w1 = words, w2 = words &* 2, w3 = words &* 3
        var m0 = SIMD8<UInt64>(), m1 = SIMD8<UInt64>(), m2 = SIMD8<UInt64>(), m3 = SIMD8<UInt64>()
        for w in 0..<words {
            let aNegative = ap[1]
            ap += 2
            m0 &+= (aNegative ^ SIMD8(repeating: ng[w])).nonzeroBitCount
            m1 &+= (aNegative ^ SIMD8(repeating: ng[w &+ w1])).nonzeroBitCount
            m2 &+= (aNegative ^ SIMD8(repeating: ng[w &+ w2])).nonzeroBitCount
            m3 &+= (aNegative ^ SIMD8(repeating: ng[w &+ w3])).nonzeroBitCount
        }
        let n = SIMD8<UInt64>(repeating: UInt64(columns))
        return (n &- (m0 &<< 1), n &- (m1 &<< 1), n &- (m2 &<< 1), n &- (m3 &<< 1))
    }

    private func singleRow(group: Int, j: Int) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let nz = UnsafePointer(bNonzero.pointer + j &* words), ng = UnsafePointer(bNegative.pointer + j &* words)
        var plus = SIMD8<UInt64>(), minus = SIMD8<UInt64>()
        for w in 0..<words {
            let both = ap[0] & SIMD8(repeating: nz[w])
            plus &+= both.nonzeroBitCount
            minus &+= (both & (ap[1] ^ SIMD8(repeating: ng[w]))).nonzeroBitCount
            ap += 2
        }
        sink.row(plus &- (minus &<< 1), group: group, j: j)
    }
}

/// Stores the dots as Int32: out[i * bRows + j].
private struct Int32Sink: DotSink {
    let out: SendablePointer<Int32>
    let aRows: Int, bRows: Int

    /// Transposes the 8 x 8 block in registers so that each row of `a` stores eight consecutive
    /// outputs as one 8 x Int32 vector.
    @inline(__always)
    func tile(_ dots: (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>,
                       SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>), group: Int, j0: Int) {
        let rows = transpose(dots.0, dots.1, dots.2, dots.3, dots.4, dots.5, dots.6, dots.7)
        let row0 = group &* 8, valid = aRows &- row0
        let target = UnsafeMutableRawPointer(out.pointer + (row0 &* bRows &+ j0)), stride = bRows &* 4
        @inline(__always) func put(_ row: SIMD8<UInt64>, _ lane: Int) {
            if lane < valid {
                target.storeBytes(of: SIMD8<Int32>(truncatingIfNeeded: row), toByteOffset: lane &* stride, as: SIMD8<Int32>.self)
            }
        }
        put(rows.0, 0)
        put(rows.1, 1)
        put(rows.2, 2)
        put(rows.3, 3)
        put(rows.4, 4)
        put(rows.5, 5)
        put(rows.6, 6)
        put(rows.7, 7)
    }

    /// out[(8 * group + lane) * bRows + j] = dots[lane] for the lanes that are real rows of `a`.
    @inline(__always)
    func row(_ dots: SIMD8<UInt64>, group: Int, j: Int) {
        let row0 = group &* 8
        for lane in 0..<min(8, aRows &- row0) {
            out.pointer[(row0 &+ lane) &* bRows &+ j] = Int32(truncatingIfNeeded: dots[lane])
        }
    }

    /// 8 x 8 transpose: result[r][j] = input j, lane r. Three perfect unshuffles of the 64
    /// values (evens then odds) rotate the 6-bit index by 3 bits, i.e. swap row and lane.
    @inline(__always)
    func transpose(_ r0: SIMD8<UInt64>, _ r1: SIMD8<UInt64>, _ r2: SIMD8<UInt64>, _ r3: SIMD8<UInt64>,
                           _ r4: SIMD8<UInt64>, _ r5: SIMD8<UInt64>, _ r6: SIMD8<UInt64>, _ r7: SIMD8<UInt64>)
        -> (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>) {
        var v = (r0, r1, r2, r3, r4, r5, r6, r7)
        for _ in 0..<3 {
            v = (SIMD8(lowHalf: v.0.evenHalf, highHalf: v.1.evenHalf), SIMD8(lowHalf: v.2.evenHalf, highHalf: v.3.evenHalf),
                 SIMD8(lowHalf: v.4.evenHalf, highHalf: v.5.evenHalf), SIMD8(lowHalf: v.6.evenHalf, highHalf: v.7.evenHalf),
                 SIMD8(lowHalf: v.0.oddHalf, highHalf: v.1.oddHalf), SIMD8(lowHalf: v.2.oddHalf, highHalf: v.3.oddHalf),
                 SIMD8(lowHalf: v.4.oddHalf, highHalf: v.5.oddHalf), SIMD8(lowHalf: v.6.oddHalf, highHalf: v.7.oddHalf))
        }
        return v
    }
}
