/// A figure of merit a sweep can rank, plot or compare points by; lower is better for all but
/// accuracy, which is maximised (and which only points of a functional simulation carry).
public enum SweepMetric: String, CaseIterable, Sendable {
    case energy, area, latency, edp, adcs, arrays, accuracy

    /// Axis and column title with the unit `value(of:)` returns.
    public var title: String {
        switch self {
        case .energy: return "energy nJ"
        case .area: return "area mm2"
        case .latency: return "latency us"
        case .edp: return "EDP pJ*s"
        case .adcs: return "ADCs"
        case .arrays: return "arrays"
        case .accuracy: return "accuracy"
        }
    }

    /// Whether higher is better (accuracy); every other metric is minimised.
    public var isMaximised: Bool { self == .accuracy }

    /// Whether the metric counts instances (an integer) rather than measuring a quantity.
    public var isCount: Bool { self == .adcs || self == .arrays }

    /// The metric in report units: energy nJ (pJ / 1e3), area mm2, latency us (ns / 1e3),
    /// EDP pJ*s (= uJ * us; pJ*ns / 1e9), ADCs and arrays as counts, accuracy as the fraction
    /// of test images classified right (NaN when the point has none).
    @inline(__always)
    public func value(of m: SweepMetrics) -> Double {
        switch self {
        case .energy: return m.energyPJ / 1e3
        case .area: return m.areaMM2
        case .latency: return m.latencyNS / 1e3
        case .edp: return m.edpPJNS / 1e9
        case .adcs: return Double(m.adcs)
        case .arrays: return Double(m.arrays)
        case .accuracy: return m.accuracy ?? .nan
        }
    }

    /// The value as ranked, lower better: `value(of:)`, negated for a maximised metric.
    @inline(__always)
    public func rank(of m: SweepMetrics) -> Double { isMaximised ? -value(of: m) : value(of: m) }

    /// Index of the best point (smallest value; largest for accuracy) among `metrics` (nil entries are skipped
    /// points); ties go to the earliest point.
    public func best(among metrics: [SweepMetrics?]) -> Int? {
        var best = BestPoints()
        for (i, m) in metrics.enumerated() { if let m { best.add(i, m) } }
        return best.index(self)
    }
}

/// The best point of every `SweepMetric` seen so far (lowest value, highest accuracy; a point
/// without the metric, NaN, is not ranked); ties go to the lower index, so blocks can be
/// combined in any order.
public struct BestPoints: Sendable {
    var entries: [(index: Int, value: Double)?] = Array(repeating: nil, count: SweepMetric.allCases.count)

    public init() {}

    public mutating func add(_ index: Int, _ m: SweepMetrics) {
        for (k, metric) in SweepMetric.allCases.enumerated() {
            let rank = metric.rank(of: m)
            if !rank.isNaN { offer(k, index, rank) }
        }
    }

    mutating func offer(_ k: Int, _ index: Int, _ value: Double) {
        if let e = entries[k], e.value < value || (e.value == value && e.index < index) { return }
        entries[k] = (index, value)
    }

    /// Combines with `other`, whose indices are shifted by `offset`.
    public mutating func merge(_ other: BestPoints, offset: Int = 0) {
        for (k, e) in other.entries.enumerated() { if let e { offer(k, e.index + offset, e.value) } }
    }

    /// Whether point `index` is the best for some metric.
    public func contains(_ index: Int) -> Bool { entries.contains { $0?.index == index } }

    /// The best point's index for `metric`, if any point was seen.
    public func index(_ metric: SweepMetric) -> Int? { entries[SweepMetric.allCases.firstIndex(of: metric)!]?.index }
}

/// The Pareto front of points over two or three objectives, all minimised but accuracy
/// (maximised; compared as `SweepMetric.rank(of:)`): the points no other
/// point beats in one objective without losing in another. Of points with identical values only
/// the lowest index is kept. The front does not depend on the order points are added in, so
/// blocks evaluated in parallel (and shards merged later) give the same front.
public struct ParetoFront: Sendable {
    public let objectives: [SweepMetric]
    struct Member: Sendable {
        let index: Int
        let values: SIMD4<Double>
    }
    var members: [Member] = []

    /// A front over `objectives` (two or three).
    public init(objectives: [SweepMetric]) {
        precondition((2...3).contains(objectives.count), "a Pareto front over 2 or 3 objectives")
        self.objectives = objectives
    }

    /// Offers point `index` with metrics `m`.
    public mutating func add(_ index: Int, _ m: SweepMetrics) {
        var v = SIMD4<Double>()
        for (k, o) in objectives.enumerated() { v[k] = o.rank(of: m) }
        add(Member(index: index, values: v))
    }

    /// Offers a point with its objective values given directly, as ranks (lower is better).
    public mutating func add(_ index: Int, values: [Double]) {
        var v = SIMD4<Double>()
        for (k, x) in values.enumerated() { v[k] = x }
        add(Member(index: index, values: v))
    }

    mutating func add(_ p: Member) {
        // NaN never dominates or is dominated: such a point (a config that costs nothing) is not ranked.
        guard all(p.values .== p.values) else { return }
        for f in members where Self.beats(f, p) { return }
        members.removeAll { Self.beats(p, $0) }
        members.append(p)
    }

    /// Whether `a` dominates `b`, or equals it with a lower index.
    @inline(__always)
    static func beats(_ a: Member, _ b: Member) -> Bool {
        let noWorse = all(a.values .<= b.values)
        return noWorse && (any(a.values .< b.values) || a.index < b.index)
    }

    /// Combines with `other` (same objectives), whose indices are shifted by `offset`.
    public mutating func merge(_ other: ParetoFront, offset: Int = 0) {
        for m in other.members { add(Member(index: m.index + offset, values: m.values)) }
    }

    /// Indices of the front, sorted by the first objective, then the next ones, then index.
    public var indices: [Int] {
        members.sorted { a, b in
            for k in objectives.indices where a.values[k] != b.values[k] { return a.values[k] < b.values[k] }
            return a.index < b.index
        }.map(\.index)
    }

    /// Points on the front.
    public var count: Int { members.count }

    /// Whether point `index` is on the front.
    public func contains(_ index: Int) -> Bool { members.contains { $0.index == index } }
}
