/// Config files (hwconfigs/, hwconfigs/fpga/) state every constant as
/// `{"value": 1.67, "unit": "pJ", "source": "ISAAC Table I"}`: a number, its unit and where it
/// comes from (a paper and table, a datasheet, a reference row, `fitted: ...` or
/// `assumption: <why>`). These readers check the shape, the unit and the source, so a value in
/// the wrong unit or without a source is rejected with its JSON path.
extension JSONReader {
    /// This object, checked to be `{"value", "unit", "source"}` with `unit` equal to `expectedUnit`.
    /// Read the value from `field("value")` with the accessor its meaning needs.
    /// `extraKeys` are further members the caller reads itself.
    public func sourcedConstant(unit expectedUnit: String, extraKeys: Set<String> = []) throws -> JSONReader {
        try rejectUnknownKeys(extraKeys.union(["value", "unit", "source"]))
        let unit = try field("unit")
        guard try unit.string() == expectedUnit else { throw unit.error(expected: "the unit \"\(expectedUnit)\"") }
        _ = try sourceText()
        return self
    }

    /// The non-empty `source` member of this object.
    public func sourceText() throws -> String {
        let source = try field("source")
        let text = try source.string()
        guard !text.allSatisfy(\.isWhitespace) else {
            throw source.error(expected: "a non-empty source (paper and table, datasheet, reference row, \"fitted: ...\" or \"assumption: <why>\")")
        }
        return text
    }
}
