import Foundation
import PimsimCore

/// The DSP slice primitive of a device family: DSP48E1 (7-series, 25 x 18 multiplier) or
/// DSP48E2 (UltraScale/UltraScale+, 27 x 18 multiplier).
public enum DSPPrimitive: String, CaseIterable, Sendable {
    case dsp48e1 = "DSP48E1"
    case dsp48e2 = "DSP48E2"
}

/// An FPGA part and its datasheet resource counts (hwconfigs/fpga/devices/NAME.json).
///
/// Every count carries its unit in its type: `slices` and `luts` cannot be confused, and the
/// file must satisfy luts = slices * lutsPerSlice and ffs = slices * ffsPerSlice.
public struct FPGADevice: Sendable, Equatable {
    /// The name used with `--device`, e.g. `xc7k480t`.
    public let name: String
    /// The full part name, e.g. `Xilinx Kintex-7 XC7K480T`.
    public let part: String
    public let family: String
    public let slices: Count<Slice>
    public let lutsPerSlice: Int
    public let luts: Count<LUT6>
    public let ffsPerSlice: Int
    public let ffs: Count<FlipFlop>
    /// Adder bits one slice's carry chain covers (4 for CARRY4, 8 for CARRY8).
    public let carryBitsPerSlice: Int
    /// LUT6 that can be distributed RAM (those in SLICEMs).
    public let lutramLUTs: Count<LUT6>
    /// Bits one LUT6 holds as distributed RAM (64 x 1).
    public let lutramBitsPerLUT: Int
    public let dspPrimitive: DSPPrimitive
    public let dsps: Count<DSPSlice>
    public let bram36: Count<BRAM36>
    /// Each number's source, by field name.
    public let sources: [String: String]
    /// The file it was read from, if any.
    public let file: String?

    /// Block RAM as 18 Kb halves.
    public var bram18: Count<BRAM18> { bram36.asBRAM18 }

    static let fields: Set<String> = [
        "name", "part", "family", "description", "slices", "luts_per_slice", "luts", "ffs_per_slice", "ffs",
        "carry_bits_per_slice", "lutram_luts", "lutram_bits_per_lut", "dsp_primitive", "dsps", "bram36",
    ]

    /// Reads and validates a device description; every error names `file` and the JSON path.
    public init(json text: String, file: String?) throws {
        let root = try JSONReader.parse(text, file: file)
        try root.rejectUnknownKeys(Self.fields)
        name = try root.string("name")
        guard !name.isEmpty else { throw try root.field("name").error(expected: "a non-empty device name") }
        part = try root.string("part")
        family = try root.string("family")
        if let description = try root.optionalField("description") { _ = try description.string() }
        var sources: [String: String] = [:]
        func count(_ key: String, unit: String, min: Int) throws -> Int {
            let sourced = try root.sourcedInt(key, unit: unit, min: min)
            sources[key] = sourced.source
            return sourced.value
        }
        slices = Count(try count("slices", unit: Slice.symbol, min: 1))
        lutsPerSlice = try count("luts_per_slice", unit: "LUT6/slice", min: 1)
        luts = Count(try count("luts", unit: LUT6.symbol, min: 1))
        ffsPerSlice = try count("ffs_per_slice", unit: "FF/slice", min: 1)
        ffs = Count(try count("ffs", unit: FlipFlop.symbol, min: 1))
        carryBitsPerSlice = try count("carry_bits_per_slice", unit: "bit/slice", min: 1)
        lutramLUTs = Count(try count("lutram_luts", unit: LUT6.symbol, min: 0))
        lutramBitsPerLUT = try count("lutram_bits_per_lut", unit: "bit/LUT6", min: 1)
        let primitive = try root.field("dsp_primitive")
        dspPrimitive = DSPPrimitive(rawValue: try primitive.oneOf(DSPPrimitive.allCases.map(\.rawValue)))!
        dsps = Count(try count("dsps", unit: dspPrimitive.rawValue, min: 0))
        bram36 = Count(try count("bram36", unit: BRAM36.symbol, min: 0))
        self.sources = sources
        self.file = file
        if slices.lutCapacity(lutsPerSlice: lutsPerSlice) != luts {
            throw InputError(file: file, location: "$.luts.value",
                             expected: "slices x luts_per_slice = \(slices.value) x \(lutsPerSlice) = \(slices.value * lutsPerSlice) (a LUT count, not a slice count)",
                             found: "\(luts.value)")
        }
        if slices.flipFlopCapacity(ffsPerSlice: ffsPerSlice) != ffs {
            throw InputError(file: file, location: "$.ffs.value",
                             expected: "slices x ffs_per_slice = \(slices.value) x \(ffsPerSlice) = \(slices.value * ffsPerSlice)",
                             found: "\(ffs.value)")
        }
        if lutramLUTs > luts {
            throw InputError(file: file, location: "$.lutram_luts.value", expected: "at most the device's \(luts.value) LUT6", found: "\(lutramLUTs.value)")
        }
    }

    /// Reads `path`; a missing or unreadable file is a one-line error naming it.
    public static func load(path: String) throws -> FPGADevice {
        try FPGADevice(json: try TextFile.read(path), file: path)
    }

    /// The folder of shipped device files.
    public static func directory() throws -> String {
        try ResourceLocator.locate("hwconfigs/fpga/devices")
    }

    /// Names of the shipped devices (file names without `.json`), sorted.
    public static func knownNames() throws -> [String] {
        let folder = try directory()
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw InputError(file: folder, expected: "a readable folder of device files", found: error.localizedDescription)
        }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// A shipped device by name (case-insensitive), or a device file if `nameOrPath` ends in
    /// `.json` or contains a `/`. Unknown names get the list and a "did you mean".
    public static func resolve(_ nameOrPath: String) throws -> FPGADevice {
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") { return try load(path: nameOrPath) }
        let names = try knownNames()
        let wanted = nameOrPath.lowercased()
        guard names.contains(wanted) else {
            let hint = Suggestion.closest(to: wanted, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw InputError(location: "--device", expected: "a device file or one of " + names.joined(separator: ", ") + hint, found: "\"\(nameOrPath)\"")
        }
        let device = try load(path: (try directory() as NSString).appendingPathComponent(wanted + ".json"))
        guard device.name == wanted else {
            throw InputError(file: device.file, location: "$.name", expected: "\"\(wanted)\" (the file's name)", found: "\"\(device.name)\"")
        }
        return device
    }
}
