import PimsimKernelBase
import PimsimKernels
import XCTest

/// The read-out kernels of the functional simulation give the same values on every instruction
/// set, checked against hand-computed reads (16-lane body and scalar tail both).
final class AnalogKernelsTests: XCTestCase {
    func testADCReadsOnEveryPath() {
        // Δ = 2, K = 3: a · 0.5 rounded half to even, clamped to ±3, times 2.
        let adc = ADCLevels(step: 2, inverseStep: 0.5, largestCode: 3)
        let exact = ADCLevels(step: 1, inverseStep: 1, largestCode: 100)
        let x: [Float] = [0, 1, 2, 3, 5, -1, -3, -5, 7, 100, -100, 4.9, 0.99, -0.99, 6, 1.01, 1, 3, -7]
        let expected: [Float] = [0, 0, 2, 4, 4, -0, -4, -4, 6, 6, -6, 4, 0, -0, 6, 2, 0, 4, -6]
        let ideal = x.map { $0.rounded(.toNearestOrEven) }
        forEachKernelISA { isa in
            var acc = [Float](repeating: 10, count: x.count)
            let differing = AnalogKernels.readADC(x, ideal: ideal, into: &acc, shift: 4, actual: adc, reference: exact, count: x.count)
            XCTAssertEqual(acc, expected.map { 10 + 4 * $0 }, "\(isa)")
            XCTAssertEqual(differing, zip(expected, ideal).filter { $0 != $1 }.count, "\(isa)")
        }
    }

    func testNoiseOnEveryPath() {
        let variance: [Float] = [4, 0, 9, 0.25, 0, 0, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2.25]
        let sums = (0..<variance.count).map { Float($0) }
        forEachKernelISA { isa in
            var scale = [Float](repeating: 0, count: variance.count)
            let needed = AnalogKernels.noiseScales(variance, sigma: 0.5, into: &scale, count: variance.count)
            XCTAssertEqual(needed, 15, "\(isa)")
            for (s, v) in zip(scale, variance) { XCTAssertEqual(s, 0.5 * v.squareRoot(), accuracy: 1e-6 * max(1, s), "\(isa)") }
            let samples = (0..<needed).map { Float($0 + 1) } + [0]
            var x = scale
            AnalogKernels.addNoise(sums, scale: scale, samples: samples, drawn: needed, into: &x, count: variance.count)
            var k = 0
            for p in 0..<variance.count {
                XCTAssertEqual(x[p], sums[p] + scale[p] * samples[k], "\(isa) read \(p)")
                if variance[p] != 0 { k += 1 }
            }
        }
    }

    func testNoiseWhenEveryReadIsDriven() {
        // No zero variance: sample p goes to read p (the vector loop), 19 reads = 16 + tail.
        let scale = (0..<19).map { Float($0 % 5 + 1) * 0.25 }, sums = (0..<19).map { Float($0) - 9 }
        let samples = (0..<19).map { Float($0 % 7) - 3 } + [0]
        forEachKernelISA { isa in
            var x = [Float](repeating: 0, count: 19)
            AnalogKernels.addNoise(sums, scale: scale, samples: samples, drawn: 19, into: &x, count: 19)
            XCTAssertEqual(x, (0..<19).map { sums[$0] + scale[$0] * samples[$0] }, "\(isa)")
        }
    }
}
