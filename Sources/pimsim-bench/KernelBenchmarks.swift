import Foundation
import PimsimKernels

/// Float GEMM, bit-packed ternary GEMM and activation packing, each on one thread and on all
/// cores. Ternary and packing: a conv-shaped product (M=64 output channels, K=576 = 3x3x64,
/// N=8192 positions) and 512^3. Float: the same two and the products of training (batch 64 per
/// worker, MNIST): each convolution's forward product W (M x K) * patches (K x N), its weight
/// gradient dY (M x N) * patches^T and its input gradient W^T * dY (K x N), for the three stages
/// of ResNet-20 and the two convolutions of LeNet-5. examples/bench/gemm.py times numpy or
/// PyTorch on the same cases under the same names. Rates: GFLOP/s = 2*M*N*K / time,
/// GMAC/s = M*N*K / time.
enum KernelBenchmarks {
    static let shapes: [(label: String, m: Int, k: Int, n: Int)] = [
        ("M64 K576 N8192", 64, 576, 8192),
        ("512^3", 512, 512, 512),
    ]
    /// Convolutions of the training module: (label, output channels M, patch size K, positions N).
    static let trainingShapes: [(label: String, m: Int, k: Int, n: Int)] = [
        ("resnet20 s1 M16 K144 N50176", 16, 144, 50176),
        ("resnet20 s2 M32 K288 N12544", 32, 288, 12544),
        ("resnet20 s3 M64 K576 N3136", 64, 576, 3136),
        ("lenet5 conv1 M32 K25 N36864", 32, 25, 36864),
        ("lenet5 conv2 M64 K800 N4096", 64, 800, 4096),
    ]

    /// One float product: name, C = op(A) op(B) with C m x n and depth k.
    struct FloatCase {
        let name: String
        let m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
    }

    static var floatCases: [FloatCase] {
        shapes.map { FloatCase(name: $0.label, m: $0.m, n: $0.n, k: $0.k, transposeA: false, transposeB: false) }
            + trainingShapes.flatMap { shape in [
                FloatCase(name: "\(shape.label) fwd", m: shape.m, n: shape.n, k: shape.k, transposeA: false, transposeB: false),
                // dW (M x K) = dY (M x N) * patches^T, patches stored K x N.
                FloatCase(name: "\(shape.label) dW", m: shape.m, n: shape.k, k: shape.n, transposeA: false, transposeB: true),
                // dPatches (K x N) = W^T * dY, W stored M x K.
                FloatCase(name: "\(shape.label) dX", m: shape.k, n: shape.n, k: shape.m, transposeA: true, transposeB: false),
            ] }
    }

    static func cases() -> [Benchmark] {
        let all = ProcessInfo.processInfo.activeProcessorCount
        let threadCounts = all > 1 ? [1, all] : [1]
        var cases: [Benchmark] = []
        for product in floatCases {
            let a = UnsafeMutableBufferPointer<Float>.allocate(capacity: product.m * product.k)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: product.k * product.n)
            let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: product.m * product.n)
            var random = SeededGenerator(seed: 1)
            for i in a.indices { a[i] = random.nextSigned() }
            for i in b.indices { b[i] = random.nextSigned() }
            let flop = 2.0 * Double(product.m * product.n * product.k)
            for threads in threadCounts {
                cases.append(Benchmark(name: "float gemm \(product.name) \(threads)T", iterations: 15,
                                       work: (flop, "GFLOP/s")) {
                    FloatGEMM.multiply(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: product.m, n: product.n, k: product.k,
                                       transposeA: product.transposeA, transposeB: product.transposeB, threads: threads)
                })
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
