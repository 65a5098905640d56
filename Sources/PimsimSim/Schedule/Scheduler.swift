/// Event counts and timing of one layer for one inference.
public struct LayerSchedule: Equatable, Sendable {
    public internal(set) var events: EventCounts
    /// One array step: evaluate and read out (ns).
    public let stepNS: Double
    /// Loading the layer's inputs from and storing its outputs to the global buffer (ns; 0
    /// without `schedule.transfer_bits_per_ns_per_tile`). Part of `latencyNS`.
    public let transferNS: Double
    /// Steps per inference of one copy: ceil(positions / copies) * input slices * phases
    /// (positions run one after another on a copy's arrays; all arrays of a copy step together).
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

/// What a layer's time is made of (docs/cost-model.md, "Schedule"): its steps, its arrays, its
/// read-out and its global-buffer traffic. The times themselves are constants of the config, so
/// a sweep over them re-times a layer without re-mapping it.
public struct LayerTiming: Equatable, Sendable {
    /// Steps per inference of one copy: ceil(positions / copies) * input slices * phases.
    public let steps: Int
    /// Steps of all copies together: positions * input slices * phases.
    public let work: Int
    /// Arrays of one copy.
    public let arrays: Int
    public let copies: Int
    /// Conversions each ADC makes per step (the ADC sharing serialises columns); nil for a
    /// comparator read-out.
    public let conversionsPerADC: Int?
    /// Bits loaded from and stored to the global buffer: the layer's input values (each once)
    /// and its outputs.
    public let transferBits: Double

    public init(_ m: LayerMapping, copies: Int? = nil) {
        self.copies = copies ?? m.duplicates
        steps = (m.positions + self.copies - 1) / self.copies * m.bitCycles * m.phases
        work = m.positions * m.bitCycles * m.phases
        arrays = m.arrays
        if case .adc = m.readout { conversionsPerADC = m.conversionsPerADC } else { conversionsPerADC = nil }
        transferBits = m.uniqueInputBits + Double(m.outputs) * Double(m.outputBits)
    }

    /// One array step: t_arr + t_sense for comparators, max(t_arr, q * t_conv) for ADCs
    /// (sample-and-hold overlaps a conversion with the next read).
    @inline(__always)
    public func stepNS(cycleNS: Double, senseNS: Double, conversionNS: Double) -> Double {
        guard let q = conversionsPerADC else { return cycleNS + senseNS }
        return max(cycleNS, Double(q) * conversionNS)
    }

    /// Loading the inputs and storing the outputs at `rate` bits/ns per tile through the tiles of
    /// all copies, ceil(arrays x copies / (arrays per macro x macros per tile)); 0 without a rate.
    @inline(__always)
    public func transferNS(rate: Double?, arraysPerMacro: Double, macrosPerTile: Double) -> Double {
        guard let rate else { return 0 }
        let tiles = (Double(arrays) * Double(copies) / (arraysPerMacro * macrosPerTile)).rounded(.up)
        return transferBits / (rate * tiles)
    }

    /// Steps x step time, plus the transfer.
    @inline(__always)
    public func latencyNS(stepNS: Double, transferNS: Double) -> Double { Double(steps) * stepNS + transferNS }

    /// Array cycles spent evaluating: arrays x work x step / t_arr.
    @inline(__always)
    public func busyCycles(stepNS: Double, cycleNS: Double) -> Double { Double(arrays) * Double(work) * stepNS / cycleNS }
}

/// Turns a mapping into event counts and cycles (docs/cost-model.md, "Schedule"). Knows array
/// timing from the config but no energy.
public enum Scheduler {
    public static func schedule(_ mapping: NetworkMapping, config: HardwareConfig) -> NetworkSchedule {
        var layers = mapping.layers.map { schedule($0, config: config) }
        var travelling = zip(mapping.layers, layers).map { m, l in travellingBits(m, l.events, config: config) }
        for step in mapping.digital {
            travelling[step.ownerLayer] += Double(step.writeBits)
            layers[step.ownerLayer].events.charge(step)
        }
        let total = layers.reduce(0) { $0 + $1.latencyNS }
        let interval = config.scheduleMode == .pipelined ? (layers.map(\.latencyNS).max() ?? 0) : total
        let cycle = config.arrayCycleNS.value
        layers = zip(mapping.layers, layers).enumerated().map { i, pair in
            let (m, l) = pair
            var e = l.events
            e.interconnectBitHops = travelling[i] * config.interconnectHops.value
            e.idleCycles = max(0, Double(m.allArrays) * interval / cycle - e.busyCycles)
            return LayerSchedule(events: e, stepNS: l.stepNS, transferNS: l.transferNS, steps: l.steps, latencyNS: l.latencyNS)
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
        let work = timing.work
        var e = EventCounts()
        e.arrayActivations = Double(m.arrays) * Double(work)
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
            let conversions = Double(work) * G * Double(m.rowTiles) * outPerGroup * Double(m.sensedColumnsPerWeight)
            e.adcConversionsByBits[bits] = conversions
            e.digitalAdditions = conversions + Double(m.outputs) * Double(m.digitalOpsPerOutput)
        }
        e.bufferReadBits = G * Double(m.columnTiles) * Double(m.inputReadsPerGroup) * Double(m.inputBits)
            + (m.residual ? Double(m.outputs) * Double(m.outputBits) : 0)
        e.bufferWriteBits = Double(m.outputs) * Double(m.outputBits)
        let stepNS = timing.stepNS(cycleNS: config.arrayCycleNS.value, senseNS: config.senseNS.value, conversionNS: config.adcConversionNS.value)
        let transfer = transferNS(m, config: config, copies: m.duplicates)
        let latency = timing.latencyNS(stepNS: stepNS, transferNS: transfer)
        e.busyCycles = timing.busyCycles(stepNS: stepNS, cycleNS: config.arrayCycleNS.value)
        return LayerSchedule(events: e, stepNS: stepNS, transferNS: transfer, steps: timing.steps, latencyNS: latency)
    }

    /// Bits a layer's own read-out sends over the interconnect (its outputs, and its inputs
    /// with `inputs_and_outputs` traffic), before the digital steps charged to it.
    @inline(__always)
    static func travellingBits(_ m: LayerMapping, _ events: EventCounts, config: HardwareConfig) -> Double {
        events.bufferWriteBits + (config.interconnectTraffic == .inputsAndOutputs ? m.uniqueInputBits : 0)
    }

    /// Time to load a layer's input values (each once: G x W, no column-tile copies) and store its
    /// outputs through `copies` x its arrays' tiles at the config's transfer rate (0 without one).
    static func transferNS(_ m: LayerMapping, config: HardwareConfig, copies: Int) -> Double {
        LayerTiming(m, copies: copies).transferNS(rate: config.transferBitsPerNSPerTile?.value, arraysPerMacro: config.arraysPerMacro.value,
                                                  macrosPerTile: config.macrosPerTile.value)
    }
}
