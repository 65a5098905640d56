import PimsimCore
import PimsimFunctional
import PimsimSim
import PimsimTrain
import XCTest

/// With no non-ideality and ADCs of lossless resolution the simulated arrays compute exactly what
/// the integer evaluator computes: the same prediction for every image.
final class IdealArrayTests: XCTestCase {
    func assertIdealMatchesIntegerEvaluation(_ graph: Graph, config: HardwareConfig, images: Int = 200,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try mnistTest(images)
        let reference = try TernaryEvaluator.evaluate(graph, images: data.testImages, labels: data.testLabels, shape: data.shape, classes: 10)
        let evaluator = try HardwareEvaluator(graph: graph, config: config, shape: data.shape, classes: 10)
        let ideal = try evaluator.run(model: CrossbarModel(config: config).ideal, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
        XCTAssertEqual(ideal.predictions, reference.predictions, file: file, line: line)
        XCTAssertEqual(ideal.correct, reference.correct, file: file, line: line)
        // The network is not trivial: it predicts several classes.
        XCTAssertGreaterThanOrEqual(Set(reference.predictions).count, 3, file: file, line: line)
    }

    func testSplitResNet20OnReRAM() throws {
        let graph = try syntheticNetwork("resnet20", split: .uniform(72))
        let config = try shippedConfig("reram-1t1r")
        let mapping = try NetworkMapper.map(graph, on: config)
        // The mapping exercises comparators (with residual adds and packed groups) and ADCs.
        XCTAssertTrue(mapping.layers.contains { $0.readout.kind == "sense_amp" && $0.residual })
        XCTAssertTrue(mapping.layers.contains { $0.readout.kind == "sense_amp" && $0.groupsPerArray > 1 })
        XCTAssertTrue(mapping.layers.contains { $0.readout.kind == "adc" && $0.bitCycles == 8 })
        try assertIdealMatchesIntegerEvaluation(graph, config: config)
    }

    func testUnsplitResNet20RowTiles() throws {
        let graph = try syntheticNetwork("resnet20")
        let config = try shippedConfig("reram-1t1r")
        XCTAssertTrue(try NetworkMapper.map(graph, on: config).layers.contains { $0.rowTiles > 1 })
        try assertIdealMatchesIntegerEvaluation(graph, config: config)
    }
}
