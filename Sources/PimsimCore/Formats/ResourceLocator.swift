import Foundation
#if canImport(Darwin)
import Darwin
#endif

/// Finds the files pimsim ships beside its sources (hwconfigs/, examples/data/, docs/), so that a
/// built binary works from any working directory, on PATH or through a symbolic link, without
/// copying them.
///
/// Search order: each parent folder of the executable's real path (a clone's binary lives in
/// `.build/<config>/`; the path comes from /proc/self/exe on Linux and `_NSGetExecutablePath` on
/// macOS, with symbolic links resolved, never from argv[0], which is a bare name when the binary
/// is found on PATH), then `$PIMSIM_HOME` (for a binary copied away from its clone), then the
/// working directory and its parents. The first folder that contains `relativePath` wins.
public enum ResourceLocator {
    public static func locate(_ relativePath: String) throws -> String {
        let roots = candidateRoots()
        for root in roots {
            let path = (root as NSString).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw InputError(location: relativePath,
                         expected: "pimsim's \(relativePath) beside its sources (run the binary from its clone's .build folder, or a link to it, or set PIMSIM_HOME to the clone)",
                         found: "nothing in \(roots.prefix(3).joined(separator: ", "))")
    }

    static func candidateRoots() -> [String] {
        var roots: [String] = []
        if let executable = executablePath() {
            roots += ancestors(of: (executable as NSString).deletingLastPathComponent)
        }
        if let home = ProcessInfo.processInfo.environment["PIMSIM_HOME"], !home.isEmpty { roots.append(home) }
        roots += ancestors(of: FileManager.default.currentDirectoryPath)
        return roots
    }

    /// The running executable's path with symbolic links resolved, if the platform says.
    static func executablePath() -> String? {
        #if os(Linux)
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return path
        #elseif canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        return URL(fileURLWithPath: String(cString: buffer)).resolvingSymlinksInPath().path
        #else
        return Bundle.main.executablePath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        #endif
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
