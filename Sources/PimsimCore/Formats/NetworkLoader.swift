import Foundation

/// Resolves the NET argument every command takes: a built-in zoo name or a net.json path.
public enum NetworkLoader {
    /// Loads `argument`: a zoo name if it is one, otherwise a net.json file.
    public static func load(_ argument: String) throws -> Graph {
        if ModelZoo.names.contains(argument) { return try ModelZoo.network(named: argument) }
        if argument.hasSuffix(".json") || argument.contains("/") || FileManager.default.fileExists(atPath: argument) {
            return try NetJSON.read(path: argument)
        }
        return try ModelZoo.network(named: argument)  // throws "a net.json file or a zoo name ..."
    }
}
