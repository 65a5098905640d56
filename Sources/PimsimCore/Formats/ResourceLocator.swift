import Foundation

/// Finds the files pimsim ships beside its sources (hwconfigs/, examples/data/), so that a
/// built binary works from any working directory without copying them.
///
/// Search order: `$PIMSIM_HOME`, then each parent folder of the executable (a clone's binary
/// lives in `.build/<config>/`), then the working directory and its parents. The first folder
/// that contains `relativePath` wins.
public enum ResourceLocator {
    public static func locate(_ relativePath: String) throws -> String {
        for root in candidateRoots() {
            let path = (root as NSString).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw InputError(location: relativePath, expected: "pimsim's \(relativePath) folder beside its sources (set PIMSIM_HOME to the repository)", found: "nothing in \(candidateRoots().prefix(3).joined(separator: ", "))")
    }

    static func candidateRoots() -> [String] {
        var roots: [String] = []
        if let home = ProcessInfo.processInfo.environment["PIMSIM_HOME"] { roots.append(home) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        roots += ancestors(of: executable.path)
        roots += ancestors(of: FileManager.default.currentDirectoryPath)
        return roots
    }

    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        for _ in 0..<8 {
            result.append(url.path)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return result
    }
}
