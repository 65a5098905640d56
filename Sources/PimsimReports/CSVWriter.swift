/// Comma-separated values (RFC 4180): a header row, then one row per record.
public struct CSVWriter: Sendable {
    public let headers: [String]
    public private(set) var rows: [[String]] = []

    public init(headers: [String]) { self.headers = headers }

    public mutating func append(_ row: [String]) {
        precondition(row.count == headers.count, "a CSV row needs one field per column")
        rows.append(row)
    }

    /// The document; linear in its size (fields are scanned as UTF-8 bytes, not characters).
    public func render() -> String {
        var out = ""
        out.reserveCapacity(([headers] + rows).reduce(0) { $0 + $1.reduce($1.count) { $0 + $1.utf8.count } })
        for row in [headers] + rows {
            for (i, field) in row.enumerated() {
                if i > 0 { out += "," }
                out += CSVWriter.escape(field)
            }
            out += "\n"
        }
        return out
    }

    /// Quotes a field that contains a comma, quote or line break.
    public static func escape(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
        else { return field }
        var quoted = "\""
        quoted.reserveCapacity(field.utf8.count + 2)
        for scalar in field.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
