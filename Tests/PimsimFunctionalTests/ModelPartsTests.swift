import PimsimFunctional
import PimsimKernels
import XCTest

/// The pieces of the crossbar model, checked by hand or against their distributions.
final class ModelPartsTests: XCTestCase {
    /// The ziggurat sampler (two samples per draw)'s moments and tails over 400,000 samples of a fixed seed: mean 0,
    /// variance 1, 4.55 % beyond 2 sigma and 0.27 % beyond 3 sigma (standard errors about 0.0016,
    /// 0.0022, 0.03 % and 0.008 %; the bounds are several of them).
    func testNormalSamplerMomentsAndTails() {
        var g = NormalStream(seed: 42)
        let n = 400_000
        var sum = 0.0, squares = 0.0, beyond2 = 0, beyond3 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n {
            let z = Double(g.next())
            sum += z; squares += z * z
            if abs(z) > 2 { beyond2 += 1 }
            if abs(z) > 3 { beyond3 += 1 }
        }
        print("normal sampler: \(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n)) ns per sample")
        let mean = sum / Double(n), variance = squares / Double(n) - mean * mean
        XCTAssertEqual(mean, 0, accuracy: 0.008)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        XCTAssertEqual(Double(beyond2) / Double(n), 0.0455, accuracy: 0.0015)
        XCTAssertEqual(Double(beyond3) / Double(n), 0.0027, accuracy: 0.0004)
    }
}


/// The ADC model by hand (docs/functional-sim.md, "ADC read-out").
final class ADCQuantiserTests: XCTestCase {
    func testLosslessResolutionReadsEveryIntegerExactly() {
        // 144 rows of ternary products: M = 144, 9 bits, Δ = 1, K = 144.
        let adc = ADCQuantiser(bits: 9, limit: 144, range: 1)
        XCTAssertEqual(adc.step, 1)
        XCTAssertEqual(adc.largestCode, 144)
        for v in -144...144 { XCTAssertEqual(adc.read(Float(v)), Float(v)) }
        XCTAssertEqual(adc.read(3.4), 3)
        XCTAssertEqual(adc.read(2.5), 2)   // ties to even
        XCTAssertEqual(adc.read(-200), -144)
    }

    func testFewerBitsWidenTheStep() {
        // 4 bits: K_B = 7 levels each side, Δ = 144 / 7.
        let adc = ADCQuantiser(bits: 4, limit: 144, range: 1)
        XCTAssertEqual(adc.step, Float(144.0 / 7.0))
        XCTAssertEqual(adc.largestCode, 7)
        XCTAssertEqual(adc.read(30), Float(144.0 / 7.0))
        XCTAssertEqual(adc.read(1000), 144, accuracy: 1e-4)
        XCTAssertEqual(adc.read(-10), 0)
    }

    func testRangeClips() {
        // Half the range: F = 72; with 9 bits Δ stays 1 and reads clip at ±72.
        let fine = ADCQuantiser(bits: 9, limit: 144, range: 0.5)
        XCTAssertEqual(fine.step, 1)
        XCTAssertEqual(fine.read(100), 72)
        XCTAssertEqual(fine.read(-71), -71)
        // With 4 bits Δ = 72 / 7.
        XCTAssertEqual(ADCQuantiser(bits: 4, limit: 144, range: 0.5).step, Float(72.0 / 7.0))
    }
}
