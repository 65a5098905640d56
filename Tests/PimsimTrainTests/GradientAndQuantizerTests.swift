import PimsimCore
import PimsimKernels
import PimsimTrain
import XCTest

final class GradientCheckTests: XCTestCase {
    func testEveryLayerMatchesFiniteDifferences() {
        for subject in GradientCheck.Subject.allCases {
            let error = GradientCheck.maximumError(subject)
            XCTAssertLessThan(error, 2e-2, "\(subject.rawValue): analytic and numeric gradients differ")
            XCTAssertGreaterThan(error, 0, "\(subject.rawValue): float32 differences are never exact, so 0 means nothing was compared")
        }
    }

    /// Convolution forward and input gradient against direct loops, every im2col path.
    func testConvolutionMatchesDirectLoops() {
        XCTAssertLessThan(GradientCheck.convolutionError(), 1e-4)
        // Bit-packed forward pass of TWN weights on ternary inputs; on every kernel set.
        let initial = KernelISA.active
        defer { KernelISA.select(initial) }
        for isa in KernelISA.supported {
            KernelISA.select(isa)
            XCTAssertLessThan(GradientCheck.convolutionError(ternary: true), 1e-4, "\(isa)")
        }
    }

    func testTernaryActivationThresholdAndStraightThroughMask() {
        // δ = τ max|x| = 0.25 * 2 = 0.5; mask 1 where |x| <= 1.
        let r = GradientCheck.activation(.ternary, values: [2.0, -0.4, 0.6, -1.5, 0.3, -0.5], thresholdingFactor: 0.25)
        XCTAssertEqual(r.output, [1, 0, 1, -1, 0, 0])
        XCTAssertEqual(r.gradient, [0, 1, 1, 0, 1, 1])
        // A group activation's fixed δ = 0.5 replaces τ max|x| (0.9 here: all but 1.0 would be 0).
        let g = GradientCheck.activation(.ternary, values: [0.6, -0.4, 0.5, -0.51, 0.3, 1.0], thresholdingFactor: 0.9, fixedThreshold: 0.5)
        XCTAssertEqual(g.output, [1, 0, 0, -1, 0, 1])
        XCTAssertEqual(g.gradient, [1, 1, 1, 1, 1, 1])
        let s = GradientCheck.activation(.sign, values: [2.0, -0.4, 0, -1.5], thresholdingFactor: 0)
        XCTAssertEqual(s.output, [1, -1, 1, -1])
        XCTAssertEqual(s.gradient, [0, 1, 1, 0])
    }
}

final class WeightQuantizerTests: XCTestCase {
    let w: [Float] = [0.5, -0.1, 0.05, -1.5, 0.2, 0.0]

    func testTWN() {
        // E|W| = 2.35/6, Δ = 0.7 * 0.391667 = 0.274167: keeps 0.5 and -1.5; α = (0.5 + 1.5)/2 = 1.
        let r = WeightQuantizer.twn.quantize(w, outChannels: 1)
        XCTAssertEqual(r.codes, [1, 0, 0, -1, 0, 0])
        XCTAssertEqual(r.scales[0], 1.0, accuracy: 1e-6)
        XCTAssertEqual(r.effective, [1, 0, 0, -1, 0, 0])
        XCTAssertEqual(r.mask, [1, 1, 1, 1, 1, 1], "TWN passes gradients straight through")
        XCTAssertTrue(r.perLayer)
    }

    func testStatisticalScaling() {
        // Δ = 0.1 * max|W| = 0.15: keeps 0.5, -1.5, 0.2; α = 2.2/3; STE mask 0 where |W| > 1.
        let r = WeightQuantizer.statistical(beta: 0.1).quantize(w, outChannels: 1)
        XCTAssertEqual(r.codes, [1, 0, 0, -1, 1, 0])
        XCTAssertEqual(r.scales[0], 2.2 / 3, accuracy: 1e-6)
        XCTAssertEqual(r.mask, [1, 1, 1, 0, 1, 1])
        // |W| >= Δ is inclusive: a weight exactly at the threshold is kept.
        let edge = WeightQuantizer.statistical(beta: 0.5).quantize([1.0, 0.5, 0.49], outChannels: 1)
        XCTAssertEqual(edge.codes, [1, 1, 0])
        XCTAssertEqual(edge.scales[0], 0.75, accuracy: 1e-6)
    }

    func testXNORPerChannelScales() {
        // Rows [0.5, -0.1, 0.05] and [-1.5, 0.2, 0.0]: α = mean |W| per row; sign(0) = +1.
        let r = WeightQuantizer.xnor.quantize(w, outChannels: 2)
        XCTAssertEqual(r.codes, [1, -1, 1, -1, 1, 1])
        XCTAssertEqual(r.scales[0], 0.65 / 3, accuracy: 1e-6)
        XCTAssertEqual(r.scales[1], 1.7 / 3, accuracy: 1e-6)
        XCTAssertFalse(r.perLayer)
        XCTAssertEqual(r.effective[3], -1.7 / 3, accuracy: 1e-6)
    }

    func testResidualExpansionSumsTwoTernarisations() {
        // β = 0.05: Δ = 0.075, keeps 0.5, -0.1, -1.5, 0.2, α1 = 2.3/4; β = 0.1: Δ = 0.15, α2 = 2.2/3.
        let r = WeightQuantizer.residual(betas: [0.05, 0.1]).quantize(w, outChannels: 1)
        let a1: Float = 2.3 / 4, a2: Float = 2.2 / 3
        let expected: [Float] = [a1 + a2, -a1, 0, -(a1 + a2), a1 + a2, 0]
        for (e, v) in zip(expected, r.effective) { XCTAssertEqual(v, e, accuracy: 1e-6) }
        XCTAssertNil(r.codes)
    }

    func testFloatIsIdentity() {
        XCTAssertEqual(WeightQuantizer.float.quantize(w, outChannels: 1).effective, w)
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.cosine.rate(base: 0.1, progress: 0), 0.1, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.cosine.rate(base: 0.1, progress: 0.5), 0.05, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.step.rate(base: 0.1, progress: 0.6), 0.01, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.step.rate(base: 0.1, progress: 0.8), 0.001, accuracy: 1e-8)
    }
}

final class ChanceLevelTests: XCTestCase {
    /// Chance is 1/classes; the warning band reaches 2 points above it and includes everything below.
    func testWithinTwoPointsOfChance() {
        XCTAssertEqual(ChanceLevel.chance(classes: 10), 0.1)
        XCTAssertTrue(ChanceLevel.isNearChance(0.088, classes: 10), "8.8 %, the README run of issue 10, is below chance")
        XCTAssertTrue(ChanceLevel.isNearChance(0.12, classes: 10))
        XCTAssertFalse(ChanceLevel.isNearChance(0.121, classes: 10))
        XCTAssertFalse(ChanceLevel.isNearChance(0.374, classes: 10))
        XCTAssertTrue(ChanceLevel.isNearChance(0.03, classes: 100))
        XCTAssertFalse(ChanceLevel.isNearChance(0.031, classes: 100))
        XCTAssertTrue(ChanceLevel.isNearChance(0.515, classes: 2))
        XCTAssertFalse(ChanceLevel.isNearChance(0.53, classes: 2))
    }
}
