/// A batch of feature maps in NCHW order (batch, channels, height, width), float32.
/// Fully connected activations use height = width = 1.
public struct Tensor: Sendable {
    public var n: Int
    public var c: Int
    public var h: Int
    public var w: Int
    public var data: [Float]

    public init(n: Int, c: Int, h: Int, w: Int, data: [Float]) {
        precondition(data.count == n * c * h * w, "tensor data does not match its shape")
        self.n = n; self.c = c; self.h = h; self.w = w
        self.data = data
    }

    /// A zero tensor.
    public init(n: Int, c: Int, h: Int, w: Int) {
        self.init(n: n, c: c, h: h, w: w, data: [Float](repeating: 0, count: n * c * h * w))
    }

    /// A tensor whose values are undefined until written (for outputs that are fully overwritten).
    init(uninitializedN n: Int, c: Int, h: Int, w: Int) {
        self.n = n; self.c = c; self.h = h; self.w = w
        data = [Float](unsafeUninitializedCapacity: n * c * h * w) { _, count in count = n * c * h * w }
    }

    /// No values (the input gradient of a layer whose input needs none).
    static let empty = Tensor(n: 0, c: 0, h: 0, w: 0)

    public var count: Int { data.count }
    /// Values per image (c * h * w).
    public var imageSize: Int { c * h * w }
    /// Positions per channel (h * w).
    public var plane: Int { h * w }

    /// Images `range` of the batch.
    func images(_ range: Range<Int>) -> Tensor {
        Tensor(n: range.count, c: c, h: h, w: w, data: Array(data[(range.lowerBound * imageSize)..<(range.upperBound * imageSize)]))
    }

    /// The same tensor with zeros in place of its values.
    func zerosLike() -> Tensor { Tensor(n: n, c: c, h: h, w: w) }
}
