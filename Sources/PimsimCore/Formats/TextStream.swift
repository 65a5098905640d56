import Foundation

/// A text file written piece by piece (a long sweep streams its rows), buffered, with errors
/// that name the file. Nothing is kept beyond the buffer, so memory does not grow with the file.
public final class TextFileWriter {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    static let bufferBytes = 1 << 20

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws {
        try TextFile.checkWritable(path)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError(file: path, expected: "a writable file path", found: "a file that cannot be created")
        }
        self.path = path
        self.handle = handle
        buffer.reserveCapacity(Self.bufferBytes)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferBytes { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw InputError(file: path, expected: "a writable file", found: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file.
    public func close() throws {
        try flush()
        try? handle.close()
    }

    /// Closes and deletes the file (after a failure, so no partial output is left).
    public func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Reading a text file line by line in chunks, so a file larger than memory can be read.
public enum TextLines {
    /// Calls `body` with every line of the file at `path` (without its line break) and its
    /// number from 1, until `body` returns false. Errors name the file.
    public static func read(_ path: String, _ body: (String, Int) throws -> Bool) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, expected: "an existing file", found: "no such file")
        }
        guard !isDirectory.boolValue else { throw InputError(file: path, expected: "a file", found: "a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, expected: "a readable file", found: "a file that cannot be read")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw InputError(file: path, expected: "a readable file", found: error.localizedDescription)
            }
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                guard try body(String(decoding: pending[start..<end], as: UTF8.self), number) else { return }
                start = end + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty {
            number += 1
            _ = try body(String(decoding: pending, as: UTF8.self), number)
        }
    }
}
