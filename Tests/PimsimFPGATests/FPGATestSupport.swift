import PimsimCore
import PimsimFPGA
import XCTest

/// Shared fixtures: the shipped device database and operator library.
enum Fixtures {
    static func device(_ name: String = "xc7k480t") throws -> FPGADevice { try FPGADevice.resolve(name) }
    static func library() throws -> OperatorLibrary { try OperatorLibrary.shipped() }

    static func model(_ device: String = "xc7k480t", memory: WeightMemory = .bram, activations: ActivationMode = .network) throws -> LayerCostModel {
        try LayerCostModel(library: try library(), device: try self.device(device), weightMemory: memory, activations: activations)
    }

    /// The text of the shipped XC7K480T file, for corrupting in error tests.
    static func deviceText() throws -> String {
        try TextFile.read(try FPGADevice.directory() + "/xc7k480t.json")
    }

    /// One weighted layer of a zoo network.
    static func layer(_ network: String, _ name: String) throws -> LayerWorkload {
        try XCTUnwrap(LayerWorkload.all(in: try ModelZoo.network(named: network)).first { $0.name == name })
    }
}
