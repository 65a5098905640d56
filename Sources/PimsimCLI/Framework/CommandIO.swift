import Foundation
import PimsimCore
import PimsimReports

/// Where a command writes: results to standard output (or the file given with `-o`), progress
/// and warnings to standard error. Tests substitute closures that capture the text.
public final class CommandIO: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private var notes: [String] = []
    private let notesLock = NSLock()

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.writeOut = out
        self.writeErr = err
    }

    /// Standard output and standard error of the process.
    public static func standard() -> CommandIO {
        CommandIO(out: { FileHandle.standardOutput.write(Data($0.utf8)) },
                  err: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// Writes result text to standard output.
    public func print(_ text: String) { writeOut(text.hasSuffix("\n") ? text : text + "\n") }

    /// Writes result text to standard output as it is (a streamed output's next piece).
    public func write(_ text: String) { writeOut(text) }

    /// Writes progress or a warning to standard error (after any pending notes).
    public func progress(_ text: String) {
        flushNotes()
        writeErr(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// A note about the input (what an ONNX import detected) for standard error: written before
    /// the next progress line or when the command succeeds, and dropped if the command fails
    /// first, so that a failure stays one line.
    public func note(_ text: String) {
        notesLock.lock(); defer { notesLock.unlock() }
        notes.append(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Writes the pending notes (the command succeeded, or it reports progress).
    public func flushNotes() {
        notesLock.lock()
        let pending = notes
        notes = []
        notesLock.unlock()
        for text in pending { writeErr(text) }
    }

    /// Drops the pending notes (the command failed: its error is the line to read).
    public func discardNotes() {
        notesLock.lock(); defer { notesLock.unlock() }
        notes = []
    }

    /// Writes `text` to `path` if given (reporting the file on stderr), else to standard output;
    /// errors name `flag`, the option that gave the path.
    public func emit(_ text: String, to path: String?, flag: String = "-o") throws {
        guard let path else { print(text); return }
        do {
            try TextFile.write(text, to: path)
        } catch var error as InputError {
            error.location = flag
            throw error
        }
        progress("wrote \(path)")
    }
}

/// Progress of a counted phase on stderr: "label: done/total unit", at most once a second and
/// always at the end, so a long phase is never silent and a short one prints one line.
final class PhaseProgress: @unchecked Sendable {
    private let io: CommandIO
    private let label: String
    private let unit: String
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last: UInt64 = 0
    private let lock = NSLock()

    init(_ label: String, unit: String, io: CommandIO) {
        (self.label, self.unit, self.io) = (label, unit, io)
    }

    func report(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard done == total || now - last >= 1_000_000_000 else { return }
        last = now
        let seconds = Double(now - start) / 1e9
        io.progress("\(label): \(done)/\(total) \(unit), \(String(format: "%.1f", seconds)) s")
    }
}

/// Progress of a long counted job on stderr with its rate and the time left: "sweep:
/// 45,056/125,000 points (36 %), 41,200 points/s, about 2 s left", at most once a second and
/// only after the first second (a short job prints nothing; its caller reports the end).
final class RateProgress: @unchecked Sendable {
    private let io: CommandIO
    private let label: String
    private let unit: String
    private let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last: UInt64

    init(_ label: String, total: Int, unit: String, io: CommandIO) {
        (self.label, self.total, self.unit, self.io) = (label, total, unit, io)
        last = start
    }

    func report(_ done: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard done < total, now - last >= 1_000_000_000 else { return }
        last = now
        let seconds = Double(now - start) / 1e9
        let rate = Double(done) / seconds
        let left = Double(total - done) / max(rate, 1e-9)
        io.progress("\(label): \(NumberFormat.grouped(done))/\(NumberFormat.grouped(total)) \(unit) (\(done * 100 / max(total, 1)) %), "
                    + "\(NumberFormat.grouped(Int(rate))) \(unit)/s, about \(RateProgress.duration(left)) left")
    }

    /// 45 s, 12 min, 3.5 h.
    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded(.up))) s" }
        if seconds < 5400 { return "\(Int((seconds / 60).rounded())) min" }
        return NumberFormat.fixed(seconds / 3600, 1) + " h"
    }
}
