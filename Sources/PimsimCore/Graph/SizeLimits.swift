/// Upper bounds on the sizes a network may have (docs/net-json.md, "Size limits"). They are far
/// beyond any network pimsim models (ImageNet ResNet-152: 1.2e10 MACs, 2.4e6 weights in its
/// largest layer) and keep every count the simulator and FPGA estimator derive from them
/// (cells, event counts, resources) within 64-bit integers, so no input can make an
/// arithmetic overflow trap. Checked with overflow-reporting arithmetic at graph construction.
public enum SizeLimits {
    /// Any size field: channels, height, width, out_channels, out_features, kernel, stride,
    /// padding, groups (2^24 = 16,777,216).
    public static let dimension = 1 << 24
    /// Values in one node's output tensor, C x H x W (2^32).
    public static let tensorValues = 1 << 32
    /// Connections per output of one layer, k x k x Cin / groups (2^32).
    public static let connections = 1 << 32
    /// Weights of one layer, Cout x connections (2^36).
    public static let layerWeights = 1 << 36
    /// Multiply-accumulates per inference of the whole network (2^48 = 2.8e14); a pooling
    /// layer's comparisons or additions (outputs x k x k) count against it too.
    public static let networkMACs = 1 << 48
    /// Crossbar cells a mapped network may occupy, arrays x rows x columns (2^50): what an
    /// unrealistic hwconfig (e.g. 1 x 1 arrays) could otherwise drive past 64-bit counts.
    public static let cells = 1 << 50

    /// Bytes (UTF-8) of a network or node name: names appear in every report line and error.
    public static let nameBytes = 1024

    /// `factors` multiplied, or nil if the product exceeds `limit` or overflows.
    public static func product(_ factors: [Int], limit: Int) -> Int? {
        var result = 1
        for f in factors {
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            guard !overflow, p <= limit else { return nil }
            result = p
        }
        return result
    }

    /// `a + b`, or nil if the sum exceeds `limit` or overflows.
    public static func sum(_ a: Int, _ b: Int, limit: Int) -> Int? {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow || s > limit ? nil : s
    }

    /// `n` with thousands separators and as a power of two when it is one: "16,777,216 (2^24)".
    public static func describe(_ n: Int) -> String {
        let digits = String(n)
        var grouped = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return n > 0 && n & (n - 1) == 0 ? "\(grouped) (2^\(n.trailingZeroBitCount))" : grouped
    }
}
