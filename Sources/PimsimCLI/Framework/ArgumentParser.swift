import PimsimCore

/// The flags and positionals given to one command, already checked against its `CommandSpec`.
public struct ParsedArguments: Sendable {
    public let command: String
    public private(set) var values: [String: String] = [:]
    /// Every value of a repeatable option, in the order given.
    public private(set) var repeated: [String: [String]] = [:]
    public private(set) var flags: Set<String> = []
    public private(set) var positionals: [String] = []

    /// The value of `--name`, if given.
    public func value(_ name: String) -> String? { values[name] }

    /// Every value of repeatable option `--name`, in order (empty if not given).
    public func all(_ name: String) -> [String] { repeated[name] ?? [] }

    /// Whether boolean flag `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Positional argument `index`, if given.
    public func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// The value of `--name` as an integer >= `min`.
    public func int(_ name: String, min: Int = 1) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let v = Int(text), v >= min else {
            throw InputError(location: name, expected: "an integer >= \(min)", found: "\"\(text)\"")
        }
        return v
    }

    /// The value of `--name` as a finite number > 0.
    public func positiveDouble(_ name: String) throws -> Double? {
        guard let text = values[name] else { return nil }
        guard let v = Double(text), v.isFinite, v > 0 else {
            throw InputError(location: name, expected: "a number > 0", found: "\"\(text)\"")
        }
        return v
    }

    /// The value of `--name` as a finite number >= 0.
    public func nonNegativeDouble(_ name: String) throws -> Double? {
        guard let text = values[name] else { return nil }
        guard let v = Double(text), v.isFinite, v >= 0 else {
            throw InputError(location: name, expected: "a number >= 0", found: "\"\(text)\"")
        }
        return v
    }

    /// The value of `--name`, which must be one of `choices`; `defaultValue` when absent.
    public func choice(_ name: String, _ choices: [String], default defaultValue: String) throws -> String {
        guard let text = values[name] else { return defaultValue }
        guard choices.contains(text) else {
            let hint = Suggestion.closest(to: text, among: choices).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw InputError(location: name, expected: "one of " + choices.joined(separator: ", ") + hint, found: "\"\(text)\"")
        }
        return text
    }

    /// Parses `arguments` against `spec`. `--name=value` and `--name value` are both accepted.
    /// - Throws: `UsageError` for unknown flags (with a suggestion), missing values, or a wrong
    ///   number of positionals.
    static func parse(_ arguments: [String], for spec: CommandSpec) throws -> ParsedArguments {
        var parsed = ParsedArguments(command: spec.name)
        var i = 0
        var onlyPositionals = false
        func lookup(_ token: String) -> OptionSpec? {
            spec.options.first { $0.name == token || $0.short == token }
        }
        while i < arguments.count {
            let token = arguments[i]
            i += 1
            if onlyPositionals || !token.hasPrefix("-") || token == "-" || Double(token) != nil {
                parsed.positionals.append(token)
                continue
            }
            if token == "--" { onlyPositionals = true; continue }
            var name = token
            var inlineValue: String?
            if let eq = token.firstIndex(of: "="), token.hasPrefix("--") {
                name = String(token[..<eq])
                inlineValue = String(token[token.index(after: eq)...])
            }
            guard let option = lookup(name) else {
                let known = spec.options.map(\.name) + ["--help"]
                let hint = Suggestion.closest(to: name, among: known).map { " (did you mean \($0)?)" } ?? ""
                throw UsageError(command: spec.name, message: "unknown option \(name)\(hint)")
            }
            if option.valueName == nil {
                guard inlineValue == nil else { throw UsageError(command: spec.name, message: "\(option.name) takes no value") }
                parsed.flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                // The next token is the value unless it is another option (negative numbers are values).
                let next = i < arguments.count ? arguments[i] : nil
                guard let next, !(next.hasPrefix("-") && next != "-" && Double(next) == nil) else {
                    throw UsageError(command: spec.name, message: "\(name) needs a value \(option.valueName!)")
                }
                value = arguments[i]
                i += 1
            }
            if option.repeatable {
                parsed.repeated[option.name, default: []].append(value)
                continue
            }
            if parsed.values[option.name] != nil {
                throw UsageError(command: spec.name, message: "\(option.name) given twice")
            }
            parsed.values[option.name] = value
        }
        if parsed.positionals.count < spec.requiredPositionals {
            let missing = spec.positionals[parsed.positionals.count]
            throw UsageError(command: spec.name, message: "missing argument \(missing)")
        }
        // A last positional named "NAME..." takes any number of arguments.
        if parsed.positionals.count > spec.positionals.count, spec.positionals.last?.hasSuffix("...") != true {
            let extra = parsed.positionals[spec.positionals.count]
            throw UsageError(command: spec.name, message: "unexpected argument \"\(extra)\"")
        }
        return parsed
    }
}

/// A command line that does not fit the command's usage.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let command: String
    public let message: String

    public var description: String { "\(message); see 'pimsim \(command) --help'" }
}
