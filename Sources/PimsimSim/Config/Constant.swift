import PimsimCore

/// One hardware constant as a hwconfig file states it: `{"value": 1.67, "unit": "pJ", "source": "..."}`.
///
/// Every number the cost model uses is a `Constant`, so a report can always say where it came
/// from: a paper and table, a row of the published-figures reference, `fitted: ...` or
/// `assumption: <why>`.
public struct Constant: Equatable, Sendable {
    public let value: Double
    public let unit: String
    public let source: String

    public init(_ value: Double, unit: String, source: String) {
        self.value = value
        self.unit = unit
        self.source = source
    }

    /// Reads `{"value", "unit", "source"}` at `reader`, requiring `unit` to equal `expectedUnit`
    /// and the value to pass `check` (which throws with the value's JSON path).
    static func read(_ reader: JSONReader, unit expectedUnit: String, extraKeys: Set<String> = [],
                     check: (JSONReader) throws -> Double = { try $0.nonNegativeDouble() }) throws -> Constant {
        let constant = try reader.sourcedConstant(unit: expectedUnit, extraKeys: extraKeys)
        return Constant(try check(constant.field("value")), unit: expectedUnit, source: try constant.sourceText())
    }

    /// Reads a string-valued setting `{"value": "bipolar", "source": ...}` that must be one of `choices`.
    static func choice(_ reader: JSONReader, _ choices: [String]) throws -> (value: String, source: String) {
        try reader.rejectUnknownKeys(["value", "source"])
        return (try reader.field("value").oneOf(choices), try reader.sourceText())
    }
}
