/// What a mapped design costs before its cost-side constants are known (`CostConstants`): per
/// layer the counts of every action that no such constant changes, its ADC conversions by
/// resolution, the bits it sends over the interconnect and what its time is made of; their
/// sums over the layers; and the instances that do not depend on the organisation. It depends on the network, the split, the
/// array geometry and the read-out only, so a sweep computes it once per geometry and prices
/// every constant point from it (`CostModel.evaluate`).
public struct CostProfile: Equatable, Sendable {
    /// ADC conversions at one resolution.
    public struct Conversions: Equatable, Sendable {
        public let bits: Int
        public let count: Double
    }

    public struct Layer: Equatable, Sendable {
        /// Counts for all inferences, indexed by `Action.allCases` position (`cell_reads` is
        /// on + off); busy cycles and bit-hops are not here (they depend on the times and on
        /// the hops).
        public let counts: [Double]
        /// ADC conversions for all inferences by resolution, in increasing bits.
        public let adcConversions: [Conversions]
        /// Bits per inference that travel the interconnect.
        public let travellingBits: Double
        public let timing: LayerTiming
        /// ADCs of all copies.
        public let adcs: Int
        /// The layer's ADC resolution (0 for a comparator read-out).
        public let adcBits: Int

        /// A layer whose schedule counts one inference as `events` (busy cycles and bit-hops
        /// aside), priced for `inferences`.
        init(events oneInference: EventCounts, travellingBits: Double, timing: LayerTiming, adcs: Int, adcBits: Int, inferences: Int) {
            let events = oneInference.scaled(by: Double(inferences))
            var counts = [Double](repeating: 0, count: CostProfile.actions.count)
            for (a, action) in CostProfile.actions.enumerated() where a != CostProfile.busy && a != CostProfile.hops {
                counts[a] = events.count(action)
            }
            self.counts = counts
            adcConversions = events.adcConversionsByBits.count == 1
                ? events.adcConversionsByBits.map { Conversions(bits: $0.key, count: $0.value) }
                : events.adcConversionsByBits.sorted { $0.key < $1.key }.map { Conversions(bits: $0.key, count: $0.value) }
            (self.travellingBits, self.timing, self.adcs, self.adcBits) = (travellingBits, timing, adcs, adcBits)
        }
    }

    public let layers: [Layer]
    public let mode: ScheduleMode
    public let inferences: Int
    /// Instances with the organisation of the config the profile was made with (a point's
    /// own arrays per macro and macros per tile re-organise them: `Instances.organised`).
    public let instances: Instances

    // The whole design's counts, summed over layers in order, for `CostModel.evaluate`.
    let timings: [LayerTiming]
    /// Counts per action (`Action.allCases` position) of all layers.
    let totals: [Double]
    /// The ADC resolutions of the layers (0 for comparator layers), ascending.
    let resolutions: [Int]
    /// ADC conversions and ADC instances at each of `resolutions`.
    let conversionsAt: [Double]
    let adcsAt: [Double]
    /// Bits per inference that travel the interconnect, all layers.
    let travellingBits: Double

    static let actions = Action.allCases
    static let busy = actions.firstIndex(of: .busyCycles)!, hops = actions.firstIndex(of: .interconnectBitHops)!

    /// The profile of `mapping` (scheduled as `schedule`) for `inferences` inferences.
    public init(_ mapping: NetworkMapping, schedule: NetworkSchedule, instances: Instances, inferences: Int) {
        let layers = mapping.layers.enumerated().map { i, m in
            Layer(events: schedule.layers[i].events, travellingBits: schedule.travellingBits[i], timing: LayerTiming(m), adcs: m.allADCs,
                  adcBits: m.readout.adcBits, inferences: inferences)
        }
        self.init(layers: layers, mode: schedule.mode, instances: instances, inferences: inferences)
    }

    /// The profile of `layers` (each for `inferences` inferences).
    init(layers: [Layer], mode: ScheduleMode, instances: Instances, inferences: Int) {
        var totals = [Double](repeating: 0, count: Self.actions.count)
        var resolutions: [Int] = []
        for layer in layers {
            for a in totals.indices { totals[a] += layer.counts[a] }
            if !resolutions.contains(layer.adcBits) { resolutions.append(layer.adcBits) }
            for c in layer.adcConversions where !resolutions.contains(c.bits) { resolutions.append(c.bits) }
        }
        resolutions.sort()
        var conversionsAt = [Double](repeating: 0, count: resolutions.count), adcsAt = conversionsAt
        var travelling = 0.0
        for layer in layers {
            for c in layer.adcConversions { conversionsAt[resolutions.firstIndex(of: c.bits)!] += c.count }
            adcsAt[resolutions.firstIndex(of: layer.adcBits)!] += Double(layer.adcs)
            travelling += layer.travellingBits
        }
        self.layers = layers
        self.mode = mode
        self.inferences = inferences
        self.instances = instances
        timings = layers.map(\.timing)
        self.totals = totals
        self.resolutions = resolutions
        self.conversionsAt = conversionsAt
        self.adcsAt = adcsAt
        travellingBits = travelling
    }

    /// ADC conversions of all inferences, all layers.
    public var adcConversions: Double {
        layers.reduce(0) { total, layer in layer.adcConversions.reduce(total) { $0 + $1.count } }
    }

    /// Profiles are equal when their layers, mode, inferences and instances are.
    public static func == (a: CostProfile, b: CostProfile) -> Bool {
        a.layers == b.layers && a.mode == b.mode && a.inferences == b.inferences && a.instances == b.instances
    }
}
