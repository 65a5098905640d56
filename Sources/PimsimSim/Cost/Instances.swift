/// How many of each instance unit a mapped network occupies: every layer keeps its weights in
/// arrays of its own (weight-stationary), times its copies. Macros = ceil(arrays / arrays per
/// macro), tiles = ceil(macros / macros per tile), one chip.
public struct Instances: Equatable, Sendable {
    public let arrays: Int
    public let rows: Int
    public let columns: Int
    public let cells: Int
    public let senseAmps: Int
    public let macros: Int
    public let tiles: Int
    /// ADCs per layer index (their resolution, and so their area, differs by layer).
    public let adcsByLayer: [Int]

    public var adcs: Int { adcsByLayer.reduce(0, +) }

    public init(_ mapping: NetworkMapping, config: HardwareConfig) {
        arrays = mapping.layers.reduce(0) { $0 + $1.allArrays }
        rows = arrays * config.arrayRows
        columns = arrays * config.arrayColumns
        cells = rows * config.arrayColumns
        senseAmps = mapping.layers.reduce(0) { $0 + $1.allSenseAmps }
        adcsByLayer = mapping.layers.map(\.allADCs)
        let perMacro = Int(config.arraysPerMacro.value), perTile = Int(config.macrosPerTile.value)
        macros = (arrays + perMacro - 1) / perMacro
        tiles = (macros + perTile - 1) / perTile
    }

    /// Units of `unit` (ADCs: all layers).
    public func units(_ unit: InstanceUnit) -> Int {
        switch unit {
        case .array: return arrays
        case .row: return rows
        case .column: return columns
        case .cell: return cells
        case .adc: return adcs
        case .senseAmp: return senseAmps
        case .macro: return macros
        case .tile: return tiles
        case .chip: return 1
        }
    }
}
