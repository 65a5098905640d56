import Foundation

/// One line of `pimsim hw show`: a setting's JSON path, its value with unit (at the config's
/// technology), the published value it was scaled from (empty when it is used as published) and
/// its source.
public struct ConfigEntry: Equatable, Sendable {
    public let path: String
    public let value: String
    public let published: String
    public let source: String

    public init(path: String, value: String, published: String = "", source: String) {
        (self.path, self.value, self.published, self.source) = (path, value, published, source)
    }
}

extension HardwareConfig {
    /// Every setting and constant with its source, in file order.
    public var entries: [ConfigEntry] {
        /// `k` as used (times `factor`, 4 significant figures when scaled) and as published at `at`.
        func c(_ path: String, _ k: Constant, factor: Double = 1, at: String? = nil) -> ConfigEntry {
            let used = factor == 1 ? format(k.value) : significant(k.value * factor)
            return ConfigEntry(path: path, value: used + " " + k.unit, published: at.map { format(k.value) + " " + k.unit + " at " + $0 } ?? "", source: k.source)
        }
        func table(_ path: String, _ t: BitsTable, factor: Double, at: String?) -> ConfigEntry {
            func text(_ f: Double) -> String {
                zip(t.bits, t.values).map { "\($0)b: " + (f == 1 ? format($1) : significant($1 * f)) }.joined(separator: ", ") + " " + t.unit
            }
            return ConfigEntry(path: path, value: text(factor), published: at.map { text(1) + " at " + $0 } ?? "", source: t.source)
        }
        func time(_ setting: TimeSetting) -> ConfigEntry {
            guard let ref = published(setting) else { return c(setting.rawValue, self[setting]) }
            let scaled = self[setting].value != ref.published.value
            return ConfigEntry(path: setting.rawValue, value: (scaled ? significant(self[setting].value) : format(self[setting].value)) + " ns",
                               published: format(ref.published.value) + " ns at " + ref.reference.energySummary,
                               source: ref.published.source + "; reference: " + ref.reference.source)
        }
        var list: [ConfigEntry] = []
        if let t = technology {
            list += [
                ConfigEntry(path: "technology.node_nm", value: format(t.nodeNM) + " nm", source: t.nodeSource),
                ConfigEntry(path: "technology.vdd_v", value: format(t.vddV) + " V", source: t.vddSource),
                ConfigEntry(path: "technology.roadmap", value: t.roadmap.rawValue, source: t.roadmapSource),
                ConfigEntry(path: "technology.scaling_model", value: t.model.name, source: t.model.source),
            ]
        }
        list += [
            c("array.rows", rows), c("array.columns", columns), c("array.cells_per_ternary_weight", cellsPerTernaryWeight),
            c("array.bits_per_cell", bitsPerCell),
            ConfigEntry(path: "array.input_encoding", value: inputEncoding.rawValue, source: inputEncodingSource),
            c("array.input_bits_per_cycle", inputBitsPerCycle), time(.arrayCycle),
            ConfigEntry(path: "readout.kinds", value: readoutKinds.rawValue, source: readoutKindsSource),
            ConfigEntry(path: "readout.adc_resolution_rule", value: adcRule.rawValue, source: adcRuleSource),
        ]
        if let adcBits { list.append(c("readout.adc_bits", adcBits)) }
        if let adcRange { list.append(c("readout.adc_range", adcRange)) }
        list += [
            c("readout.adc_sharing", adcSharing), time(.adcConversion), time(.sense),
            c("organisation.arrays_per_macro", arraysPerMacro), c("organisation.macros_per_tile", macrosPerTile),
        ]
        if let tilesPerChip { list.append(c("organisation.tiles_per_chip", tilesPerChip)) }
        list += [
            c("digital.accumulator_bits", accumulatorBits), c("digital.interconnect_hops", interconnectHops),
            ConfigEntry(path: "digital.input_reuse", value: inputReuse.rawValue, source: inputReuseSource),
            ConfigEntry(path: "digital.interconnect_traffic", value: interconnectTraffic.rawValue, source: interconnectTrafficSource),
            ConfigEntry(path: "schedule.mode", value: scheduleMode.rawValue, source: scheduleModeSource),
        ]
        if let t = transferBitsPerNSPerTile { list.append(c("schedule.transfer_bits_per_ns_per_tile", t)) }
        list += [
            c("assumed_densities.input_nonzero", assumedInputDensity), c("assumed_densities.weight_nonzero", assumedWeightDensity),
            c("assumed_densities.input_bit_one", assumedInputBitDensity),
        ]
        for comp in components {
            let p = "components.\(comp.name)"
            list.append(ConfigEntry(path: p, value: "\(comp.category.rawValue), per \(comp.per.rawValue)" + (comp.action.map { ", on \($0.rawValue)" } ?? ""), source: ""))
            if comp.count.value != 1 || comp.count.source != "one per unit" { list.append(c(p + ".count", comp.count)) }
            let f = comp.factors, ref = comp.reference
            if let ref {
                list.append(ConfigEntry(path: p + ".reference", value: ref.summary, source: ref.source))
                list.append(ConfigEntry(path: p + ".scale", value: "energy x\(significant(f.energy)), area x\(significant(f.area)), static x\(significant(f.staticPower))",
                                        source: "technology scaling to \(format(technology!.nodeNM)) nm, \(format(technology!.vddV)) V (docs/cost-model.md)"))
            }
            if let e = comp.energyPJ { list.append(c(p + ".energy_pj", e, factor: f.energy, at: ref?.energySummary)) }
            if let t = comp.energyByBits { list.append(table(p + ".energy_pj_by_adc_bits", t, factor: f.energy, at: ref?.energySummary)) }
            if let a = comp.areaUM2 { list.append(c(p + ".area_um2", a, factor: f.area, at: ref?.areaSummary)) }
            if let t = comp.areaByBits { list.append(table(p + ".area_um2_by_adc_bits", t, factor: f.area, at: ref?.areaSummary)) }
            if let s = comp.staticMW { list.append(c(p + ".static_mw", s, factor: f.staticPower, at: ref?.energySummary)) }
        }
        if let n = nonideality {
            list += [c("nonideality.conductance_sigma", n.conductanceSigma), c("nonideality.read_noise_sigma", n.readNoiseSigma),
                     c("nonideality.stuck_at_low", n.stuckAtLow), c("nonideality.stuck_at_high", n.stuckAtHigh),
                     c("nonideality.sa_offset_sigma", n.senseAmpOffsetSigma), c("nonideality.off_conductance", n.offConductance)]
        }
        return list
    }

    /// Rounded for reading: integers as they are, other values to 6 significant digits
    /// (0.005808, not 0.005807999999999999 from a derived constant's arithmetic).
    private func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e12 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }

    /// Four significant figures (scale factors).
    private func significant(_ v: Double) -> String {
        if v == 1 { return "1" }
        return abs(v) >= 1e4 && abs(v) < 1e12 ? String(Int64(v.rounded())) : String(format: "%.4g", v)
    }
}
