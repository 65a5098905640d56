import PimsimCore
import PimsimReports
import PimsimSim

/// What `pimsim sweep` writes for a design point: one column list shared by the text table, the
/// CSV and the JSON (docs/outputs.md), the text that names a point in summaries and messages,
/// and the summary of best points and the Pareto front.
struct SweepColumns: Sendable {
    enum Cell {
        case text(String), int(Int), number(Double)
        /// A ratio to the reference; nil when the reference point could not be built.
        case ratio(Double?)
        /// A swept setting's value.
        case setting(SettingValue)
        /// A quantity a point may not have (the node of a config without a technology section).
        case optional(Double?)
    }

    /// A point as the columns see it: its index in the space, its position on the axes other
    /// than the cost-side ones (those follow from the index), and once evaluated its metrics.
    struct View {
        let index: Int
        let point: DesignPoint
        let metrics: SweepMetrics?
        let reference: SweepMetrics?
    }

    /// A report column: table title, CSV/JSON key (unit in the name), whether the text table
    /// shows it, the factor the table scales numbers by for reading (its title names the scaled
    /// unit: energy nJ = energy_pj x 1e-3), and whether it names the point (vs. measures it).
    struct Column: Sendable {
        let title: String
        let key: String
        let inTable: Bool
        let tableScale: Double
        let identifies: Bool
        /// Whether the values are numbers (right-aligned in tables) rather than names.
        let numeric: Bool
        /// Whether the value is the same for every point of a geometry (its cost-side points):
        /// a line template renders it once per geometry.
        let perGeometry: Bool
        /// A cost-side axis: its values rendered once for CSV and JSON, and the stride of its
        /// index in the point index.
        let axis: (stride: Int, csv: [String], json: [String])?
        let cell: @Sendable (View) -> Cell
    }

    /// A line of CSV or JSON for the points of one geometry: the cells the points share
    /// rendered once, with the separators and keys around them, and the others filled in per
    /// point (`line`).
    enum Piece {
        case text(String)
        /// Column `i`'s cell.
        case cell(Int)
        /// A cost-side axis's rendered value at (point index / stride) mod count.
        case axis(values: [String], stride: Int)
    }

    /// The most values of a cost-side axis rendered up front (a longer axis, rare, is rendered
    /// point by point rather than held twice more as text).
    static let renderedValuesLimit = 1 << 16

    let network: String
    let space: DesignSpace
    let columns: [Column]
    /// Keys of the cost-side axes (null in a skipped whole geometry's entry).
    let costKeys: Set<String>
    /// JSON keys, quoted once.
    let quotedKeys: [String]

    /// `accuracy`: the points carry a hardware accuracy (`--accuracy`), written after the EDP.
    init(network: String, space: DesignSpace, label: SplitLabels, accuracy: Bool = false) {
        self.network = network
        self.space = space
        var columns: [Column] = []
        func add(_ title: String, _ key: String, inTable: Bool = true, scale: Double = 1, identifies: Bool = false, numeric: Bool = true,
                 perGeometry: Bool = false, axis: (stride: Int, csv: [String], json: [String])? = nil, _ cell: @escaping @Sendable (View) -> Cell) {
            columns.append(Column(title: title, key: key, inTable: inTable, tableScale: scale, identifies: identifies, numeric: numeric,
                                  perGeometry: perGeometry, axis: axis, cell: cell))
        }
        func numeric(_ axis: ConstantAxis) -> Bool { !axis.paths[0].takesChoices }
        func metric(_ title: String, _ key: String, inTable: Bool = true, scale: Double = 1, perGeometry: Bool = false,
                    _ value: @escaping @Sendable (SweepMetrics) -> Cell) {
            add(title, key, inTable: inTable, scale: scale, perGeometry: perGeometry) { value($0.metrics!) }
        }
        func ratio(_ title: String, _ key: String, _ metric: SweepMetric) {
            // nil (shown "-", written null) when the reference was skipped or has no area or energy.
            add(title, key) { v in .ratio(v.reference.flatMap { r in
                let base = metric.value(of: r)
                return base > 0 ? metric.value(of: v.metrics!) / base : nil
            }) }
        }
        add("point", "point", inTable: false, identifies: false) { .int($0.index) }
        add("network", "network", inTable: false, numeric: false, perGeometry: true) { [network] _ in .text(network) }
        add("hardware", "hardware", identifies: true, numeric: false, perGeometry: true) { [space] in .text(space.configs[$0.point.hardware].name) }
        add("rows", "array_rows", identifies: true, perGeometry: true) { [space] in .int(space.rows[$0.point.row]) }
        add("columns", "array_columns", inTable: space.columns != nil, identifies: space.columns != nil, perGeometry: true) { [space] in
            .int(space.columns(of: $0.point))
        }
        add("cols/ADC", "columns_per_adc", inTable: space.adcSharing != nil, identifies: space.adcSharing != nil, perGeometry: true) { [space] in
            .int(space.adcSharing(of: $0.point))
        }
        for (a, axis) in space.geometryAxes.enumerated() {
            add(axis.name, axis.name, identifies: true, numeric: numeric(axis), perGeometry: true) { .setting(axis.values[$0.point.geometry[a]]) }
        }
        add("split", "split", identifies: true, numeric: false, perGeometry: true) { [space] in .text(space.splits[$0.point.split].description) }
        add("split label", "split_label", inTable: false, numeric: false, perGeometry: true) { [space] in .text(label(space.splits[$0.point.split])) }
        add("read-out", "readout", identifies: true, numeric: false, perGeometry: true) { [space] in .text(space.readouts[$0.point.readout].rawValue) }
        // A cost-side value from the point's index (the view's point carries the geometry only);
        // the cost-side axes are the innermost, inside the node and supply.
        var stride = space.costCount / space.technologyCount
        for axis in space.costAxes {
            stride /= axis.values.count
            let rendered = axis.values.count > Self.renderedValuesLimit ? nil
                : (stride, axis.values.map { Self.csv(.setting($0)) }, axis.values.map { Self.json(.setting($0)) })
            add(axis.name, axis.name, identifies: true, numeric: numeric(axis), axis: rendered) { [stride] in
                .setting(axis.values[($0.index / stride) % axis.values.count])
            }
        }
        // What the mapping fixes (MappedDesign), the same at every cost-side point.
        metric("parameters", "parameters", perGeometry: true) { .int($0.parameters) }
        metric("MACs", "macs", inTable: false, perGeometry: true) { .int($0.macs) }
        metric("arrays", "arrays", perGeometry: true) { .int($0.arrays) }
        metric("ADCs", "adcs", perGeometry: true) { .int($0.adcs) }
        metric("sense amps", "sense_amps", perGeometry: true) { .int($0.senseAmps) }
        metric("ADC conv.", "adc_conversions", inTable: false, perGeometry: true) { .number($0.adcConversions) }
        metric(SweepMetric.energy.title, "energy_pj", scale: 1e-3) { .number($0.energyPJ) }
        metric(SweepMetric.area.title, "area_mm2") { .number($0.areaMM2) }
        metric(SweepMetric.latency.title, "latency_ns", scale: 1e-3) { .number($0.latencyNS) }
        metric("interval us", "interval_ns", inTable: false, scale: 1e-3) { .number($0.intervalNS) }
        metric(SweepMetric.edp.title, "edp_pj_ns", scale: 1e-9) { .number($0.edpPJNS) }
        if accuracy {
            // null where the functional simulation does not apply (a split other than the file's own).
            metric(SweepMetric.accuracy.title, "hardware_accuracy", perGeometry: true) { .optional($0.accuracy) }
        }
        ratio("energy x", "energy_x", .energy)
        ratio("area x", "area_x", .area)
        ratio("latency x", "latency_x", .latency)
        ratio("EDP x", "edp_x", .edp)
        // Without node and supply axes, each config's own.
        let technologyAxes = space.nodes != nil || space.supplies != nil
        add("node nm", "node_nm", inTable: space.nodes != nil, identifies: space.nodes != nil, perGeometry: !technologyAxes) { [space] in
            .optional(space.technology(ofPoint: $0.index, hardware: $0.point.hardware)?.nodeNM)
        }
        add("VDD V", "vdd_v", inTable: technologyAxes, identifies: technologyAxes, perGeometry: !technologyAxes) { [space] in
            .optional(space.technology(ofPoint: $0.index, hardware: $0.point.hardware)?.vddV)
        }
        self.columns = columns
        quotedKeys = columns.map { JSONWriter.quote($0.key) }
        costKeys = Set(space.costAxes.map(\.name) + (space.nodes != nil ? ["node_nm"] : []) + (space.nodes != nil || space.supplies != nil ? ["vdd_v"] : []))
    }

    /// The view of evaluated point `p` of `block` (its `point` has the geometry's indices only).
    func view(_ p: SweepPointResult, in block: SweepBlock) -> View {
        View(index: p.index, point: block.geometries[p.geometry].point, metrics: p.metrics, reference: p.reference)
    }

    // MARK: CSV and JSON

    var csvHeader: String { columns.map { CSVWriter.escape($0.key) }.joined(separator: ",") + "\n" }

    /// The line template of the points of `v`'s geometry: a CSV line (RFC 4180, numbers at full
    /// precision, ending in a newline) or a one-line JSON object (keys in column order). With
    /// `whole` (a geometry of one point, `v`), every cell is rendered: the template is `v`'s line.
    func template(_ v: View, json: Bool, whole: Bool = false) -> [Piece] {
        var pieces: [Piece] = []
        var text = json ? "{" : ""
        for (i, column) in columns.enumerated() {
            if i > 0 { text += json ? ", " : "," }
            if json { text += quotedKeys[i] + ": " }
            if column.perGeometry || whole {
                text += json ? Self.json(column.cell(v)) : Self.csv(column.cell(v))
                continue
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            pieces.append(column.axis.map { .axis(values: json ? $0.json : $0.csv, stride: $0.stride) } ?? .cell(i))
        }
        pieces.append(.text(text + (json ? "}" : "\n")))
        return pieces
    }

    /// The line of point `v` from the template of its geometry.
    func line(_ v: View, _ template: [Piece], json: Bool, into out: inout String) {
        for piece in template {
            switch piece {
            case .text(let s): out += s
            case .cell(let i): out += json ? Self.json(columns[i].cell(v)) : Self.csv(columns[i].cell(v))
            case .axis(let values, let stride): out += values[(v.index / stride) % values.count]
            }
        }
    }

    /// A cell as CSV writes it: numbers at full precision, a missing value empty.
    static func csv(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return CSVWriter.escape(s)
        case .int(let n): return String(n)
        case .number(let d): return d.description
        case .ratio(let r): return r?.description ?? ""
        case .setting(let s): return CSVWriter.escape(s.description)
        case .optional(let v): return v?.description ?? ""
        }
    }

    static func json(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return JSONWriter.quote(s)
        case .int(let n): return String(n)
        case .number(let d): return JSONWriter.number(d)
        case .ratio(let r): return r.map(JSONWriter.number) ?? "null"
        case .setting(.number(let d)): return JSONWriter.number(d)
        case .setting(.choice(let s)): return JSONWriter.quote(s)
        case .optional(let v): return v.map(JSONWriter.number) ?? "null"
        }
    }

    /// A skipped range as a one-line JSON object: where it starts, how many points, the axes
    /// that name it (cost-side ones null for a whole geometry) and why.
    func jsonLine(_ s: SkippedPoints) -> String {
        let v = View(index: s.first, point: space.point(s.first), metrics: nil, reference: nil)
        var pairs: [(String, JSONValue)] = [("first_point", .int(s.first)), ("points", .int(s.count))]
        for column in columns where column.identifies || column.key == "split_label" {
            pairs.append((column.key, s.wholeGeometry && costKeys.contains(column.key) ? .null : Self.jsonValue(column.cell(v))))
        }
        pairs.append(("reason", .string(s.reason)))
        return SweepJSON.line(pairs)
    }

    static func jsonValue(_ cell: Cell) -> JSONValue {
        switch cell {
        case .text(let s): return .string(s)
        case .int(let n): return .int(n)
        case .number(let d): return .number(d)
        case .ratio(let r): return r.map(JSONValue.number) ?? .null
        case .setting(.number(let d)): return .number(d)
        case .setting(.choice(let s)): return .string(s)
        case .optional(let v): return v.map(JSONValue.number) ?? .null
        }
    }

    // MARK: text

    /// The cells that name a point in a summary table.
    func identity(_ v: View) -> [String] {
        columns.filter(\.identifies).map { Self.text($0.cell(v)) }
    }

    var identityTitles: [String] { columns.filter(\.identifies).map(\.title) }

    /// Names left, numbers right.
    var identityAlignments: [TextTable.Alignment] { columns.filter(\.identifies).map { $0.numeric ? .right : .left } }

    /// "reram-1t1r rows 64 split 27:9 read-out auto" (+ other axes): a point in a message.
    func describe(_ v: View, costAxes: Bool = true) -> String {
        columns.filter { $0.identifies && (costAxes || !costKeys.contains($0.key)) }.map { column in
            let value = Self.text(column.cell(v))
            switch column.key {
            case "hardware": return value
            case "array_rows": return "rows \(value)"
            case "array_columns": return "columns \(value)"
            case "columns_per_adc": return "adc-sharing \(value)"
            case "readout": return "read-out \(value)"
            case "split": return "split \(value)"
            default: return "\(column.key)=\(value)"
            }
        }.joined(separator: " ")
    }

    static func text(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return s
        case .int(let n): return NumberFormat.grouped(n)
        case .number(let d): return NumberFormat.significant(d)
        case .ratio(let r): return r.map { NumberFormat.ratio($0) } ?? "-"
        case .setting(let s): return s.description
        case .optional(let v): return v.map { NumberFormat.significant($0) } ?? "-"
        }
    }

    /// A table cell: numbers scaled for reading and formatted with the rest of their column.
    static func tableCell(_ cell: Cell, scale: Double) -> TextTable.Cell {
        switch cell {
        case .number(let d): return .number(d * scale)
        default: return .text(text(cell))
        }
    }

    /// The text table of `rows` (every evaluated point).
    func table(_ rows: [View]) -> TextTable {
        let shown = columns.filter(\.inTable)
        var table = TextTable(headers: shown.map(\.title))
        table.alignments = shown.map { $0.numeric ? .right : .left }
        for row in rows { table.append(cells: shown.map { Self.tableCell($0.cell(row), scale: $0.tableScale) }) }
        return table
    }
}

/// The best point per metric and the Pareto front of a sweep, kept while points stream past:
/// only the points that are (or may still be) best or on the front are remembered, so memory
/// follows the front, not the sweep.
struct SweepSummary: Sendable {
    var best = BestPoints()
    var front: ParetoFront
    /// What names each remembered point (by position among evaluated points).
    var records: [Int: (metrics: SweepMetrics, identity: [String])] = [:]

    init(objectives: [SweepMetric]) { front = ParetoFront(objectives: objectives) }

    /// Offers the point at `position`; `identity` is computed only if the point is kept.
    mutating func add(_ position: Int, _ metrics: SweepMetrics, identity: () -> [String]) {
        best.add(position, metrics)
        front.add(position, metrics)
        if front.contains(position) || best.contains(position) {
            records[position] = (metrics, identity())
        }
        if records.count > 4 * (front.count + SweepMetric.allCases.count) + 1024 { prune() }
    }

    /// Combines with a block's summary whose positions start at `offset`.
    mutating func merge(_ other: SweepSummary, offset: Int) {
        best.merge(other.best, offset: offset)
        front.merge(other.front, offset: offset)
        for (k, r) in other.records where front.contains(k + offset) || best.contains(k + offset) { records[k + offset] = r }
        prune()
    }

    mutating func prune() {
        records = records.filter { front.contains($0.key) || best.contains($0.key) }
    }

    /// The two tables: best point per metric, and the front sorted by its first objective.
    func tables(identityTitles: [String], alignments: [TextTable.Alignment]) -> String {
        var bestTable = TextTable(headers: ["best", "value"] + identityTitles)
        for metric in SweepMetric.allCases {
            guard let i = best.index(metric), let r = records[i] else { continue }
            let v = metric.value(of: r.metrics)
            bestTable.append(cells: [.text(metric.title), metric.isCount ? .text(NumberFormat.grouped(Int(v))) : .number(v)] + r.identity.map(TextTable.Cell.text))
        }
        bestTable.alignments = [.left, .right] + alignments
        let highest = best.index(.accuracy) != nil ? ", highest for accuracy" : ""
        var out = "best point per metric (lowest\(highest); ties go to the first in sweep order)\n" + bestTable.render()
        let objectives = front.objectives
        var frontTable = TextTable(headers: objectives.map(\.title) + identityTitles)
        for i in front.indices {
            guard let r = records[i] else { continue }
            frontTable.append(cells: objectives.map { o in o.isCount ? .text(NumberFormat.grouped(Int(o.value(of: r.metrics)))) : .number(o.value(of: r.metrics)) }
                              + r.identity.map(TextTable.Cell.text))
        }
        frontTable.alignments = objectives.map { _ in .right } + alignments
        out += "\n" + Self.frontTitle(objectives) + "\n" + frontTable.render()
        return out
    }

    static func frontTitle(_ objectives: [SweepMetric]) -> String {
        let names = objectives.map { $0.title.split(separator: " ")[0] }
        if names.count == 2 {
            return "Pareto front of \(names[1]) against \(names[0]) (points no other point beats in one without losing in the other), by \(names[0])"
        }
        return "Pareto front over \(names.dropLast().joined(separator: ", ")) and \(names.last!) (points no other point beats in one objective without losing in another), by \(names[0])"
    }
}
