import PimsimCore

/// The `pimsim` command line: dispatches to a subcommand and turns errors into one-line messages
/// and exit codes (0 success, 1 bad input or failure, 2 bad usage).
public enum CommandLineInterface {
    /// The release this binary is (`pimsim --version`).
    public static let version = "0.1.0"

    /// Runs `pimsim ARGUMENTS` and returns the exit status.
    public static func main(arguments: [String], io: CommandIO = .standard()) -> Int32 {
        guard let first = arguments.first else {
            io.progress(overview)  // a usage error: the help goes to stderr, stdout stays empty
            return 2
        }
        if first == "--help" || first == "-h" {
            io.print(overview)
            return 0
        }
        if first == "--version" {
            io.print("pimsim \(version)")
            return 0
        }
        if first == "help" {
            guard arguments.count > 1 else { io.print(overview); return 0 }
            guard let spec = command(named: arguments[1]) else { return unknownCommand(arguments[1], io: io) }
            io.print(spec.helpText)
            return 0
        }
        guard let spec = command(named: first) else { return unknownCommand(first, io: io) }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            io.print(spec.helpText)
            return 0
        }
        do {
            let parsed = try ParsedArguments.parse(rest, for: spec)
            try spec.run(parsed, io)
            io.flushNotes()
            return 0
        } catch let error as UsageError {
            io.discardNotes()
            io.progress("pimsim \(spec.name): \(error)")
            return 2
        } catch let error as InputError {
            io.discardNotes()
            io.progress("pimsim \(spec.name): \(error)")
            return 1
        } catch {
            io.discardNotes()
            io.progress("pimsim \(spec.name): \(error)")
            return 1
        }
    }

    static func command(named name: String) -> CommandSpec? {
        CommandRegistry.all.first { $0.name == name }
    }

    static func unknownCommand(_ name: String, io: CommandIO) -> Int32 {
        let hint = Suggestion.closest(to: name, among: CommandRegistry.all.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
        io.progress("pimsim: unknown command '\(name)'\(hint); see 'pimsim help'")
        return 2
    }

    /// `pimsim help`.
    static var overview: String {
        let width = CommandRegistry.all.map(\.name.count).max() ?? 0
        var out = """
        pimsim: energy, area and latency of ternary neural networks on processing-in-memory
        crossbars and FPGAs, with network splitting so a sense amplifier can replace the ADC.

        Usage: pimsim <command> [arguments] [options]

        Commands:

        """
        for spec in CommandRegistry.all {
            out += "  " + spec.name.padding(width) + "  " + spec.summary + "\n"
        }
        out += "\nRun 'pimsim help <command>' or 'pimsim <command> --help' for a command's options and examples;\n"
        out += "'pimsim --version' for the release.\n"
        out += "Networks: a net.json or ONNX (.onnx) path or a built-in name (" + ModelZoo.names.joined(separator: ", ") + ").\n"
        return out
    }
}
