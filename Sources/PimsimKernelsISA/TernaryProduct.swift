import PimsimKernelBase

/// Bit-exact ternary (and binary) matrix products with AND, XOR and popcount, behind
/// `TernaryGEMM` (docs/performance.md, "Ternary GEMM").
///
/// The rows of `a` are regrouped eight at a time so that word w of eight rows is one
/// SIMD8<UInt64> per bit-plane; each word of a row of `b` is broadcast to all eight lanes. Per
/// word and row of `b`: both = nzA & nzB, minus = both & (negA ^ negB), two lane-wise popcounts
/// and two adds: 8 x 64 = 512 multiply-accumulates. `passRows` rows of `b` share each load of
/// `a` (four with AVX-512's 32 registers, two elsewhere); an 8 x 8 register transpose lets each
/// row of `a` store eight outputs at once. When both operands are binary, dot = columns -
/// 2 popcount(negA ^ negB): one XOR, one popcount and one add per word. Work of at least
/// `parallelMACs` is split across cores by rows of `b` (or by groups of rows of `a` when `b` has
/// few rows), `chunksPerCore` contiguous chunks per core.
enum TernaryProduct {
    /// a.rows * b.rows * columns below which one thread is faster (~50 µs at ~1,000 GMAC/s on one
    /// core; waking a worker costs ~5 µs after idle; docs/performance.md).
    static let parallelMACs = 50_000_000
    /// Chunks per core: a core that starts late (the machine is shared) leaves its chunks to the
    /// others. Chunks share nothing, so more of them cost little.
    static let chunksPerCore = 4
    /// Rows of `b` per output tile: computed `passRows` at a time, then an 8 x 8 transpose gives
    /// each row of `a` eight consecutive outputs.
    static let bRowsPerTile = 8
    /// Tiles of `b` per cache block: 512 rows, 16 bytes per row and word (74 KiB at 576 columns).
    static let tilesPerBlock = 64

    /// Regroups `a` eight rows at a time and computes every dot product on up to `threads` cores,
    /// handing each 8 x 8 block (or single row of `b`) of dots to `sink`. Needs a.wordsPerRow > 0.
    static func run<Sink: DotSink>(_ a: TernaryOperand, _ b: TernaryOperand, sink: Sink, threads: Int) {
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
            let product = Product(a: SendablePointer(interleaved), bNonzero: SendablePointer(b.nonzero),
                                  bNegative: SendablePointer(b.negative), sink: sink,
                                  bRows: b.rows, words: words, columns: b.columns, binary: binary)
            Parallel.run(workers: workers) { worker in
                let tileRange = splitB ? Parallel.range(part: worker, of: workers, units: tiles) : 0..<tiles
                let groupRange = splitB ? 0..<groups : Parallel.range(part: worker, of: workers, units: groups)
                product.compute(tiles: tileRange, groups: groupRange)
            }
        }
    }

    /// interleaved[(g * words + w) * 2] = word w of rows 8g..8g+7 of the nonzero plane,
    /// [... + 1] the same of the negative plane; rows past a.rows are zero.
    private static func interleave(_ a: TernaryOperand, into target: UnsafeMutablePointer<SIMD8<UInt64>>) {
        let words = a.wordsPerRow, groups = (a.rows &+ 7) / 8
        let lanes = UnsafeMutableRawPointer(target).bindMemory(to: UInt64.self, capacity: groups &* words &* 16)
        lanes.initialize(repeating: 0, count: groups &* words &* 16)
        for row in 0..<a.rows {
            let group = row / 8, lane = row % 8
            for w in 0..<words {
                let slot = (group &* words &+ w) &* 16 &+ lane
                lanes[slot] = a.nonzero[row &* words &+ w]
                lanes[slot &+ 8] = a.negative[row &* words &+ w]
            }
        }
        lanes.deinitialize(count: groups &* words &* 16)
        _ = UnsafeMutableRawPointer(lanes).bindMemory(to: SIMD8<UInt64>.self, capacity: groups &* words &* 2)
    }
}

/// Eight dots: lane r = the dot of row 8g + r of `a` with one row of `b`.
typealias Dots = SIMD8<UInt64>

/// What a product does with its dots: `tile` gets dots[j] (lane r = the dot of row 8 * group + r
/// of `a`; lanes past a.rows are meaningless) with rows j0..<j0+8 of `b`; `row` gets the dots with
/// one row j of `b`. The workers call a sink concurrently for disjoint (group, rows of `b`) pairs.
protocol DotSink: Sendable {
    func tile(_ dots: (Dots, Dots, Dots, Dots, Dots, Dots, Dots, Dots), group: Int, j0: Int)
    func row(_ dots: Dots, group: Int, j: Int)
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
        let tileRows = TernaryProduct.bRowsPerTile
        for blockStart in stride(from: tiles.lowerBound, to: tiles.upperBound, by: TernaryProduct.tilesPerBlock) {
            let block = blockStart..<min(tiles.upperBound, blockStart &+ TernaryProduct.tilesPerBlock)
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

    /// Dots of row group `group` of `a` with rows j0..<j0+8 of `b`: four rows of `b` per pass on
    /// AVX-512 (8 accumulators of 8 x 64 bits fill half of its 32 registers), two elsewhere.
    private func fullTile(group: Int, j0: Int) {
        #if PIMSIM_ISA_AVX512
        let (d0, d1, d2, d3) = binary ? fourBinaryDots(group: group, j0: j0) : fourDots(group: group, j0: j0)
        let (d4, d5, d6, d7) = binary ? fourBinaryDots(group: group, j0: j0 &+ 4) : fourDots(group: group, j0: j0 &+ 4)
        #else
        let (d0, d1) = binary ? twoBinaryDots(group: group, j0: j0) : twoDots(group: group, j0: j0)
        let (d2, d3) = binary ? twoBinaryDots(group: group, j0: j0 &+ 2) : twoDots(group: group, j0: j0 &+ 2)
        let (d4, d5) = binary ? twoBinaryDots(group: group, j0: j0 &+ 4) : twoDots(group: group, j0: j0 &+ 4)
        let (d6, d7) = binary ? twoBinaryDots(group: group, j0: j0 &+ 6) : twoDots(group: group, j0: j0 &+ 6)
        #endif
        sink.tile((d0, d1, d2, d3, d4, d5, d6, d7), group: group, j0: j0)
    }

    @inline(__always)
    private func fourDots(group: Int, j0: Int) -> (Dots, Dots, Dots, Dots) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let nz = UnsafePointer(bNonzero.pointer + j0 &* words), ng = UnsafePointer(bNegative.pointer + j0 &* words)
        let w1 = words, w2 = words &* 2, w3 = words &* 3
        var p0 = Dots(), p1 = Dots(), p2 = Dots(), p3 = Dots()
        var m0 = Dots(), m1 = Dots(), m2 = Dots(), m3 = Dots()
        for w in 0..<words {
            let aNonzero = ap[0], aNegative = ap[1]
            ap += 2
            let b0 = aNonzero & Dots(repeating: nz[w]), b1 = aNonzero & Dots(repeating: nz[w &+ w1])
            let b2 = aNonzero & Dots(repeating: nz[w &+ w2]), b3 = aNonzero & Dots(repeating: nz[w &+ w3])
            p0 &+= b0.nonzeroBitCount
            p1 &+= b1.nonzeroBitCount
            p2 &+= b2.nonzeroBitCount
            p3 &+= b3.nonzeroBitCount
            m0 &+= (b0 & (aNegative ^ Dots(repeating: ng[w]))).nonzeroBitCount
            m1 &+= (b1 & (aNegative ^ Dots(repeating: ng[w &+ w1]))).nonzeroBitCount
            m2 &+= (b2 & (aNegative ^ Dots(repeating: ng[w &+ w2]))).nonzeroBitCount
            m3 &+= (b3 & (aNegative ^ Dots(repeating: ng[w &+ w3]))).nonzeroBitCount
        }
        return (p0 &- (m0 &<< 1), p1 &- (m1 &<< 1), p2 &- (m2 &<< 1), p3 &- (m3 &<< 1))
    }

    /// `fourDots` for binary operands: only the sign planes are read.
    @inline(__always)
    private func fourBinaryDots(group: Int, j0: Int) -> (Dots, Dots, Dots, Dots) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let ng = UnsafePointer(bNegative.pointer + j0 &* words)
        let w1 = words, w2 = words &* 2, w3 = words &* 3
        var m0 = Dots(), m1 = Dots(), m2 = Dots(), m3 = Dots()
        for w in 0..<words {
            let aNegative = ap[1]
            ap += 2
            m0 &+= (aNegative ^ Dots(repeating: ng[w])).nonzeroBitCount
            m1 &+= (aNegative ^ Dots(repeating: ng[w &+ w1])).nonzeroBitCount
            m2 &+= (aNegative ^ Dots(repeating: ng[w &+ w2])).nonzeroBitCount
            m3 &+= (aNegative ^ Dots(repeating: ng[w &+ w3])).nonzeroBitCount
        }
        let n = Dots(repeating: UInt64(columns))
        return (n &- (m0 &<< 1), n &- (m1 &<< 1), n &- (m2 &<< 1), n &- (m3 &<< 1))
    }

    /// Two rows of `b` per pass: 4 accumulators of 8 x 64 bits (8 AVX2 or 16 NEON registers).
    @inline(__always)
    private func twoDots(group: Int, j0: Int) -> (Dots, Dots) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let nz = UnsafePointer(bNonzero.pointer + j0 &* words), ng = UnsafePointer(bNegative.pointer + j0 &* words)
        var p0 = Dots(), p1 = Dots(), m0 = Dots(), m1 = Dots()
        for w in 0..<words {
            let aNonzero = ap[0], aNegative = ap[1]
            ap += 2
            let b0 = aNonzero & Dots(repeating: nz[w]), b1 = aNonzero & Dots(repeating: nz[w &+ words])
            p0 &+= b0.nonzeroBitCount
            p1 &+= b1.nonzeroBitCount
            m0 &+= (b0 & (aNegative ^ Dots(repeating: ng[w]))).nonzeroBitCount
            m1 &+= (b1 & (aNegative ^ Dots(repeating: ng[w &+ words]))).nonzeroBitCount
        }
        return (p0 &- (m0 &<< 1), p1 &- (m1 &<< 1))
    }

    /// `twoDots` for binary operands.
    @inline(__always)
    private func twoBinaryDots(group: Int, j0: Int) -> (Dots, Dots) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let ng = UnsafePointer(bNegative.pointer + j0 &* words)
        var m0 = Dots(), m1 = Dots()
        for w in 0..<words {
            let aNegative = ap[1]
            ap += 2
            m0 &+= (aNegative ^ Dots(repeating: ng[w])).nonzeroBitCount
            m1 &+= (aNegative ^ Dots(repeating: ng[w &+ words])).nonzeroBitCount
        }
        let n = Dots(repeating: UInt64(columns))
        return (n &- (m0 &<< 1), n &- (m1 &<< 1))
    }

    private func singleRow(group: Int, j: Int) {
        var ap = UnsafePointer(a.pointer + group &* words &* 2)
        let nz = UnsafePointer(bNonzero.pointer + j &* words), ng = UnsafePointer(bNegative.pointer + j &* words)
        var plus = Dots(), minus = Dots()
        for w in 0..<words {
            let both = ap[0] & Dots(repeating: nz[w])
            plus &+= both.nonzeroBitCount
            minus &+= (both & (ap[1] ^ Dots(repeating: ng[w]))).nonzeroBitCount
            ap += 2
        }
        sink.row(plus &- (minus &<< 1), group: group, j: j)
    }
}

/// Stores the dots as Int32: out[i * bRows + j].
struct Int32Sink: DotSink {
    let out: SendablePointer<Int32>
    let aRows: Int, bRows: Int

    /// Transposes the 8 x 8 block in registers so that each row of `a` stores eight consecutive
    /// outputs as one 8 x Int32 vector.
    @inline(__always)
    func tile(_ dots: (Dots, Dots, Dots, Dots, Dots, Dots, Dots, Dots), group: Int, j0: Int) {
        let rows = transpose(dots.0, dots.1, dots.2, dots.3, dots.4, dots.5, dots.6, dots.7)
        let row0 = group &* 8, valid = aRows &- row0
        let target = UnsafeMutableRawPointer(out.pointer + (row0 &* bRows &+ j0)), stride = bRows &* 4
        @inline(__always) func put(_ row: Dots, _ lane: Int) {
            if lane < valid {
                target.storeBytes(of: lowWords(row), toByteOffset: lane &* stride, as: SIMD8<Int32>.self)
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
    func row(_ dots: Dots, group: Int, j: Int) {
        let row0 = group &* 8
        for lane in 0..<min(8, aRows &- row0) {
            out.pointer[(row0 &+ lane) &* bRows &+ j] = Int32(truncatingIfNeeded: dots[lane])
        }
    }

    /// 8 x 8 transpose: result[r][j] = input j, lane r. Three perfect unshuffles of the 64
    /// values (evens then odds) rotate the 6-bit index by 3 bits, i.e. swap row and lane.
    @inline(__always)
    func transpose(_ r0: Dots, _ r1: Dots, _ r2: Dots, _ r3: Dots, _ r4: Dots, _ r5: Dots, _ r6: Dots, _ r7: Dots)
        -> (Dots, Dots, Dots, Dots, Dots, Dots, Dots, Dots) {
        var v = (r0, r1, r2, r3, r4, r5, r6, r7)
        for _ in 0..<3 {
            v = (Dots(lowHalf: v.0.evenHalf, highHalf: v.1.evenHalf), Dots(lowHalf: v.2.evenHalf, highHalf: v.3.evenHalf),
                 Dots(lowHalf: v.4.evenHalf, highHalf: v.5.evenHalf), Dots(lowHalf: v.6.evenHalf, highHalf: v.7.evenHalf),
                 Dots(lowHalf: v.0.oddHalf, highHalf: v.1.oddHalf), Dots(lowHalf: v.2.oddHalf, highHalf: v.3.oddHalf),
                 Dots(lowHalf: v.4.oddHalf, highHalf: v.5.oddHalf), Dots(lowHalf: v.6.oddHalf, highHalf: v.7.oddHalf))
        }
        return v
    }
}

/// Stores the dots position-major as Int32: out[j * aRows + i] (row j of `b` = one position,
/// i = one row of `a` = one channel): each row of `b` stores its eight channels as one vector.
struct TransposedInt32Sink: DotSink {
    let out: SendablePointer<Int32>
    let aRows: Int

    @inline(__always)
    func tile(_ dots: (Dots, Dots, Dots, Dots, Dots, Dots, Dots, Dots), group: Int, j0: Int) {
        withUnsafeBytes(of: dots) { block in
            for j in 0..<8 {
                row(block.load(fromByteOffset: j &* 64, as: Dots.self), group: group, j: j0 &+ j)
            }
        }
    }

    @inline(__always)
    func row(_ dots: Dots, group: Int, j: Int) {
        let row0 = group &* 8, target = out.pointer + (j &* aRows &+ row0)
        if aRows &- row0 >= 8 {
            UnsafeMutableRawPointer(target).storeBytes(of: lowWords(dots), as: SIMD8<Int32>.self)
        } else {
            for lane in 0..<(aRows &- row0) { target[lane] = Int32(truncatingIfNeeded: dots[lane]) }
        }
    }
}
