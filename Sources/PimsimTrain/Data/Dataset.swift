import PimsimCore

/// Images (one unsigned byte per pixel, CHW per image) and labels for training and testing.
public struct Dataset: Sendable {
    /// Name recorded in net.json metadata (the data folder's name, e.g. `mnist5k`).
    public var name: String
    /// `mnist`, `cifar10` or `cifar100`.
    public var format: String
    public var shape: TensorShape
    public var classes: Int
    public var trainImages: [UInt8]
    public var trainLabels: [Int]
    public var testImages: [UInt8]
    public var testLabels: [Int]

    public init(name: String, format: String, shape: TensorShape, classes: Int,
                trainImages: [UInt8], trainLabels: [Int], testImages: [UInt8], testLabels: [Int]) {
        self.name = name
        self.format = format
        self.shape = shape
        self.classes = classes
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    public var trainCount: Int { trainLabels.count }
    public var testCount: Int { testLabels.count }

    /// The first `train` training and `test` test images (for quick runs).
    public func limited(train: Int?, test: Int?) -> Dataset {
        var copy = self
        let size = shape.count
        if let train, train < trainCount {
            copy.trainImages = Array(trainImages[0..<train * size])
            copy.trainLabels = Array(trainLabels[0..<train])
        }
        if let test, test < testCount {
            copy.testImages = Array(testImages[0..<test * size])
            copy.testLabels = Array(testLabels[0..<test])
        }
        return copy
    }
}

/// Pixel encoding shared by training and integer evaluation: a byte p becomes the signed 8-bit
/// integer p - 128 (the first layer's int8 input), which training sees as (p - 128) / 128.
public enum PixelEncoding {
    public static let offset = 128
    /// The real value of one integer input step (1/128).
    public static let step: Float = 1 / 128

    @inline(__always) static func integer(_ p: UInt8) -> Float { Float(Int(p) - offset) }
}
