import Foundation
import PimsimCore
import PimsimReports
import PimsimSim

/// `pimsim merge`: joins the shards of a sweep (`pimsim sweep --shard K/N`, CSV or JSON) into
/// exactly what the unsharded sweep writes, recomputing the best points and the Pareto front.
enum MergeCommand {
    static let spec = CommandSpec(
        name: "merge",
        summary: "Join the shards of a sweep (--shard K/N outputs, CSV or JSON) into exactly the unsharded output, with best points and the Pareto front recomputed.",
        usage: ["pimsim merge FILE... [-o OUT] [--pareto OBJ,OBJ[,OBJ]]"],
        discussion: """
        Reads the outputs of `pimsim sweep ... --shard K/N` for every K from 1 to N (in any \
        order), checks that they are the N slices of one space, and writes the whole sweep: \
        the same bytes the sweep writes without --shard. Files are read line by line, so \
        memory does not grow with the sweep. With -o, the best point per metric and the \
        Pareto front are printed (JSON: over the objectives the sweep used; CSV: over \
        --pareto, default area,energy). See docs/sweep.md, "On a cluster".
        """,
        examples: [
            ("pimsim merge part-1.csv part-2.csv -o sweep.csv", "join the shards of `pimsim sweep --help`'s examples (a shell glob, part-*.csv, gives them all)"),
        ],
        options: [
            OptionSpec("--pareto", value: "OBJ,OBJ[,OBJ]", help: "Objectives of the printed Pareto front for CSV shards (default \(SweepCommand.defaultObjectives))."),
            OutputArguments.outputFile,
        ],
        positionals: ["FILE..."], requiredPositionals: 1
    ) { args, io in
        let files = args.positionals
        try DesignSpace.rejectRepeats(files, flag: "FILE")
        let first = try firstLine(files[0])
        let output = try args.value("--output").map { path in
            do { return try TextFileWriter(path: path) } catch var e as InputError { e.location = "-o"; throw e }
        }
        let sink: (String) throws -> Void = { text in if let output { try output.write(text) } else { io.write(text) } }
        do {
            let summary: SweepSummary, identity: [String], points: Int, total: Int
            if first.hasPrefix("{") {
                if args.value("--pareto") != nil {
                    throw InputError(location: "--pareto", expected: "CSV shards (JSON shards carry the sweep's own objectives)", found: "JSON shards")
                }
                (summary, identity, points, total) = try mergeJSON(files, write: sink)
            } else {
                let objectives = try SweepCommand.parseObjectives(args.value("--pareto") ?? SweepCommand.defaultObjectives)
                (summary, identity, points, total) = try mergeCSV(files, objectives: objectives, write: sink)
            }
            io.progress("merge: \(files.count) shard\(files.count == 1 ? "" : "s"), \(NumberFormat.grouped(points)) points")
            guard points > 0 else { throw SweepWriter.nothingBuilt(total) }
            if let output {
                try output.close()
                io.progress("wrote \(output.path)")
                io.print(summary.tables(identityTitles: identity, alignments: identity.map { ["array_rows", "array_columns", "columns_per_adc"].contains($0) ? .right : .left }))
            }
        } catch {
            output?.discard()
            throw error
        }
    }

    /// The first line of `path`.
    static func firstLine(_ path: String) throws -> String {
        var line = ""
        try TextLines.read(path) { text, _ in line = text; return false }
        return line
    }

    /// A shard's slice as its output states it.
    struct Slice {
        let file: String
        let shard: Shard
        let range: Range<Int>
        let total: Int
    }

    /// Checks that `slices` are the shards 1...N of one space and returns them in shard order.
    static func ordered(_ slices: [Slice]) throws -> [Slice] {
        let n = slices[0].shard.count, total = slices[0].total
        for s in slices where s.shard.count != n || s.total != total {
            throw InputError(file: s.file, expected: "a shard of the same sweep as \(slices[0].file) (shard K/\(n) of \(total) points)", found: "shard \(s.shard) of \(s.total) points")
        }
        let sorted = slices.sorted { $0.shard.index < $1.shard.index }
        for (k, s) in sorted.enumerated() where s.shard.index != k + 1 {
            let missing = (1...n).filter { i in !slices.contains { $0.shard.index == i } }
            if sorted.filter({ $0.shard.index == s.shard.index }).count > 1 {
                throw InputError(file: s.file, expected: "each shard once", found: "shard \(s.shard) again")
            }
            throw InputError(location: "FILE", expected: "all \(n) shards", found: "none for " + missing.map { "\($0)/\(n)" }.joined(separator: ", "))
        }
        guard sorted.count == n else {
            throw InputError(location: "FILE", expected: "\(n) shards", found: "\(sorted.count)")
        }
        var next = 0
        for s in sorted {
            guard s.range.lowerBound == next, s.range == Shard(index: s.shard.index, count: n).range(of: total) else {
                throw InputError(file: s.file, expected: "points \(Shard(index: s.shard.index, count: n).range(of: total)) (shard \(s.shard) of \(total))", found: "\(s.range)")
            }
            next = s.range.upperBound
        }
        return sorted
    }

    /// Metrics of a point from its fields by key (what the sweep wrote), for the summary, with
    /// its `hardware_accuracy` if it has one.
    static func metrics(_ field: (String) throws -> Double, accuracy: Double?) throws -> SweepMetrics {
        var m = SweepMetrics(parameters: Int(try field("parameters")), macs: Int(try field("macs")), arrays: Int(try field("arrays")),
                     adcs: Int(try field("adcs")), senseAmps: Int(try field("sense_amps")), adcConversions: try field("adc_conversions"),
                     energyPJ: try field("energy_pj"), areaMM2: try field("area_mm2"), latencyNS: try field("latency_ns"), intervalNS: try field("interval_ns"))
        m.accuracy = accuracy
        return m
    }

    /// The keys that name a point: from `hardware` up to `parameters`, without `split_label`,
    /// and the technology node and supply.
    static func identityKeys(_ keys: [String]) -> [String] {
        guard let from = keys.firstIndex(of: "hardware"), let to = keys.firstIndex(of: "parameters"), from < to else { return [] }
        return keys[from..<to].filter { $0 != "split_label" } + keys.filter { $0 == "node_nm" || $0 == "vdd_v" }
    }

    // MARK: CSV

    /// Writes the joined CSV; returns the summary, the keys naming a point, the points written
    /// and the points in the space.
    static func mergeCSV(_ files: [String], objectives: [SweepMetric], write: (String) throws -> Void) throws -> (SweepSummary, [String], Int, Int) {
        var slices: [Slice] = [], headers: [String] = []
        for file in files {
            var lines: [String] = []
            try TextLines.read(file) { line, n in lines.append(line); return n < 2 }
            guard lines.count == 2, let slice = parseShardLine(lines[0], file: file) else {
                throw InputError(file: file, expected: "a CSV shard of pimsim sweep --shard K/N (first line \"# pimsim sweep shard K/N: points A..<B of T\")",
                                 found: lines.first.map { "\"\($0.prefix(60))\"" } ?? "an empty file")
            }
            slices.append(slice)
            headers.append(lines[1])
        }
        for (file, header) in zip(files, headers) where header != headers[0] {
            throw InputError(file: file, expected: "the columns of \(files[0])", found: "other columns")
        }
        guard let keys = CSVWriter.fields(of: headers[0]), keys.contains("point") else {
            throw InputError(file: files[0], location: "line 2", expected: "a header with a point column", found: "\"\(headers[0].prefix(60))\"")
        }
        let column = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let identity = identityKeys(keys)
        if objectives.contains(.accuracy), column["hardware_accuracy"] == nil {
            throw InputError(file: files[0], location: "--pareto accuracy", expected: "a hardware_accuracy column (pimsim sweep --accuracy)", found: "none")
        }
        var summary = SweepSummary(objectives: objectives)
        var position = 0
        try write(headers[0] + "\n")
        for slice in try ordered(slices) {
            var last = slice.range.lowerBound - 1
            try TextLines.read(slice.file) { line, n in
                guard n > 2 else { return true }
                let location = "line \(n)"
                guard let fields = CSVWriter.fields(of: line), fields.count == keys.count else {
                    throw InputError(file: slice.file, location: location, expected: "\(keys.count) fields", found: "\"\(line.prefix(60))\"")
                }
                func number(_ key: String) throws -> Double {
                    guard let i = column[key], let v = Double(fields[i]) else {
                        throw InputError(file: slice.file, location: location, expected: "a number in column \(key)", found: column[key].map { "\"\(fields[$0])\"" } ?? "no such column")
                    }
                    return v
                }
                let point = Int(try number("point"))
                guard point > last, slice.range.contains(point) else {
                    throw InputError(file: slice.file, location: location, expected: "point indices increasing within \(slice.range)", found: "\(point)")
                }
                last = point
                try write(line + "\n")
                let accuracy = try column["hardware_accuracy"].flatMap { fields[$0].isEmpty ? nil : try number("hardware_accuracy") }
                summary.add(position, try metrics(number, accuracy: accuracy)) { identity.map { fields[column[$0]!] } }
                position += 1
                return true
            }
        }
        return (summary, identity, position, slices[0].total)
    }

    /// `# pimsim sweep shard K/N: points A..<B of T`.
    static func parseShardLine(_ line: String, file: String) -> Slice? {
        let prefix = "# pimsim sweep shard "
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count).split(separator: " ")
        guard rest.count == 5, rest[0].hasSuffix(":"), rest[1] == "points", rest[3] == "of",
              let shard = try? Shard(parsing: String(rest[0].dropLast())), let total = Int(rest[4]) else { return nil }
        let bounds = rest[2].components(separatedBy: "..<")
        guard bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), a <= b else { return nil }
        return Slice(file: file, shard: shard, range: a..<b, total: total)
    }

    // MARK: JSON

    /// A JSON shard as the sweep writes it: the head (up to `"points"`), one point per line,
    /// one skipped entry per line, then best and pareto (recomputed here).
    static func mergeJSON(_ files: [String], write: (String) throws -> Void) throws -> (SweepSummary, [String], Int, Int) {
        var heads: [[(String, JSONValue)]] = [], slices: [Slice] = []
        for file in files {
            var headText = ""
            try TextLines.read(file) { line, _ in
                if line.hasPrefix("  \"points\": [") { return false }
                headText += line + "\n"
                return true
            }
            let pairs: [(String, JSONValue)]
            do {
                guard case .object(let p) = try JSONReader.parse(headText + "  \"points\": []\n}", file: file).value else { throw InputError(expected: "") }
                pairs = p
            } catch {
                throw InputError(file: file, expected: "a JSON shard of pimsim sweep --shard K/N", found: "other JSON")
            }
            let head = JSONReader(.object(pairs), file: file)
            guard let shardText = try? head.string("shard"), let shard = try? Shard(parsing: shardText),
                  let range = try? head.field("point_range").ints(min: 0), range.count == 2, range[0] <= range[1],
                  let total = try? head.int("points_in_space", min: 0) else {
                throw InputError(file: file, expected: "a JSON shard of pimsim sweep --shard K/N (\"shard\": \"K/N\" and its point_range)", found: "no shard")
            }
            heads.append(pairs.filter { $0.0 != "shard" && $0.0 != "point_range" && $0.0 != "points" })
            slices.append(Slice(file: file, shard: shard, range: range[0]..<range[1], total: total))
        }
        for (file, head) in zip(files, heads) where SweepJSON.head(head) != SweepJSON.head(heads[0]) {
            throw InputError(file: file, expected: "the same sweep as \(files[0]) (network, axes, settings)", found: "another sweep")
        }
        let total = slices[0].total
        let unsharded = heads[0].flatMap { pair -> [(String, JSONValue)] in
            pair.0 == "points_in_space" ? [pair, ("shard", .null), ("point_range", .array([.int(0), .int(total)]))] : [pair]
        }
        let objectives = try JSONReader(.object(unsharded), file: files[0]).field("pareto_objectives").array().map { o -> SweepMetric in
            guard let m = SweepMetric(rawValue: try o.string()) else { throw o.error(expected: "an objective") }
            return m
        }
        var summary = SweepSummary(objectives: objectives)
        var identity: [String] = []
        var position = 0
        var skipped: [(entry: JSONReader, line: String)] = []
        try write(SweepJSON.head(unsharded))
        for slice in try ordered(slices) {
            var section = 0  // 0 head, 1 points, 2 skipped, 3 the rest
            var last = slice.range.lowerBound - 1
            try TextLines.read(slice.file) { line, n in
                switch section {
                case 0:
                    if line.hasPrefix("  \"points\": [") { section = line == "  \"points\": [" ? 1 : 2 }
                case 1:
                    if line == "  ]," { section = 2; return true }
                    let text = line.hasSuffix(",") ? String(line.dropLast()) : line
                    let point = try JSONReader.parse(text, file: "\(slice.file) line \(n)")
                    let index = try point.int("point", min: 0)
                    guard index > last, slice.range.contains(index) else {
                        throw InputError(file: slice.file, location: "line \(n)", expected: "point indices increasing within \(slice.range)", found: "\(index)")
                    }
                    last = index
                    if identity.isEmpty { identity = identityKeys(try point.keys()) }
                    try write(SweepJSON.separator(position) + text.dropFirst(4))
                    let accuracy = try point.optionalField("hardware_accuracy").flatMap { $0.value == .null ? nil : try $0.double() }
                    summary.add(position, try metrics({ try point.double($0) }, accuracy: accuracy)) {
                        identity.map { key in
                            switch (try? point.field(key))?.value {
                            case .string(let s)?: return s
                            case let value?: return SweepJSON.scalar(value)
                            case nil: return ""
                            }
                        }
                    }
                    position += 1
                case 2:
                    if line.hasPrefix("  \"skipped\": [") {
                        if line.hasSuffix("[],") { section = 3 }
                    } else if line == "  ]," {
                        section = 3
                    } else {
                        let text = String(line.hasSuffix(",") ? line.dropLast() : Substring(line)).trimmingCharacters(in: .whitespaces)
                        let entry = try JSONReader.parse(text, file: "\(slice.file) line \(n)")
                        skipped += try join(skipped.popLast(), (entry, text))
                    }
                default:
                    return false
                }
                return true
            }
        }
        try write(SweepJSON.tail(points: position, skipped: skipped.map(\.line), best: summary.best, front: summary.front))
        return (summary, identity, position, total)
    }

    /// A skipped entry after `previous` (the last one so far): one entry when both are the
    /// same geometry's consecutive points split between shards (the unsharded sweep writes one).
    static func join(_ previous: (entry: JSONReader, line: String)?, _ next: (entry: JSONReader, line: String)) throws -> [(entry: JSONReader, line: String)] {
        guard let previous else { return [next] }
        let a = try previous.entry.members(), b = try next.entry.members()
        let first = try previous.entry.int("first_point", min: 0), count = try previous.entry.int("points", min: 0)
        let rest = { (m: [(key: String, value: JSONReader)]) in m.filter { $0.key != "first_point" && $0.key != "points" }.map { "\($0.key)=\(SweepJSON.scalar($0.value.value))" } }
        guard try next.entry.int("first_point", min: 0) == first + count, rest(a) == rest(b), a.contains(where: { $0.value.value == .null }) else {
            return [previous, next]
        }
        var pairs = b.map { ($0.key, $0.value.value) }
        pairs[0] = ("first_point", .int(first))
        pairs[1] = ("points", .int(count + (try next.entry.int("points", min: 0))))
        let joined = SweepJSON.line(pairs)
        return [(try JSONReader.parse(joined, file: nil), joined)]
    }
}
