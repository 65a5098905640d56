/// A plain-text table with aligned columns: text left-aligned, numbers right-aligned.
///
/// Numbers given as `Cell.number` or `Cell.count` are formatted per column in one notation
/// (`NumberFormat.column`), so a column never mixes 1.900e+06 with 487903.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    /// One cell: text as given, or a number formatted together with the rest of its column.
    public enum Cell: Sendable {
        case text(String)
        /// A measured quantity, 4 significant digits.
        case number(Double)
        /// A count held as a Double (events), grouped while exact.
        case count(Double)
    }

    public var headers: [String]
    private var cells: [[Cell]] = []
    /// Per-column alignment; defaults to right for every column but the first.
    public var alignments: [Alignment]

    public init(headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    public mutating func append(_ row: [String]) { append(cells: row.map(Cell.text)) }

    public mutating func append(cells row: [Cell]) {
        precondition(row.count == headers.count, "a table row needs one cell per column")
        cells.append(row)
    }

    /// The rows as rendered: numeric cells formatted column by column.
    public var rows: [[String]] {
        var out = cells.map { $0.map { cell -> String in if case .text(let t) = cell { return t }; return "" } }
        for column in headers.indices {
            var numbers: [(row: Int, value: Double)] = [], counts: [(row: Int, value: Double)] = []
            for (r, row) in cells.enumerated() {
                switch row[column] {
                case .number(let v): numbers.append((r, v))
                case .count(let v): counts.append((r, v))
                case .text: break
                }
            }
            for (entry, text) in zip(numbers, NumberFormat.column(numbers.map(\.value))) { out[entry.row][column] = text }
            for (entry, text) in zip(counts, NumberFormat.countColumn(counts.map(\.value))) { out[entry.row][column] = text }
        }
        return out
    }

    /// Renders the table with a rule under the header.
    public func render() -> String {
        let rows = self.rows
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return alignments[i] == .left ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
