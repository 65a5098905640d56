/// A read position inside a JSON document: the value, its JSON path (`$.nodes[3].kernel`) and
/// the file it came from. Every accessor throws an `InputError` naming all three.
public struct JSONReader: Sendable {
    public let value: JSONValue
    public let path: String
    public let file: String?

    public init(_ value: JSONValue, path: String = "$", file: String? = nil) {
        self.value = value
        self.path = path
        self.file = file
    }

    /// Parses `text` and returns a reader at its root; syntax errors name the file.
    public static func parse(_ text: String, file: String?) throws -> JSONReader {
        do {
            return JSONReader(try JSONParser.parse(text), file: file)
        } catch let error as InputError {
            var e = error
            e.file = file
            e.expected = "valid JSON (" + e.expected + ")"
            throw e
        }
    }

    /// An error located at this reader's path.
    public func error(expected: String, found: String? = nil) -> InputError {
        InputError(file: file, location: path, expected: expected, found: found ?? value.summary)
    }

    // MARK: objects

    private func pairs() throws -> [(String, JSONValue)] {
        guard case .object(let pairs) = value else { throw error(expected: "an object") }
        return pairs
    }

    /// The keys of this object, in order.
    public func keys() throws -> [String] { try pairs().map(\.0) }

    /// The members of this object, in order, each as a reader at its path (one pass: reading
    /// every member through `field(_:)` would be quadratic in the member count).
    public func members() throws -> [(key: String, value: JSONReader)] {
        try pairs().map { ($0.0, JSONReader($0.1, path: path + "." + $0.0, file: file)) }
    }

    /// Whether this object has `key`.
    public func has(_ key: String) throws -> Bool { try pairs().contains { $0.0 == key } }

    /// A required member.
    public func field(_ key: String) throws -> JSONReader {
        guard let member = try optionalField(key) else {
            throw InputError(file: file, location: path + "." + key, expected: "a value (required field)", found: "nothing")
        }
        return member
    }

    /// A member that may be absent (an explicit null counts as absent).
    public func optionalField(_ key: String) throws -> JSONReader? {
        guard let pair = try pairs().first(where: { $0.0 == key }) else { return nil }
        if case .null = pair.1 { return nil }
        return JSONReader(pair.1, path: path + "." + key, file: file)
    }

    /// Rejects members not in `allowed`, so that a misspelt field is never silently ignored.
    public func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for key in try keys() where !allowed.contains(key) {
            let suggestion = Suggestion.closest(to: key, among: allowed)
            throw InputError(
                file: file, location: path + "." + key,
                expected: "one of the known fields " + allowed.sorted().joined(separator: ", ")
                    + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""),
                found: "an unknown field")
        }
    }

    // MARK: scalars

    public func string() throws -> String {
        guard case .string(let s) = value else { throw error(expected: "a string") }
        return s
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw error(expected: "true or false") }
        return b
    }

    /// A finite number (NaN and infinities are rejected with this path).
    public func double() throws -> Double {
        guard case .number(let d) = value else { throw error(expected: "a number") }
        guard d.isFinite else { throw error(expected: "a finite number", found: "\(d)") }
        return d
    }

    /// A finite number within `range`.
    public func double(in range: ClosedRange<Double>) throws -> Double {
        let d = try double()
        guard range.contains(d) else {
            throw error(expected: "a number from \(JSONValue.format(range.lowerBound)) to \(JSONValue.format(range.upperBound))")
        }
        return d
    }

    /// A number that must be > 0 (sizes, energies, areas).
    public func positiveDouble() throws -> Double {
        let d = try double()
        guard d > 0 else { throw error(expected: "a number > 0") }
        return d
    }

    /// A number that must be >= 0.
    public func nonNegativeDouble() throws -> Double {
        let d = try double()
        guard d >= 0 else { throw error(expected: "a number >= 0") }
        return d
    }

    /// A whole number, optionally bounded below.
    public func int(min: Int? = nil) throws -> Int {
        guard case .number(let d) = value else { throw error(expected: integerExpectation(min)) }
        guard d.isFinite, d == d.rounded(), abs(d) <= 9.0e15 else { throw error(expected: integerExpectation(min)) }
        let i = Int(d)
        if let min, i < min { throw error(expected: integerExpectation(min)) }
        return i
    }

    private func integerExpectation(_ min: Int?) -> String {
        min.map { "an integer >= \($0)" } ?? "an integer"
    }

    /// A string that must be one of `choices`.
    public func oneOf(_ choices: [String]) throws -> String {
        let s = try string()
        guard choices.contains(s) else {
            let suggestion = Suggestion.closest(to: s, among: Set(choices))
            throw error(expected: "one of " + choices.joined(separator: ", ")
                        + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""))
        }
        return s
    }

    // MARK: arrays

    public func array() throws -> [JSONReader] {
        guard case .array(let items) = value else { throw error(expected: "an array") }
        return items.enumerated().map { JSONReader($1, path: path + "[\($0)]", file: file) }
    }

    /// An array of finite numbers.
    public func doubles() throws -> [Double] { try array().map { try $0.double() } }

    /// An array of finite numbers as Float.
    public func floats() throws -> [Float] { try array().map { Float(try $0.double()) } }

    /// An array of integers, each >= `min` if given.
    public func ints(min: Int? = nil) throws -> [Int] { try array().map { try $0.int(min: min) } }

    // MARK: conveniences for required members

    public func string(_ key: String) throws -> String { try field(key).string() }
    public func int(_ key: String, min: Int? = nil) throws -> Int { try field(key).int(min: min) }
    public func double(_ key: String) throws -> Double { try field(key).double() }
    public func bool(_ key: String) throws -> Bool { try field(key).bool() }
}
