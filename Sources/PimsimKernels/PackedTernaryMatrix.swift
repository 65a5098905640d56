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

    /// An all-zero rows x columns matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "matrix sizes must be non-negative")
        self.rows = rows
        self.columns = columns
        wordsPerRow = (columns + 63) / 64
        nonzero = [UInt64](repeating: 0, count: rows * wordsPerRow)
        negative = [UInt64](repeating: 0, count: rows * wordsPerRow)
    }

    /// A matrix from ready bit-planes (`rows * wordsPerRow` words each, in this type's layout;
    /// padding bits past `columns` must be zero).
    public init(rows: Int, columns: Int, nonzero: [UInt64], negative: [UInt64]) {
        let words = (columns + 63) / 64
        precondition(rows >= 0 && columns >= 0 && nonzero.count == rows * words && negative.count == rows * words,
                     "each plane must hold rows * wordsPerRow words")
        self.rows = rows
        self.columns = columns
        wordsPerRow = words
        self.nonzero = nonzero
        self.negative = negative
    }

    /// Packs `values` (row-major, rows x columns, each -1, 0 or +1; anything else is a
    /// precondition failure).
    public init(values: [Int8], rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "values must be rows x columns")
        self = values.withUnsafeBufferPointer { buffer in
            PackedTernaryMatrix(values: buffer.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: rows, columns: columns)
        }
    }

    /// True when no value is 0 (a binary {-1, +1} matrix): every nonzero bit of every row is set.
    /// Stops at the first zero value, so a ternary matrix usually answers after one word.
    public var isBinary: Bool {
        guard wordsPerRow > 0 else { return true }
        let lastWord: UInt64 = columns % 64 == 0 ? ~0 : (UInt64(1) << UInt64(columns % 64)) &- 1
        return nonzero.withUnsafeBufferPointer { words in
            for row in 0..<rows {
                let start = row &* wordsPerRow
                for w in 0..<(wordsPerRow &- 1) where words[start &+ w] != ~0 { return false }
                if words[start &+ wordsPerRow &- 1] != lastWord { return false }
            }
            return true
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
