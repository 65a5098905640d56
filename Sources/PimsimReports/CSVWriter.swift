/// Comma-separated values (RFC 4180): a header row, then one row per record.
public struct CSVWriter: Sendable {
    public let headers: [String]
    public private(set) var rows: [[String]] = []

    public init(headers: [String]) { self.headers = headers }

    public mutating func append(_ row: [String]) {
        precondition(row.count == headers.count, "a CSV row needs one field per column")
        rows.append(row)
    }

    public func render() -> String {
        ([headers] + rows).map { $0.map(CSVWriter.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Quotes a field that contains a comma, quote or line break.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
