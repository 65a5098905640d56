import Foundation
import PimsimKernels

/// Float GEMM, bit-packed ternary GEMM and activation packing on the shapes of issue 5:
/// a conv-shaped product (M=64 output channels, K=576 = 3x3x64, N=8192 positions) and 512^3,
/// each on one thread and on all cores. Rates: GFLOP/s = 2*M*N*K / time, GMAC/s = M*N*K / time.
enum KernelBenchmarks {
    static let shapes: [(label: String, m: Int, k: Int, n: Int)] = [
        ("M64 K576 N8192", 64, 576, 8192),
        ("512^3", 512, 512, 512),
    ]
    /// Float-only shapes of the training module: ResNet-20's first stage (16 channels, 3x3x16
    /// patches) on a batch of 64 28x28 images, and LeNet-5's first layer (6 channels, 5x5 patches).
    static let trainingShapes: [(label: String, m: Int, k: Int, n: Int)] = [
        ("M16 K144 N50176", 16, 144, 50176),
        ("M6 K25 N36864", 6, 25, 36864),
    ]

    static func cases() -> [Benchmark] {
        let all = ProcessInfo.processInfo.activeProcessorCount
        let threadCounts = all > 1 ? [1, all] : [1]
        var cases: [Benchmark] = []
        for shape in shapes + trainingShapes {
            let a = UnsafeMutableBufferPointer<Float>.allocate(capacity: shape.m * shape.k)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: shape.k * shape.n)
            let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: shape.m * shape.n)
            var random = SeededGenerator(seed: 1)
            for i in a.indices { a[i] = random.nextSigned() }
            for i in b.indices { b[i] = random.nextSigned() }
            let flop = 2.0 * Double(shape.m * shape.n * shape.k)
            for threads in threadCounts {
                cases.append(Benchmark(name: "float gemm \(shape.label) \(threads)T", iterations: 15,
                                       work: (flop, "GFLOP/s")) {
                    FloatGEMM.multiply(a.baseAddress!, b.baseAddress!, c.baseAddress!,
                                       m: shape.m, n: shape.n, k: shape.k, threads: threads)
                })
            }
            if shape.m < 64 {
                // The weight gradient of the same layer: dW (M x K) = dY (M x N) * patches^T.
                for threads in threadCounts {
                    cases.append(Benchmark(name: "float gemm dW \(shape.label) \(threads)T", iterations: 15,
                                           work: (flop, "GFLOP/s")) {
                        FloatGEMM.multiply(c.baseAddress!, b.baseAddress!, a.baseAddress!,
                                           m: shape.m, n: shape.k, k: shape.n, transposeB: true, threads: threads)
                    })
                }
            }
        }
        for shape in shapes {
            // a: M rows of weights, b: N rows (im2col patches), both K columns.
            var random = SeededGenerator(seed: 2)
            let weights = (0..<shape.m * shape.k).map { _ in Int8(truncatingIfNeeded: Int(random.next() % 3) - 1) }
            let activations = (0..<shape.n * shape.k).map { _ in random.nextSigned() }
            let a = PackedTernaryMatrix(values: weights, rows: shape.m, columns: shape.k)
            let b = PackedTernaryMatrix(values: activations, rows: shape.n, columns: shape.k, low: -0.3, high: 0.3)
            let macs = Double(shape.m * shape.n * shape.k)
            let out = UnsafeMutablePointer<Int32>.allocate(capacity: shape.m * shape.n)
            let binaryA = PackedTernaryMatrix(signsOf: weights.map { Float($0) - 0.5 }, rows: shape.m, columns: shape.k)
            let binaryB = PackedTernaryMatrix(signsOf: activations, rows: shape.n, columns: shape.k)
            for threads in threadCounts {
                cases.append(Benchmark(name: "ternary gemm \(shape.label) \(threads)T", iterations: 31,
                                       work: (macs, "GMAC/s")) {
                    TernaryGEMM.multiply(a, b, into: out, threads: threads)
                })
            }
            // Fused layer: product + per-channel thresholds -> packed activations (no Int32 output).
            let low = (0..<shape.m).map { Int32($0 % 7) - 12 }, high = low.map { $0 + 20 }
            // The result is reused across calls, as an inference loop reuses its activation buffers.
            var activationsOut = PackedTernaryMatrix(rows: shape.n, columns: shape.m)
            for threads in threadCounts {
                cases.append(Benchmark(name: "ternary gemm+threshold \(shape.label) \(threads)T", iterations: 31,
                                       work: (macs, "GMAC/s")) {
                    TernaryGEMM.multiplyAndTernarize(a, b, low: low, high: high, into: &activationsOut, threads: threads)
                })
            }
            for threads in threadCounts {
                cases.append(Benchmark(name: "binary gemm+sign \(shape.label) \(threads)T", iterations: 31,
                                       work: (macs, "GMAC/s")) {
                    TernaryGEMM.multiplyAndBinarize(binaryA, binaryB, threshold: low, into: &activationsOut, threads: threads)
                })
            }
            for threads in threadCounts {
                cases.append(Benchmark(name: "binary gemm \(shape.label) \(threads)T", iterations: 31,
                                       work: (macs, "GMAC/s")) {
                    TernaryGEMM.multiply(binaryA, binaryB, into: out, threads: threads)
                })
            }
            let activationTernary = activations.map { $0 > 0.3 ? Int8(1) : ($0 < -0.3 ? -1 : 0) }
            for threads in threadCounts {
                cases.append(Benchmark(name: "pack int8 N\(shape.n) x K\(shape.k) \(threads)T", iterations: 15,
                                       work: (Double(shape.n * shape.k), "Gvalue/s")) {
                    activationTernary.withUnsafeBufferPointer {
                        _ = PackedTernaryMatrix(values: $0.baseAddress!, rows: shape.n, columns: shape.k, threads: threads)
                    }
                })
            }
            for threads in threadCounts {
                cases.append(Benchmark(name: "pack float N\(shape.n) x K\(shape.k) \(threads)T", iterations: 15,
                                       work: (Double(shape.n * shape.k), "Gvalue/s")) {
                    activations.withUnsafeBufferPointer {
                        _ = PackedTernaryMatrix(values: $0.baseAddress!, rows: shape.n, columns: shape.k,
                                                low: -0.3, high: 0.3, threads: threads)
                    }
                })
            }
        }
        return cases
    }
}
