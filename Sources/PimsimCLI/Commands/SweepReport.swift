import PimsimCore
import PimsimReports
import PimsimSim

/// What `pimsim sweep` prints: one row per evaluated design point (table, CSV and JSON share one
/// column list), the best point per metric, the energy-area Pareto front and SVG charts.
struct SweepReport {
    /// One evaluated point with its reference (no split, ADC read-out, same hwconfig and rows).
    struct Row {
        let network: String
        let label: SplitLabels
        let point: DesignPoint
        let config: HardwareConfig
        let metrics: SweepMetrics
        let reference: SweepMetrics?
    }

    enum Cell {
        case text(String), int(Int), number(Double)
        /// A ratio to the reference; nil when the reference point could not be built.
        case ratio(Double?)
        /// A quantity a point may not have (the node of a config without a technology section).
        case optional(Double?)
    }

    /// A report column: table title, CSV/JSON key (unit in the name), whether the (narrower)
    /// text table shows it, and the factor the table scales numbers by for reading (its title
    /// names the scaled unit: energy nJ = energy_pj x 1e-3).
    struct Column {
        let title: String
        let key: String
        let inTable: Bool
        let tableScale: Double
        let cell: (Row) -> Cell

        init(_ title: String, _ key: String, inTable: Bool = true, tableScale: Double = 1, _ cell: @escaping (Row) -> Cell) {
            (self.title, self.key, self.inTable, self.tableScale, self.cell) = (title, key, inTable, tableScale, cell)
        }
    }

    let network: String
    let result: SweepResult
    /// Evaluated points in sweep order.
    let rows: [Row]

    init(network: String, label: SplitLabels, result: SweepResult) {
        self.network = network
        self.result = result
        rows = result.points.indices.compactMap { i in
            result.outcomes[i].metrics.map {
                Row(network: network, label: label, point: result.points[i], config: result.space.configs[result.points[i].hardware], metrics: $0, reference: result.references[i].metrics)
            }
        }
    }

    static func ratio(_ metric: SweepMetric) -> (Row) -> Cell {
        // nil (shown "-", written null) when the reference was skipped or has no area or energy.
        { row in .ratio(row.reference.flatMap { reference in
            let base = metric.value(of: reference)
            return base > 0 ? metric.value(of: row.metrics) / base : nil
        }) }
    }

    /// Every column, in order. CSV and JSON carry pJ, mm2 and ns as `pimsim run` does; the
    /// table scales to the units of `SweepMetric.value(of:)` (nJ, us, pJ*s).
    static var columns: [Column] {
        [
            Column("network", "network", inTable: false) { .text($0.network) },
            Column("hardware", "hardware") { .text($0.config.name) },
            Column("rows", "array_rows") { .int($0.point.rows) },
            Column("columns", "array_columns", inTable: false) { .int($0.config.arrayColumns) },
            Column("split", "split") { .text($0.point.split.description) },
            Column("split label", "split_label", inTable: false) { .text($0.label($0.point.split)) },
            Column("read-out", "readout") { .text($0.point.readout.rawValue) },
            Column("parameters", "parameters") { .int($0.metrics.parameters) },
            Column("MACs", "macs", inTable: false) { .int($0.metrics.macs) },
            Column("arrays", "arrays") { .int($0.metrics.arrays) },
            Column("ADCs", "adcs") { .int($0.metrics.adcs) },
            Column("sense amps", "sense_amps") { .int($0.metrics.senseAmps) },
            Column("ADC conv.", "adc_conversions", inTable: false) { .number($0.metrics.adcConversions) },
            Column(SweepMetric.energy.title, "energy_pj", tableScale: 1e-3) { .number($0.metrics.energyPJ) },
            Column(SweepMetric.area.title, "area_mm2") { .number($0.metrics.areaMM2) },
            Column(SweepMetric.latency.title, "latency_ns", tableScale: 1e-3) { .number($0.metrics.latencyNS) },
            Column("interval us", "interval_ns", inTable: false, tableScale: 1e-3) { .number($0.metrics.intervalNS) },
            Column(SweepMetric.edp.title, "edp_pj_ns", tableScale: 1e-9) { .number($0.metrics.edpPJNS) },
            Column("energy x", "energy_x", ratio(.energy)),
            Column("area x", "area_x", ratio(.area)),
            Column("latency x", "latency_x", ratio(.latency)),
            Column("EDP x", "edp_x", ratio(.edp)),
            Column("node nm", "node_nm", inTable: false) { .optional($0.config.technology?.nodeNM) },
            Column("VDD V", "vdd_v", inTable: false) { .optional($0.config.technology?.vddV) },
        ]
    }

    // MARK: text

    func table() -> String {
        let space = result.space
        let skipped = space.count - rows.count
        var out = "\(network): \(space.configs.count) hwconfig\(plural(space.configs.count)) x \(space.rows.count) array height\(plural(space.rows.count))"
        out += " x \(space.splits.count) split\(plural(space.splits.count)) x \(space.readouts.count) read-out\(plural(space.readouts.count))"
        out += " = \(space.count) design points, one inference each\n"
        out += "read-out auto = the hwconfig's rule (comparators where a group fits one array), adc = ADCs on every layer; "
        out += "x = ratio to the no-split adc point of the same hwconfig and rows\n"
        if skipped > 0 { out += "\(skipped) point\(plural(skipped)) skipped (reasons on stderr and in --format json)\n" }
        let shown = SweepReport.columns.filter(\.inTable)
        var table = TextTable(headers: shown.map(\.title))
        for i in 0..<4 { table.alignments[i] = i == 1 ? .right : .left }
        for row in rows { table.append(cells: shown.map { SweepReport.tableCell($0.cell(row), scale: $0.tableScale) }) }
        out += "\n" + table.render()

        var best = TextTable(headers: ["best", "value", "hardware", "rows", "split", "read-out"])
        for metric in SweepMetric.allCases {
            guard let i = metric.best(among: rows.map(\.metrics)) else { continue }
            let v = metric.value(of: rows[i].metrics)
            best.append(cells: [.text(metric.title), metric.isCount ? .text(NumberFormat.grouped(Int(v))) : .number(v)] + pointCells(rows[i]).map(TextTable.Cell.text))
        }
        best.alignments = [.left, .right, .left, .right, .left, .left]
        out += "\nbest point per metric (lowest; ties go to the first in sweep order)\n" + best.render()

        var pareto = TextTable(headers: [SweepMetric.area.title, SweepMetric.energy.title, "hardware", "rows", "split", "read-out"])
        for i in SweepMetric.paretoFront(rows.map(\.metrics), x: .area, y: .energy) {
            pareto.append(cells: [.number(rows[i].metrics.areaMM2), .number(SweepMetric.energy.value(of: rows[i].metrics))]
                          + pointCells(rows[i]).map(TextTable.Cell.text))
        }
        pareto.alignments = [.right, .right, .left, .right, .left, .left]
        out += "\nPareto front of energy against area (points no other point beats in one without losing in the other), by area\n" + pareto.render()
        return out
    }

    func pointCells(_ row: Row) -> [String] {
        [row.config.name, NumberFormat.grouped(row.point.rows), row.point.split.description, row.point.readout.rawValue]
    }

    func plural(_ n: Int) -> String { n == 1 ? "" : "s" }

    /// A table cell: numbers scaled for reading and formatted with the rest of their column.
    static func tableCell(_ cell: Cell, scale: Double) -> TextTable.Cell {
        switch cell {
        case .text(let s): return .text(s)
        case .int(let i): return .text(NumberFormat.grouped(i))
        case .number(let d): return .number(d * scale)
        case .ratio(let r): return .text(r.map { NumberFormat.ratio($0) } ?? "-")
        case .optional(let v): return v.map { .number($0 * scale) } ?? .text("-")
        }
    }

    /// stderr lines: skipped points with their reasons, and layers a split left whole.
    func warnings() -> [String] {
        var lines: [String] = []
        var seen: Set<String> = []
        for (p, outcome) in zip(result.points, result.outcomes) {
            switch outcome {
            case .skipped(let reason):
                lines.append("skipped \(result.space.configs[p.hardware].name) rows \(p.rows) split \(p.split) read-out \(p.readout.rawValue): \(reason)")
            case .evaluated(let m):
                for layer in m.unsplittable where seen.insert("\(p.split) \(layer)").inserted {
                    lines.append("warning: split \(p.split): layer \(layer) left whole (channels do not allow the split)")
                }
            }
        }
        return lines
    }

    // MARK: CSV and JSON

    func csv() -> String {
        var csv = CSVWriter(headers: SweepReport.columns.map(\.key))
        for row in rows {
            csv.append(SweepReport.columns.map {
                switch $0.cell(row) {
                case .text(let s): return s
                case .int(let i): return "\(i)"
                case .number(let d): return "\(d)"
                case .ratio(let r), .optional(let r): return r.map { "\($0)" } ?? ""
                }
            })
        }
        return csv.render()
    }

    func json() -> JSONValue {
        let space = result.space
        let points: [JSONValue] = rows.map { row in
            .object(SweepReport.columns.map { column in
                switch column.cell(row) {
                case .text(let s): return (column.key, JSONValue.string(s))
                case .int(let i): return (column.key, .int(i))
                case .number(let d): return (column.key, .number(d))
                case .ratio(let r), .optional(let r): return (column.key, r.map(JSONValue.number) ?? .null)
                }
            })
        }
        let skipped: [JSONValue] = zip(result.points, result.outcomes).compactMap { p, outcome in
            guard case .skipped(let reason) = outcome else { return nil }
            return .object([("hardware", .string(space.configs[p.hardware].name)), ("array_rows", .int(p.rows)),
                            ("split", .string(p.split.description)), ("readout", .string(p.readout.rawValue)), ("reason", .string(reason))])
        }
        let metrics = rows.map(\.metrics)
        return .object([
            ("network", .string(network)), ("inferences", .int(1)),
            ("axes", .object([
                ("hardware", .array(space.configs.map { .string($0.name) })), ("array_rows", .array(space.rows.map(JSONValue.int))),
                ("split", .array(space.splits.map { .string($0.description) })), ("readout", .array(space.readouts.map { .string($0.rawValue) })),
            ])),
            ("reference", .string("ratios (*_x) are to split none, readout adc, same hardware and array_rows")),
            ("points", .array(points)),
            ("skipped", .array(skipped)),
            ("best", .object(SweepMetric.allCases.compactMap { metric in
                metric.best(among: metrics).map { (metric.rawValue, JSONValue.int($0)) }
            })),
            ("pareto_energy_area", .array(SweepMetric.paretoFront(metrics, x: .area, y: .energy).map(JSONValue.int))),
        ])
    }

    // MARK: SVG

    /// `metric` against array rows (log2-spaced) on config `hardware`: one line per split and
    /// read-out, coloured by split, dashed for adc; skipped points leave gaps.
    func chart(_ metric: SweepMetric, hardware: Int) -> SVGChart {
        let space = result.space
        var series: [SVGChart.Series] = []
        for (s, split) in space.splits.enumerated() {
            for (o, readout) in space.readouts.enumerated() {
                let values = space.rows.indices.map { r -> Double in
                    result.outcomes[space.index(hardware: hardware, row: r, split: s, readout: o)].metrics.map(metric.value) ?? .nan
                }
                series.append(SVGChart.Series(name: "\(split) \(readout.rawValue)", values: values, colorIndex: s, dashed: readout == .adc))
            }
        }
        return SVGChart(title: "\(network) on \(space.configs[hardware].name): \(metric.title) against array rows",
                        kind: .lines(x: space.rows.map(Double.init), logX: true),
                        xLabel: "array rows (log scale; columns \(space.configs[hardware].arrayColumns))", yLabel: metric.title, series: series)
    }
}
