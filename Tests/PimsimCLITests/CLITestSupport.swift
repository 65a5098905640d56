import PimsimCLI

/// Runs `pimsim ARGS` in-process and captures exit status, standard output and standard error.
func runPimsim(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
    final class Box: @unchecked Sendable { var out = ""; var err = "" }
    let box = Box()
    let io = CommandIO(out: { box.out += $0 }, err: { box.err += $0 })
    let status = CommandLineInterface.main(arguments: arguments, io: io)
    return (status, box.out, box.err)
}
