/// A figure of merit a sweep can rank, plot or compare points by; lower is better for all.
public enum SweepMetric: String, CaseIterable, Sendable {
    case energy, area, latency, edp, adcs, arrays

    /// Axis and column title with the unit `value(of:)` returns.
    public var title: String {
        switch self {
        case .energy: return "energy nJ"
        case .area: return "area mm2"
        case .latency: return "latency us"
        case .edp: return "EDP pJ*s"
        case .adcs: return "ADCs"
        case .arrays: return "arrays"
        }
    }

    /// Whether the metric counts instances (an integer) rather than measuring a quantity.
    public var isCount: Bool { self == .adcs || self == .arrays }

    /// The metric in report units: energy nJ (pJ / 1e3), area mm2, latency us (ns / 1e3),
    /// EDP pJ*s (= uJ * us; pJ*ns / 1e9), ADCs and arrays as counts.
    public func value(of m: SweepMetrics) -> Double {
        switch self {
        case .energy: return m.energyPJ / 1e3
        case .area: return m.areaMM2
        case .latency: return m.latencyNS / 1e3
        case .edp: return m.edpPJNS / 1e9
        case .adcs: return Double(m.adcs)
        case .arrays: return Double(m.arrays)
        }
    }

    /// Index of the point with the smallest value among `metrics` (nil entries are skipped
    /// points); ties go to the earliest point.
    public func best(among metrics: [SweepMetrics?]) -> Int? {
        var best: (index: Int, value: Double)?
        for (i, m) in metrics.enumerated() {
            guard let m else { continue }
            let v = value(of: m)
            if best == nil || v < best!.value { best = (i, v) }
        }
        return best?.index
    }

    /// Indices of the points on the Pareto front of `x` against `y` (both minimised), sorted by
    /// `x` (see `paretoFront(_:)`).
    public static func paretoFront(_ metrics: [SweepMetrics?], x: SweepMetric, y: SweepMetric) -> [Int] {
        paretoFront(metrics.map { $0.map { (x.value(of: $0), y.value(of: $0)) } })
    }

    /// Indices of the points on the Pareto front (both coordinates minimised; nil entries are
    /// skipped points): no other point is at least as good in both and strictly better in one.
    /// Sorted by x ascending; of points with identical (x, y) only the earliest is listed.
    public static func paretoFront(_ points: [(x: Double, y: Double)?]) -> [Int] {
        let candidates = points.indices.compactMap { i in points[i].map { (index: i, x: $0.x, y: $0.y) } }
            .sorted { ($0.x, $0.y, $0.index) < ($1.x, $1.y, $1.index) }
        var front: [Int] = []
        var lowestY = Double.infinity
        for c in candidates where c.y < lowestY {
            front.append(c.index)
            lowestY = c.y
        }
        return front
    }
}
