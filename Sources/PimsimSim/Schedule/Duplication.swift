import PimsimCore

/// How many copies of each weighted layer's arrays a chip holds (docs/cost-model.md, "Weight
/// duplication"). Copies split a layer's output positions between them, so its latency falls
/// by up to the number of copies while its event counts stay those of the work.
public enum Duplication: Equatable, Sendable {
    /// One copy per layer.
    case none
    /// Copies balancing the schedule within an array budget (`maxArrays`, or the config's chip:
    /// tiles_per_chip x macros per tile x arrays per macro).
    case auto(maxArrays: Int?)
    /// One factor per weighted layer, in mapping order.
    case factors([Int])

    /// `none`, `auto` or `N,N,...`; errors name `flag`.
    public static func parse(_ text: String, maxArrays: Int?, flag: String = "--duplicate") throws -> Duplication {
        switch text {
        case "none": return .none
        case "auto": return .auto(maxArrays: maxArrays)
        default:
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !items.isEmpty, items.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw InputError(location: flag, expected: "auto, none or one copy count >= 1 per weighted layer (e.g. 16,4,4,2,2,1,1,1)", found: "\"\(text)\"")
            }
            return .factors(items.map { $0! })
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .auto(let max): return max.map { "auto (at most \($0) arrays)" } ?? "auto"
        case .factors(let f): return f.map(String.init).joined(separator: ",")
        }
    }
}

extension Scheduler {
    /// The array budget of `duplication` on `config`: its own, or the config's chip.
    public static func arrayBudget(_ duplication: Duplication, config: HardwareConfig) -> Int? {
        guard case .auto(let max) = duplication else { return nil }
        return max ?? config.tilesPerChip.map { Int($0.value) * Int(config.macrosPerTile.value) * Int(config.arraysPerMacro.value) }
    }

    /// Copies per layer of `mapping` (docs/cost-model.md, "Weight duplication"). `auto` grows the
    /// copies greedily: pipelined, the slowest layer gets the fewest extra copies that shorten
    /// it, until that no longer fits the budget; layer by layer, the layer whose next step saves
    /// the most time per added array, until nothing fits.
    public static func duplicationFactors(_ mapping: NetworkMapping, config: HardwareConfig, duplication: Duplication) throws -> [Int] {
        let copies = try chooseFactors(mapping, config: config, duplication: duplication)
        // Every copy's cells count: keep arrays x rows x columns within the size limit.
        var cells = 0
        for (m, d) in zip(mapping.layers, copies) {
            guard let layer = SizeLimits.product([m.arrays, d, config.arrayRows, config.arrayColumns], limit: SizeLimits.cells),
                  let total = SizeLimits.sum(cells, layer, limit: SizeLimits.cells) else {
                throw InputError(location: "--duplicate", expected: "copies whose arrays hold at most \(SizeLimits.describe(SizeLimits.cells)) cells",
                                 found: "more at \(m.name) (\(d) copies of \(m.arrays) arrays)")
            }
            cells = total
        }
        return copies
    }

    static func chooseFactors(_ mapping: NetworkMapping, config: HardwareConfig, duplication: Duplication) throws -> [Int] {
        let layers = mapping.layers
        switch duplication {
        case .none:
            return Array(repeating: 1, count: layers.count)
        case .factors(let f):
            guard f.count == layers.count else {
                throw InputError(location: "--duplicate", expected: "\(layers.count) copy counts (one per weighted layer: " + layers.map(\.name).joined(separator: ", ") + ")", found: "\(f.count)")
            }
            for (d, m) in zip(f, layers) where d > m.positions {
                throw InputError(location: "--duplicate", expected: "at most \(m.positions) copies of \(m.name) (its output positions)", found: "\(d)")
            }
            return f
        case .auto:
            guard let budget = arrayBudget(duplication, config: config) else {
                throw InputError(location: "--duplicate auto", expected: "an array budget: --max-arrays N, or organisation.tiles_per_chip in \(config.name)", found: "neither")
            }
            // Time one copy needs per output position: steps per position x step time.
            let perPosition = layers.map { m in Double(m.bitCycles * m.phases) * schedule(m, config: config).stepNS }
            func latency(_ i: Int, _ d: Int) -> Double {
                Double((layers[i].positions + d - 1) / d) * perPosition[i] + transferNS(layers[i], config: config, copies: d)
            }
            /// The fewest copies above `d` that shorten layer i (nil when one position per copy).
            func next(_ i: Int, _ d: Int) -> Int? {
                let steps = (layers[i].positions + d - 1) / d
                guard steps > 1 else { return nil }
                return (layers[i].positions + steps - 2) / (steps - 1)
            }
            var d = Array(repeating: 1, count: layers.count)
            var used = layers.reduce(0) { $0 + $1.arrays }
            while true {
                var choice: (layer: Int, copies: Int)?
                if config.scheduleMode == .pipelined {
                    let slowest = layers.indices.max { latency($0, d[$0]) < latency($1, d[$1]) }
                    if let i = slowest, let n = next(i, d[i]), used + layers[i].arrays * (n - d[i]) <= budget { choice = (i, n) }
                } else {
                    var best = 0.0
                    for i in layers.indices {
                        guard let n = next(i, d[i]), used + layers[i].arrays * (n - d[i]) <= budget else { continue }
                        let gain = (latency(i, d[i]) - latency(i, n)) / Double(layers[i].arrays * (n - d[i]))
                        if gain > best { (best, choice) = (gain, (i, n)) }
                    }
                }
                guard let (i, n) = choice else { return d }
                used += layers[i].arrays * (n - d[i])
                d[i] = n
            }
        }
    }
}
