import Foundation
import PimsimCore

/// Reads MNIST (IDX) and CIFAR-10/100 (binary version) data folders. Every problem (missing,
/// truncated or mismatched files, labels out of range) is a one-line `InputError` naming the file.
public enum DatasetLoader {
    static let mnistFiles = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    static let cifar10Train = (1...5).map { "data_batch_\($0).bin" }
    static let cifar10Test = "test_batch.bin"
    static let cifar100Files = ["train.bin", "test.bin"]

    /// Loads the data set in `directory`, recognised by its file names.
    /// - Parameter includeTraining: false reads only the test files (evaluation needs no training
    ///   data, so a missing or damaged training file does not stop it); the training arrays are empty.
    public static func load(directory: String, includeTraining: Bool = true) throws -> Dataset {
        var isDirectory: ObjCBool = false
        let isPresent = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        guard isPresent, isDirectory.boolValue else {
            throw InputError(file: directory, location: "--data", expected: "a folder with MNIST IDX or CIFAR binary files", found: isPresent ? "a file" : "no such folder")
        }
        let name = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(directory, file)) }
        if mnistFiles.contains(where: exists) { return try loadMNIST(directory: directory, name: name, includeTraining: includeTraining) }
        if exists(cifar10Test) || cifar10Train.contains(where: exists) {
            return try loadCIFAR(directory: directory, name: name, coarseLabel: false, includeTraining: includeTraining)
        }
        if cifar100Files.contains(where: exists) { return try loadCIFAR(directory: directory, name: name, coarseLabel: true, includeTraining: includeTraining) }
        let listing = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        throw InputError(file: directory, location: "--data",
                         expected: "MNIST IDX files (\(mnistFiles.joined(separator: ", "))), CIFAR-10 binary files (data_batch_1.bin ... data_batch_5.bin, test_batch.bin) or CIFAR-100 binary files (train.bin, test.bin)",
                         found: listing.isEmpty ? "an empty folder" : listing.prefix(5).joined(separator: ", ") + (listing.count > 5 ? ", ..." : ""))
    }

    static func path(_ directory: String, _ file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    static func read(_ file: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw InputError(file: file, expected: "an existing, readable data file", found: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: file) else {
            throw InputError(file: file, expected: "an existing, readable data file", found: isDirectory.boolValue ? "a directory" : "a file that cannot be read")
        }
        return [UInt8](data)
    }

    static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    /// IDX: magic 0x00000803 (images: count, rows, columns) or 0x00000801 (labels: count), then bytes.
    static func loadMNIST(directory: String, name: String, includeTraining: Bool) throws -> Dataset {
        func images(_ file: String) throws -> (pixels: [UInt8], count: Int, rows: Int, columns: Int) {
            let p = path(directory, file)
            let bytes = try read(p)
            guard bytes.count >= 16 else { throw InputError(file: p, expected: "an IDX image file with a 16-byte header", found: "\(bytes.count) bytes") }
            let magic = bigEndian32(bytes, at: 0)
            guard magic == 0x0803 else { throw InputError(file: p, location: "header", expected: "IDX magic number 0x00000803 (unsigned-byte images, 3 dimensions)", found: String(format: "0x%08x", magic)) }
            let count = bigEndian32(bytes, at: 4), rows = bigEndian32(bytes, at: 8), columns = bigEndian32(bytes, at: 12)
            // Three 32-bit header fields can multiply past Int (a damaged header): an error, not a trap.
            guard let size = SizeLimits.product([count, rows, columns], limit: Int.max - 16) else {
                throw InputError(file: p, location: "header", expected: "image count x rows x columns within 64 bits (a damaged header?)",
                                 found: "\(count) images of \(rows)x\(columns)")
            }
            let expected = 16 + size
            guard bytes.count == expected else {
                throw InputError(file: p, expected: "\(expected) bytes (16-byte header + \(count) images of \(rows)x\(columns))", found: "\(bytes.count) bytes (\(bytes.count < expected ? "truncated" : "trailing data"))")
            }
            return (Array(bytes[16...]), count, rows, columns)
        }
        func labels(_ file: String, count: Int, imagesFile: String) throws -> [Int] {
            let p = path(directory, file)
            let bytes = try read(p)
            guard bytes.count >= 8 else { throw InputError(file: p, expected: "an IDX label file with an 8-byte header", found: "\(bytes.count) bytes") }
            let magic = bigEndian32(bytes, at: 0)
            guard magic == 0x0801 else { throw InputError(file: p, location: "header", expected: "IDX magic number 0x00000801 (unsigned-byte labels)", found: String(format: "0x%08x", magic)) }
            let n = bigEndian32(bytes, at: 4)
            guard n == count else { throw InputError(file: p, location: "header", expected: "\(count) labels, one per image in \(imagesFile)", found: "\(n) labels") }
            guard bytes.count == 8 + n else {
                throw InputError(file: p, expected: "\(8 + n) bytes (8-byte header + \(n) labels)", found: "\(bytes.count) bytes (\(bytes.count < 8 + n ? "truncated" : "trailing data"))")
            }
            let values = bytes[8...].map(Int.init)
            if let bad = values.firstIndex(where: { $0 > 9 }) {
                throw InputError(file: p, location: "label \(bad)", expected: "a digit 0-9", found: "\(values[bad])")
            }
            return values
        }
        let train = includeTraining ? try images(mnistFiles[0]) : nil
        let trainLabels = try train.map { try labels(mnistFiles[1], count: $0.count, imagesFile: mnistFiles[0]) } ?? []
        let test = try images(mnistFiles[2])
        if let train, test.rows != train.rows || test.columns != train.columns {
            throw InputError(file: path(directory, mnistFiles[2]), location: "header", expected: "\(train.rows)x\(train.columns) images like \(mnistFiles[0])", found: "\(test.rows)x\(test.columns)")
        }
        let testLabels = try labels(mnistFiles[3], count: test.count, imagesFile: mnistFiles[2])
        return Dataset(name: name, format: "mnist", shape: TensorShape(channels: 1, height: test.rows, width: test.columns), classes: 10,
                       trainImages: train?.pixels ?? [], trainLabels: trainLabels, testImages: test.pixels, testLabels: testLabels)
    }

    /// CIFAR binary: records of label byte(s) then 3072 pixel bytes (1024 R, 1024 G, 1024 B).
    /// CIFAR-100 records carry a coarse then a fine label; the fine label (100 classes) is used.
    static func loadCIFAR(directory: String, name: String, coarseLabel: Bool, includeTraining: Bool) throws -> Dataset {
        let labelBytes = coarseLabel ? 2 : 1, classes = coarseLabel ? 100 : 10
        let pixels = 3 * 32 * 32, record = labelBytes + pixels
        func records(_ file: String) throws -> ([UInt8], [Int]) {
            let p = path(directory, file)
            let bytes = try read(p)
            guard !bytes.isEmpty, bytes.count % record == 0 else {
                throw InputError(file: p, expected: "a whole number of \(record)-byte CIFAR-\(classes) records",
                                 found: bytes.isEmpty ? "an empty file" : "\(bytes.count) bytes (\(bytes.count % record) bytes left over: truncated or not CIFAR-\(classes))")
            }
            var images: [UInt8] = []
            var labels: [Int] = []
            images.reserveCapacity(bytes.count / record * pixels)
            for r in 0..<(bytes.count / record) {
                let label = Int(bytes[r * record + labelBytes - 1])
                guard label < classes else { throw InputError(file: p, location: "record \(r)", expected: "a label below \(classes)", found: "\(label)") }
                labels.append(label)
                images += bytes[(r * record + labelBytes)..<((r + 1) * record)]
            }
            return (images, labels)
        }
        let trainFiles = includeTraining ? (coarseLabel ? ["train.bin"] : cifar10Train) : []
        var trainImages: [UInt8] = [], trainLabels: [Int] = []
        for file in trainFiles {
            let (i, l) = try records(file)
            trainImages += i
            trainLabels += l
        }
        let (testImages, testLabels) = try records(coarseLabel ? "test.bin" : cifar10Test)
        return Dataset(name: name, format: coarseLabel ? "cifar100" : "cifar10", shape: TensorShape(channels: 3, height: 32, width: 32), classes: classes,
                       trainImages: trainImages, trainLabels: trainLabels, testImages: testImages, testLabels: testLabels)
    }
}
