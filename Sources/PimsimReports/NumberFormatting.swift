import Foundation

/// Number formats for human-readable reports (JSON and CSV carry full precision).
public enum NumberFormat {
    /// An integer with thousands separators: 270538 -> "270,538".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A count held as a Double (e.g. events times inferences): grouped while it is an exact
    /// integer (below 2^53), else in exponent form: 131082 -> "131,082", 1.3e20 -> "1.311e+20".
    public static func groupedCount(_ value: Double) -> String {
        abs(value) < 9.007e15 ? grouped(Int(value.rounded())) : significant(value)
    }

    /// A value with `digits` decimals: fixed(2.08526, 2) -> "2.09".
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// A value with `significant` significant digits, switching to exponent form outside
    /// 1e-3 ... 1e6: 1234.5 -> "1235", 0.012345 -> "0.01235".
    public static func significant(_ value: Double, _ significant: Int = 4) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.\(significant - 1)e", value) }
        let decimals = max(0, significant - 1 - Int(floor(log10(magnitude))))
        return String(format: "%.\(decimals)f", value)
    }

    /// Values of one table column in one notation: `significant(_:_:)`'s fixed form when every
    /// non-zero magnitude lies in 1e-3 ..< 1e6, else exponent form for all (non-finite values
    /// print as themselves).
    public static func column(_ values: [Double], _ significantDigits: Int = 4) -> [String] {
        let exponent = values.contains { $0.isFinite && $0 != 0 && (abs($0) >= 1e6 || abs($0) < 1e-3) }
        return values.map { v in
            guard exponent, v.isFinite, v != 0 else { return significant(v, significantDigits) }
            return String(format: "%.\(significantDigits - 1)e", v)
        }
    }

    /// Counts of one table column in one notation: grouped integers while every value is an
    /// exact integer below 2^53, else exponent form for all.
    public static func countColumn(_ values: [Double]) -> [String] {
        values.allSatisfy { abs($0) < 9.007e15 } ? values.map(groupedCount) : values.map { v in v == 0 ? "0" : String(format: "%.3e", v) }
    }

    /// A ratio such as "3.22x".
    public static func ratio(_ value: Double, _ digits: Int = 2) -> String { fixed(value, digits) + "x" }
}
