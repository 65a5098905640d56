import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PimsimCore
import PimsimReports
import XCTest

/// Design-space exploration at scale (issue 13): `--set` and `--vary`, agreement with `pimsim
/// run`, shards merged byte for byte, the Pareto front over chosen objectives and its SVG, and
/// the cluster examples.
final class ExplorationCommandTests: XCTestCase {
    func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pimsim-dse-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// CSV text as rows of fields keyed by the header.
    func records(_ csv: String) throws -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let keys = try XCTUnwrap(CSVWriter.fields(of: lines[0]))
        return try lines.dropFirst().map { line in
            let fields = try XCTUnwrap(CSVWriter.fields(of: line))
            XCTAssertEqual(fields.count, keys.count)
            return Dictionary(uniqueKeysWithValues: zip(keys, fields))
        }
    }

    static let vary = ["--vary", "adc.energy_pj_by_adc_bits.9=0.5:4:5", "--vary", "sense_amp.energy_pj=0.01:0.2:4log",
                       "--vary", "array.cycle_ns=2,10,40", "--vary", "organisation.arrays_per_macro=1,8",
                       "--vary", "assumed_densities.weight_nonzero=0.3,0.9"]

    /// Random points of a `--vary` sweep equal `pimsim run --set` with the point's values.
    func testRandomPointsEqualRunWithTheSameSettings() throws {
        let sweep = runPimsim(["sweep", "--hw", "reram-1t1r", "--array-rows", "72,144", "--columns", "64,128", "--split", "none,72", "--readout", "auto,adc",
                               "--set", "input_buffer.static_mw=0.2"] + Self.vary + ["--format", "csv"])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        let rows = try records(sweep.out)
        XCTAssertEqual(rows.count, 2 * 2 * 2 * 2 * 5 * 4 * 3 * 2 * 2)
        XCTAssertEqual(rows.map { $0["point"] }, (0..<rows.count).map { "\($0)" })
        let paths = ["adc.energy_pj_by_adc_bits.9", "sense_amp.energy_pj", "array.cycle_ns", "organisation.arrays_per_macro", "assumed_densities.weight_nonzero"]
        var state: UInt64 = 88_172_645_463_325_252
        for _ in 0..<8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let row = rows[Int(state % UInt64(rows.count))]
            var args = ["run", "--hw", "reram-1t1r", "--array-rows", row["array_rows"]!, "--split", row["split"]!, "--format", "json",
                        "--set", "input_buffer.static_mw=0.2", "--set", "array.columns=\(row["array_columns"]!)"]
            if row["readout"] == "adc" { args += ["--set", "readout.kinds=adc_only"] }
            for path in paths { args += ["--set", "\(path)=\(row[path]!)"] }
            let run = runPimsim(args)
            XCTAssertEqual(run.status, 0, run.err)
            let c = try JSONReader.parse(run.out, file: nil).field("configurations").array()[0]
            for key in ["energy_pj", "area_mm2", "latency_ns", "interval_ns"] {
                XCTAssertEqual(Double(row[key]!), try c.double(key), "point \(row["point"]!) \(key)")  // to the last digit
            }
            // What the mapping fixes (written once per geometry) and the totals.
            for key in ["parameters", "macs", "arrays", "adcs", "sense_amps"] {
                XCTAssertEqual(Int(row[key]!), try c.int(key), "point \(row["point"]!) \(key)")
            }
            XCTAssertEqual(Double(row["adc_conversions"]!), try c.double("adc_conversions"), "point \(row["point"]!)")
        }
    }

    /// With node and supply axes around the cost-side `--vary` axes, every row is labelled with
    /// the values it was costed at: it equals `pimsim run --node --vdd --set` with the row's
    /// values. The JSON lists the node and supply axes.
    func testNodeSupplyAndVaryColumnsNameTheValuesEachPointWasCostedAt() throws {
        let common = ["--hw", "reram-1t1r", "--array-rows", "144", "--split", "144"]
        let sweep = runPimsim(["sweep"] + common + ["--readout", "auto", "--node", "45,22", "--vdd", "0.8,1", "--vary", "array.cycle_ns=5,10",
                                                    "--vary", "sense_amp.energy_pj=0.02,0.05", "--format", "csv"])
        XCTAssertEqual(sweep.status, 0, sweep.err)
        let rows = try records(sweep.out)
        XCTAssertEqual(rows.count, 2 * 2 * 2 * 2)
        // Nesting order: node, supply, then the --vary axes (the last innermost).
        XCTAssertEqual(rows.map { "\($0["node_nm"]!) \($0["vdd_v"]!) \($0["array.cycle_ns"]!) \($0["sense_amp.energy_pj"]!)" }.prefix(5),
                       ["45.0 0.8 5 0.02", "45.0 0.8 5 0.05", "45.0 0.8 10 0.02", "45.0 0.8 10 0.05", "45.0 1.0 5 0.02"])
        for row in rows {
            let run = runPimsim(["run"] + common + ["--node", row["node_nm"]!, "--vdd", row["vdd_v"]!, "--set", "array.cycle_ns=\(row["array.cycle_ns"]!)",
                                                    "--set", "sense_amp.energy_pj=\(row["sense_amp.energy_pj"]!)", "--format", "json"])
            XCTAssertEqual(run.status, 0, run.err)
            let c = try JSONReader.parse(run.out, file: nil).field("configurations").array()[0]
            for key in ["energy_pj", "area_mm2", "latency_ns"] {
                XCTAssertEqual(Double(row[key]!), try c.double(key), "point \(row["point"]!) \(key)")
            }
        }
        let json = runPimsim(["sweep"] + common + ["--node", "45,22", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.err)
        let axes = try JSONReader.parse(json.out, file: nil).field("axes")
        XCTAssertEqual(try axes.field("node_nm").array().map { try $0.double() }, [45, 22])
        XCTAssertTrue(json.out.contains("\"vdd_v\": null"), "no --vdd: each node's nominal supply")
        XCTAssertEqual(runPimsim(["sweep"] + common + ["--node", "45,22", "--metric", "energy", "--svg", "/tmp/x.svg"]).err,
                       "pimsim sweep: --metric: expected a sweep over hwconfig, rows, split and read-out only, unsharded (lines against array rows); the Pareto scatter (--svg without --metric) takes any space, found other axes or --shard\n")
    }

    /// Every slicing into shards, merged, is byte-identical to the unsharded sweep, in CSV and
    /// JSON, also when a geometry that cannot be built (27:9) or the cost-side points of one
    /// geometry straddle shards, and when a shard holds no evaluated point.
    func testShardsMergeIntoExactlyTheUnshardedOutput() throws {
        let folder = try scratchFolder()
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let sweep = ["sweep", "--hw", "reram-1t1r,sram-16t1c", "--array-rows", "64,128", "--split", "27:9;none;144", "--readout", "auto",
                     "--vary", "array.cycle_ns=5:50:7", "--vary", "schedule.mode=layer_by_layer,pipelined", "--pareto", "energy,latency,adcs"]
        for format in ["csv", "json"] {
            let all = runPimsim(sweep + ["--format", format, "-o", path("all.\(format)")])
            XCTAssertEqual(all.status, 0, all.err)
            let whole = try TextFile.read(path("all.\(format)"))
            for n in [1, 3, 5, 13] {
                var files: [String] = []
                for k in (1...n).reversed() {  // any order
                    let file = path("part-\(k)-of-\(n).\(format)")
                    let shard = runPimsim(sweep + ["--format", format, "--shard", "\(k)/\(n)", "-o", file])
                    XCTAssertEqual(shard.status, 0, "\(k)/\(n): \(shard.err)")
                    files.append(file)
                }
                let merged = path("merged-\(n).\(format)")
                let merge = runPimsim(["merge"] + files + ["-o", merged])
                XCTAssertEqual(merge.status, 0, merge.err)
                XCTAssertEqual(try TextFile.read(merged), whole, "\(format), \(n) shards")
                XCTAssertTrue(merge.out.contains("Pareto front") && merge.out.contains("best point per metric"), merge.out)
            }
        }
        // The JSON names the slice, the CSV shard says it on its first line.
        let root = try JSONReader.parse(try TextFile.read(path("part-2-of-3.json")), file: nil)
        XCTAssertEqual(try root.string("shard"), "2/3")
        XCTAssertEqual(try root.field("point_range").ints(), [56, 112])
        XCTAssertEqual(try root.int("points_in_space"), 168)
        XCTAssertTrue(try TextFile.read(path("part-2-of-3.csv")).hasPrefix("# pimsim sweep shard 2/3: points 56..<112 of 168\npoint,"))
        XCTAssertEqual(try JSONReader.parse(try TextFile.read(path("all.json")), file: nil).field("pareto_objectives").array().map { try $0.string() },
                       ["energy", "latency", "adcs"])
    }

    func testMergeRefusesIncompleteOrMixedShards() throws {
        let folder = try scratchFolder()
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let sweep = ["sweep", "--hw", "reram-1t1r", "--array-rows", "64,128", "--split", "144", "--format", "csv"]
        for k in 1...3 { XCTAssertEqual(runPimsim(sweep + ["--shard", "\(k)/3", "-o", path("p\(k).csv")]).status, 0) }
        XCTAssertEqual(runPimsim(sweep + ["--readout", "auto", "--shard", "1/3", "-o", path("other.csv")]).status, 0)
        XCTAssertEqual(runPimsim(sweep + ["-o", path("whole.csv")]).status, 0)
        let cases: [([String], String)] = [
            (["p1.csv", "p3.csv"], "pimsim merge: FILE: expected all 3 shards, found none for 2/3\n"),
            (["p1.csv", "p2.csv", "p3.csv", "p2.csv"], "pimsim merge: FILE: expected each value once, found \"\(path("p2.csv"))\" twice\n"),
            (["p1.csv", "p2.csv", "other.csv"], "pimsim merge: \(path("other.csv")): expected a shard of the same sweep as \(path("p1.csv")) (shard K/3 of 4 points), found shard 1/3 of 2 points\n"),
            (["whole.csv"], "pimsim merge: \(path("whole.csv")): expected a CSV shard of pimsim sweep --shard K/N (first line \"# pimsim sweep shard K/N: points A..<B of T\"), found \"point,network,hardware,array_rows,array_columns,columns_per_\"\n"),
        ]
        for (files, message) in cases {
            let r = runPimsim(["merge"] + files.map(path) + ["-o", path("m.csv")])
            XCTAssertEqual(r.status, 1, "\(files)")
            XCTAssertEqual(r.err, message)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("m.csv")), "no partial output")
        }
        XCTAssertEqual(runPimsim(["sweep", "--hw", "isaac", "--shard", "1/2"]).err, "pimsim sweep: --shard: expected --format csv or json (shards are joined by pimsim merge), found the table format\n")
        XCTAssertEqual(runPimsim(["sweep", "--hw", "isaac", "--format", "csv", "--shard", "3/2"]).err, "pimsim sweep: --shard: expected K/N with 1 <= K <= N (e.g. 3/8), found \"3/2\"\n")
    }

    /// The front over three objectives is exactly the points no other point dominates.
    func testParetoFrontOverThreeObjectives() throws {
        let folder = try scratchFolder()
        let json = (folder as NSString).appendingPathComponent("s.json")
        let r = runPimsim(["sweep", "--hw", "reram-1t1r,sram-16t1c", "--array-rows", "64:512", "--adc-sharing", "1:16", "--readout", "auto",
                           "--pareto", "energy,area,latency", "--format", "json", "-o", json])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.isEmpty)
        let root = try JSONReader.parse(try TextFile.read(json), file: nil)
        let points = try root.field("points").array().map { p in [try p.double("energy_pj"), try p.double("area_mm2"), try p.double("latency_ns")] }
        XCTAssertEqual(points.count, 2 * 4 * 5 * 5)
        let front = try root.field("pareto").ints(min: 0)
        for (i, a) in points.enumerated() {
            let dominated = points.enumerated().contains { j, b in
                zip(b, a).allSatisfy { $0 <= $1 } && (zip(b, a).contains { $0 < $1 } || j < i)
            }
            XCTAssertEqual(front.contains(i), !dominated, "point \(i)")
        }
        XCTAssertEqual(front, front.sorted { (points[$0][0], points[$0][1], points[$0][2], $0) < (points[$1][0], points[$1][1], points[$1][2], $1) })
        for (value, message) in [("energy", "pimsim sweep: --pareto: expected two or three objectives, found 1\n"),
                                 ("energy,power", "pimsim sweep: --pareto: expected objectives among energy, area, latency, edp, adcs, arrays, accuracy separated by commas (e.g. area,energy), found \"power\"\n"),
                                 ("energy,accuracy", "pimsim sweep: --pareto accuracy: expected --accuracy with a trained net.json (the functional simulation gives the accuracy: docs/sweep.md, \"Accuracy\"), found no --accuracy\n")] {
            XCTAssertEqual(runPimsim(["sweep", "--hw", "isaac", "--pareto", value]).err, message)
        }
    }

    func testScatterSVGShowsTheFrontOverDimmedPoints() throws {
        let folder = try scratchFolder()
        let svg = (folder as NSString).appendingPathComponent("front.svg")
        let r = runPimsim(["sweep", "--hw", "reram-1t1r", "--array-rows", "64:256", "--split", "144,72,36", "--readout", "auto",
                           "--vary", "sense_amp.area_um2=5,10,20", "--vary", "array.cycle_ns=5:50:10",
                           "--format", "csv", "-o", (folder as NSString).appendingPathComponent("s.csv"), "--svg", svg])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try TextFile.read(svg)
        let parser = XMLParser(data: Data(text.utf8))
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertTrue(text.contains("resnet20: energy nJ against area mm2, 270 design points"), text)
        let frontRows = r.out.split(separator: "\n").drop { !$0.hasPrefix("Pareto front") }.dropFirst(3).filter { !$0.isEmpty }.count
        XCTAssertGreaterThan(frontRows, 1)
        XCTAssertEqual(text.components(separatedBy: "<title>").count - 1, frontRows)  // front markers carry their values
        XCTAssertEqual(text.components(separatedBy: "r=\"1.5\"").count - 1, 270)      // every point, dimmed
        XCTAssertTrue(text.contains("fill=\"#bbb\""))
    }

    func testVaryAndSetErrorsAndTheTable() throws {
        let table = runPimsim(["sweep", "--hw", "reram-1t1r", "--array-rows", "144", "--split", "144", "--columns", "64,128", "--vary", "schedule.mode=layer_by_layer,pipelined",
                               "--vary", "array.cycle_ns=10,20"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.hasPrefix("resnet20: 1 hwconfig x 1 array height x 2 column counts x 2 values of schedule.mode x 1 split x 2 read-outs x 2 values of array.cycle_ns = 16 design points, one inference each\n"), table.out)
        XCTAssertTrue(table.out.contains("hardware    rows  columns  schedule.mode   split  read-out  array.cycle_ns  parameters"), table.out)
        let cases: [([String], String)] = [
            (["--vary", "array.cycle_ns=10,20", "--set", "array.cycle_ns=5"], "pimsim sweep: --vary array.cycle_ns: expected one of --set array.cycle_ns and --vary array.cycle_ns, found both\n"),
            (["--vary", "array.cycle_ns=10,20", "--vary", "array.cycle_ns=5,6"], "pimsim sweep: --vary: expected each value once, found \"array.cycle_ns\" twice\n"),
            (["--set", "array.rows=64"], "pimsim sweep: --set array.rows: expected the --array-rows axis for array.rows, found --set array.rows\n"),
            (["--columns", "64", "--set", "array.columns=64"], "pimsim sweep: --set array.columns: expected one of --set array.columns and --columns, found both\n"),
            (["--columns", "1"], ""),
            (["--vary", "adc.energy_pj_by_adc_bits.9=0,1"], "pimsim sweep: --vary adc.energy_pj_by_adc_bits.9: expected a number > 0, found \"0\"\n"),
            (["--vary", "adc.energy_pj_by_adc_bits.9=0:1:3"], "pimsim sweep: --vary adc.energy_pj_by_adc_bits.9: expected a number > 0, found 0 (from \"0:1:3\")\n"),
        ]
        for (extra, message) in cases {
            let r = runPimsim(["sweep", "--hw", "reram-1t1r", "--array-rows", "144", "--split", "144"] + extra)
            if message.isEmpty {
                // One column cannot hold a differential pair: every point is skipped, with that reason.
                XCTAssertEqual(r.status, 1)
                XCTAssertTrue(r.err.contains("$.array.columns: expected at least cells_per_ternary_weight (2) columns, found 1"), r.err)
            } else {
                XCTAssertEqual(r.err, message, "\(extra)")
            }
        }
    }

    /// examples/cluster: the Slurm array script run as N processes (Slurm's environment set by
    /// hand) and the GNU parallel one-liner, each merged, equal the unsharded sweep. GNU
    /// parallel is not installed on the CI machine: then a stand-in on PATH runs the line's
    /// commands as background processes.
    func testClusterExamplesGiveTheUnshardedSweep() throws {
        let pimsim = try XCTUnwrap(BuiltBinary.path("pimsim"))
        let folder = try scratchFolder()
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let axes = "--hw reram-1t1r --array-rows 72,144 --split 72 --readout auto --vary adc.energy_pj_by_adc_bits.9=0.5:4:10 --vary array.cycle_ns=2:40:10"
        let whole = runPimsim(["sweep"] + axes.split(separator: " ").map(String.init) + ["--format", "csv", "-o", path("whole.csv")])
        XCTAssertEqual(whole.status, 0, whole.err)
        var env = ProcessInfo.processInfo.environment
        env["PIMSIM"] = pimsim
        env["SWEEP"] = axes
        env["PIMSIM_HOME"] = nil

        // Slurm: tasks 1..4 of an array of 4, at the same time.
        let slurm = try ResourceLocator.locate("examples/cluster/slurm-sweep.sh")
        env["OUT"] = path("shards")
        let n = 4
        let tasks = (1...n).map { k in
            var e = env
            e["SLURM_ARRAY_TASK_ID"] = "\(k)"
            e["SLURM_ARRAY_TASK_COUNT"] = "\(n)"
            return e
        }
        let outcomes = try concurrentRuns(tasks.map { ("/bin/bash", [slurm], $0) })
        for o in outcomes { XCTAssertEqual(o.status, 0, o.err) }
        let shards = (1...n).map { path("shards/part-\($0).csv") }
        XCTAssertEqual(runPimsim(["merge"] + shards + ["-o", path("slurm.csv")]).status, 0)
        XCTAssertEqual(try TextFile.read(path("slurm.csv")), try TextFile.read(path("whole.csv")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("shards/part-1.csv.partial")))

        // GNU parallel (or the stand-in).
        let script = try ResourceLocator.locate("examples/cluster/parallel.sh")
        if which("parallel") == nil {
            let bin = path("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            let standIn = (bin as NSString).appendingPathComponent("parallel")
            try TextFile.write(Self.parallelStandIn, to: standIn)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn)
            env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        }
        env["OUT"] = path("parallel")
        env["N"] = "5"
        let run = try BuiltBinary.run("/bin/bash", [script], environment: env)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(try TextFile.read(path("parallel/sweep.csv")), try TextFile.read(path("whole.csv")))
    }

    /// `parallel -j J CMD ARGS...`: CMD with `{}` replaced by each line of standard input, as
    /// background processes; fails if any does (what the one-liner needs of GNU parallel).
    static let parallelStandIn = """
    #!/bin/bash
    [ "$1" = "-j" ] && shift 2
    pids=()
    while read -r item; do
        args=()
        for a in "$@"; do args+=("${a//\\{\\}/$item}"); done
        "${args[@]}" &
        pids+=($!)
    done
    status=0
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    exit $status

    """

    /// The executable `name` on PATH, if any.
    func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { ($0 as NSString).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the commands at the same time and waits for all.
    func concurrentRuns(_ commands: [(String, [String], [String: String])]) throws -> [BuiltBinary.Outcome] {
        final class Results: @unchecked Sendable { var items: [Result<BuiltBinary.Outcome, Error>?] = [] }
        let results = Results()
        results.items = Array(repeating: nil, count: commands.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: commands.count) { i in
            let (exe, args, env) = commands[i]
            let r = Result { try BuiltBinary.run(exe, args, environment: env) }
            lock.lock()
            results.items[i] = r
            lock.unlock()
        }
        return try results.items.map { try $0!.get() }
    }
}
