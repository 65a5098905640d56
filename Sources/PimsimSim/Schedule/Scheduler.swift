/// Event counts and timing of one layer for one inference.
public struct LayerSchedule: Equatable, Sendable {
    public let events: EventCounts
    /// One array step: evaluate and read out (ns).
    public let stepNS: Double
    /// Steps per inference: positions * input slices * phases (positions run one after another
    /// on the layer's arrays; all arrays of the layer step together).
    public let steps: Int
    public let latencyNS: Double
}

/// The schedule of a whole network for one inference.
public struct NetworkSchedule: Equatable, Sendable {
    public let layers: [LayerSchedule]
    public let mode: ScheduleMode
    /// Sum of layer latencies: the time from input to output (ns).
    public let latencyNS: Double
    /// Time between consecutive inferences: the latency layer by layer, the slowest layer when
    /// pipelined (ns).
    public let intervalNS: Double
    /// Bits each layer writes that travel the interconnect (its outputs and those of the
    /// digital steps charged to it): `interconnect_bit_hops` = these x `interconnect_hops`.
    public let travellingBits: [Double]
}

/// What a layer's time is made of (docs/cost-model.md, "Schedule"): its steps, its arrays and
/// its read-out. The times themselves are constants of the config, so a sweep over them
/// re-times a layer without re-mapping it.
public struct LayerTiming: Equatable, Sendable {
    /// Steps per inference: positions * input slices * phases.
    public let steps: Int
    public let arrays: Int
    /// Conversions each ADC makes per step (the ADC sharing serialises columns); nil for a
    /// comparator read-out.
    public let conversionsPerADC: Int?

    public init(_ m: LayerMapping) {
        steps = m.positions * m.bitCycles * m.phases
        arrays = m.arrays
        if case .adc = m.readout { conversionsPerADC = m.conversionsPerADC } else { conversionsPerADC = nil }
    }

    /// One array step: t_arr + t_sense for comparators, max(t_arr, q * t_conv) for ADCs
    /// (sample-and-hold overlaps a conversion with the next read).
    @inline(__always)
    public func stepNS(cycleNS: Double, senseNS: Double, conversionNS: Double) -> Double {
        guard let q = conversionsPerADC else { return cycleNS + senseNS }
        return max(cycleNS, Double(q) * conversionNS)
    }

    /// Steps x step time.
    @inline(__always)
    public func latencyNS(stepNS: Double) -> Double { Double(steps) * stepNS }

    /// Array cycles spent evaluating: arrays x latency / t_arr.
    @inline(__always)
    public func busyCycles(latencyNS: Double, cycleNS: Double) -> Double { Double(arrays) * latencyNS / cycleNS }
}

/// Turns a mapping into event counts and cycles (docs/cost-model.md, "Schedule"). Knows array
/// timing from the config but no energy.
public enum Scheduler {
    public static func schedule(_ mapping: NetworkMapping, config: HardwareConfig) -> NetworkSchedule {
        var layers = mapping.layers.map { schedule($0, config: config) }
        var travelling = layers.map(\.events.bufferWriteBits)
        for step in mapping.digital {
            var e = EventCounts()
            e.digitalAdditions = Double(step.operations)
            e.bufferReadBits = Double(step.readBits)
            e.bufferWriteBits = Double(step.writeBits)
            travelling[step.ownerLayer] += Double(step.writeBits)
            let l = layers[step.ownerLayer]
            layers[step.ownerLayer] = LayerSchedule(events: l.events + e, stepNS: l.stepNS, steps: l.steps, latencyNS: l.latencyNS)
        }
        let total = layers.reduce(0) { $0 + $1.latencyNS }
        let interval = config.scheduleMode == .pipelined ? (layers.map(\.latencyNS).max() ?? 0) : total
        let cycle = config.arrayCycleNS.value
        layers = zip(mapping.layers, layers).enumerated().map { i, pair in
            let (m, l) = pair
            var e = l.events
            e.interconnectBitHops = travelling[i] * config.interconnectHops.value
            e.idleCycles = Double(m.arrays) * max(0, interval - l.latencyNS) / cycle
            return LayerSchedule(events: e, stepNS: l.stepNS, steps: l.steps, latencyNS: l.latencyNS)
        }
        return NetworkSchedule(layers: layers, mode: config.scheduleMode, latencyNS: total, intervalNS: interval, travellingBits: travelling)
    }

    /// One layer (without idle cycles, which depend on the whole network, and without bit-hops,
    /// which include the digital steps charged to it). Counts are products of bounded sizes taken
    /// in Double, so no combination of sizes overflows.
    public static func schedule(_ m: LayerMapping, config: HardwareConfig) -> LayerSchedule {
        let P = Double(m.positions), G = Double(m.groups), n = Double(m.connections)
        let outPerGroup = Double(m.outChannels / m.groups)
        let timing = LayerTiming(m)
        let steps = timing.steps
        var e = EventCounts()
        e.arrayActivations = Double(m.arrays) * Double(steps)
        // Unique row drives: non-zero inputs (or input bit slices) of every group and position.
        let drivesPerGroup = P * n * m.inputDensity * Double(m.bitCycles)
        e.wordlineDrives = drivesPerGroup * G * Double(m.columnTiles)
        let onPerDrive = outPerGroup * Double(m.onCellsPerNonzeroWeight) * m.weightDensity
        e.cellReadsOn = drivesPerGroup * G * onPerDrive
        e.cellReadsOff = drivesPerGroup * G * (Double(m.columnsPerGroup) - onPerDrive)
            + drivesPerGroup * Double(m.packedGroupPairs) * Double(m.columnsPerGroup)
        switch m.readout {
        case .senseAmp(let comparators):
            e.comparatorDecisions = Double(m.outputs) * Double(comparators)
        case .adc(let bits):
            let conversions = Double(steps) * G * Double(m.rowTiles) * outPerGroup * Double(m.sensedColumnsPerWeight)
            e.adcConversionsByBits[bits] = conversions
            e.digitalAdditions = conversions + Double(m.outputs) * Double(m.digitalOpsPerOutput)
        }
        e.bufferReadBits = P * G * Double(m.columnTiles) * n * Double(m.inputBits)
            + (m.residual ? Double(m.outputs) * Double(m.outputBits) : 0)
        e.bufferWriteBits = Double(m.outputs) * Double(m.outputBits)
        let stepNS = timing.stepNS(cycleNS: config.arrayCycleNS.value, senseNS: config.senseNS.value, conversionNS: config.adcConversionNS.value)
        let latency = timing.latencyNS(stepNS: stepNS)
        e.busyCycles = timing.busyCycles(latencyNS: latency, cycleNS: config.arrayCycleNS.value)
        return LayerSchedule(events: e, stepNS: stepNS, steps: steps, latencyNS: latency)
    }
}
