import Foundation

/// Resolves the NET argument every command takes: a built-in zoo name, a net.json path or an
/// ONNX model (docs/onnx.md).
public enum NetworkLoader {
    /// Loads `argument`: a zoo name if it is one, otherwise a net.json or ONNX file.
    public static func load(_ argument: String) throws -> Graph {
        try loadWithReport(argument).graph
    }

    /// Loads `argument`; for an ONNX file also returns what the import detected.
    /// A file is ONNX if its name ends in `.onnx`, net.json if it ends in `.json`; any other
    /// existing file is net.json if its first non-blank byte is `{`, else ONNX.
    public static func loadWithReport(_ argument: String) throws -> (graph: Graph, onnx: ONNXImport?) {
        if ModelZoo.names.contains(argument) { return (try ModelZoo.network(named: argument), nil) }
        if ONNXImporter.isONNXPath(argument) { return try onnx(argument) }
        if argument.hasSuffix(".json") { return (try NetJSON.read(path: argument), nil) }
        if FileManager.default.fileExists(atPath: argument) {
            let bytes = try TextFile.readBytes(argument)
            let first = bytes.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
            return first == UInt8(ascii: "{") ? (try NetJSON.read(path: argument), nil) : try onnx(argument)
        }
        if argument.contains("/") { return (try NetJSON.read(path: argument), nil) }  // "no such file"
        return (try ModelZoo.network(named: argument), nil)  // throws "a net.json file or a zoo name ..."
    }

    static func onnx(_ path: String) throws -> (graph: Graph, onnx: ONNXImport?) {
        let imported = try ONNXImporter.read(path: path)
        return (imported.graph, imported)
    }
}
