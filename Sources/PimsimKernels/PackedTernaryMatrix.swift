/// A row-major matrix of values in {-1, 0, +1} packed as two bit-planes per row, 64 values per
/// 64-bit word: `nonzero` (bit set where the value is not 0) and `negative` (bit set where the
/// value is -1). Binary {-1, +1} matrices use the same layout with every nonzero bit set.
/// Padding bits past `columns` are zero in both planes.
public struct PackedTernaryMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// 64-bit words per row in each plane.
    public let wordsPerRow: Int
    public var nonzero: [UInt64]
    public var negative: [UInt64]

    /// Packs `values` (row-major, rows x columns, each -1, 0 or +1).
    public init(values: [Int8], rows: Int, columns: Int) {
        precondition(values.count == rows * columns, "values must be rows x columns")
        self.rows = rows
        self.columns = columns
        wordsPerRow = (columns + 63) / 64
        nonzero = [UInt64](repeating: 0, count: rows * wordsPerRow)
        negative = [UInt64](repeating: 0, count: rows * wordsPerRow)
        for r in 0..<rows {
            for col in 0..<columns {
                let v = values[r * columns + col]
                guard v != 0 else { continue }
                let word = r * wordsPerRow + col / 64
                let bit = UInt64(1) << UInt64(col % 64)
                nonzero[word] |= bit
                if v < 0 { negative[word] |= bit }
            }
        }
    }

    /// The value at (row, column).
    public func value(row: Int, column: Int) -> Int8 {
        let word = row * wordsPerRow + column / 64
        let bit = UInt64(1) << UInt64(column % 64)
        guard nonzero[word] & bit != 0 else { return 0 }
        return negative[word] & bit != 0 ? -1 : 1
    }
}

/// Bit-exact ternary (and binary) matrix products with AND, XOR and popcount.
public enum TernaryGEMM {
    /// out[i * b.rows + j] = sum over k of a[i][k] * b[j][k]: every row of `a` (e.g. one output
    /// channel's weights) dotted with every row of `b` (e.g. one im2col input patch).
    /// Per word: both = nzA & nzB; minus = both & (negA ^ negB);
    /// dot += popcount(both) - 2 * popcount(minus).
    public static func multiply(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix) -> [Int32] {
        precondition(a.columns == b.columns, "both operands need the same number of columns")
        // Reference implementation; the optimised kernel replaces the body, not the contract.
        var out = [Int32](repeating: 0, count: a.rows * b.rows)
        let words = a.wordsPerRow
        for i in 0..<a.rows {
            for j in 0..<b.rows {
                var dot = 0
                for w in 0..<words {
                    let both = a.nonzero[i * words + w] & b.nonzero[j * words + w]
                    let minus = both & (a.negative[i * words + w] ^ b.negative[j * words + w])
                    dot += both.nonzeroBitCount - 2 * minus.nonzeroBitCount
                }
                out[i * b.rows + j] = Int32(dot)
            }
        }
        return out
    }
}
