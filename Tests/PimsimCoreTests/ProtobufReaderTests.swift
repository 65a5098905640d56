import XCTest
import PimsimCore

final class ProtobufReaderTests: XCTestCase {
    /// protobuf.dev's encoding example: field 1 = 150 is 08 96 01.
    func testVarintFieldFromTheSpecification() throws {
        var reader = ProtobufReader([0x08, 0x96, 0x01])
        let field = try XCTUnwrap(reader.next())
        XCTAssertEqual(field.number, 1)
        XCTAssertEqual(field.value, .varint(150))
        XCTAssertNil(try reader.next())
    }

    /// int64 -1 is ten bytes: nine 0xff and 0x01 (two's complement, 64 bits).
    func testNegativeInt64() throws {
        var reader = ProtobufReader([0x18] + [UInt8](repeating: 0xff, count: 9) + [0x01])
        let field = try XCTUnwrap(reader.next())
        XCTAssertEqual(field.number, 3)
        XCTAssertEqual(field.value, .varint(UInt64.max))
    }

    func testLengthDelimitedAndFixedWidth() throws {
        // field 2: "hi"; field 3 (fixed32): 1.5 = 0x3fc00000; field 4 (fixed64): 1
        var reader = ProtobufReader([0x12, 0x02, 0x68, 0x69, 0x1d, 0x00, 0x00, 0xc0, 0x3f, 0x21, 1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try reader.next()?.value, .bytes(2..<4))
        XCTAssertEqual(try reader.next()?.value, .fixed32(Float(1.5).bitPattern))
        XCTAssertEqual(try reader.next()?.value, .fixed64(1))
        XCTAssertNil(try reader.next())
    }

    func testMalformedInputsThrowWithOffsets() {
        func error(_ bytes: [UInt8]) -> ProtobufError? {
            var reader = ProtobufReader(bytes)
            do {
                while try reader.next() != nil {}
                return nil
            } catch {
                return error as? ProtobufError
            }
        }
        XCTAssertEqual(error([0x08, 0x96]), ProtobufError(offset: 1, expected: "a complete varint", found: "the end of the data (truncated)"))
        XCTAssertEqual(error([0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01]),
                       ProtobufError(offset: 1, expected: "a varint of at most 64 bits", found: "more than 10 bytes or an overflowing last byte"))
        XCTAssertEqual(error([0x12, 0x05, 0x68]), ProtobufError(offset: 1, expected: "a length of at most the 1 bytes left", found: "5 (truncated or corrupted)"))
        XCTAssertEqual(error([0x0b]), ProtobufError(offset: 0, expected: "wire type 0, 1, 2 or 5", found: "wire type 3 (a group, not used by ONNX)"))
        XCTAssertEqual(error([0x00, 0x01]), ProtobufError(offset: 0, expected: "a field number from 1 to 536870911", found: "0"))
        XCTAssertEqual(error([0x1d, 0x00, 0x00]), ProtobufError(offset: 1, expected: "4 bytes of a fixed-width value", found: "2 bytes left (truncated)"))
        // A nested message's length is checked against the enclosing message, not the buffer.
        var nested = ProtobufReader([0x12, 0x02, 0x12, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00], range: 2..<4)
        XCTAssertThrowsError(try nested.next()) { XCTAssertEqual($0 as? ProtobufError, ProtobufError(offset: 3, expected: "a length of at most the 0 bytes left", found: "5 (truncated or corrupted)")) }
    }
}
