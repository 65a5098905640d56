import Foundation
import PimsimCore
import XCTest

/// `pimsim sweep NET --accuracy`: the functional simulation's accuracy per design point, as an
/// objective of the Pareto front, through shards and merge.
extension ExplorationCommandTests {
    static let lenet = "examples/nets/lenet5-twn.json"

    /// reram-1t1r with comparator offsets of 20 unit currents: comparators (1,024 rows, auto)
    /// lose accuracy, ADCs do not.
    func offsetConfig(in folder: String) throws -> String {
        let text = try TextFile.read(try ResourceLocator.locate("hwconfigs/reram-1t1r.json"))
        let field = "\"sa_offset_sigma\": {\n      \"value\": 0,"
        XCTAssertTrue(text.contains(field))
        let path = (folder as NSString).appendingPathComponent("reram-offsets.json")
        try TextFile.write(text.replacingOccurrences(of: field, with: "\"sa_offset_sigma\": {\n      \"value\": 20,"), to: path)
        return path
    }

    /// Each point's hardware_accuracy is what `pimsim eval NET --hw CONFIG --array-rows R` gives.
    func testSweepAccuracyEqualsEvalOnTheArraysAtEachPoint() throws {
        let config = try offsetConfig(in: try scratchFolder())
        let limit = ["--test-limit", "100", "--trials", "2"]
        let run = runPimsim(["sweep", Self.lenet, "--hw", config, "--array-rows", "64,1024", "--readout", "auto", "--accuracy", "--format", "json"] + limit)
        XCTAssertEqual(run.status, 0, run.err)
        let points = try JSONReader.parse(run.out, file: nil).field("points").array()
        XCTAssertEqual(points.count, 2)
        var accuracies: [Double] = []
        for (point, rows) in zip(points, [64, 1024]) {
            let eval = runPimsim(["eval", Self.lenet, "--hw", config, "--array-rows", "\(rows)", "--format", "json"] + limit)
            XCTAssertEqual(eval.status, 0, eval.err)
            let expected = try JSONReader.parse(eval.out, file: nil).double("accuracy_mean")
            XCTAssertEqual(try point.double("hardware_accuracy"), expected, "rows \(rows)")
            accuracies.append(expected)
        }
        XCTAssertGreaterThan(accuracies[0], accuracies[1], "comparators with offsets lose accuracy")
        XCTAssertTrue(run.err.contains("sweep: accuracy 2/2"), run.err)
    }

    /// Accuracy is maximised: of 8 points (rows 64, 1024 x auto, adc x two cycle times), the
    /// front over energy and accuracy is the cheapest comparator point (91 %) and the cheapest
    /// at 96 % (1,024 rows, ADCs); the simulation runs once per geometry, not per cycle time.
    /// Shards merge into exactly the unsharded output, with accuracy in the front.
    func testParetoFrontMaximisesAccuracyAndShardsMerge() throws {
        let folder = try scratchFolder()
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let config = try offsetConfig(in: folder)
        let sweep = ["sweep", Self.lenet, "--hw", config, "--array-rows", "64,1024", "--readout", "auto,adc", "--vary", "array.cycle_ns=5,10",
                     "--accuracy", "--test-limit", "100", "--trials", "1", "--pareto", "energy,accuracy"]
        let all = runPimsim(sweep + ["--format", "json", "-o", path("all.json"), "--svg", path("front.svg")])
        XCTAssertEqual(all.status, 0, all.err)
        XCTAssertEqual(all.err.components(separatedBy: "sweep: accuracy ").count - 1, 4, all.err)
        let root = try JSONReader.parse(try TextFile.read(path("all.json")), file: nil)
        let points = try root.field("points").array()
        let accuracy = try points.map { try $0.double("hardware_accuracy") }
        XCTAssertEqual(accuracy, [0.96, 0.96, 0.96, 0.96, 0.91, 0.91, 0.96, 0.96])
        let energy = try points.map { try $0.double("energy_pj") }
        XCTAssertLessThan(energy[4], energy[6])
        XCTAssertLessThan(energy[6], energy[0])
        XCTAssertEqual(try root.field("pareto").ints(), [4, 6])
        XCTAssertEqual(try root.field("best").int("accuracy"), 0)
        XCTAssertTrue(try TextFile.read(path("front.svg")).contains("accuracy against energy nJ"))
        for format in ["csv", "json"] {
            let whole = runPimsim(sweep + ["--format", format]).out
            var files: [String] = []
            for k in 1...3 {
                files.append(path("part-\(k).\(format)"))
                let shard = runPimsim(sweep + ["--format", format, "--shard", "\(k)/3", "-o", files.last!])
                XCTAssertEqual(shard.status, 0, shard.err)
            }
            let merge = runPimsim(["merge"] + files + (format == "csv" ? ["--pareto", "energy,accuracy"] : []) + ["-o", path("merged.\(format)")])
            XCTAssertEqual(merge.status, 0, merge.err)
            XCTAssertEqual(try TextFile.read(path("merged.\(format)")), whole, format)
            XCTAssertTrue(merge.out.contains("Pareto front of accuracy against energy"), merge.out)
        }
    }

    func testAccuracyMistakesAreOneLineErrors() {
        XCTAssertEqual(runPimsim(["sweep", "--accuracy"]).err,
                       "pimsim sweep: resnet20: expected a trained network with weights (a net.json of pimsim train) for --accuracy, found no trained weights\n")
        let metric = runPimsim(["sweep", Self.lenet, "--metric", "accuracy", "--svg", "/tmp/x.svg"])
        XCTAssertEqual(metric.status, 1)
        XCTAssertTrue(metric.err.hasPrefix("pimsim sweep: --metric accuracy: expected --accuracy"), metric.err)
        XCTAssertEqual(runPimsim(["sweep", Self.lenet, "--test-limit", "5"]).status, 2)
    }
}
