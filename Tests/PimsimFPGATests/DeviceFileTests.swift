import PimsimCore
import PimsimFPGA
import XCTest

/// The device database: shipped parts load, bad files get one-line errors naming file and field.
final class DeviceFileTests: XCTestCase {
    func testShippedDevicesLoadWithConsistentUnits() throws {
        let names = try FPGADevice.knownNames()
        XCTAssertEqual(names, ["xc7a100t", "xc7k325t", "xc7k480t", "xc7z020", "xczu9eg"])
        for name in names {
            let d = try FPGADevice.resolve(name)
            XCTAssertEqual(d.slices.lutCapacity(lutsPerSlice: d.lutsPerSlice), d.luts, name)
            XCTAssertFalse(d.sources.values.contains { $0.isEmpty }, name)
        }
        XCTAssertEqual(try FPGADevice.resolve("XC7Z020").luts, Count(53_200))
        XCTAssertEqual(try FPGADevice.resolve("xczu9eg").luts, Count(274_080))
    }

    func error(_ text: String) -> String {
        do {
            _ = try FPGADevice(json: text, file: "bad.json")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func corrupt(_ edit: (inout String) -> Void) throws -> String {
        var text = try Fixtures.deviceText()
        edit(&text)
        return error(text)
    }

    func testMalformedJSON() {
        let message = error("{\"name\": \"x\",")
        XCTAssertTrue(message.hasPrefix("bad.json: "), message)
        XCTAssertTrue(message.contains("valid JSON"), message)
    }

    func testMissingField() throws {
        let message = try corrupt { $0 = $0.replacingOccurrences(of: "\"dsps\"", with: "\"dsp_count\"") }
        XCTAssertTrue(message.hasPrefix("bad.json: $.dsp_count: expected one of the known fields"), message)
        let missing = try corrupt { text in
            let start = text.range(of: "  \"bram36\"")!.lowerBound
            text = String(text[..<start]).trimmingCharacters(in: .whitespacesAndNewlines).dropLast() + "\n}\n"
        }
        XCTAssertEqual(missing, "bad.json: $.bram36: expected a value (required field), found nothing")
    }

    func testNegativeCount() throws {
        let message = try corrupt { $0 = $0.replacingOccurrences(of: "\"value\": 1920", with: "\"value\": -1920") }
        XCTAssertEqual(message, "bad.json: $.dsps.value: expected an integer >= 0, found -1920")
    }

    func testUnknownKey() throws {
        let message = try corrupt { $0 = $0.replacingOccurrences(of: "\"family\"", with: "\"familly\"") }
        XCTAssertTrue(message.hasPrefix("bad.json: $.familly: expected one of the known fields"), message)
        XCTAssertTrue(message.contains("did you mean \"family\""), message)
    }

    func testASliceCountGivenAsLUTsIsCaught() throws {
        let message = try corrupt { $0 = $0.replacingOccurrences(of: "\"value\": 298600", with: "\"value\": 74650") }
        XCTAssertEqual(message, "bad.json: $.luts.value: expected slices x luts_per_slice = 74650 x 4 = 298600 (a LUT count, not a slice count), found 74650")
        let unit = try corrupt { $0 = $0.replacingOccurrences(of: "\"unit\": \"slice\"", with: "\"unit\": \"LUT6\"") }
        XCTAssertEqual(unit, "bad.json: $.slices.unit: expected the unit \"slice\", found the string \"LUT6\"")
    }

    func testMissingSource() throws {
        let empty = try corrupt { text in
            let range = text.range(of: "\"source\": \"Xilinx DS180 (7 Series FPGAs Data Sheet: Overview), Table 4 (Kintex-7) (DSP slices)\"")!
            text.replaceSubrange(range, with: "\"source\": \" \"")
        }
        XCTAssertTrue(empty.hasPrefix("bad.json: $.dsps.source: expected a non-empty source"), empty)
    }

    func testUnknownDeviceNameSuggestsTheClosest() {
        XCTAssertThrowsError(try FPGADevice.resolve("xc7k48t")) { error in
            XCTAssertEqual("\(error)", "--device: expected a device file or one of xc7a100t, xc7k325t, xc7k480t, xc7z020, xczu9eg (did you mean \"xc7k480t\"?), found \"xc7k48t\"")
        }
    }

    func testMissingDeviceFile() {
        XCTAssertThrowsError(try FPGADevice.resolve("/nonexistent/board.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/board.json: "), "\(error)")
        }
    }
}
