import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// The layout of a sweep's JSON document (docs/outputs.md), written piece by piece: the head,
/// one point per line, then the skipped points, the best points and the Pareto front. `pimsim
/// merge` writes shards back through the same functions, so a merge equals the unsharded run
/// byte for byte.
enum SweepJSON {
    /// `"key": value,` as `JSONWriter` indents it inside the top-level object.
    static func pair(_ key: String, _ value: JSONValue) -> String {
        let lines = JSONWriter.write(.object([(key, value)])).split(separator: "\n", omittingEmptySubsequences: false)
        return lines[1..<(lines.count - 2)].joined(separator: "\n")
    }

    /// The document up to and including the opening of `points`.
    static func head(_ pairs: [(String, JSONValue)]) -> String {
        "{\n" + pairs.map { pair($0.0, $0.1) + ",\n" }.joined() + "  \"points\": ["
    }

    /// A flat object on one line: `{"key": value, ...}` (a point or a skipped entry).
    static func line(_ pairs: [(String, JSONValue)]) -> String {
        "{" + pairs.map { JSONWriter.quote($0.0) + ": " + scalar($0.1) }.joined(separator: ", ") + "}"
    }

    /// A scalar as `JSONWriter` writes it.
    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return JSONWriter.number(d)
        case .string(let s): return JSONWriter.quote(s)
        case .array, .object: return JSONWriter.write(value, indent: 0).replacingOccurrences(of: "\n", with: " ")
        }
    }

    /// What goes before the `n`-th point line (from 0).
    static func separator(_ n: Int) -> String { n == 0 ? "\n    " : ",\n    " }

    /// The rest of the document after `points` point lines.
    static func tail(points: Int, skipped: [String], best: BestPoints, front: ParetoFront) -> String {
        var out = points == 0 ? "],\n" : "\n  ],\n"
        out += skipped.isEmpty ? "  \"skipped\": [],\n" : "  \"skipped\": [\n    " + skipped.joined(separator: ",\n    ") + "\n  ],\n"
        out += pair("best", .object(SweepMetric.allCases.compactMap { m in best.index(m).map { (m.rawValue, JSONValue.int($0)) } })) + ",\n"
        out += pair("pareto", .array(front.indices.map(JSONValue.int))) + "\n}\n"
        return out
    }

    /// The first line of a CSV shard (not part of the unsharded CSV; `pimsim merge` reads and
    /// drops it): which slice of which space the file holds.
    static func csvShardLine(_ shard: Shard, range: Range<Int>, total: Int) -> String {
        "# pimsim sweep shard \(shard): points \(range.lowerBound)..<\(range.upperBound) of \(total)\n"
    }
}

/// Streams a sweep's points to their destination in the chosen format and keeps what the end
/// of the output needs: the count of evaluated points, the summary (best points and Pareto
/// front), the skipped points, the table's rows (table format only) and a thinned sample of
/// points for the scatter chart.
struct SweepWriter {
    /// What a worker makes of one block: its lines, summary and the rest, in block positions.
    struct BlockOutput: Sendable {
        var text = ""
        var evaluated = 0
        var summary: SweepSummary
        var skipped: [SkippedPoints] = []
        var rows: [SweepColumns.View] = []
        var scatter: [SIMD2<Double>] = []
    }

    static func output(of block: SweepBlock, columns: SweepColumns, format: String, objectives: [SweepMetric], keepRows: Bool,
                       scatter: [SweepMetric]?) -> BlockOutput {
        var out = BlockOutput(summary: SweepSummary(objectives: objectives))
        out.skipped = block.skipped
        out.evaluated = block.points.count
        let json = format == "json", lines = json || format == "csv"
        var template: (geometry: Int, pieces: [SweepColumns.Piece])?
        for (k, p) in block.points.enumerated() {
            let view = columns.view(p, in: block)
            if lines {
                if template?.geometry != p.geometry { template = (p.geometry, columns.template(view, json: json, whole: columns.space.costCount == 1)) }
                if json, k > 0 { out.text += SweepJSON.separator(k) }
                columns.line(view, template!.pieces, json: json, into: &out.text)
            }
            out.summary.add(k, p.metrics) { columns.identity(view) }
            if keepRows { out.rows.append(view) }
            if let scatter { out.scatter.append(SIMD2(scatter[0].value(of: p.metrics), scatter[1].value(of: p.metrics))) }
        }
        return out
    }

    let format: String
    let columns: SweepColumns
    let io: CommandIO
    let file: TextFileWriter?
    let objectives: [SweepMetric]
    /// A shard may hold no point that can be built (the merge checks the whole sweep).
    let sharded: Bool
    private(set) var evaluated = 0
    private(set) var summary: SweepSummary
    private(set) var skipped: [SkippedPoints] = []
    private(set) var rows: [SweepColumns.View] = []
    private var sample = ScatterSample()

    /// Opens the destination (`path`, or standard output) and writes the head of the output.
    init(format: String, path: String?, columns: SweepColumns, objectives: [SweepMetric], shard: Shard?, range: Range<Int>,
         settings: [(path: String, value: String)], io: CommandIO) throws {
        (self.format, self.columns, self.io, self.objectives, sharded) = (format, columns, io, objectives, shard != nil)
        summary = SweepSummary(objectives: objectives)
        file = try path.map { path in
            do { return try TextFileWriter(path: path) } catch var e as InputError { e.location = "-o"; throw e }
        }
        let space = columns.space
        switch format {
        case "csv":
            if let shard { try write(SweepJSON.csvShardLine(shard, range: range, total: space.count)) }
            try write(columns.csvHeader)
        case "json":
            let vary = (space.geometryAxes + space.costAxes).map { axis in
                (axis.name, JSONValue.array(axis.values.map { v in
                    switch v { case .number(let d): return .number(d); case .choice(let s): return .string(s) }
                }))
            }
            try write(SweepJSON.head([
                ("network", .string(columns.network)), ("inferences", .int(1)),
                ("axes", .object([
                    ("hardware", .array(space.configs.map { .string($0.name) })), ("array_rows", .array(space.rows.map(JSONValue.int))),
                    ("array_columns", space.columns.map { .array($0.map(JSONValue.int)) } ?? .null),
                    ("columns_per_adc", space.adcSharing.map { .array($0.map(JSONValue.int)) } ?? .null),
                    ("vary", .object(vary)),
                    ("split", .array(space.splits.map { .string($0.description) })), ("readout", .array(space.readouts.map { .string($0.rawValue) })),
                    ("node_nm", space.nodes.map { .array($0.map(JSONValue.number)) } ?? .null),
                    ("vdd_v", space.supplies.map { .array($0.map(JSONValue.number)) } ?? .null),
                ])),
                ("set", .object(settings.map { ($0.path, .string($0.value)) })),
                ("points_in_space", .int(space.count)),
                ("shard", shard.map { .string($0.description) } ?? .null),
                ("point_range", .array([.int(range.lowerBound), .int(range.upperBound)])),
                ("reference", .string("ratios (*_x) are to split none, readout adc, everything else the same")),
                ("pareto_objectives", .array(objectives.map { .string($0.rawValue) })),
            ]))
        default:
            break
        }
    }

    func write(_ text: String) throws {
        if let file { try file.write(text) } else { io.write(text) }
    }

    /// Takes the next block, in order.
    mutating func consume(_ out: BlockOutput) throws {
        if format == "json", out.evaluated > 0 { try write(SweepJSON.separator(evaluated)) }
        try write(out.text)
        for (k, xy) in out.scatter.enumerated() { sample.add(evaluated + k, xy) }
        summary.merge(out.summary, offset: evaluated)
        evaluated += out.evaluated
        rows += out.rows
        for s in out.skipped { SweepWriter.append(s, to: &skipped, space: columns.space) }
    }

    /// Adds `s` to `list`, joining it to the last entry when both are the same geometry's
    /// consecutive points (a geometry split between blocks or shards is one entry).
    static func append(_ s: SkippedPoints, to list: inout [SkippedPoints], space: DesignSpace) {
        if let last = list.last, last.wholeGeometry, s.wholeGeometry, last.first + last.count == s.first,
           space.geometry(of: last.first) == space.geometry(of: s.first) {
            list[list.count - 1].count += s.count
        } else {
            list.append(s)
        }
    }

    /// Writes the end of the output, reports the skipped points on stderr, closes the file;
    /// fails when no point could be built.
    mutating func finish(heading: String) throws {
        for s in skipped {
            let view = SweepColumns.View(index: s.first, point: columns.space.point(s.first), metrics: nil, reference: nil)
            let what = columns.describe(view, costAxes: !s.wholeGeometry) + (s.count > 1 ? " (\(NumberFormat.grouped(s.count)) points)" : "")
            io.progress("sweep: skipped \(what): \(s.reason)")
        }
        guard evaluated > 0 || sharded else { throw SweepWriter.nothingBuilt(skipped.reduce(0) { $0 + $1.count }) }
        switch format {
        case "json":
            try write(SweepJSON.tail(points: evaluated, skipped: skipped.map(columns.jsonLine), best: summary.best, front: summary.front))
        case "csv":
            break
        default:
            let count = skipped.reduce(0) { $0 + $1.count }
            var out = "\(columns.network): \(heading)\n"
            out += "read-out auto = the hwconfig's rule (comparators where a group fits one array), adc = ADCs on every layer; "
            out += "x = ratio to the no-split adc point with everything else the same\n"
            if count > 0 { out += "\(NumberFormat.grouped(count)) point\(count == 1 ? "" : "s") skipped (reasons on stderr and in --format json)\n" }
            out += "\n" + columns.table(rows).render() + "\n" + summary.tables(identityTitles: columns.identityTitles, alignments: columns.identityAlignments)
            try write(out)
        }
        if let file {
            try file.close()
            io.progress("wrote \(file.path)")
            if format == "csv" { io.print(summary.tables(identityTitles: columns.identityTitles, alignments: columns.identityAlignments)) }
        }
    }

    /// The error of a sweep in which no point could be built.
    static func nothingBuilt(_ skipped: Int) -> InputError {
        InputError(expected: "at least one design point that can be built", found: "all \(NumberFormat.grouped(skipped)) skipped (reasons above)")
    }

    /// Deletes a partly written file after a failure.
    func discard() { file?.discard() }

    /// The first two objectives of every point (a thinned sample, grey) and the front.
    func scatterChart(network: String) -> SVGChart {
        let (x, y) = (objectives[0], objectives[1])
        let front = summary.front.indices.compactMap { summary.records[$0]?.metrics }
        let all = sample.points.map(\.value)
        let frontName = objectives.count == 2 ? "Pareto front (\(front.count))" : "Pareto front over \(objectives.map(\.rawValue).joined(separator: ", ")) (\(front.count))"
        let series = [
            SVGChart.Series(name: "all points" + (sample.stride > 1 ? " (every \(sample.stride)th)" : "") + " (\(NumberFormat.grouped(all.count)))",
                            values: all.map { $0.y }, x: all.map { $0.x }, dimmed: true),
            SVGChart.Series(name: frontName, values: front.map { y.value(of: $0) }, colorIndex: 3, dashed: objectives.count > 2, x: front.map { x.value(of: $0) }),
        ]
        return SVGChart(title: "\(network): \(y.title) against \(x.title), \(NumberFormat.grouped(evaluated)) design points",
                        kind: .scatter, xLabel: x.title, yLabel: y.title, series: series)
    }
}

/// A deterministic thinning of a stream of points: every `stride`-th position is kept, and
/// the stride doubles whenever more than `capacity` are kept (so a chart of a million points
/// stays small and does not depend on how the stream was cut into blocks).
struct ScatterSample {
    static let capacity = 20_000
    private(set) var stride = 1
    private(set) var points: [(position: Int, value: SIMD2<Double>)] = []

    mutating func add(_ position: Int, _ value: SIMD2<Double>) {
        guard position % stride == 0 else { return }
        points.append((position, value))
        if points.count > Self.capacity {
            stride *= 2
            points.removeAll { $0.position % stride != 0 }
        }
    }
}
