/// Which convolutions to split, and to how many connections per output (seed 000, Algorithm 1).
///
/// Grammar: `none` | `S` | `N:S[,N:S...]`.
/// - `S`: every convolution with more than S connections per output (k*k*Cin/groups) is split
///   so that each output sees at most S.
/// - `N:S`: only convolutions with exactly N connections are split, to S (S must divide N).
///
/// A list of configurations (`--split none,144:72,144,72,36`) separates configurations with
/// commas; consecutive `N:S` items belong to one configuration (as the grammar above says), and
/// `;` separates configurations explicitly (`144:72;288:144` is two configurations).
public enum SplitSpec: Hashable, Sendable, CustomStringConvertible {
    case none
    case uniform(Int)
    case rules([SplitRule])

    /// The canonical text form, which parses back to the same spec.
    public var description: String {
        switch self {
        case .none: return "none"
        case .uniform(let s): return "\(s)"
        case .rules(let rules): return rules.map { "\($0.connections):\($0.splitSize)" }.joined(separator: ",")
        }
    }

    /// The label seed 000 uses in its tables ("No Split", "144 -> 2 x 72", "All split to 72").
    public var paperLabel: String {
        switch self {
        case .none: return "No Split"
        case .uniform(let s): return "All split to \(s)"
        case .rules(let rules): return rules.map { "\($0.connections) -> \($0.connections / $0.splitSize) x \($0.splitSize)" }.joined(separator: ", ")
        }
    }

    /// The largest connections per output a split layer keeps, when the spec has one limit.
    public var uniformLimit: Int? {
        if case .uniform(let s) = self { return s }
        return nil
    }

    /// seed 000's five configurations: none, 144:72, 144, 72, 36.
    public static let seedConfigurations: [SplitSpec] = [.none, .rules([SplitRule(connections: 144, splitSize: 72)]), .uniform(144), .uniform(72), .uniform(36)]

    /// Parses one configuration.
    public init(parsing text: String, flag: String = "--split") throws {
        let specs = try SplitSpec.parseList(text, flag: flag)
        guard specs.count == 1 else {
            throw InputError(location: flag, expected: "one split configuration", found: "\(specs.count) configurations in \"\(text)\"")
        }
        self = specs[0]
    }

    /// Parses a list of configurations (see the type's documentation for the grammar).
    public static func parseList(_ text: String, flag: String = "--split") throws -> [SplitSpec] {
        func bad(_ item: String) -> InputError {
            InputError(location: flag, expected: "none, a split size S (integer >= 1) or rules N:S with S dividing N, separated by commas (e.g. none,144:72,144,72,36)", found: "\"\(item)\"")
        }
        var result: [SplitSpec] = []
        for group in text.split(separator: ";", omittingEmptySubsequences: false) {
            var pendingRules: [SplitRule] = []
            func flushRules() {
                if !pendingRules.isEmpty { result.append(.rules(pendingRules)); pendingRules = [] }
            }
            for rawItem in group.split(separator: ",", omittingEmptySubsequences: false) {
                let item = rawItem.trimmingCharacters(in: " ")
                if item == "none" { flushRules(); result.append(.none); continue }
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                if parts.count == 1 {
                    guard let s = Int(parts[0]), s >= 1 else { throw bad(item) }
                    flushRules()
                    result.append(.uniform(s))
                } else if parts.count == 2 {
                    guard let n = Int(parts[0]), let s = Int(parts[1]), n >= 1, s >= 1, s < n, n % s == 0 else { throw bad(item) }
                    if pendingRules.contains(where: { $0.connections == n }) {
                        throw InputError(location: flag, expected: "one rule per connection count", found: "two rules for \(n)")
                    }
                    pendingRules.append(SplitRule(connections: n, splitSize: s))
                } else {
                    throw bad(item)
                }
            }
            flushRules()
        }
        guard !result.isEmpty else { throw bad(text) }
        return result
    }
}

/// Split layers with exactly `connections` connections per output into groups of `splitSize`.
public struct SplitRule: Hashable, Sendable {
    public var connections: Int
    public var splitSize: Int

    public init(connections: Int, splitSize: Int) {
        self.connections = connections
        self.splitSize = splitSize
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
