import Foundation

/// A strict JSON (RFC 8259) parser (plus NaN/Infinity, see below) that reports the line and column of the first syntax error.
///
/// Foundation's JSONSerialization blurs booleans and numbers on Linux and gives no positions;
/// pimsim's error messages need both.
public enum JSONParser {
    /// Parses a complete JSON document.
    /// - Throws: `InputError` with `location` "line L, column C" on a syntax error.
    public static func parse(_ text: String) throws -> JSONValue {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error(expected: "end of the document", found: parser.describeCurrent())
        }
        return value
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    /// Nesting deeper than this is rejected rather than risking the stack.
    static let maximumDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    func position() -> (line: Int, column: Int) {
        var line = 1, column = 1
        for b in bytes[0..<min(index, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    func error(expected: String, found: String) -> InputError {
        let (line, column) = position()
        return InputError(location: "line \(line), column \(column)", expected: expected, found: found)
    }

    func describeCurrent() -> String {
        guard index < bytes.count else { return "the end of the file" }
        let b = bytes[index]
        if b >= 0x20 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < Parser.maximumDepth else {
            throw error(expected: "nesting at most \(Parser.maximumDepth) deep", found: "deeper nesting")
        }
        guard index < bytes.count else { throw error(expected: "a JSON value", found: "the end of the file") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        // NaN and Infinity are not JSON, but Python's json module writes them; they are read as
        // numbers so that the field they stand in can be named when it is rejected as non-finite.
        case UInt8(ascii: "N"): try expectLiteral("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try expectLiteral("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            index += 1
            try expectLiteral("Infinity")
            return .number(-.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(expected: "a JSON value", found: describeCurrent())
        }
    }

    mutating func expectLiteral(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
            throw error(expected: "a JSON value", found: describeCurrent())
        }
        index += w.count
    }

    mutating func parseObject(depth: Int) throws -> JSONValue {
        index += 1
        var pairs: [(String, JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error(expected: "a quoted key", found: describeCurrent())
            }
            let key = try parseString()
            if seen.contains(key) { throw error(expected: "unique keys", found: "a second \"\(key)\"") }
            seen.insert(key)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error(expected: "':' after a key", found: describeCurrent())
            }
            index += 1
            skipWhitespace()
            pairs.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw error(expected: "',' or '}'", found: "the end of the file") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            throw error(expected: "',' or '}'", found: describeCurrent())
        }
    }

    mutating func parseArray(depth: Int) throws -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error(expected: "',' or ']'", found: "the end of the file") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error(expected: "',' or ']'", found: describeCurrent())
        }
    }

    mutating func parseString() throws -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the string is the bytes up to the closing quote.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: bytes[start..<index], as: UTF8.self) else {
                    throw error(expected: "UTF-8 text", found: "invalid UTF-8 in a string")
                }
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw error(expected: "a closing '\"'", found: "the end of the file") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw error(expected: "an escaped control character", found: describeCurrent()) }
            if b == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { throw error(expected: "an escape", found: "the end of the file") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5c)
                case UInt8(ascii: "/"): scalars.append(0x2f)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0c)
                case UInt8(ascii: "n"): scalars.append(0x0a)
                case UInt8(ascii: "r"): scalars.append(0x0d)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                              bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error(expected: "a low surrogate", found: describeCurrent())
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error(expected: "a low surrogate", found: "\\u\(String(low, radix: 16))")
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else {
                        throw error(expected: "a valid unicode escape", found: "\\u\(String(code, radix: 16))")
                    }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    index -= 1
                    throw error(expected: "a valid escape", found: describeCurrent())
                }
                continue
            }
            scalars.append(b)
            index += 1
        }
        guard let s = String(validating: scalars, as: UTF8.self) else {
            throw error(expected: "UTF-8 text", found: "invalid UTF-8 in a string")
        }
        return s
    }

    mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
              let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw error(expected: "four hex digits", found: describeCurrent())
        }
        index += 4
        return v
    }

    mutating func parseNumber() throws -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - s
        }
        let intStart = index
        guard digits() > 0 else { throw error(expected: "a digit", found: describeCurrent()) }
        if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 {
            index = intStart
            throw error(expected: "a number without leading zeros", found: describeCurrent())
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error(expected: "a digit after '.'", found: describeCurrent()) }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error(expected: "a digit in the exponent", found: describeCurrent()) }
        }
        // The grammar is checked above; strtod (C locale) converts without allocating a String.
        let count = index - start
        if count < 64 {
            let bytes = self.bytes
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
                for k in 0..<count { buffer[k] = CChar(bitPattern: bytes[start + k]) }
                buffer[count] = 0
                return strtod(buffer.baseAddress!, nil)
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else {
            index = start
            throw error(expected: "a number", found: text)
        }
        return value
    }
}
