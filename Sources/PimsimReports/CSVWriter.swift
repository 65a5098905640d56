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

extension CSVWriter {
    /// The fields of one CSV line as `render()` writes it (RFC 4180 quoting, no line breaks
    /// inside fields); nil when a quote is left open.
    public static func fields(of line: String) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false, afterQuote = false
        var iterator = line.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { field.unicodeScalars.append(c) }
            } else if c == "\"" {
                if afterQuote { field += "\"" }  // "" inside a quoted field
                quoted = true
                afterQuote = false
            } else if c == "," {
                fields.append(field)
                field = ""
                afterQuote = false
            } else {
                field.unicodeScalars.append(c)
                afterQuote = false
            }
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }
}
