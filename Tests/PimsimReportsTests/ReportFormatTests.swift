import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PimsimReports
import XCTest

final class ReportFormatTests: XCTestCase {
    func testTextTableAlignsTextLeftAndNumbersRight() {
        var t = TextTable(headers: ["layer", "MACs"])
        t.append(["conv1", "432"])
        t.append(["fc", "6,500"])
        XCTAssertEqual(t.render(), "layer   MACs\n-----  -----\nconv1    432\nfc     6,500\n")
    }

    func testCSVQuotesOnlyWhatNeedsIt() {
        var csv = CSVWriter(headers: ["split", "label"])
        csv.append(["144:72,288:144", "say \"hi\""])
        XCTAssertEqual(csv.render(), "split,label\n\"144:72,288:144\",\"say \"\"hi\"\"\"\n")
    }

    /// A 10 MB field with commas and quotes is quoted once, in one pass.
    func testCSVQuotesHugeFields() {
        let field = String(repeating: "a,\"", count: 3_000_000)
        var csv = CSVWriter(headers: ["name"])
        csv.append([field])
        let text = csv.render()
        XCTAssertEqual(text.utf8.count, "name\n".utf8.count + 2 + 3_000_000 * 4 + 1)
        XCTAssertTrue(text.hasSuffix("a,\"\"\"\n"))
    }

    /// A column never mixes fixed and exponent notation.
    func testTableColumnsUseOneNotation() {
        var t = TextTable(headers: ["x", "energy"])
        t.append(cells: [.text("a"), .number(1.9e6)])
        t.append(cells: [.text("b"), .number(487_903)])
        t.append(cells: [.text("c"), .number(0)])
        XCTAssertEqual(t.rows.map { $0[1] }, ["1.900e+06", "4.879e+05", "0"])
        var u = TextTable(headers: ["x", "count"])
        u.append(cells: [.text("a"), .count(1.3e20)])
        u.append(cells: [.text("b"), .count(131_082)])
        XCTAssertEqual(u.rows.map { $0[1] }, ["1.300e+20", "1.311e+05"])
        XCTAssertEqual(NumberFormat.column([1558, 0.3789, 189.2]), ["1558", "0.3789", "189.2"])
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberFormat.grouped(270_538), "270,538")
        XCTAssertEqual(NumberFormat.grouped(-1_000), "-1,000")
        XCTAssertEqual(NumberFormat.significant(1234.6), "1235")
        XCTAssertEqual(NumberFormat.significant(0.012345), "0.01235")
        XCTAssertEqual(NumberFormat.significant(6.58e7), "6.580e+07")
        XCTAssertEqual(NumberFormat.ratio(270_538.0 / 83_914.0), "3.22x")
        XCTAssertEqual(NumberFormat.groupedCount(131_082), "131,082")
        XCTAssertEqual(NumberFormat.groupedCount(1.311e20), "1.311e+20")  // beyond Int: no trap
    }

    func testBarChartScalesBarsToTheAxisAndParses() throws {
        let chart = SVGChart(title: "energy <per> image", kind: .bars(categories: ["none", "72"]), xLabel: "split", yLabel: "pJ",
                             series: [.init(name: "a", values: [100, 50]), .init(name: "b", values: [80, .nan])])
        let svg = chart.render()
        XCTAssertNoThrow(try XMLDocument(xmlString: svg))
        XCTAssertTrue(svg.contains("energy &lt;per&gt; image"))
        // axis top 100; plot height 420 - 40 - 60 = 320, so the value-50 bar is 160 px tall.
        XCTAssertTrue(svg.contains("height=\"160.0\""), svg)
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 3 + 2, "3 finite bars + 2 legend swatches; NaN is skipped")
    }

    func testNiceAxisCeiling() {
        XCTAssertEqual(SVGChart.niceCeiling(100), 100)
        XCTAssertEqual(SVGChart.niceCeiling(101), 200)
        XCTAssertEqual(SVGChart.niceCeiling(0.0031), 0.005)
    }
}
