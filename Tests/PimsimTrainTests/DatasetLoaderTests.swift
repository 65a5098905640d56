import Foundation
import PimsimCore
import PimsimTrain
import XCTest

final class DatasetLoaderTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "pimsim-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ name: String, _ bytes: [UInt8]) { _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes)) }

    func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> $0) & 0xff) } }
    func images(_ count: Int, side: Int = 2) -> [UInt8] { be32(0x803) + be32(count) + be32(side) + be32(side) + [UInt8](repeating: 7, count: count * side * side) }
    func labels(_ values: [UInt8]) -> [UInt8] { be32(0x801) + be32(values.count) + values }

    func writeValidMNIST() {
        write("train-images-idx3-ubyte", images(3))
        write("train-labels-idx1-ubyte", labels([1, 2, 3]))
        write("t10k-images-idx3-ubyte", images(2))
        write("t10k-labels-idx1-ubyte", labels([4, 5]))
    }

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testValidTinyMNIST() throws {
        writeValidMNIST()
        let d = try DatasetLoader.load(directory: directory)
        XCTAssertEqual(d.format, "mnist")
        XCTAssertEqual(d.trainLabels, [1, 2, 3])
        XCTAssertEqual(d.testLabels, [4, 5])
        XCTAssertEqual(d.shape, TensorShape(channels: 1, height: 2, width: 2))
    }

    func testMissingFolder() {
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory + "/nope") },
                       "\(directory)/nope: --data: expected a folder with MNIST IDX or CIFAR binary files, found no such folder")
    }

    func testAFileInsteadOfAFolder() {
        write("readme.txt", [1])
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory + "/readme.txt") },
                       "\(directory)/readme.txt: --data: expected a folder with MNIST IDX or CIFAR binary files, found a file")
    }

    func testUnrecognisedFolder() {
        write("readme.txt", [1])
        XCTAssertTrue(message { try DatasetLoader.load(directory: directory) }.hasSuffix("found readme.txt"))
    }

    func testMissingMNISTFile() {
        writeValidMNIST()
        try? FileManager.default.removeItem(atPath: directory + "/t10k-labels-idx1-ubyte")
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/t10k-labels-idx1-ubyte: expected an existing, readable data file, found no such file")
    }

    func testDataFileThatIsADirectoryOrEmpty() throws {
        writeValidMNIST()
        try FileManager.default.removeItem(atPath: directory + "/t10k-labels-idx1-ubyte")
        try FileManager.default.createDirectory(atPath: directory + "/t10k-labels-idx1-ubyte", withIntermediateDirectories: false)
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/t10k-labels-idx1-ubyte: expected an existing, readable data file, found a directory")
    }

    func testTruncatedImages() {
        writeValidMNIST()
        write("train-images-idx3-ubyte", Array(images(3).dropLast(5)))
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/train-images-idx3-ubyte: expected 28 bytes (16-byte header + 3 images of 2x2), found 23 bytes (truncated)")
    }

    /// A damaged header whose count x rows x columns exceeds 64 bits is an error, not a trap.
    func testHeaderSizesThatOverflowAreErrors() {
        writeValidMNIST()
        write("t10k-images-idx3-ubyte", be32(0x803) + be32(0xFFFF_FFFF) + be32(0xFFFF_FFFF) + be32(0xFFFF_FFFF))
        XCTAssertTrue(message { try DatasetLoader.load(directory: directory) }
            .hasSuffix("t10k-images-idx3-ubyte: header: expected image count x rows x columns within 64 bits (a damaged header?), found 4294967295 images of 4294967295x4294967295"))
    }

    func testEvaluationReadsOnlyTheTestFiles() throws {
        writeValidMNIST()
        write("train-images-idx3-ubyte", Array(images(3).dropLast(5)))
        try FileManager.default.removeItem(atPath: directory + "/train-labels-idx1-ubyte")
        let d = try DatasetLoader.load(directory: directory, includeTraining: false)
        XCTAssertEqual(d.testLabels, [4, 5])
        XCTAssertEqual(d.trainLabels, [])
        XCTAssertEqual(d.shape, TensorShape(channels: 1, height: 2, width: 2))
        XCTAssertTrue(message { try DatasetLoader.load(directory: directory) }.contains("truncated"), "training still reads them")
    }

    func testMismatchedLabelCount() {
        writeValidMNIST()
        write("train-labels-idx1-ubyte", labels([1, 2]))
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/train-labels-idx1-ubyte: header: expected 3 labels, one per image in train-images-idx3-ubyte, found 2 labels")
    }

    func testBadMagicAndLabel() {
        writeValidMNIST()
        write("t10k-labels-idx1-ubyte", labels([4, 12]))
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/t10k-labels-idx1-ubyte: label 1: expected a digit 0-9, found 12")
        write("train-images-idx3-ubyte", be32(0x801) + [UInt8](repeating: 0, count: 12))
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/train-images-idx3-ubyte: header: expected IDX magic number 0x00000803 (unsigned-byte images, 3 dimensions), found 0x00000801")
    }

    func testCIFAR10() throws {
        let record = [UInt8](repeating: 9, count: 3073)
        for i in 1...5 { write("data_batch_\(i).bin", record + record) }
        write("test_batch.bin", record)
        let d = try DatasetLoader.load(directory: directory)
        XCTAssertEqual(d.format, "cifar10")
        XCTAssertEqual(d.trainCount, 10)
        XCTAssertEqual(d.testLabels, [9])
        XCTAssertEqual(d.shape, TensorShape(channels: 3, height: 32, width: 32))
        write("test_batch.bin", Array(record.dropLast(3)))
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/test_batch.bin: expected a whole number of 3073-byte CIFAR-10 records, found 3070 bytes (3070 bytes left over: truncated or not CIFAR-10)")
        write("test_batch.bin", [])
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/test_batch.bin: expected a whole number of 3073-byte CIFAR-10 records, found an empty file")
        try FileManager.default.removeItem(atPath: directory + "/data_batch_3.bin")
        XCTAssertEqual(message { try DatasetLoader.load(directory: directory) },
                       "\(directory)/data_batch_3.bin: expected an existing, readable data file, found no such file")
    }

    func testCIFAR100FineLabels() throws {
        var record = [UInt8](repeating: 0, count: 3074)
        record[0] = 3; record[1] = 87
        write("train.bin", record)
        write("test.bin", record)
        let d = try DatasetLoader.load(directory: directory)
        XCTAssertEqual(d.classes, 100)
        XCTAssertEqual(d.trainLabels, [87])
    }
}
