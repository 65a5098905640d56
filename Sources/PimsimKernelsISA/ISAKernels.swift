import PimsimKernelBase

/// This module's kernels (the module is compiled once per instruction set from the same sources;
/// see Package.swift and docs/performance.md, "Build configurations").
package enum ISAKernels: KernelSet {
    #if PIMSIM_ISA_AVX512
    package static let instructionSet = "avx512"
    #elseif PIMSIM_ISA_AVX2
    package static let instructionSet = "avx2"
    #elseif arch(arm64)
    package static let instructionSet = "neon"
    #else
    package static let instructionSet = "baseline"
    #endif

    package static func floatMultiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                      m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool, threads: Int) {
        FloatProduct.multiply(a, b, c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                              accumulate: accumulate, threads: threads)
    }

    package static func ternaryMultiply(_ a: TernaryOperand, _ b: TernaryOperand, into out: UnsafeMutablePointer<Int32>, transposed: Bool,
                                        threads: Int) {
        if transposed {
            TernaryProduct.run(a, b, sink: TransposedInt32Sink(out: SendablePointer(out), aRows: a.rows), threads: threads)
        } else {
            TernaryProduct.run(a, b, sink: Int32Sink(out: SendablePointer(out), aRows: a.rows, bRows: b.rows), threads: threads)
        }
    }

    package static func ternaryThreshold(_ a: TernaryOperand, _ b: TernaryOperand, low: UnsafePointer<Int64>, high: UnsafePointer<Int64>,
                                         nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>,
                                         resultWordsPerRow: Int, threads: Int) {
        TernaryProduct.threshold(a, b, low: low, high: high, nonzero: nonzero, negative: negative,
                                 resultWordsPerRow: resultWordsPerRow, threads: threads)
    }

    package static func packRow(_ source: UnsafePointer<Int8>, columns: Int,
                                nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) -> Bool {
        BitPacking.packRow(source, columns: columns, nonzero: nonzero, negative: negative)
    }

    package static func packRow(_ source: UnsafePointer<Float>, columns: Int, low: UnsafePointer<Float>, high: UnsafePointer<Float>,
                                binary: Bool, nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) {
        BitPacking.packRow(source, columns: columns, low: low, high: high, binary: binary, nonzero: nonzero, negative: negative)
    }

    package static func readADC(_ x: UnsafePointer<Float>, ideal: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, shift: Float,
                                actual: ADCLevels, reference: ADCLevels, count: Int) -> Int {
        AnalogReadout.readADC(x, ideal: ideal, into: acc, shift: shift, actual: actual, reference: reference, count: count)
    }

    package static func noiseScales(_ variance: UnsafePointer<Float>, sigma: Float, into scale: UnsafeMutablePointer<Float>, count: Int) -> Int {
        AnalogReadout.noiseScales(variance, sigma: sigma, into: scale, count: count)
    }

    package static func addNoise(_ sum: UnsafePointer<Float>, scale: UnsafePointer<Float>, samples z: UnsafePointer<Float>, drawn: Int,
                                 into x: UnsafeMutablePointer<Float>, count: Int) {
        AnalogReadout.addNoise(sum, scale: scale, samples: z, drawn: drawn, into: x, count: count)
    }
}
