import PimsimCore
import XCTest

/// The JSON parser on large documents and the fast paths added for them (issue 9: linear in the
/// document): numbers without allocation, strings without escapes.
final class JSONParserSizeTests: XCTestCase {
    func testNumbersParseExactly() throws {
        let value = try JSONParser.parse("[0, -0, 1.5, -2e3, 1E-2, 123456789012345678, 0.1, 1e999, 5e-324]")
        XCTAssertEqual(value, .array([.number(0), .number(-0.0), .number(1.5), .number(-2000), .number(0.01),
                                      .number(123456789012345678), .number(0.1), .number(.infinity), .number(5e-324)]))
        XCTAssertThrowsError(try JSONParser.parse("[01]"))
        XCTAssertThrowsError(try JSONParser.parse("[1.]"))
        XCTAssertThrowsError(try JSONParser.parse("[0x10]"))
    }

    func testStringsWithAndWithoutEscapes() throws {
        let value = try JSONParser.parse(#"["plain", "tab\there", "a\"b", "\u00e9\ud83d\ude00", "caf\u00e9 ok", "日本"]"#)
        XCTAssertEqual(value, .array([.string("plain"), .string("tab\there"), .string("a\"b"), .string("é😀"), .string("café ok"), .string("日本")]))
        XCTAssertThrowsError(try JSONParser.parse("[\"a\nb\"]"), "a raw control character")
        XCTAssertThrowsError(try JSONParser.parse("[\"abc"))
    }

    /// 100,000 keys and a 10 MB string: one pass each (was quadratic in the keys).
    func testLargeDocuments() throws {
        let keys = (0..<100_000).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        guard case .object(let pairs) = try JSONParser.parse("{" + keys + "}") else { return XCTFail("an object") }
        XCTAssertEqual(pairs.count, 100_000)
        XCTAssertEqual(pairs.last?.1, .number(99_999))
        let long = String(repeating: "ab", count: 5_000_000)
        XCTAssertEqual(try JSONParser.parse("[\"\(long)\"]"), .array([.string(long)]))
        XCTAssertThrowsError(try JSONParser.parse("{\"a\": 1, \"a\": 2}"), "duplicate keys")
    }

    func testWriterNeverTrapsOnNonFiniteNumbers() {
        XCTAssertEqual(JSONWriter.write(.array([.number(.nan), .number(-.infinity), .number(2)])), "[null, null, 2]\n")
    }
}
