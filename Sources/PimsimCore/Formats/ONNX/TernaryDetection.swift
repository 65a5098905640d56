/// Decides whether real-valued weights are ternary or binary (docs/onnx.md, "Ternary detection").
///
/// Per output channel c, the non-zero weights must all have one magnitude a_c (compared exactly:
/// a ternary weight exported as a_c x t is exact in float32, and so is a batch norm folded into
/// it, which multiplies the whole channel by one factor). If every channel passes, the layer is
/// ternary with codes t = sign(w) and per-channel scales a_c, or binary when no weight is zero;
/// otherwise it keeps its values. A channel of zeros passes with a_c = 0.
public enum TernaryDetection {
    public enum Result: Equatable, Sendable {
        case ternary(codes: [Int8], scales: [Float])
        case binary(codes: [Int8], scales: [Float])
        /// Not ternary: the first channel with more than one magnitude and its magnitudes (up to three).
        case other(channel: Int, magnitudes: [Float], distinct: Int)
    }

    /// Detects the kind of `weights` (output-channel-major, `outChannels` equal slices).
    public static func detect(_ weights: [Float], outChannels: Int) -> Result {
        let perChannel = outChannels > 0 ? weights.count / outChannels : 0
        var codes = [Int8](repeating: 0, count: weights.count)
        var scales = [Float](repeating: 0, count: outChannels)
        var hasZero = false
        for c in 0..<outChannels {
            var magnitude: Float?
            for i in (c * perChannel)..<((c + 1) * perChannel) {
                let w = weights[i]
                if w == 0 { hasZero = true; continue }
                let m = abs(w)
                if let a = magnitude, a != m {
                    let slice = weights[(c * perChannel)..<((c + 1) * perChannel)].map { abs($0) }.filter { $0 != 0 }
                    let distinct = Array(Set(slice)).sorted()
                    return .other(channel: c, magnitudes: Array(distinct.prefix(3)), distinct: distinct.count)
                }
                magnitude = m
                codes[i] = w > 0 ? 1 : -1
            }
            scales[c] = magnitude ?? 0
        }
        return hasZero ? .ternary(codes: codes, scales: scales) : .binary(codes: codes, scales: scales)
    }
}

extension ImportState {
    /// Gives every weighted layer its weight precision: ternary or binary when detected (codes and
    /// per-channel scales), else the integer width it was quantised to, else float32.
    mutating func finalizeWeights() throws -> [ONNXLayerReport] {
        var reports: [ONNXLayerReport] = []
        for i in nodes.indices where nodes[i].operation.isWeighted {
            var node = nodes[i]
            let origin = origins[node.name]!
            let channels = shapes[node.name]!.channels
            let kept: Precision = origin.integerBits.map { .integer(bits: min(max($0 + (origin.isUnsigned ? 1 : 0), 2), 32)) } ?? .float32
            var detail: String
            var weights = kept
            if case .float32(let values)? = node.data.weights {
                switch TernaryDetection.detect(values, outChannels: channels) {
                case .ternary(let codes, let scales):
                    weights = .ternary
                    node.data.weights = .ternary(codes)
                    node.data.scale = .perChannel(scales)
                    detail = "{-a, 0, +a} in each of \(channels) output channels, " + Self.range(scales)
                case .binary(let codes, let scales):
                    weights = .binary
                    node.data.weights = .binary(codes)
                    node.data.scale = .perChannel(scales)
                    detail = "{-a, +a} in each of \(channels) output channels, " + Self.range(scales)
                case .other(let channel, let magnitudes, let distinct):
                    detail = "channel \(channel) has \(distinct) distinct magnitudes (" + magnitudes.map { "\($0)" }.joined(separator: ", ")
                        + (distinct > magnitudes.count ? ", ..." : "") + "): kept as \(kept)"
                }
            } else {
                detail = "no values in the file (graph input \(ONNXDataType.name(origin.elementType))): \(kept) assumed"
            }
            node.precision = LayerPrecision(weights: weights, inputs: node.precision!.inputs)
            nodes[i] = node
            reports.append(ONNXLayerReport(layer: node.name, onnxNode: origin.onnxNode, op: origin.op, precision: node.precision!,
                                           hasValues: node.data.weights != nil, weightDetail: detail, inputOrigin: origin.inputOrigin))
        }
        return reports
    }

    static func range(_ scales: [Float]) -> String {
        let low = scales.min() ?? 0, high = scales.max() ?? 0
        return low == high ? "a = \(low)" : "a from \(low) to \(high)"
    }
}
