import Foundation

/// A self-contained SVG chart: grouped bars over categories, or lines over a numeric x axis.
/// No scripts, no external fonts; opens in any browser and pastes into a paper's figure tool.
public struct SVGChart: Sendable {
    public enum Kind: Sendable {
        /// One group of bars per category, one bar per series.
        case bars(categories: [String])
        /// Lines through (x, y) points, one per series; `logX` spaces x logarithmically.
        case lines(x: [Double], logX: Bool)
        /// Points at (`Series.x`, `values`); each axis logarithmic when its values are positive
        /// and span more than a hundredfold. A dimmed series is drawn first, small and grey,
        /// without hover text; others in colour, joined by a step line when `dashed` is false
        /// (a Pareto front, sorted by x).
        case scatter
    }

    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        /// Palette entry to draw with (default: the series' position), so related series can
        /// share a colour and differ by `dashed`.
        public var colorIndex: Int?
        /// Lines only: a dashed line with hollow markers.
        public var dashed: Bool
        /// Scatter only: the x of each value.
        public var x: [Double]
        /// Scatter only: drawn grey and small, behind the others.
        public var dimmed: Bool

        public init(name: String, values: [Double], colorIndex: Int? = nil, dashed: Bool = false, x: [Double] = [], dimmed: Bool = false) {
            self.name = name
            self.values = values
            self.colorIndex = colorIndex
            self.dashed = dashed
            self.x = x
            self.dimmed = dimmed
        }
    }

    public var title: String
    public var kind: Kind
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 720.0
    public var height = 420.0

    public init(title: String, kind: Kind, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.kind = kind
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Colour-blind-safe palette (Okabe and Ito 2008).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// Plot area margins: left, right, top, bottom (pixels).
    static let margin = (left: 92.0, right: 170.0, top: 40.0, bottom: 60.0)

    public func render() -> String {
        if case .scatter = kind { return renderScatter() }
        let m = SVGChart.margin
        let plotW = width - m.left - m.right, plotH = height - m.top - m.bottom
        let finite = series.flatMap(\.values).filter(\.isFinite)
        let yMax = SVGChart.niceCeiling(finite.max() ?? 1)
        func y(_ v: Double) -> Double { m.top + plotH * (1 - (yMax > 0 ? v / yMax : 0)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVGChart.escape(title))</text>\n"
        for i in 0...5 {
            let v = yMax * Double(i) / 5
            svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left + plotW))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(m.left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(SVGChart.escape(NumberFormat.significant(v, 3)))</text>\n"
        }
        svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left))\" y1=\"\(f(m.top))\" y2=\"\(f(m.top + plotH))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left + plotW))\" y1=\"\(f(m.top + plotH))\" y2=\"\(f(m.top + plotH))\" stroke=\"black\"/>\n"
        switch kind {
        case .scatter:
            break
        case .bars(let categories):
            let groupW = plotW / Double(max(categories.count, 1))
            let barW = groupW * 0.8 / Double(max(series.count, 1))
            for (c, category) in categories.enumerated() {
                let x0 = m.left + groupW * Double(c) + groupW * 0.1
                for (s, serie) in series.enumerated() where c < serie.values.count && serie.values[c].isFinite {
                    let v = serie.values[c]
                    svg += "<rect x=\"\(f(x0 + barW * Double(s)))\" y=\"\(f(y(v)))\" width=\"\(f(barW * 0.95))\" height=\"\(f(m.top + plotH - y(v)))\" fill=\"\(color(s))\"><title>\(SVGChart.escape("\(serie.name), \(category): \(NumberFormat.significant(v))"))</title></rect>\n"
                }
                svg += "<text x=\"\(f(x0 + groupW * 0.4))\" y=\"\(f(m.top + plotH + 16))\" text-anchor=\"middle\">\(SVGChart.escape(category))</text>\n"
            }
        case .lines(let xs, let logX):
            let tx = xs.map { logX ? log10(max($0, .leastNormalMagnitude)) : $0 }
            let lo = tx.min() ?? 0, hi = tx.max() ?? 1
            func x(_ i: Int) -> Double { m.left + plotW * (hi > lo ? (tx[i] - lo) / (hi - lo) : 0.5) }
            for (i, value) in xs.enumerated() {
                let label = value == value.rounded() && abs(value) < 1e6 ? NumberFormat.grouped(Int(value)) : NumberFormat.significant(value, 3)
                svg += "<text x=\"\(f(x(i)))\" y=\"\(f(m.top + plotH + 16))\" text-anchor=\"middle\">\(SVGChart.escape(label))</text>\n"
            }
            for (s, serie) in series.enumerated() {
                let points = serie.values.indices.filter { $0 < xs.count && serie.values[$0].isFinite }
                svg += "<polyline fill=\"none\" stroke=\"\(color(s))\" stroke-width=\"2\"\(dash(s)) points=\"" + points.map { "\(f(x($0))),\(f(y(serie.values[$0])))" }.joined(separator: " ") + "\"/>\n"
                for i in points {
                    svg += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(serie.values[i])))\" r=\"3\" \(marker(s))><title>\(SVGChart.escape("\(serie.name), \(NumberFormat.significant(xs[i])): \(NumberFormat.significant(serie.values[i]))"))</title></circle>\n"
                }
            }
        }
        svg += "<text x=\"\(f(m.left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(14 \(f(m.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel))</text>\n"
        for (s, serie) in series.enumerated() {
            let ly = m.top + 18 * Double(s)
            if case .lines = kind {
                svg += "<line x1=\"\(f(width - m.right + 8))\" x2=\"\(f(width - m.right + 30))\" y1=\"\(f(ly + 6))\" y2=\"\(f(ly + 6))\" stroke=\"\(color(s))\" stroke-width=\"2\"\(dash(s))/>\n"
                svg += "<circle cx=\"\(f(width - m.right + 19))\" cy=\"\(f(ly + 6))\" r=\"3\" \(marker(s))/>\n"
            } else {
                svg += "<rect x=\"\(f(width - m.right + 16))\" y=\"\(f(ly))\" width=\"12\" height=\"12\" fill=\"\(color(s))\"/>\n"
            }
            svg += "<text x=\"\(f(width - m.right + 34))\" y=\"\(f(ly + 10))\">\(SVGChart.escape(serie.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// A numeric axis over `values`: its transform into 0...1, and tick values.
    struct Axis {
        let log: Bool
        let lo: Double, hi: Double

        init(_ values: [Double]) {
            let finite = values.filter(\.isFinite)
            let (minV, maxV) = (finite.min() ?? 0, finite.max() ?? 1)
            log = minV > 0 && maxV / minV > 100
            let (a, b) = log ? (log10(minV), log10(maxV)) : (minV, maxV)
            let pad = b > a ? (b - a) * 0.05 : max(abs(a) * 0.05, 0.5)
            (lo, hi) = (a - pad, b + pad)
        }

        func position(_ v: Double) -> Double { ((log ? log10(max(v, .leastNormalMagnitude)) : v) - lo) / (hi - lo) }

        /// About five ticks at 1, 2 or 5 times a power of ten (decades on a log axis).
        var ticks: [Double] {
            if log { return stride(from: ceil(lo), through: floor(hi), by: 1).map { pow(10, $0) } }
            let step = SVGChart.niceCeiling((hi - lo) / 5)
            return stride(from: ceil(lo / step) * step, through: hi, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
        }
    }

    /// The scatter chart (`Kind.scatter`).
    func renderScatter() -> String {
        let m = SVGChart.margin
        let plotW = width - m.left - m.right, plotH = height - m.top - m.bottom
        let xAxis = Axis(series.flatMap(\.x)), yAxis = Axis(series.flatMap(\.values))
        func px(_ v: Double) -> Double { m.left + plotW * xAxis.position(v) }
        func py(_ v: Double) -> Double { m.top + plotH * (1 - yAxis.position(v)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVGChart.escape(title))</text>\n"
        for v in yAxis.ticks {
            svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left + plotW))\" y1=\"\(f(py(v)))\" y2=\"\(f(py(v)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(m.left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\">\(SVGChart.escape(NumberFormat.significant(v, 3)))</text>\n"
        }
        for v in xAxis.ticks {
            svg += "<line x1=\"\(f(px(v)))\" x2=\"\(f(px(v)))\" y1=\"\(f(m.top))\" y2=\"\(f(m.top + plotH))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(f(px(v)))\" y=\"\(f(m.top + plotH + 16))\" text-anchor=\"middle\">\(SVGChart.escape(NumberFormat.significant(v, 3)))</text>\n"
        }
        svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left))\" y1=\"\(f(m.top))\" y2=\"\(f(m.top + plotH))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(f(m.left))\" x2=\"\(f(m.left + plotW))\" y1=\"\(f(m.top + plotH))\" y2=\"\(f(m.top + plotH))\" stroke=\"black\"/>\n"
        let order = series.indices.sorted { (series[$0].dimmed ? 0 : 1, $0) < (series[$1].dimmed ? 0 : 1, $1) }
        for s in order {
            let serie = series[s]
            let points = serie.values.indices.filter { $0 < serie.x.count && serie.values[$0].isFinite && serie.x[$0].isFinite }
            if serie.dimmed {
                svg += "<g fill=\"#bbb\" fill-opacity=\"0.5\">"
                for i in points { svg += "<circle cx=\"\(f(px(serie.x[i])))\" cy=\"\(f(py(serie.values[i])))\" r=\"1.5\"/>" }
                svg += "</g>\n"
                continue
            }
            if !serie.dashed {
                let sorted = points.sorted { serie.x[$0] < serie.x[$1] }
                var path: [String] = []
                for (k, i) in sorted.enumerated() {
                    if k > 0 { path.append("\(f(px(serie.x[i]))),\(f(py(serie.values[sorted[k - 1]])))") }
                    path.append("\(f(px(serie.x[i]))),\(f(py(serie.values[i])))")
                }
                svg += "<polyline fill=\"none\" stroke=\"\(color(s))\" stroke-width=\"1.5\" points=\"" + path.joined(separator: " ") + "\"/>\n"
            }
            for i in points {
                svg += "<circle cx=\"\(f(px(serie.x[i])))\" cy=\"\(f(py(serie.values[i])))\" r=\"3.5\" fill=\"\(color(s))\"><title>\(SVGChart.escape("\(serie.name): \(NumberFormat.significant(serie.x[i])), \(NumberFormat.significant(serie.values[i]))"))</title></circle>\n"
            }
        }
        svg += "<text x=\"\(f(m.left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel + (xAxis.log ? " (log scale)" : "")))</text>\n"
        svg += "<text transform=\"translate(14 \(f(m.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel + (yAxis.log ? " (log scale)" : "")))</text>\n"
        for (k, s) in series.indices.enumerated() {
            let ly = m.top + 18 * Double(k)
            svg += "<circle cx=\"\(f(width - m.right + 19))\" cy=\"\(f(ly + 6))\" r=\"\(series[s].dimmed ? "2" : "3.5")\" fill=\"\(series[s].dimmed ? "#bbb" : color(s))\"/>\n"
            svg += "<text x=\"\(f(width - m.right + 30))\" y=\"\(f(ly + 10))\">\(SVGChart.escape(series[s].name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    func color(_ index: Int) -> String { SVGChart.palette[(series[index].colorIndex ?? index) % SVGChart.palette.count] }

    /// Stroke dash attribute of series `index` (empty when solid).
    func dash(_ index: Int) -> String { series[index].dashed ? " stroke-dasharray=\"6 4\"" : "" }

    /// Marker fill: solid, or hollow (white with a coloured ring) for a dashed series.
    func marker(_ index: Int) -> String {
        series[index].dashed ? "fill=\"white\" stroke=\"\(color(index))\" stroke-width=\"1.5\"" : "fill=\"\(color(index))\""
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The smallest 1, 2 or 5 times a power of ten that is >= value (axis top).
    public static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * power >= value * (1 - 1e-12) { return step * power }
        return 10 * power
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
