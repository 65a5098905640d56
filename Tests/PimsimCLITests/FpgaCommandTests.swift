import Foundation
import PimsimCore
import XCTest

/// End-to-end `pimsim fpga` runs.
final class FpgaCommandTests: XCTestCase {
    static let tableIX = ["fpga", "alexnet", "--layer", "fc8", "--device", "xc7k480t", "--macs", "float=100,ternary=90",
                          "--activations", "float32", "--weight-memory", "off-chip"]

    func json(_ arguments: [String]) throws -> [String: Any] {
        let run = runPimsim(arguments + ["--format", "json"])
        XCTAssertEqual(run.status, 0, run.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
    }

    func testTableIXCommandPrintsThePapersNumbersWithHonestUnits() throws {
        let run = runPimsim(Self.tableIX)
        XCTAssertEqual(run.status, 0, run.err)
        let rows = run.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let float = try XCTUnwrap(rows.first { $0.first == "float" })
        let ternary = try XCTUnwrap(rows.first { $0.first == "ternary" })
        // weights, datapath (2 words), MAC units, multipliers, adders, LUT6 required, LUT6 available,
        // slices (min), slices available, DSP48E1 required, DSP48E1 available, ...
        XCTAssertEqual(Array(float[3...11]), ["100", "100", "100", "49,600", "298,600", "12,400", "74,650", "200", "1,920"])
        XCTAssertEqual(Array(ternary[3...11]), ["90", "0", "90", "23,490", "298,600", "5,873", "74,650", "0", "1,920"])
        XCTAssertTrue(run.out.contains("LUT6 required  LUT6 available  slices (min)  slices available  DSP48E1 required  DSP48E1 available"), run.out)
        XCTAssertFalse(rows.contains { $0.first == "binary" }, "--macs TYPE=N estimates only the types named")
    }

    func design(_ root: [String: Any], _ type: String) -> [String: Any]? {
        (root["designs"] as? [[String: Any]])?.first { $0["weight_type"] as? String == type }
    }

    func testTableIXAsJSON() throws {
        let root = try json(Self.tableIX)
        let float = try XCTUnwrap(design(root, "float"))
        let ternary = try XCTUnwrap(design(root, "ternary"))
        XCTAssertEqual(float["lut6"] as? Int, 49_600)
        XCTAssertEqual(float["dsps"] as? Int, 200)
        XCTAssertEqual(float["mac_units"] as? Int, 100)
        XCTAssertEqual(float["fits"] as? Bool, true)
        XCTAssertEqual(ternary["lut6"] as? Int, 23_490)
        XCTAssertEqual(ternary["dsps"] as? Int, 0)
        XCTAssertEqual(ternary["mac_units"] as? Int, 90)
        XCTAssertNil(design(root, "binary"))
        let device = try XCTUnwrap(root["device"] as? [String: Any])
        let available = try XCTUnwrap(device["available"] as? [String: Int])
        let units = try XCTUnwrap(root["units"] as? [String: String])
        XCTAssertEqual(available["slices"], 74_650)
        XCTAssertEqual(units["slices"], "slice")
        XCTAssertEqual(available["lut6"], 298_600)
        XCTAssertEqual(units["lut6"], "LUT6")
        XCTAssertEqual(available["dsps"], 1_920)
        XCTAssertEqual(units["dsps"], "DSP48E1")
        XCTAssertEqual(available["bram18"], 1_910)
        XCTAssertEqual(units["bram18"], "BRAM18")
    }

    func testResNet20AutoGivesAPerLayerReportForEveryWeightType() throws {
        let text = runPimsim(["fpga", "resnet20", "--device", "xc7k480t", "--auto"])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertEqual(text.out.components(separatedBy: "\ns3b3c2 ").count - 1, 3, "one per-layer table per weight type")
        let root = try json(["fpga", "resnet20", "--device", "xc7k480t", "--auto"])
        for type in ["float", "ternary", "binary"] {
            let design = try XCTUnwrap(design(root, type), type)
            for key in ["lut6", "dsps", "bram18", "ffs", "mac_units"] { XCTAssertNotNil(design[key] as? Int, "\(type).\(key)") }
            XCTAssertEqual(design["fits"] as? Bool, true, type)
            XCTAssertEqual(design["auto"] as? Bool, true, type)
            let layers = try XCTUnwrap(design["layers"] as? [[String: Any]])
            XCTAssertEqual(layers.count, 20, type)
            XCTAssertEqual(layers.reduce(0) { $0 + ($1["lut6"] as! Int) }, design["lut6"] as? Int, "\(type): layers add up to the total")
        }
        XCTAssertEqual(design(root, "float")?["mac_units_per_layer"] as? Int, 30, "20 layers x 30 x 496 LUT6 = 297,600 of 298,600")
    }

    /// CSV: a row per layer and a total per design; the totals equal the JSON's.
    func testCSVHasLayerAndTotalRows() throws {
        let run = runPimsim(["fpga", "lenet5", "--device", "xc7z020", "--macs", "8", "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.err)
        let lines = run.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        XCTAssertEqual(Array(header.prefix(5)), ["network", "device", "weight_type", "row_kind", "layer"])
        XCTAssertEqual(lines.count, 1 + 3 * (4 + 1), "three weight types, four layers and a total each")
        let root = try json(["fpga", "lenet5", "--device", "xc7z020", "--macs", "8"])
        let lut6 = header.firstIndex(of: "lut6")!, kind = header.firstIndex(of: "row_kind")!, type = header.firstIndex(of: "weight_type")!
        for t in ["float", "ternary", "binary"] {
            let total = try XCTUnwrap(lines.first { $0[kind] == "total" && $0[type] == t })
            XCTAssertEqual(Int(total[lut6]), design(root, t)?["lut6"] as? Int, t)
        }
    }

    func testUnknownDeviceIsAOneLineErrorWithASuggestion() {
        let run = runPimsim(["fpga", "resnet20", "--device", "xc7k480"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.err, "pimsim fpga: --device: expected a device file or one of xc7a100t, xc7k325t, xc7k480t, xc7z020, xczu9eg (did you mean \"xc7k480t\"?), found \"xc7k480\"\n")
    }

    func testBadDeviceFileIsAOneLineErrorNamingFileAndField() throws {
        let path = NSTemporaryDirectory() + "pimsim-fpga-bad-device.json"
        let good = try TextFile.read(try ResourceLocator.locate("hwconfigs/fpga/devices/xc7k480t.json"))
        try good.replacingOccurrences(of: "\"value\": 955", with: "\"value\": -955").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = runPimsim(["fpga", "resnet20", "--device", path])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.err, "pimsim fpga: \(path): $.bram36.value: expected an integer >= 0, found -955\n")
    }

    func testUsageErrors() {
        XCTAssertEqual(runPimsim(["fpga", "resnet20"]).status, 2)
        XCTAssertEqual(runPimsim(["fpga", "resnet20", "--device", "xc7k480t", "--macs", "4", "--auto"]).status, 2)
        let layer = runPimsim(["fpga", "resnet20", "--device", "xc7k480t", "--layer", "fc8"])
        XCTAssertEqual(layer.status, 1)
        XCTAssertTrue(layer.err.hasPrefix("pimsim fpga: --layer: expected a weighted layer of resnet20"), layer.err)
        let weights = runPimsim(["fpga", "resnet20", "--device", "xc7k480t", "--macs", "float=4", "--weights", "float,binary"])
        XCTAssertEqual(weights.err, "pimsim fpga: --macs: expected a MAC count for every type in --weights, found none for binary\n")
        let twice = runPimsim(["fpga", "resnet20", "--device", "xc7k480t", "--weights", "float,float"])
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.err.hasPrefix("pimsim fpga: --weights: expected each of float, ternary, binary at most once"), twice.err)
    }
}
