import PimsimCore
import PimsimSim
import XCTest

/// Geometry, read-out and encoding choices of the mapping stage.
final class MappingTests: XCTestCase {
    func layer(_ name: String, _ r: SimulationResult) -> LayerResult { r.layers.first { $0.mapping.name == name }! }

    func testSeedConfigurationsTileResNet20AsTheArithmeticSays() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        let config = try HardwareConfig.load("reram-1t1r")
        let none = try Simulator.run(graph, on: config)
        // 576 connections over 144 rows: 4 row tiles; 64 outputs x 2 cells = 128 columns: 1 column tile.
        let s3 = layer("s3b3c2", none).mapping
        XCTAssertEqual([s3.rowTiles, s3.columnTiles, s3.arrays], [4, 1, 4])
        XCTAssertEqual(s3.readout, .adc(bits: 9))  // 144 ternary rows: 2 * 144 + 1 = 289 levels
        XCTAssertEqual(s3.adcs, 4 * 16)            // 128 columns / 8 per ADC, per array
        // Split to 36: 16 groups of 36 rows and 4 outputs (8 columns) each, packed 4 to an array.
        let split = try Simulator.run(graph, on: config, split: .uniform(36))
        let g = layer("s3b3c2", split).mapping
        XCTAssertEqual([g.groups, g.connections, g.groupsPerArray, g.arrays], [16, 36, 4, 4])
        XCTAssertEqual(g.readout, .senseAmp(comparators: 2))
        XCTAssertEqual(g.utilisation, 16.0 * 36 * 8 / (4 * 144 * 128), accuracy: 1e-12)
        // conv1's int8 image: 8 bit-serial cycles; 27 ternary-weight rows, 1-bit slices: 55 levels, 6 bits.
        let conv1 = layer("conv1", split)
        XCTAssertEqual(conv1.mapping.readout, .adc(bits: 6))
        XCTAssertEqual(conv1.schedule.steps, 32 * 32 * 8)
    }

    /// Input-buffer reads per group: k x k x c per position without reuse; with a line buffer an
    /// output row reads its first window and then min(stride, k) new columns per position.
    func testLineBufferReadsEachInputOncePerOutputRow() throws {
        var b = GraphBuilder(input: TensorShape(channels: 4, height: 8, width: 8))
        b.convBlock("s1", out: 8, kernel: 3, padding: 1, precision: .ternary, activation: .ternary)
        b.convBlock("s2", out: 8, kernel: 3, stride: 2, padding: 1, precision: .ternary, activation: .ternary)
        b.add("g", .conv2d(Conv2DAttributes(outChannels: 8, kernel: 3, padding: 1, groups: 2)), precision: .ternary)
        b.add("g.act", .activation(.ternary))
        b.add("pw", .conv2d(Conv2DAttributes(outChannels: 8, kernel: 1)), precision: .ternary)
        b.add("flatten", .flatten)
        b.add("fc", .linear(LinearAttributes(outFeatures: 10)), precision: .ternary)
        let graph = try b.build(name: "reuse")
        var config = try HardwareConfig.load("reram-1t1r")
        config.inputReuse = .none
        let whole = try Simulator.run(graph, on: config)
        config.inputReuse = .lineBuffer
        let reused = try Simulator.run(graph, on: config)
        // 8 x 8 outputs, 3 x 3 x 4 windows: 64 x 36 = 2,304 whole; 8 x (36 + 7 x 3 x 4) = 960 reused.
        XCTAssertEqual(layer("s1", whole).mapping.inputReadsPerGroup, 2304)
        XCTAssertEqual(layer("s1", reused).mapping.inputReadsPerGroup, 960)
        // Stride 2 over s1's 8 channels (4 x 4 outputs): 16 x 72 = 1,152 whole; 4 x (72 + 3 x 2 x 8 x 3) = 864.
        XCTAssertEqual(layer("s2", whole).mapping.inputReadsPerGroup, 1152)
        XCTAssertEqual(layer("s2", reused).mapping.inputReadsPerGroup, 864)
        // Two groups of 4 channels on 4 x 4: 4 x (3 x 3 x 4 + 3 x 3 x 4) per group = 288.
        XCTAssertEqual(layer("g", reused).mapping.inputReadsPerGroup, 288)
        // 1 x 1 kernels and linear layers read every input once either way.
        XCTAssertEqual(layer("pw", reused).mapping.inputReadsPerGroup, 16 * 8)
        XCTAssertEqual(layer("fc", reused).mapping.inputReadsPerGroup, 128)
        // The buffer reads follow (2 bits per ternary input, one column tile); nothing else changes.
        XCTAssertEqual(layer("s1", reused).events.bufferReadBits, 960 * 2)
        XCTAssertEqual(layer("s1", reused).events.cellReadsOn, layer("s1", whole).events.cellReadsOn)
        XCTAssertLessThan(reused.energyPJ, whole.energyPJ)
    }

    /// ReLU after an ADC layer is one digital operation per output, before the output is stored;
    /// global-buffer transfers and input traffic on the interconnect are config choices.
    func testReLUTransferAndInterconnectTraffic() throws {
        let graph = try ModelZoo.network(named: "vgg8")
        var config = try HardwareConfig.load("reram-1t1r")
        let plain = try Simulator.run(graph, on: config)
        let conv2 = layer("conv2", plain)
        XCTAssertEqual(conv2.mapping.readout.kind, "adc")
        XCTAssertEqual(conv2.mapping.digitalOpsPerOutput, 1)
        XCTAssertEqual(conv2.mapping.outputBits, 16)  // reram-1t1r's accumulator width
        XCTAssertEqual(conv2.schedule.transferNS, 0)
        config.transferBitsPerNSPerTile = Constant(2, unit: "bits/ns", source: "test")
        config.interconnectTraffic = .inputsAndOutputs
        let slow = try Simulator.run(graph, on: config)
        let s2 = layer("conv2", slow)
        // 36 arrays of 96 per tile: one tile; inputs each once (line buffer) plus 128 x 32 x 32 outputs of 16 bits.
        let bits = Double(conv2.mapping.uniqueInputBits + 128 * 1024 * 16)
        XCTAssertEqual(conv2.mapping.uniqueInputBits, 32 * (9 * 128 + 31 * 3 * 128) * 8)
        XCTAssertEqual(s2.schedule.transferNS, bits / 2, accuracy: 1e-6)
        XCTAssertEqual(s2.schedule.latencyNS, conv2.schedule.latencyNS + bits / 2, accuracy: 1e-6)
        XCTAssertEqual(s2.events.interconnectBitHops - conv2.events.interconnectBitHops, Double(conv2.mapping.uniqueInputBits), accuracy: 1e-6)
        // fc1: 57 row tiles (8,192 / 144) x 64 column tiles (8 one-bit cells per int8 weight) =
        // 3,648 arrays = 38 tiles of 96 share the transfer.
        let fc1 = layer("fc1", slow)
        XCTAssertEqual(fc1.mapping.arrays, 57 * 64)
        XCTAssertEqual(fc1.schedule.transferNS, Double(8192 * 8 + 1024 * 16) / (2 * 38), accuracy: 1e-9)
    }

    func testInputEncodingIsAConfigChoice() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        var config = try HardwareConfig.load("reram-1t1r")
        let bipolar = layer("s1b1c1", try Simulator.run(graph, on: config))
        config.inputEncoding = .pairedRows
        let paired = layer("s1b1c1", try Simulator.run(graph, on: config))
        config.inputEncoding = .twoPhase
        let twoPhase = layer("s1b1c1", try Simulator.run(graph, on: config))
        // 144 connections: one array bipolar; two rows per input no longer fit 144 rows.
        XCTAssertEqual(bipolar.mapping.readout, .senseAmp(comparators: 2))
        XCTAssertEqual(paired.mapping.rowsPerGroup, 288)
        XCTAssertEqual(paired.mapping.readout.kind, "adc")
        // Two phases: twice the steps, the same wordline drives (each input drives in one phase).
        XCTAssertEqual(twoPhase.schedule.steps, 2 * bipolar.schedule.steps)
        XCTAssertEqual(twoPhase.events.wordlineDrives, bipolar.events.wordlineDrives)
        XCTAssertEqual(twoPhase.mapping.readout, .senseAmp(comparators: 2))
    }

    func testADCSharingSerialisesColumns() throws {
        let graph = try ModelZoo.network(named: "resnet20")
        var config = try HardwareConfig.load("reram-1t1r")
        let shared8 = layer("s3b3c2", try Simulator.run(graph, on: config))
        config.adcSharing = Constant(128, unit: "columns", source: "test")
        let shared128 = layer("s3b3c2", try Simulator.run(graph, on: config))
        // 64 sensed pairs per array: 4 conversions per ADC (16 ADCs) or 64 (1 ADC), 9 ns each.
        XCTAssertEqual(shared8.schedule.stepNS, max(10, 4 * 9))
        XCTAssertEqual(shared128.schedule.stepNS, 64 * 9)
        XCTAssertEqual(shared128.mapping.adcs, 4)
        XCTAssertEqual(shared8.events.adcConversions, shared128.events.adcConversions)
    }

    func testBinaryAndMultiBitNetworksMapOnOneFooting() throws {
        let config = try HardwareConfig.load("reram-1t1r")
        let xnor = try Simulator.run(try ModelZoo.network(named: "resnet20", binary: true), on: config, split: .uniform(144))
        XCTAssertEqual(layer("s1b1c1", xnor).mapping.readout, .senseAmp(comparators: 1))  // sign: one comparator
        let int16 = try Simulator.run(try ModelZoo.network(named: "resnet20").withPrecision(LayerPrecision(spec: "16/16")), on: config)
        let m = layer("s1b1c1", int16).mapping
        XCTAssertEqual(m.cellsPerWeight, 16)  // 16 bits over 1-bit cells
        XCTAssertEqual(m.bitCycles, 16)
        XCTAssertEqual(m.readout.kind, "adc")
    }
}
