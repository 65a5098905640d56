import Foundation
import PimsimCLI

// The executable only forwards to the CLI library so that tests can run every command in-process.
exit(CommandLineInterface.main(arguments: Array(CommandLine.arguments.dropFirst())))
