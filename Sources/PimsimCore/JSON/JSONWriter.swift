/// Serialises a `JSONValue` as indented, stable text (keys in their stored order).
public enum JSONWriter {
    /// - Parameter compactArrays: print arrays whose elements are all scalars on one line.
    public static func write(_ value: JSONValue, indent: Int = 2, compactArrays: Bool = true) -> String {
        var out = ""
        emit(value, level: 0, indent: indent, compactArrays: compactArrays, into: &out)
        out.append("\n")
        return out
    }

    private static func emit(_ value: JSONValue, level: Int, indent: Int, compactArrays: Bool, into out: inout String) {
        let pad = String(repeating: " ", count: (level + 1) * indent)
        let closePad = String(repeating: " ", count: level * indent)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += number(d)
        case .string(let s): out += quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let scalarOnly = items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            if compactArrays && scalarOnly {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    emit(item, level: level + 1, indent: indent, compactArrays: compactArrays, into: &out)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                emit(item, level: level + 1, indent: indent, compactArrays: compactArrays, into: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, item)) in pairs.enumerated() {
                out += pad + quote(key) + ": "
                emit(item, level: level + 1, indent: indent, compactArrays: compactArrays, into: &out)
                out += i + 1 < pairs.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }

    /// Integers print without a fraction; other values in Swift's shortest round-trip form. JSON
    /// has no NaN or infinity: such a value (a producer's bug, never a valid result) is written
    /// as `null` rather than ending the program.
    public static func number(_ d: Double) -> String {
        d.isFinite ? JSONValue.format(d) : "null"
    }

    /// `s` as a JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
