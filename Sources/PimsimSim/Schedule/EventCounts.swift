/// How many times each component action happens: the output of scheduling and the only input
/// the cost model takes besides the hwconfig. Counts are expectations (densities make them
/// fractional), so they are `Double`. Additive: `a + b` is the work of both.
public struct EventCounts: Equatable, Sendable {
    public var arrayActivations: Double = 0
    public var wordlineDrives: Double = 0
    /// Cell reads on driven rows, split by whether the cell conducts (a low-resistance cell of a
    /// non-zero weight) or not (high-resistance: the other cell of a pair, zero weights,
    /// off-diagonal cells of packed groups).
    public var cellReadsOn: Double = 0
    public var cellReadsOff: Double = 0
    public var comparatorDecisions: Double = 0
    /// ADC conversions by resolution in bits.
    public var adcConversionsByBits: [Int: Double] = [:]
    public var digitalAdditions: Double = 0
    public var bufferReadBits: Double = 0
    public var bufferWriteBits: Double = 0
    public var interconnectBitHops: Double = 0
    /// Array cycles (of the config's `cycle_ns`) spent evaluating, summed over arrays.
    public var busyCycles: Double = 0
    /// Array cycles an allocated array waits while other layers run, summed over arrays.
    public var idleCycles: Double = 0

    public init() {}

    public var adcConversions: Double { adcConversionsByBits.values.reduce(0, +) }

    /// The count for `action` (ADC conversions at any resolution).
    public func count(_ action: Action) -> Double {
        switch action {
        case .arrayActivations: return arrayActivations
        case .wordlineDrives: return wordlineDrives
        case .cellReadsOn: return cellReadsOn
        case .cellReadsOff: return cellReadsOff
        case .cellReads: return cellReadsOn + cellReadsOff
        case .comparatorDecisions: return comparatorDecisions
        case .adcConversions: return adcConversions
        case .digitalAdditions: return digitalAdditions
        case .bufferReads: return bufferReadBits
        case .bufferWrites: return bufferWriteBits
        case .interconnectBitHops: return interconnectBitHops
        case .busyCycles: return busyCycles
        }
    }

    /// Every count multiplied by `factor` (e.g. several inferences).
    public func scaled(by factor: Double) -> EventCounts {
        if factor == 1 { return self }  // x * 1 is x: one inference needs no copy
        var s = self
        s.arrayActivations *= factor; s.wordlineDrives *= factor; s.cellReadsOn *= factor; s.cellReadsOff *= factor
        s.comparatorDecisions *= factor; s.adcConversionsByBits = adcConversionsByBits.mapValues { $0 * factor }
        s.digitalAdditions *= factor; s.bufferReadBits *= factor; s.bufferWriteBits *= factor
        s.interconnectBitHops *= factor; s.busyCycles *= factor; s.idleCycles *= factor
        return s
    }

    /// Adds the work of a digital step charged to the layer these are the counts of.
    @inline(__always)
    mutating func charge(_ step: DigitalStep) {
        digitalAdditions += Double(step.operations)
        bufferReadBits += Double(step.readBits)
        bufferWriteBits += Double(step.writeBits)
    }

    public static func + (a: EventCounts, b: EventCounts) -> EventCounts {
        var s = a
        s.arrayActivations += b.arrayActivations; s.wordlineDrives += b.wordlineDrives
        s.cellReadsOn += b.cellReadsOn; s.cellReadsOff += b.cellReadsOff
        s.comparatorDecisions += b.comparatorDecisions
        s.adcConversionsByBits.merge(b.adcConversionsByBits, uniquingKeysWith: +)
        s.digitalAdditions += b.digitalAdditions; s.bufferReadBits += b.bufferReadBits; s.bufferWriteBits += b.bufferWriteBits
        s.interconnectBitHops += b.interconnectBitHops; s.busyCycles += b.busyCycles; s.idleCycles += b.idleCycles
        return s
    }
}
