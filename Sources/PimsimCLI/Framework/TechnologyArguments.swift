import PimsimCore
import PimsimSim

/// `--node` and `--vdd`: cost a hwconfig at another technology node or supply (docs/cost-model.md,
/// "Technology scaling"). Shared by run, sweep and hw show.
enum TechnologyArguments {
    static let node = OptionSpec("--node", value: "NM", help: "Technology node in nm to scale the config's components to (default the config's technology.node_nm; its nominal supply unless --vdd).")
    static let nodes = OptionSpec("--node", value: "NM[,NM...]", help: "Technology nodes in nm: a sweep axis (default the config's own node; each at its nominal supply unless --vdd).")
    static let vdds = OptionSpec("--vdd", value: "V[,V...]", help: "Supplies in V: a sweep axis (default the config's, or each node's nominal supply with --node).")
    static let vdd = OptionSpec("--vdd", value: "V", help: "Supply voltage for the scaled logic and SRAM components (default the config's, or the node's nominal supply with --node).")

    /// `config` at `--node` and `--vdd` if given (unchanged otherwise).
    static func apply(_ args: ParsedArguments, to config: HardwareConfig) throws -> HardwareConfig {
        let node = try args.positiveDouble("--node")
        let vdd = try args.positiveDouble("--vdd")
        guard node != nil || vdd != nil else { return config }
        return try config.retargeted(nodeNM: node, vddV: vdd)
    }

    /// The `--node` axis of a sweep: nil (each config's own node) when absent.
    static func nodeAxis(_ args: ParsedArguments) throws -> [Double]? {
        try axis(args, "--node", expected: "technology nodes in nm separated by commas (e.g. 45,32,22)")
    }

    /// The `--vdd` axis of a sweep: nil (each config's, or each node's nominal supply) when absent.
    static func vddAxis(_ args: ParsedArguments) throws -> [Double]? {
        try axis(args, "--vdd", expected: "supplies in V separated by commas (e.g. 0.8,0.9,1.0)")
    }

    static func axis(_ args: ParsedArguments, _ flag: String, expected: String) throws -> [Double]? {
        guard let text = args.value(flag) else { return nil }
        return try DesignSpace.uniqueItems(text, flag: flag, expected: expected) { Double($0).flatMap { $0.isFinite && $0 > 0 ? $0 : nil } }
    }
}
