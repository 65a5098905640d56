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

extension IdealArrayTests {
    /// The trained LeNet-5 fixture: every layer by ADC on 144-row arrays, conv2 and fc1 by
    /// comparators on 1,024-row arrays; both equal the integer evaluation.
    func testTrainedLeNet5() throws {
        let graph = try NetJSON.read(path: ResourceLocator.locate("examples/nets/lenet5-twn.json"))
        var config = try shippedConfig("reram-1t1r")
        try assertIdealMatchesIntegerEvaluation(graph, config: config, images: 300)
        config.rows = Constant(1024, unit: "rows", source: "test")
        try assertIdealMatchesIntegerEvaluation(graph, config: config, images: 300)
    }

    /// The other encodings and cells: sram-16t1c (one signed cell per weight), isaac (two-phase
    /// inputs, ADCs only; its 8-bit rule is below lossless for 128-row tiles, so 16 bits are
    /// simulated) and paired-row inputs (two rows per signed input).
    func testOtherConfigs() throws {
        let graph = try syntheticNetwork("resnet20", split: .uniform(36))
        try assertIdealMatchesIntegerEvaluation(graph, config: try shippedConfig("sram-16t1c"), images: 60)
        let isaac = try shippedConfig("isaac")
        let data = try mnistTest(60)
        var sixteen = CrossbarModel(config: isaac)
        sixteen.adcBits = 16
        let reference = try TernaryEvaluator.evaluate(graph, images: data.testImages, labels: data.testLabels, shape: data.shape, classes: 10)
        let simulated = try HardwareEvaluator(graph: graph, config: isaac, shape: data.shape, classes: 10)
            .run(model: sixteen, trial: 0, seed: 1, images: data.testImages, labels: data.testLabels)
        XCTAssertEqual(simulated.predictions, reference.predictions)
        var paired = try shippedConfig("reram-1t1r")
        paired.inputEncoding = .pairedRows
        let split144 = try syntheticNetwork("resnet20", split: .uniform(144))
        XCTAssertTrue(try NetworkMapper.map(split144, on: paired).layers.contains { $0.rowsPerInput == 2 && $0.rowTiles > 1 })
        try assertIdealMatchesIntegerEvaluation(split144, config: paired, images: 60)
    }
}
