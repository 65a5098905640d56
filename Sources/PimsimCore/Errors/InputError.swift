/// An error in something the user gave pimsim: a file, a field inside it, a flag or a name.
///
/// Every user-facing failure is one readable line naming *where* (file and JSON path or flag),
/// *what was expected* and *what was found*, for example
/// `net.json: $.nodes[3].kernel: expected an integer >= 1, found -2`.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the problem is in, if any (as the user named it).
    public var file: String?
    /// Where inside the input: a JSON path such as `$.nodes[3].kernel`, a flag such as `--split`,
    /// or a layer name.
    public var location: String?
    /// What was expected there.
    public var expected: String
    /// What was found instead, if there is something to show.
    public var found: String?

    public init(file: String? = nil, location: String? = nil, expected: String, found: String? = nil) {
        self.file = file
        self.location = location
        self.expected = expected
        self.found = found
    }

    /// The same error attributed to a file (keeps an existing attribution).
    public func inFile(_ name: String) -> InputError {
        var copy = self
        if copy.file == nil { copy.file = name }
        return copy
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let location { parts.append(location) }
        var message = "expected \(expected)"
        if let found { message += ", found \(found)" }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
