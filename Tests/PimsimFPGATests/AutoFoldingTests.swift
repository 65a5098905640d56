import PimsimCore
import PimsimFPGA
import XCTest

/// `--auto`: the largest uniform MAC count per layer that fits, and not one more.
final class AutoFoldingTests: XCTestCase {
    /// `fitting` types must reach a fitting design that one more MAC unit per layer breaks; the
    /// others cannot fit at all (their weights do not fit on chip).
    func check(_ estimator: FPGAEstimator, _ label: String, fitting: [WeightType] = WeightType.allCases) {
        for type in WeightType.allCases where !fitting.contains(type) {
            let best = estimator.estimate(type, parallelism: .auto)
            XCTAssertFalse(best.fits, "\(label) \(type)")
            XCTAssertEqual(best.macUnitsPerLayer, 1, "\(label) \(type)")
        }
        for type in fitting {
            let best = estimator.estimate(type, parallelism: .auto)
            let fullyUnrolled = best.layers.allSatisfy { $0.macUnits == $0.workload.fullUnroll }
            XCTAssertTrue(best.fits, "\(label) \(type): --auto result must fit")
            XCTAssertFalse(fullyUnrolled, "\(label) \(type): expected the device, not the network, to be the limit")
            let more = estimator.estimate(type, parallelism: .macs(best.macUnitsPerLayer + 1))
            XCTAssertFalse(more.fits, "\(label) \(type): \(best.macUnitsPerLayer + 1) per layer must not fit")
        }
    }

    func testResNet20OnXC7K480T() throws {
        check(FPGAEstimator(model: try Fixtures.model(), layers: LayerWorkload.all(in: try ModelZoo.network(named: "resnet20"))), "resnet20")
    }

    func testAlexNetLastLayerOnXC7K480TWithWeightsOffChip() throws {
        check(FPGAEstimator(model: try Fixtures.model(memory: .offChip), layers: [try Fixtures.layer("alexnet", "fc8")]), "fc8/off-chip")
    }

    func testAlexNetLastLayerOnZU9EGWithWeightsInLUTRAM() throws {
        // Ternary: 4,096,000 x 2 bits = 128,000 LUT6 of LUTRAM, within the ZU9EG's 144,000; float never fits.
        check(FPGAEstimator(model: try Fixtures.model("xczu9eg", memory: .lutram), layers: [try Fixtures.layer("alexnet", "fc8")]),
              "fc8/lutram", fitting: [.ternary, .binary])
    }

    func testResNet20OnZynq7020() throws {
        // Float weights: 269,722 x 32 bits = 8.6 Mb > 140 x 36 Kb = 5.2 Mb of block RAM.
        check(FPGAEstimator(model: try Fixtures.model("xc7z020"), layers: LayerWorkload.all(in: try ModelZoo.network(named: "resnet20"))),
              "resnet20/7z020", fitting: [.ternary, .binary])
    }

    func testFloatAlexNetWeightsDoNotFitInBlockRAMAtAnyParallelism() throws {
        let estimator = FPGAEstimator(model: try Fixtures.model(), layers: [try Fixtures.layer("alexnet", "fc8")])
        let float = estimator.estimate(.float, parallelism: .auto)
        XCTAssertFalse(float.fits)
        XCTAssertEqual(float.fit.exceeded, ["bram18"], "4096 x 1000 x 32 bits = 131 Mb > 955 x 36 Kb")
    }
}
