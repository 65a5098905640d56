/// Event counts and timing of one layer for one inference.
public struct LayerSchedule: Equatable, Sendable {
    public let events: EventCounts
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
}

/// Turns a mapping into event counts and cycles (docs/cost-model.md, "Schedule"). Knows array
/// timing from the config but no energy.
public enum Scheduler {
    public static func schedule(_ mapping: NetworkMapping, config: HardwareConfig) -> NetworkSchedule {
        var layers = mapping.layers.map { schedule($0, config: config) }
        let hops = config.interconnectHops.value
        for step in mapping.digital {
            var e = EventCounts()
            e.digitalAdditions = Double(step.operations)
            e.bufferReadBits = Double(step.readBits)
            e.bufferWriteBits = Double(step.writeBits)
            e.interconnectBitHops = Double(step.writeBits) * hops
            let l = layers[step.ownerLayer]
            layers[step.ownerLayer] = LayerSchedule(events: l.events + e, stepNS: l.stepNS, transferNS: l.transferNS, steps: l.steps, latencyNS: l.latencyNS)
        }
        let total = layers.reduce(0) { $0 + $1.latencyNS }
        let interval = config.scheduleMode == .pipelined ? (layers.map(\.latencyNS).max() ?? 0) : total
        let cycle = config.arrayCycleNS.value
        layers = zip(mapping.layers, layers).map { m, l in
            var e = l.events
            e.idleCycles = max(0, Double(m.allArrays) * interval / cycle - e.busyCycles)
            return LayerSchedule(events: e, stepNS: l.stepNS, transferNS: l.transferNS, steps: l.steps, latencyNS: l.latencyNS)
        }
        return NetworkSchedule(layers: layers, mode: config.scheduleMode, latencyNS: total, intervalNS: interval)
    }

    /// One layer (without idle cycles, which depend on the whole network). Counts are products
    /// of bounded sizes taken in Double, so no combination of sizes overflows.
    public static func schedule(_ m: LayerMapping, config: HardwareConfig) -> LayerSchedule {
        let P = Double(m.positions), G = Double(m.groups), n = Double(m.connections)
        let outPerGroup = Double(m.outChannels / m.groups)
        let work = m.positions * m.bitCycles * m.phases
        let steps = (m.positions + m.duplicates - 1) / m.duplicates * m.bitCycles * m.phases
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
        let travelling = e.bufferWriteBits + (config.interconnectTraffic == .inputsAndOutputs ? m.uniqueInputBits : 0)
        e.interconnectBitHops = travelling * config.interconnectHops.value
        let stepNS: Double
        switch m.readout {
        case .senseAmp:
            stepNS = config.arrayCycleNS.value + config.senseNS.value
        case .adc:
            stepNS = max(config.arrayCycleNS.value, Double(m.conversionsPerADC) * config.adcConversionNS.value)
        }
        let transfer = transferNS(m, config: config, copies: m.duplicates)
        let latency = Double(steps) * stepNS + transfer
        e.busyCycles = Double(m.arrays) * Double(work) * stepNS / config.arrayCycleNS.value
        return LayerSchedule(events: e, stepNS: stepNS, transferNS: transfer, steps: steps, latencyNS: latency)
    }

    /// Time to load a layer's input values (each once: G x W, no column-tile copies) and store its
    /// outputs through `copies` x its arrays' tiles at the config's transfer rate (0 without one).
    static func transferNS(_ m: LayerMapping, config: HardwareConfig, copies: Int) -> Double {
        guard let rate = config.transferBitsPerNSPerTile?.value else { return 0 }
        let tiles = (Double(m.arrays) * Double(copies) / (config.arraysPerMacro.value * config.macrosPerTile.value)).rounded(.up)
        let bits = m.uniqueInputBits + Double(m.outputs) * Double(m.outputBits)
        return bits / (rate * tiles)
    }
}
