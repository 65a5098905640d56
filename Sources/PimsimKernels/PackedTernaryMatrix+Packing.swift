import PimsimKernelBase

/// Fast packing of row-major activations (or weights) into `PackedTernaryMatrix` bit-planes,
/// 64 values per word (column c of a row goes to bit c % 64 of word c / 64). Pack each layer's
/// activations once and reuse the packed matrix: packing floats costs more than a product with
/// them (docs/performance.md).
extension PackedTernaryMatrix {
    /// Packs `values` (row-major, rows x columns, each -1, 0 or +1; anything else is a
    /// precondition failure). Rows are packed on all cores when there are at least
    /// `parallelPackValues` values.
    public init(values: UnsafePointer<Int8>, rows: Int, columns: Int, threads: Int = .max) {
        self.init(rows: rows, columns: columns)
        let words = wordsPerRow, source = SendablePointer(values), kernels = KernelISA.kernels
        let valid = fillPlanes(threads: threads) { nonzero, negative, row in
            kernels.packRow(source.pointer + row &* columns, columns: columns,
                               nonzero: nonzero + row &* words, negative: negative + row &* words)
        }
        precondition(valid, "ternary values must be -1, 0 or +1")
    }

    /// Ternarises `values` (row-major, rows x columns) with one threshold pair:
    /// +1 where x > high, -1 where x < low, 0 otherwise (also for NaN). Requires low <= high.
    public init(values: UnsafePointer<Float>, rows: Int, columns: Int, low: Float, high: Float, threads: Int = .max) {
        self.init(values: values, rows: rows, columns: columns,
                  lowPerColumn: [Float](repeating: low, count: columns),
                  highPerColumn: [Float](repeating: high, count: columns), threads: threads)
    }

    /// Ternarises `values` with a threshold pair per column (e.g. per input channel of an im2col
    /// patch): value (r, c) is +1 if x > highPerColumn[c], -1 if x < lowPerColumn[c], else 0.
    public init(values: UnsafePointer<Float>, rows: Int, columns: Int, lowPerColumn: [Float], highPerColumn: [Float],
                threads: Int = .max) {
        precondition(lowPerColumn.count == columns && highPerColumn.count == columns, "one threshold pair per column")
        precondition(zip(lowPerColumn, highPerColumn).allSatisfy { $0 <= $1 }, "each low threshold must be <= its high threshold")
        self.init(rows: rows, columns: columns)
        let words = wordsPerRow, source = SendablePointer(values), kernels = KernelISA.kernels
        lowPerColumn.withUnsafeBufferPointer { lowBuffer in
            highPerColumn.withUnsafeBufferPointer { highBuffer in
                let low = SendablePointer(lowBuffer.baseAddress ?? UnsafePointer(bitPattern: 64)!)
                let high = SendablePointer(highBuffer.baseAddress ?? UnsafePointer(bitPattern: 64)!)
                _ = fillPlanes(threads: threads) { nonzero, negative, row in
                    kernels.packRow(source.pointer + row &* columns, columns: columns, low: low.pointer, high: high.pointer,
                                       binary: false, nonzero: nonzero + row &* words, negative: negative + row &* words)
                    return true
                }
            }
        }
    }

    /// Binarises `values` (row-major) as sign(x): -1 where x < 0, +1 otherwise, NaN included
    /// (XNOR-Net inputs).
    /// Every nonzero bit is set, so `TernaryGEMM` computes the binary dot product exactly.
    public init(signsOf values: UnsafePointer<Float>, rows: Int, columns: Int, threads: Int = .max) {
        self.init(signsOf: values, rows: rows, columns: columns, thresholdPerColumn: [Float](repeating: 0, count: columns), threads: threads)
    }

    /// Binarises `values` with a threshold per column: -1 where x < thresholdPerColumn[c], else +1
    /// (NaN included). Every nonzero bit is set.
    public init(signsOf values: UnsafePointer<Float>, rows: Int, columns: Int, thresholdPerColumn: [Float], threads: Int = .max) {
        precondition(thresholdPerColumn.count == columns, "one threshold per column")
        self.init(rows: rows, columns: columns)
        let words = wordsPerRow, source = SendablePointer(values), kernels = KernelISA.kernels
        thresholdPerColumn.withUnsafeBufferPointer { thresholdBuffer in
            let threshold = SendablePointer(thresholdBuffer.baseAddress ?? UnsafePointer(bitPattern: 64)!)
            _ = fillPlanes(threads: threads) { nonzero, negative, row in
                kernels.packRow(source.pointer + row &* columns, columns: columns, low: threshold.pointer, high: threshold.pointer,
                                binary: true, nonzero: nonzero + row &* words, negative: negative + row &* words)
                return true
            }
        }
    }

    /// Array convenience for the Float ternariser with one threshold pair.
    public init(values: [Float], rows: Int, columns: Int, low: Float, high: Float) {
        precondition(values.count == rows * columns, "values must be rows x columns")
        self = values.withUnsafeBufferPointer { buffer in
            PackedTernaryMatrix(values: buffer.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: rows, columns: columns,
                                low: low, high: high)
        }
    }

    /// Array convenience for the sign binariser.
    public init(signsOf values: [Float], rows: Int, columns: Int) {
        precondition(values.count == rows * columns, "values must be rows x columns")
        self = values.withUnsafeBufferPointer { buffer in
            PackedTernaryMatrix(signsOf: buffer.baseAddress ?? UnsafePointer(bitPattern: 64)!, rows: rows, columns: columns)
        }
    }

    /// All values unpacked, row-major (the inverse of `init(values:rows:columns:)`).
    public func values() -> [Int8] {
        var result = [Int8](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns { result[row * columns + column] = value(row: row, column: column) }
        }
        return result
    }

    /// Values at or above which packing runs on all cores (Dispatch costs ~5 µs after idle).
    static let parallelPackValues = 1 << 18

    /// Runs `packRow(nonzero, negative, row)` for every row, on all cores for large matrices;
    /// returns whether every row reported valid input.
    private mutating func fillPlanes(threads: Int,
                                     _ packRow: @Sendable (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>, Int) -> Bool) -> Bool {
        let rows = self.rows
        let workers = rows &* columns < Self.parallelPackValues ? 1 : max(1, min(threads, Parallel.processorCount, rows))
        var valid = [Bool](repeating: true, count: workers)
        nonzero.withUnsafeMutableBufferPointer { nonzeroBuffer in
            negative.withUnsafeMutableBufferPointer { negativeBuffer in
                valid.withUnsafeMutableBufferPointer { validBuffer in
                    guard let nz = nonzeroBuffer.baseAddress, let ng = negativeBuffer.baseAddress else { return }
                    let nonzero = SendablePointer(nz), negative = SendablePointer(ng)
                    let flags = SendablePointer(validBuffer.baseAddress!)
                    Parallel.run(workers: workers) { worker in
                        for row in Parallel.range(part: worker, of: workers, units: rows)
                        where !packRow(nonzero.pointer, negative.pointer, row) {
                            flags.pointer[worker] = false
                        }
                    }
                }
            }
        }
        return valid.allSatisfy { $0 }
    }
}
