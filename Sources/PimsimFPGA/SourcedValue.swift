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
    /// The largest integer an FPGA config file may give (2^30 = 1,073,741,824: hundreds of times
    /// the largest device's LUT count), so products of two stay within 64-bit integers.
    static let maximumConfigInt = 1 << 30

    /// Reads `{"value", "unit", "source"}` at member `key`, requiring `unit` to be `unit` and the
    /// value to be an integer from `min` to `max`.
    func sourcedInt(_ key: String, unit: String, min: Int = 0, max: Int = JSONReader.maximumConfigInt) throws -> Sourced<Int> {
        let member = try sourcedMember(key, unit: unit)
        let field = try member.field("value")
        let value = try field.int(min: min)
        guard value <= max else { throw field.error(expected: "an integer from \(min) to \(SizeLimits.describe(max))") }
        return Sourced(value, source: try member.sourceText())
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
        guard value >= min, value <= Double(JSONReader.maximumConfigInt) else {
            throw field.error(expected: "a number from \(min) to \(SizeLimits.describe(JSONReader.maximumConfigInt))")
        }
        return Sourced(value, source: try member.sourceText())
    }

    private func sourcedMember(_ key: String, unit: String) throws -> JSONReader {
        try field(key).sourcedConstant(unit: unit)
    }
}
