import Foundation
import PimsimCore
import PimsimKernels

/// The `pimsim` command line: dispatches to a subcommand and turns errors into one-line messages
/// and exit codes (0 success, 1 bad input or failure, 2 bad usage).
public enum CommandLineInterface {
    /// The release this binary is (`pimsim --version`).
    public static let version = "0.1.0"

    /// Runs `pimsim ARGUMENTS` and returns the exit status. `environment` may hold PIMSIM_ISA
    /// (see `selectKernels`).
    public static func main(arguments: [String], io: CommandIO = .standard(),
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        ProcessMemory.retainFreedMemory()
        if let name = environment[kernelVariable] {
            do { try selectKernels(name) } catch {
                io.progress("pimsim: \(error)")
                return 1
            }
        }
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

    /// The environment variable that overrides the kernels' instruction set.
    static let kernelVariable = "PIMSIM_ISA"

    /// PIMSIM_ISA=avx2 (avx512, baseline, neon) runs the kernels of that instruction set instead of
    /// the best one this CPU supports, e.g. to measure the AVX2 path on an AVX-512 machine
    /// (docs/performance.md).
    static func selectKernels(_ name: String) throws {
        guard let isa = KernelISA(rawValue: name), KernelISA.select(isa) else {
            let names = KernelISA.supported.map(\.rawValue).joined(separator: ", ")
            throw InputError(location: kernelVariable, expected: "an instruction set this CPU supports: \(names)", found: "\"\(name)\"")
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
