/// What a mapped design costs before its cost-side constants are known (`CostConstants`): per
/// layer the counts of every action that no such constant changes, its ADC conversions by
/// resolution, the bits it sends over the interconnect and what its time is made of; and the
/// instances that do not depend on the organisation. It depends on the network, the split, the
/// array geometry and the read-out only, so a sweep computes it once per geometry and prices
/// every constant point from it (`CostModel.evaluate`).
public struct CostProfile: Equatable, Sendable {
    /// ADC conversions at one resolution.
    public struct Conversions: Equatable, Sendable {
        public let bits: Int
        public let count: Double
    }

    public struct Layer: Equatable, Sendable {
        /// Counts for all inferences, indexed by `Action.allCases` position; busy cycles and
        /// bit-hops are not here (they depend on the times and on the hops).
        public let counts: [Double]
        /// ADC conversions for all inferences by resolution, in increasing bits.
        public let adcConversions: [Conversions]
        /// Bits per inference that travel the interconnect.
        public let travellingBits: Double
        public let timing: LayerTiming
        public let adcs: Int
        /// The layer's ADC resolution (0 for a comparator read-out).
        public let adcBits: Int
    }

    public let layers: [Layer]
    public let mode: ScheduleMode
    public let inferences: Int
    /// Instances with the organisation of the config the profile was made with (a point's
    /// own arrays per macro and macros per tile re-organise them: `Instances.organised`).
    public let instances: Instances

    /// The profile of `mapping` (scheduled as `schedule`) for `inferences` inferences.
    public init(_ mapping: NetworkMapping, schedule: NetworkSchedule, instances: Instances, inferences: Int) {
        let n = Double(inferences)
        layers = mapping.layers.indices.map { i in
            let m = mapping.layers[i]
            let events = schedule.layers[i].events.scaled(by: n)
            let counts = Action.allCases.map { $0 == .busyCycles || $0 == .interconnectBitHops ? 0 : events.count($0) }
            return Layer(counts: counts,
                         adcConversions: events.adcConversionsByBits.sorted { $0.key < $1.key }.map { Conversions(bits: $0.key, count: $0.value) },
                         travellingBits: schedule.travellingBits[i], timing: LayerTiming(m), adcs: m.adcs, adcBits: m.readout.adcBits)
        }
        mode = schedule.mode
        self.inferences = inferences
        self.instances = instances
    }
}
