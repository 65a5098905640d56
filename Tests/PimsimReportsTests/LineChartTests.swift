import Foundation
import PimsimReports
import XCTest

/// Line charts: shared colours, dashed series, log-spaced x and integer x labels.
final class LineChartTests: XCTestCase {
    func testSeriesCanShareAColourAndDifferByDash() {
        let chart = SVGChart(title: "t", kind: .lines(x: [32, 64, 1024], logX: true), xLabel: "rows", yLabel: "nJ",
                             series: [.init(name: "72 auto", values: [3, 2, 1], colorIndex: 1),
                                      .init(name: "72 adc", values: [4, .nan, 2], colorIndex: 1, dashed: true),
                                      .init(name: "default", values: [1, 1, 1])])
        let svg = chart.render()
        let polylines = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<polyline") }
        XCTAssertEqual(polylines.count, 3)
        XCTAssertTrue(polylines[0].contains("stroke=\"#E69F00\"") && !polylines[0].contains("dasharray"), polylines[0])
        XCTAssertTrue(polylines[1].contains("stroke=\"#E69F00\"") && polylines[1].contains("stroke-dasharray=\"6 4\""), polylines[1])
        XCTAssertTrue(polylines[2].contains("stroke=\"#009E73\""), polylines[2])  // position 2 in the palette
        // The NaN point is left out of the dashed line: two points, hollow markers.
        XCTAssertEqual(polylines[1].components(separatedBy: ",").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "fill=\"white\" stroke=\"#E69F00\"").count - 1, 2 + 1)  // markers + legend
        // Log spacing: 64 is a fifth of the way from 32 to 1024 (1 of 5 doublings); plot width 720 - 92 - 170 = 458.
        XCTAssertTrue(svg.contains("<text x=\"183.6\" y=\"376.0\" text-anchor=\"middle\">64</text>"), svg)
        XCTAssertTrue(svg.contains(">1,024</text>"))
    }
}
