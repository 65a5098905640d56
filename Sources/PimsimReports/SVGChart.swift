import Foundation

/// A self-contained SVG chart: grouped bars over categories, or lines over a numeric x axis.
/// No scripts, no external fonts; opens in any browser and pastes into a paper's figure tool.
public struct SVGChart: Sendable {
    public enum Kind: Sendable {
        /// One group of bars per category, one bar per series.
        case bars(categories: [String])
        /// Lines through (x, y) points, one per series; `logX` spaces x logarithmically.
        case lines(x: [Double], logX: Bool)
    }

    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        /// Palette entry to draw with (default: the series' position), so related series can
        /// share a colour and differ by `dashed`.
        public var colorIndex: Int?
        /// Lines only: a dashed line with hollow markers.
        public var dashed: Bool

        public init(name: String, values: [Double], colorIndex: Int? = nil, dashed: Bool = false) {
            self.name = name
            self.values = values
            self.colorIndex = colorIndex
            self.dashed = dashed
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
