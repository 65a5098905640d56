import PimsimCore

/// One number from an FPGA config file as the file states it:
/// `{"value": 74650, "unit": "slice", "source": "Xilinx DS180, Table 4"}`.
///
/// The unit is checked against the field's meaning, so a file that gives a slice count where LUT6
/// are expected is rejected with the field's JSON path instead of being silently misread.
public struct Sourced<Value: Sendable & Equatable>: Sendable, Equatable {
    public let value: Value
    /// Where the number comes from: a datasheet and table, a paper, or `assumption: <why>`.
    public let source: String

    public init(_ value: Value, source: String) {
        self.value = value
        self.source = source
    }
}

extension JSONReader {
    /// Reads `{"value", "unit", "source"}` at member `key`, requiring `unit` to be `unit` and the
    /// value to be an integer >= `min`.
    func sourcedInt(_ key: String, unit: String, min: Int = 0) throws -> Sourced<Int> {
        let member = try sourcedMember(key, unit: unit)
        return Sourced(try member.field("value").int(min: min), source: try member.sourceText())
    }

    /// Reads `{"value", "unit", "source"}` at member `key` with a finite number > 0.
    func sourcedPositive(_ key: String, unit: String) throws -> Sourced<Double> {
        let member = try sourcedMember(key, unit: unit)
        return Sourced(try member.field("value").positiveDouble(), source: try member.sourceText())
    }

    /// Reads `{"value", "unit", "source"}` at member `key` with a finite number >= `min`.
    func sourcedDouble(_ key: String, unit: String, min: Double) throws -> Sourced<Double> {
        let member = try sourcedMember(key, unit: unit)
        let field = try member.field("value")
        let value = try field.double()
        guard value >= min else { throw field.error(expected: "a number >= \(min)") }
        return Sourced(value, source: try member.sourceText())
    }

    private func sourcedMember(_ key: String, unit: String) throws -> JSONReader {
        try field(key).sourcedConstant(unit: unit)
    }
}
