import Foundation

/// A JSON document as a value tree. Object keys keep their order of appearance so that written
/// files are stable and diffable.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A short description of the value's kind and, for scalars, the value itself, for error
    /// messages ("the string \"abc\"", "an array of 3 elements").
    public var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let d): return JSONValue.format(d)
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(37)) + "..." : s
            return "the string \"\(shown)\""
        case .array(let a): return "an array of \(a.count) element\(a.count == 1 ? "" : "s")"
        case .object: return "an object"
        }
    }

    /// A number as JSON writes it: integers without a fraction, others in Swift's shortest
    /// round-trip form.
    public static func format(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Builds an object from key-value pairs, dropping pairs whose value is nil.
    public static func object(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    public static func int(_ i: Int) -> JSONValue { .number(Double(i)) }
    public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
    public static func numbers(_ values: [Float]) -> JSONValue { .array(values.map(JSONValue.float)) }

    /// A Float as the shortest decimal that reads back as the same Float (1e-05, not
    /// 9.999999747378752e-06), falling back to the exact Double when that is not guaranteed.
    public static func float(_ value: Float) -> JSONValue {
        if let short = Double(value.description), Float(short) == value { return .number(short) }
        return .number(Double(value))
    }
    public static func ints(_ values: [Int]) -> JSONValue { .array(values.map { .number(Double($0)) }) }
}
