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

/// The built executables (`swift test` builds every product beside the test bundle), run as
/// child processes so that a crash shows as a signal rather than ending the test run.
enum BuiltBinary {
    /// The folder holding `name` among the ancestors of the test executable.
    static func path(_ name: String) -> String? {
        var url = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                      ?? Bundle.main.executablePath ?? CommandLine.arguments[0])
        for _ in 0..<6 {
            url = url.deletingLastPathComponent()
            let candidate = url.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let launchLock = NSLock()

    struct Outcome {
        /// The exit status, or the signal number when `signalled`.
        let status: Int32
        let signalled: Bool
        /// Killed after the time limit (a hang).
        let timedOut: Bool
        let out: String
        let err: String
    }

    /// Runs `executable ARGS` in `directory` with `environment` (default: this process's,
    /// without PIMSIM_HOME) and waits for it, at most `timeLimit` seconds (then kills it).
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                    environment: [String: String]? = nil, timeLimit: Double = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = environment ?? ProcessInfo.processInfo.environment
        if environment == nil { env["PIMSIM_HOME"] = nil }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // swift-corelibs-foundation's Process.run() is not safe to call from two threads at once
        // (it crashed in memcpy here): launches are serialised, the waits are not.
        launchLock.lock()
        do { try process.run() } catch { launchLock.unlock(); throw error }
        launchLock.unlock()
        final class Flag: @unchecked Sendable { var value = false }
        let timedOut = Flag()
        let watchdog = DispatchWorkItem {
            if process.isRunning { timedOut.value = true; process.terminate() }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
        // Read both pipes while the child runs, so that a full pipe never blocks it.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut.value,
                       out: String(decoding: outData, as: UTF8.self), err: String(decoding: errBox.data, as: UTF8.self))
    }
}
