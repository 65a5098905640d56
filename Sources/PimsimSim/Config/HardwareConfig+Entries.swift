import Foundation

/// One line of `pimsim hw show`: a setting's JSON path, its value with unit and its source.
public struct ConfigEntry: Equatable, Sendable {
    public let path: String
    public let value: String
    public let source: String
}

extension HardwareConfig {
    /// Every setting and constant with its source, in file order.
    public var entries: [ConfigEntry] {
        func c(_ path: String, _ k: Constant) -> ConfigEntry {
            ConfigEntry(path: path, value: format(k.value) + " " + k.unit, source: k.source)
        }
        func table(_ path: String, _ t: BitsTable) -> ConfigEntry {
            ConfigEntry(path: path, value: zip(t.bits, t.values).map { "\($0)b: \(format($1))" }.joined(separator: ", ") + " " + t.unit, source: t.source)
        }
        var list = [
            c("array.rows", rows), c("array.columns", columns), c("array.cells_per_ternary_weight", cellsPerTernaryWeight),
            c("array.bits_per_cell", bitsPerCell),
            ConfigEntry(path: "array.input_encoding", value: inputEncoding.rawValue, source: inputEncodingSource),
            c("array.input_bits_per_cycle", inputBitsPerCycle), c("array.cycle_ns", arrayCycleNS),
            ConfigEntry(path: "readout.kinds", value: readoutKinds.rawValue, source: readoutKindsSource),
            ConfigEntry(path: "readout.adc_resolution_rule", value: adcRule.rawValue, source: adcRuleSource),
        ]
        if let adcBits { list.append(c("readout.adc_bits", adcBits)) }
        list += [
            c("readout.adc_sharing", adcSharing), c("readout.adc_conversion_ns", adcConversionNS), c("readout.sense_ns", senseNS),
            c("organisation.arrays_per_macro", arraysPerMacro), c("organisation.macros_per_tile", macrosPerTile),
            c("digital.accumulator_bits", accumulatorBits), c("digital.interconnect_hops", interconnectHops),
            ConfigEntry(path: "schedule.mode", value: scheduleMode.rawValue, source: scheduleModeSource),
            c("assumed_densities.input_nonzero", assumedInputDensity), c("assumed_densities.weight_nonzero", assumedWeightDensity),
            c("assumed_densities.input_bit_one", assumedInputBitDensity),
        ]
        for comp in components {
            let p = "components.\(comp.name)"
            list.append(ConfigEntry(path: p, value: "\(comp.category.rawValue), per \(comp.per.rawValue)" + (comp.action.map { ", on \($0.rawValue)" } ?? ""), source: ""))
            if comp.count.value != 1 || comp.count.source != "one per unit" { list.append(c(p + ".count", comp.count)) }
            if let e = comp.energyPJ { list.append(c(p + ".energy_pj", e)) }
            if let t = comp.energyByBits { list.append(table(p + ".energy_pj_by_adc_bits", t)) }
            if let a = comp.areaUM2 { list.append(c(p + ".area_um2", a)) }
            if let t = comp.areaByBits { list.append(table(p + ".area_um2_by_adc_bits", t)) }
            if let s = comp.staticMW { list.append(c(p + ".static_mw", s)) }
        }
        return list
    }

    /// Rounded for reading: integers as they are, other values to 6 significant digits
    /// (0.005808, not 0.005807999999999999 from a derived constant's arithmetic).
    private func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e12 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }
}
