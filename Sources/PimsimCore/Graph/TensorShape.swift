/// The shape of one activation tensor for a single image: channels x height x width.
/// Flattened vectors have height and width 1.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// A flat vector of `features` values.
    public static func vector(_ features: Int) -> TensorShape { TensorShape(channels: features, height: 1, width: 1) }

    /// Number of values.
    public var count: Int { channels * height * width }

    /// Spatial positions (height x width).
    public var positions: Int { height * width }

    /// `CxHxW`, e.g. `16x32x32`.
    public var description: String { "\(channels)x\(height)x\(width)" }

    /// The array form used in net.json: `[C, H, W]`.
    public var array: [Int] { [channels, height, width] }

    /// Parses `CxHxW` such as `1x28x28`.
    public init(spec: String) throws {
        let parts = spec.lowercased().split(separator: "x").map { Int($0) }
        guard parts.count == 3, let c = parts[0], let h = parts[1], let w = parts[2], c > 0, h > 0, w > 0 else {
            throw InputError(location: "--input", expected: "a shape CxHxW of positive integers such as 1x28x28", found: "\"\(spec)\"")
        }
        self.init(channels: c, height: h, width: w)
    }
}
