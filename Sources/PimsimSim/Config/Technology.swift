import Foundation
import PimsimCore

/// How a component's energy, area, static power and delay follow the technology node
/// (docs/cost-model.md, "Technology scaling").
public enum ScalingClass: String, CaseIterable, Sendable {
    /// CMOS logic (adders, drivers, latches, registers, routers): the scaling model's energy,
    /// delay and area fits; static power as energy.
    case logic
    /// SRAM and eDRAM arrays: energy, delay and static power as logic; area = cell F^2 x F^2,
    /// with the cell size in F^2 growing below 22 nm.
    case sram
    /// ADCs and sample-and-hold: energy per conversion bound by noise, not by the node (no
    /// change); area ~ node^k with the survey-regressed exponent k.
    case analog
    /// The memory device (cell read energy V^2/R*t, device-set voltages and pulses): energy and
    /// time unchanged; area ~ node^2 (a cell is a fixed number of F^2).
    case device
    /// Not scaled (e.g. an off-chip link whose power the link standard sets).
    case none
}

/// Low-power or high-performance transistors (the scaling model's two fits from 45 nm down).
public enum Roadmap: String, CaseIterable, Sendable {
    case hp, lp
}

/// The node and supply a constant was published at, and how it scales (`reference` of a
/// component or of a time constant in a hwconfig).
public struct TechnologyReference: Equatable, Sendable {
    public let scalingClass: ScalingClass
    public let nodeNM: Double
    /// The supply of the published figure (logic and SRAM; nil for classes that ignore VDD).
    public let vddV: Double?
    /// The node of the area figure when it was published separately from the energy (nil: `nodeNM`).
    public let areaNodeNM: Double?
    public let source: String

    public init(scalingClass: ScalingClass, nodeNM: Double, vddV: Double?, areaNodeNM: Double? = nil, source: String) {
        (self.scalingClass, self.nodeNM, self.vddV, self.areaNodeNM, self.source) = (scalingClass, nodeNM, vddV, areaNodeNM, source)
    }

    static func read(_ r: JSONReader, model: ScalingModel) throws -> TechnologyReference {
        try r.rejectUnknownKeys(["class", "node_nm", "vdd_v", "area_node_nm", "source"])
        let cls = ScalingClass(rawValue: try r.field("class").oneOf(ScalingClass.allCases.map(\.rawValue)))!
        let node = try model.checkedNode(try r.field("node_nm"))
        let area = try r.optionalField("area_node_nm").map { try model.checkedNode($0) }
        let vddField = try r.optionalField("vdd_v")
        if vddField == nil, cls == .logic || cls == .sram {
            throw InputError(file: r.file, location: r.path + ".vdd_v", expected: "the supply (V) of the published figure (required for class \(cls.rawValue))", found: "nothing")
        }
        let vdd = try vddField.map { try $0.positiveDouble() }
        return TechnologyReference(scalingClass: cls, nodeNM: node, vddV: vdd, areaNodeNM: area, source: try r.sourceText())
    }

    /// "logic, 45 nm, 0.9 V (area at 40 nm)" (for reports).
    public var summary: String {
        areaNodeNM.map { energySummary + " (area at \(ScalingModel.format($0)) nm)" } ?? energySummary
    }

    /// The node and supply of the energy, static power and delay figures: "logic, 45 nm, 0.9 V".
    public var energySummary: String {
        "\(scalingClass.rawValue), \(ScalingModel.format(nodeNM)) nm" + (vddV.map { ", \(ScalingModel.format($0)) V" } ?? "")
    }

    /// The node of the area figure: "logic, 40 nm".
    public var areaSummary: String {
        "\(scalingClass.rawValue), \(ScalingModel.format(areaNodeNM ?? nodeNM)) nm"
    }
}

/// Factors that take values at a reference node and supply to the config's.
public struct ScaleFactors: Equatable, Sendable {
    public var energy: Double
    public var area: Double
    public var staticPower: Double
    public var delay: Double

    public static let identity = ScaleFactors(energy: 1, area: 1, staticPower: 1, delay: 1)
}

/// The node and supply a hwconfig is costed at, and the scaling model that takes its components
/// there (the `technology` section; docs/hwconfig.md).
public struct Technology: Equatable, Sendable {
    public var nodeNM: Double
    public var vddV: Double
    public var roadmap: Roadmap
    public let nodeSource: String
    public let vddSource: String
    public let roadmapSource: String
    public let model: ScalingModel
}

/// A CMOS scaling model read from hwconfigs/technology/NAME.json: Stillmaker and Baas (2017)
/// area factors and delay and energy fits in VDD per node, nominal supplies, the SRAM cell size
/// in F^2 and the analog area exponent. Pure functions of (node, VDD) once loaded.
public struct ScalingModel: Equatable, Sendable {
    public let name: String
    public let source: String
    /// Table nodes, descending.
    let nodes: [Double]
    /// ln of the area of a fixed design at each table node, up to a constant: the least-squares
    /// fit in log space of the paper's pairwise area factors (which are rounded to two figures).
    let logArea: [Double]
    let delayFit: [Roadmap: [[Double]]]
    let energyFit: [Roadmap: [[Double]]]
    let nominalVDD: (nodes: [Double], values: [Double])
    let sramCellF2: (nodes: [Double], values: [Double])
    public let analogAreaExponent: Double

    public static func == (a: ScalingModel, b: ScalingModel) -> Bool { a.name == b.name && a.source == b.source }

    /// The smallest and largest node the model covers.
    public var nodeRange: ClosedRange<Double> { nodes.last!...nodes.first! }

    // MARK: loading

    /// Loads hwconfigs/technology/`name`.json.
    public static func load(_ name: String, location: String, file: String?) throws -> ScalingModel {
        let folder = try ResourceLocator.locate("hwconfigs/technology")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted() ?? []
        guard names.contains(name) else {
            throw InputError(file: file, location: location, expected: "a scaling model in hwconfigs/technology (" + names.joined(separator: ", ") + ")", found: "\"\(name)\"")
        }
        let path = (folder as NSString).appendingPathComponent(name + ".json")
        return try parse(try TextFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String?) throws -> ScalingModel {
        let root = try JSONReader.parse(text, file: file)
        try root.rejectUnknownKeys(["name", "description", "nodes_nm", "area_factor", "delay_fit", "energy_fit", "nominal_vdd_v", "sram_cell_f2", "analog_area_exponent"])
        let nodesField = try root.field("nodes_nm")
        try nodesField.rejectUnknownKeys(["values", "source"])
        _ = try nodesField.sourceText()
        let valuesField = try nodesField.field("values")
        let nodes = try valuesField.array().map { try $0.positiveDouble() }
        guard nodes.count >= 2, zip(nodes, nodes.dropFirst()).allSatisfy({ $0 > $1 }) else {
            throw valuesField.error(expected: "at least two nodes in strictly decreasing order")
        }
        func matrix(_ r: JSONReader, columns: Int) throws -> [[Double]] {
            let rows = try r.array()
            guard rows.count == nodes.count else { throw r.error(expected: "\(nodes.count) rows (one per node)") }
            return try rows.map { row in
                let values = try row.doubles()
                guard values.count == columns else { throw row.error(expected: "\(columns) numbers") }
                return values
            }
        }
        let area = try root.field("area_factor")
        try area.rejectUnknownKeys(["rows", "source"])
        _ = try area.sourceText()
        let areaRows = try matrix(try area.field("rows"), columns: nodes.count)
        for (i, row) in areaRows.enumerated() {
            for (j, v) in row.enumerated() where v <= 0 || (i == j && v != 1) {
                throw InputError(file: file, location: "$.area_factor.rows[\(i)][\(j)]", expected: i == j ? "1 (a node to itself)" : "a number > 0", found: format(v))
            }
        }
        // Least squares in log space: ln a(n) = (1/2N) * sum_m (ln F[m][n] - ln F[n][m]).
        let n = Double(nodes.count)
        let logArea = nodes.indices.map { k in nodes.indices.reduce(0.0) { $0 + log(areaRows[$1][k]) - log(areaRows[k][$1]) } / (2 * n) }
        func fits(_ key: String, columns: Int) throws -> [Roadmap: [[Double]]] {
            let r = try root.field(key)
            try r.rejectUnknownKeys(["hp", "lp", "source"])
            _ = try r.sourceText()
            var out: [Roadmap: [[Double]]] = [:]
            for flavour in Roadmap.allCases { out[flavour] = try matrix(try r.field(flavour.rawValue), columns: columns) }
            return out
        }
        func table(_ key: String) throws -> (nodes: [Double], values: [Double]) {
            let r = try root.field(key)
            try r.rejectUnknownKeys(["nodes_nm", "values", "source"])
            _ = try r.sourceText()
            let ns = try r.field("nodes_nm").array().map { try $0.positiveDouble() }
            guard !ns.isEmpty, zip(ns, ns.dropFirst()).allSatisfy({ $0 > $1 }) else {
                throw try r.field("nodes_nm").error(expected: "nodes in strictly decreasing order")
            }
            let vs = try r.field("values").array().map { try $0.positiveDouble() }
            guard vs.count == ns.count else { throw try r.field("values").error(expected: "\(ns.count) values (one per node)") }
            return (ns, vs)
        }
        let exponent = try root.field("analog_area_exponent")
        try exponent.rejectUnknownKeys(["value", "source"])
        _ = try exponent.sourceText()
        return ScalingModel(
            name: try root.string("name"), source: try root.string("description"), nodes: nodes, logArea: logArea,
            delayFit: try fits("delay_fit", columns: 4), energyFit: try fits("energy_fit", columns: 3),
            nominalVDD: try table("nominal_vdd_v"), sramCellF2: try table("sram_cell_f2"),
            analogAreaExponent: try exponent.field("value").positiveDouble())
    }

    /// A node read at `r`, required to lie within the model's range.
    func checkedNode(_ r: JSONReader) throws -> Double {
        let node = try r.positiveDouble()
        guard nodeRange.contains(node) else {
            throw r.error(expected: "a node from \(Self.format(nodeRange.lowerBound)) to \(Self.format(nodeRange.upperBound)) nm (the range of scaling model \(name))")
        }
        return node
    }

    // MARK: the model

    /// The two table nodes around `node` and the weight t of the smaller one, interpolating
    /// linearly in ln(node): g(node) = (1 - t) g(n0) + t g(n1).
    func bracket(_ node: Double) -> (i0: Int, i1: Int, t: Double) {
        if let i = nodes.firstIndex(of: node) { return (i, i, 0) }
        let i1 = nodes.firstIndex { $0 < node } ?? nodes.count - 1
        let i0 = max(0, i1 - 1)
        return (i0, i1, log(nodes[i0] / node) / log(nodes[i0] / nodes[i1]))
    }

    /// Interpolates `table` (values at descending `nodes`) linearly in ln(node), flat outside.
    static func interpolate(_ table: (nodes: [Double], values: [Double]), at node: Double, logValues: Bool) -> Double {
        let (ns, vs) = table
        if node >= ns[0] { return vs[0] }
        if node <= ns[ns.count - 1] { return vs[vs.count - 1] }
        let i1 = ns.firstIndex { $0 <= node }!
        if ns[i1] == node { return vs[i1] }
        let t = log(ns[i1 - 1] / node) / log(ns[i1 - 1] / ns[i1])
        return logValues ? exp((1 - t) * log(vs[i1 - 1]) + t * log(vs[i1])) : (1 - t) * vs[i1 - 1] + t * vs[i1]
    }

    /// The nominal supply at `node` (interpolated linearly in ln(node) between listed nodes).
    public func nominalVDD(atNode node: Double) -> Double {
        Self.interpolate(nominalVDD, at: node, logValues: false)
    }

    /// A fit (polynomial in VDD, highest power first) at `node`, geometric between table nodes.
    /// Throws when the fit is not positive there (a supply outside the fit's range).
    func evaluate(_ fit: [[Double]], node: Double, vdd: Double, what: String) throws -> Double {
        func at(_ i: Int) throws -> Double {
            let v = fit[i].reduce(0) { $0 * vdd + $1 }
            guard v > 0, v.isFinite else {
                throw InputError(location: "technology", expected: "a supply at which the \(what) fit of \(name) is positive at \(Self.format(nodes[i])) nm", found: "\(Self.format(vdd)) V")
            }
            return v
        }
        let (i0, i1, t) = bracket(node)
        if i0 == i1 { return try at(i0) }
        return exp((1 - t) * log(try at(i0)) + t * log(try at(i1)))
    }

    /// Relative energy of a logic operation at (node, VDD).
    public func logicEnergy(node: Double, vdd: Double, roadmap: Roadmap) throws -> Double {
        try evaluate(energyFit[roadmap]!, node: node, vdd: vdd, what: "energy")
    }

    /// Relative delay of a logic path at (node, VDD).
    public func logicDelay(node: Double, vdd: Double, roadmap: Roadmap) throws -> Double {
        try evaluate(delayFit[roadmap]!, node: node, vdd: vdd, what: "delay")
    }

    /// Relative area of a logic design at `node`.
    public func logicArea(node: Double) -> Double {
        let (i0, i1, t) = bracket(node)
        return exp((1 - t) * logArea[i0] + t * logArea[i1])
    }

    /// Relative area of an SRAM cell at `node`: cell F^2 x node^2.
    public func sramArea(node: Double) -> Double {
        Self.interpolate(sramCellF2, at: node, logValues: true) * node * node
    }

    /// Factors from `reference` to `node` and `vdd` (docs/cost-model.md, "Technology scaling").
    /// A reference at exactly the target node and supply gives factors of exactly 1.
    public func factors(from reference: TechnologyReference, toNode node: Double, vdd: Double, roadmap: Roadmap) throws -> ScaleFactors {
        let r = reference.nodeNM, ra = reference.areaNodeNM ?? reference.nodeNM
        switch reference.scalingClass {
        case .none:
            return .identity
        case .device:
            return ScaleFactors(energy: 1, area: (node / ra) * (node / ra), staticPower: 1, delay: 1)
        case .analog:
            return ScaleFactors(energy: 1, area: pow(node / ra, analogAreaExponent), staticPower: 1, delay: 1)
        case .logic, .sram:
            let rv = reference.vddV!
            let energy = try logicEnergy(node: node, vdd: vdd, roadmap: roadmap) / logicEnergy(node: r, vdd: rv, roadmap: roadmap)
            let delay = try logicDelay(node: node, vdd: vdd, roadmap: roadmap) / logicDelay(node: r, vdd: rv, roadmap: roadmap)
            let area = reference.scalingClass == .logic ? logicArea(node: node) / logicArea(node: ra) : sramArea(node: node) / sramArea(node: ra)
            return ScaleFactors(energy: energy, area: area, staticPower: energy, delay: delay)
        }
    }

    /// A node or supply as written: 22, 0.85.
    public static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e12 ? String(Int64(v)) : "\(v)"
    }
}
