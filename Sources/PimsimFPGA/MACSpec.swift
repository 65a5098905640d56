import PimsimCore

/// The `--macs` argument: one MAC-unit count for every weight type (`100`) or one per weight
/// type (`float=100,ternary=90`, seed 003 Table IX's design points).
public struct MACSpec: Sendable, Equatable {
    /// MAC units per layer for each weight type named; `uniform` applies to types not named.
    public let perType: [WeightType: Int]
    public let uniform: Int?

    /// Parses `N` or `TYPE=N[,TYPE=N...]` with N >= 1.
    public init(parsing text: String) throws {
        func count(_ s: Substring) throws -> Int {
            guard let n = Int(s), n >= 1 else {
                throw InputError(location: "--macs", expected: "N or TYPE=N[,TYPE=N...] with N an integer >= 1", found: "\"\(text)\"")
            }
            return n
        }
        if !text.contains("=") {
            uniform = try count(Substring(text))
            perType = [:]
            return
        }
        var perType: [WeightType: Int] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw InputError(location: "--macs", expected: "TYPE=N pairs separated by commas", found: "\"\(item)\"")
            }
            guard let type = WeightType(name: String(parts[0])) else {
                let names = WeightType.allCases.map(\.rawValue)
                let hint = Suggestion.closest(to: String(parts[0]), among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw InputError(location: "--macs", expected: "a weight type: " + names.joined(separator: ", ") + hint, found: "\"\(parts[0])\"")
            }
            guard perType[type] == nil else { throw InputError(location: "--macs", expected: "each weight type once", found: "\(type.rawValue) twice") }
            perType[type] = try count(parts[1])
        }
        self.perType = perType
        uniform = nil
    }

    /// The weight types named, in canonical order (all of them for a uniform count).
    public var types: [WeightType] { uniform != nil ? WeightType.allCases : WeightType.allCases.filter { perType[$0] != nil } }

    /// The count for `type`, if the spec gives one.
    public func count(for type: WeightType) -> Int? { perType[type] ?? uniform }
}
