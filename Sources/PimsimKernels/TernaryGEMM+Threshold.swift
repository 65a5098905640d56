/// Fused ternary layer: the product of `TernaryGEMM` followed by a per-output-channel threshold,
/// written directly as the next layer's packed activations. The Int32 dots stay in registers: per
/// 8 x 8 block of dots the kernel stores 16 bytes instead of 256 (docs/performance.md).
extension TernaryGEMM {
    /// The next layer's ternary activations, packed, b.rows x a.rows (row j = one position of `b`,
    /// column i = one output channel = row i of `a`):
    /// value(j, i) = +1 if d > high[i], -1 if d < low[i], 0 otherwise, with d = sum over k of
    /// a[i][k] * b[j][k] (exact, as `multiply`). Requires low[i] <= high[i] + 1 (the two cases
    /// exclude each other; low = high + 1 gives a binary result). A real threshold t on the
    /// integer dot becomes high = floor(t) for `d > t` and low = ceil(t) for `d < t`.
    public static func multiplyAndTernarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int32], high: [Int32],
                                            threads: Int = .max) -> PackedTernaryMatrix {
        var result = PackedTernaryMatrix(rows: b.rows, columns: a.rows)
        multiplyAndTernarize(a, b, low: low, high: high, into: &result, threads: threads)
        return result
    }

    /// As above, overwriting `result` (b.rows x a.rows, e.g. the previous call's) instead of
    /// allocating one per call, for loops that reuse their activation buffers.
    public static func multiplyAndTernarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int32], high: [Int32],
                                            into result: inout PackedTernaryMatrix, threads: Int = .max) {
        precondition(low.count == a.rows && high.count == a.rows, "one threshold pair per row of a")
        precondition(zip(low, high).allSatisfy { Int64($0) <= Int64($1) + 1 }, "each low threshold must be <= its high threshold + 1")
        thresholded(a, b, low: low.map { Int64($0) }, high: high.map { Int64($0) }, into: &result, threads: threads)
    }

    /// The next layer's binary activations, packed, b.rows x a.rows (XNOR-Net sign with a
    /// per-channel threshold): value(j, i) = -1 if d < threshold[i], +1 otherwise, with d the
    /// exact dot of row i of `a` and row j of `b`. Every nonzero bit is set (`isBinary`).
    public static func multiplyAndBinarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, threshold: [Int32],
                                           threads: Int = .max) -> PackedTernaryMatrix {
        var result = PackedTernaryMatrix(rows: b.rows, columns: a.rows)
        multiplyAndBinarize(a, b, threshold: threshold, into: &result, threads: threads)
        return result
    }

    /// As above, overwriting `result` (b.rows x a.rows) instead of allocating.
    public static func multiplyAndBinarize(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, threshold: [Int32],
                                           into result: inout PackedTernaryMatrix, threads: Int = .max) {
        precondition(threshold.count == a.rows, "one threshold per row of a")
        // d > t - 1 is d >= t for integers: exactly one of the two cases holds.
        thresholded(a, b, low: threshold.map { Int64($0) }, high: threshold.map { Int64($0) - 1 }, into: &result,
                    threads: threads)
    }

    /// Writes every byte of `result` that holds a channel (bytes past the last group of eight
    /// channels are padding and stay zero).
    private static func thresholded(_ a: PackedTernaryMatrix, _ b: PackedTernaryMatrix, low: [Int64], high: [Int64],
                                    into result: inout PackedTernaryMatrix, threads: Int) {
        precondition(a.columns == b.columns, "both operands need the same number of columns")
        precondition(result.rows == b.rows && result.columns == a.rows, "the result must be b.rows x a.rows")
        guard a.rows > 0 && b.rows > 0 else { return }
        // Lanes past a.rows never pass either test, so their padding bits are written as zero.
        let groups = (a.rows &+ 7) / 8
        var lowLanes = [Int64](repeating: .min, count: groups &* 8), highLanes = [Int64](repeating: .max, count: groups &* 8)
        lowLanes.replaceSubrange(0..<a.rows, with: low)
        highLanes.replaceSubrange(0..<a.rows, with: high)
        let wordsPerRow = result.wordsPerRow
        a.withOperand { aOperand in
            b.withOperand { bOperand in
                result.nonzero.withUnsafeMutableBufferPointer { nonzero in
                    result.negative.withUnsafeMutableBufferPointer { negative in
                        lowLanes.withUnsafeBufferPointer { lowBuffer in
                            highLanes.withUnsafeBufferPointer { highBuffer in
                                KernelISA.kernels.ternaryThreshold(aOperand, bOperand, low: lowBuffer.baseAddress!, high: highBuffer.baseAddress!,
                                                                   nonzero: nonzero.baseAddress!, negative: negative.baseAddress!,
                                                                   resultWordsPerRow: wordsPerRow, threads: threads)
                            }
                        }
                    }
                }
            }
        }
    }
}
