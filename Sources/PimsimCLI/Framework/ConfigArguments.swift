import PimsimCore
import PimsimSim

/// `--set PATH=VALUE`: overrides one hwconfig setting (docs/sweep.md, "Settings by path").
/// Shared by run and sweep, so a sweep point and the run with the same settings agree.
enum ConfigArguments {
    static let set = OptionSpec("--set", value: "PATH=VALUE",
                                help: "Override one hwconfig setting, e.g. adc.energy_pj_by_adc_bits.9=1.5, array.cycle_ns=20, schedule.mode=pipelined (repeatable; paths: pimsim hw show CONFIG).",
                                repeatable: true)

    /// The `--set` assignments as (path, value) texts; a malformed one or a path given twice is
    /// an error naming `--set`.
    static func assignments(_ args: ParsedArguments) throws -> [(path: String, value: String)] {
        let pairs = try args.all(set.name).map { try split($0, flag: set.name, example: "adc.energy_pj=1.5") }
        try DesignSpace.rejectRepeats(pairs.map(\.path), flag: set.name)
        return pairs
    }

    /// `text` split at its first `=` into a path and a value, both non-empty.
    static func split(_ text: String, flag: String, example: String) throws -> (path: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw InputError(location: flag, expected: "PATH=VALUE (e.g. \(example))", found: "\"\(text)\"")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// `config` with every assignment applied in order; errors name the config and `--set`.
    static func apply(_ assignments: [(path: String, value: String)], to config: HardwareConfig) throws -> HardwareConfig {
        try assignments.reduce(config) { c, a in
            let path = try ConfigPath.resolve(a.path, in: c, flag: set.name)
            return try c.setting(path, to: try path.value(a.value, flag: set.name), source: "--set \(a.path)=\(a.value)")
        }
    }
}
