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

