import PimsimKernelBase

/// Bit-exact ternary (and binary) matrix products with AND, XOR and popcount.
///
/// Method (docs/performance.md): the rows of `a` are regrouped eight at a time so that word w of
/// eight rows is one 8 x 64-bit vector per bit-plane; each word of a row of `b` is broadcast to
/// all eight lanes. Per word and row of `b`: both = nzA & nzB, minus = both & (negA ^ negB), two
/// lane-wise popcounts and two adds: 8 x 64 = 512 multiply-accumulates. When both operands are
/// binary (`isBinary`), dot = columns - 2 popcount(negA ^ negB). Large products are split across
/// cores by rows of `b` (or by groups of rows of `a`). Every instruction set (`KernelISA`) gives
/// the same integers.
public enum TernaryGEMM {
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
        multiply(a, b, into: out, transposed: false, threads: threads)
    }

    /// Writes out[j * a.rows + i] (b.rows x a.rows Int32 values: with `b` = positions and `a` =
    /// channels, position-major), the transpose of `multiply(_:_:into:threads:)`.
    public static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, intoTransposed out: UnsafeMutablePointer<Int32>,
                                threads: Int = .max) {
        multiply(a, b, into: out, transposed: true, threads: threads)
    }

    private static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, into out: UnsafeMutablePointer<Int32>,
                                 transposed: Bool, threads: Int) {
        precondition(a.columns == b.columns, "both operands need the same number of columns")
        guard a.rows > 0 && b.rows > 0 else { return }
        guard a.wordsPerRow > 0 else {
            out.update(repeating: 0, count: a.rows &* b.rows)
            return
        }
        a.withOperand { aOperand in
            b.withOperand { bOperand in
                KernelISA.kernels.ternaryMultiply(aOperand, bOperand, into: out, transposed: transposed, threads: threads)
            }
        }
    }
}

extension PackedTernaryMatrix {
    /// Runs `body` with a view of the bit-planes for the kernels.
    func withOperand<Result>(_ body: (TernaryOperand) -> Result) -> Result {
        let binary = isBinary
        return nonzero.withUnsafeBufferPointer { nz in
            negative.withUnsafeBufferPointer { ng in
                // Empty planes (no rows or no columns) still need valid pointers.
                let empty = UnsafePointer<UInt64>(bitPattern: 64)!
                return body(TernaryOperand(nonzero: nz.baseAddress ?? empty, negative: ng.baseAddress ?? empty, rows: rows,
                                           columns: columns, wordsPerRow: wordsPerRow, isBinary: binary))
            }
        }
    }
}
