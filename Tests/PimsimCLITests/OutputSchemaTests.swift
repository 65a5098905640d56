import Foundation
import PimsimCore
import XCTest

/// docs/outputs.md is the contract for the JSON and CSV outputs: for every section, run the
/// command it names and check that each documented field is written and nothing else is (a
/// section may name more commands, "Also checked with": each writes only documented fields, and
/// together they write them all).
final class OutputSchemaTests: XCTestCase {
    struct Section {
        let heading: String
        let command: [String]
        /// The "Also checked with" commands.
        let others: [[String]]
        let fields: [String]
    }

    /// The `## \`pimsim ... --format json|csv\`` sections of docs/outputs.md: the command after
    /// "Checked with" and the first column of the table, braces expanded.
    static func sections() throws -> [Section] {
        let text = try TextFile.read(try ResourceLocator.locate("docs/outputs.md"))
        var sections: [Section] = []
        var heading: String?, command: [String] = [], others: [[String]] = [], fields: [String] = []
        func close() {
            if let heading { sections.append(Section(heading: heading, command: command, others: others, fields: fields)) }
        }
        func words(after range: Range<String.Index>, in line: String) -> [String] {
            let rest = line[range.upperBound...]
            return rest[..<rest.firstIndex(of: "`")!].split(separator: " ").map(String.init)
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                close()
                heading = line.contains("--format") ? line : nil
                command = []
                others = []
                fields = []
            } else if heading != nil, command.isEmpty, let range = line.range(of: "Checked with `pimsim ") {
                command = words(after: range, in: line)
            } else if heading != nil, let range = line.range(of: "Also checked with `pimsim ") {
                others.append(words(after: range, in: line))
            } else if heading != nil, line.hasPrefix("| `") {
                let cell = line.dropFirst(3).prefix { $0 != "`" }
                fields += expand(String(cell))
            }
        }
        close()
        return sections
    }

    /// `a.{x,y}.b` -> `a.x.b`, `a.y.b`.
    static func expand(_ path: String) -> [String] {
        guard let open = path.firstIndex(of: "{"), let close = path.firstIndex(of: "}") else { return [path] }
        let head = path[..<open], tail = path[path.index(after: close)...]
        return path[path.index(after: open)..<close].split(separator: ",").flatMap { expand(String(head) + $0 + tail) }
    }

    /// Every member path of `value` (`a.b`, `a[].c`), members of arrays' objects included.
    static func paths(_ value: JSONValue, prefix: String = "") -> Set<String> {
        switch value {
        case .object(let pairs):
            return pairs.reduce(into: Set<String>()) { result, pair in
                let path = prefix.isEmpty ? pair.0 : prefix + "." + pair.0
                result.insert(path)
                result.formUnion(paths(pair.1, prefix: path))
            }
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(paths($1, prefix: prefix + "[]")) }
        default:
            return []
        }
    }

    func testEveryDocumentedSectionNamesACommand() throws {
        let sections = try Self.sections()
        XCTAssertEqual(sections.count, 10, "JSON and CSV of run, sweep, params and fpga; JSON of eval --hw and its sweep")
        for s in sections {
            XCTAssertFalse(s.command.isEmpty, s.heading)
            XCTAssertFalse(s.fields.isEmpty, s.heading)
        }
    }

    func testJSONOutputsHaveExactlyTheDocumentedFields() throws {
        for section in try Self.sections() where section.heading.contains("--format json") {
            var written = Set<String>()
            let documented = Set(section.fields)
            for command in [section.command] + section.others {
                let run = runPimsim(command)
                XCTAssertEqual(run.status, 0, "\(command): \(run.err)")
                let paths = Self.paths(try JSONParser.parse(run.out))
                XCTAssertEqual(paths.subtracting(documented).sorted(), [], "\(command): written but not documented")
                written.formUnion(paths)
            }
            XCTAssertEqual(documented.subtracting(written).sorted(), [], "\(section.heading): documented but not written")
        }
    }

    func testCSVHeadersAreTheDocumentedColumns() throws {
        for section in try Self.sections() where section.heading.contains("--format csv") {
            var written = Set<String>()
            for command in [section.command] + section.others {
                let run = runPimsim(command)
                XCTAssertEqual(run.status, 0, "\(command): \(run.err)")
                let header = run.out.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
                // The documented columns this command writes, in the documented order.
                XCTAssertEqual(header, section.fields.filter(header.contains), "\(command)")
                written.formUnion(header)
                // No empty cell but those the page allows: every column is filled on some line.
                let lines = run.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                for (i, column) in header.enumerated() {
                    XCTAssertTrue(lines.contains { $0.count == header.count && !$0[i].isEmpty }, "\(command): \(column) is never filled")
                }
            }
            XCTAssertEqual(Set(section.fields).subtracting(written).sorted(), [], "\(section.heading): documented but not written")
        }
    }
}
