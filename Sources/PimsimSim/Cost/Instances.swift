/// How many of each instance unit a mapped network occupies: every layer keeps its weights in
/// arrays of its own (weight-stationary), times its copies. Macros = ceil(arrays / arrays per
/// macro), tiles = ceil(macros / macros per tile), one chip.
public struct Instances: Equatable, Sendable {
    public let arrays: Int
    public let rows: Int
    public let columns: Int
    public let cells: Int
    public let senseAmps: Int
    public private(set) var macros: Int
    public private(set) var tiles: Int
    /// ADCs per layer index (their resolution, and so their area, differs by layer).
    public let adcsByLayer: [Int]
    public let adcs: Int

    public init(_ mapping: NetworkMapping, config: HardwareConfig) {
        self.init(arrays: mapping.layers.reduce(0) { $0 + $1.allArrays }, senseAmps: mapping.layers.reduce(0) { $0 + $1.allSenseAmps },
                  adcsByLayer: mapping.layers.map(\.allADCs), config: config)
    }

    /// The instances of layers that together take `arrays` arrays and `senseAmps` sense
    /// amplifiers, with `adcsByLayer` ADCs, on `config`.
    init(arrays: Int, senseAmps: Int, adcsByLayer: [Int], config: HardwareConfig) {
        self.arrays = arrays
        rows = arrays * config.arrayRows
        columns = arrays * config.arrayColumns
        cells = rows * config.arrayColumns
        self.senseAmps = senseAmps
        self.adcsByLayer = adcsByLayer
        adcs = adcsByLayer.reduce(0, +)
        (macros, tiles) = Instances.organise(arrays: arrays, arraysPerMacro: Int(config.arraysPerMacro.value), macrosPerTile: Int(config.macrosPerTile.value))
    }

    /// The same arrays organised in macros of `arraysPerMacro` and tiles of `macrosPerTile`:
    /// macros = ceil(arrays / arrays per macro), tiles = ceil(macros / macros per tile).
    public func organised(arraysPerMacro: Int, macrosPerTile: Int) -> Instances {
        var copy = self
        (copy.macros, copy.tiles) = Instances.organise(arrays: arrays, arraysPerMacro: arraysPerMacro, macrosPerTile: macrosPerTile)
        return copy
    }

    static func organise(arrays: Int, arraysPerMacro: Int, macrosPerTile: Int) -> (macros: Int, tiles: Int) {
        let macros = (arrays + arraysPerMacro - 1) / arraysPerMacro
        return (macros, (macros + macrosPerTile - 1) / macrosPerTile)
    }

    /// Units of `unit` (ADCs: all layers).
    @inline(__always)
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
