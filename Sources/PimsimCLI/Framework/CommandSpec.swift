/// One flag a command accepts.
public struct OptionSpec: Sendable {
    /// Long name with dashes, e.g. `--split`.
    public let name: String
    /// Optional short alias, e.g. `-o`.
    public let short: String?
    /// Name of the value in usage text (`SPEC`); nil for a boolean flag.
    public let valueName: String?
    public let help: String
    /// Whether the option may be given more than once (each value is kept, in order).
    public let repeatable: Bool

    public init(_ name: String, short: String? = nil, value valueName: String? = nil, help: String, repeatable: Bool = false) {
        self.name = name
        self.short = short
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
    }

    /// A boolean flag.
    public static func flag(_ name: String, short: String? = nil, help: String) -> OptionSpec {
        OptionSpec(name, short: short, value: nil, help: help)
    }
}

/// A subcommand: its name, help text, flags and what it runs.
public struct CommandSpec: Sendable {
    public let name: String
    /// One line for `pimsim help`.
    public let summary: String
    /// Usage lines, e.g. `pimsim params NET [--split SPEC] [--format table|json]`.
    public let usage: [String]
    /// What the command does, in a paragraph or two.
    public let discussion: String
    /// Example invocations, each with a comment.
    public let examples: [(command: String, comment: String)]
    public let options: [OptionSpec]
    /// Names of positional arguments, in order; the last may be optional (see `requiredPositionals`).
    public let positionals: [String]
    public let requiredPositionals: Int
    public let run: @Sendable (ParsedArguments, CommandIO) throws -> Void

    public init(name: String, summary: String, usage: [String], discussion: String, examples: [(command: String, comment: String)],
                options: [OptionSpec], positionals: [String] = [], requiredPositionals: Int = 0,
                run: @escaping @Sendable (ParsedArguments, CommandIO) throws -> Void) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.discussion = discussion
        self.examples = examples
        self.options = options
        self.positionals = positionals
        self.requiredPositionals = requiredPositionals
        self.run = run
    }

    /// The text `pimsim CMD --help` prints.
    public var helpText: String {
        var out = "\(summary)\n\nUsage:\n"
        for line in usage { out += "  \(line)\n" }
        out += "\n" + discussion + "\n"
        if !options.isEmpty {
            out += "\nOptions:\n"
            let labels = options.map { o -> String in
                var label = o.short.map { "\($0), " } ?? ""
                label += o.name
                if let v = o.valueName { label += " \(v)" }
                return label
            }
            let width = labels.map(\.count).max() ?? 0
            for (label, o) in zip(labels, options) {
                out += "  " + label + String(repeating: " ", count: width - label.count) + "  " + o.help + "\n"
            }
            out += "  " + "--help".padding(width) + "  Show this help.\n"
        }
        if !examples.isEmpty {
            out += "\nExamples:\n"
            for e in examples { out += "  # \(e.comment)\n  \(e.command)\n" }
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
