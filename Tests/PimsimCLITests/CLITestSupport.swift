import Foundation
import PimsimCLI

/// Runs `pimsim ARGS` in-process and captures exit status, standard output and standard error.
/// `environment` replaces the process environment (PIMSIM_ISA) when given.
func runPimsim(_ arguments: [String], environment: [String: String]? = nil) -> (status: Int32, out: String, err: String) {
    final class Box: @unchecked Sendable { var out = ""; var err = "" }
    let box = Box()
    let io = CommandIO(out: { box.out += $0 }, err: { box.err += $0 })
    let status = CommandLineInterface.main(arguments: arguments, io: io, environment: environment ?? ProcessInfo.processInfo.environment)
    return (status, box.out, box.err)
}
