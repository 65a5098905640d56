import Foundation

/// Reading and writing whole files with errors that name the file.
public enum TextFile {
    public static func read(_ path: String) throws -> String {
        guard let text = String(data: try contents(path), encoding: .utf8) else {
            throw InputError(file: path, expected: "UTF-8 text", found: "binary data")
        }
        return text
    }

    /// The bytes of a whole file (an ONNX model).
    public static func readBytes(_ path: String) throws -> [UInt8] {
        [UInt8](try contents(path))
    }

    static func contents(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, expected: "an existing file", found: "no such file")
        }
        guard !isDirectory.boolValue else { throw InputError(file: path, expected: "a file", found: "a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, expected: "a readable file", found: "a file that cannot be read")
        }
        return data
    }

    /// Throws unless `path` can be created as a file: not a directory, in a folder that exists
    /// (so a long job can check its output before it starts).
    public static func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw InputError(file: path, expected: "a writable file path", found: "a directory")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw InputError(file: path, expected: "a writable file path", found: "no folder \(folder)")
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try checkWritable(path)
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw InputError(file: path, expected: "a writable file path", found: error.localizedDescription)
        }
    }
}
