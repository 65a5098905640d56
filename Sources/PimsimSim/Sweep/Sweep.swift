import Dispatch
import Foundation
import PimsimCore

/// The figures a sweep keeps of one design point (one inference), in the simulator's units.
public struct SweepMetrics: Equatable, Sendable {
    public let parameters: Int
    public let macs: Int
    public let arrays: Int
    public let adcs: Int
    public let senseAmps: Int
    public let adcConversions: Double
    public let energyPJ: Double
    public let areaMM2: Double
    public let latencyNS: Double
    public let intervalNS: Double
    /// Fraction of test images the functional simulation of the mapped arrays classifies right
    /// (`pimsim sweep --accuracy`); nil without it.
    public var accuracy: Double?

    public init(parameters: Int, macs: Int, arrays: Int, adcs: Int, senseAmps: Int, adcConversions: Double,
                energyPJ: Double, areaMM2: Double, latencyNS: Double, intervalNS: Double) {
        (self.parameters, self.macs, self.arrays, self.adcs, self.senseAmps) = (parameters, macs, arrays, adcs, senseAmps)
        (self.adcConversions, self.energyPJ, self.areaMM2, self.latencyNS, self.intervalNS) = (adcConversions, energyPJ, areaMM2, latencyNS, intervalNS)
    }

    /// The metrics of a design (`profile`) priced at `totals`.
    public init(network: SplitNetwork, profile: CostProfile, totals: CostTotals) {
        parameters = network.parameters
        macs = network.macs
        arrays = profile.instances.arrays
        adcs = profile.instances.adcs
        senseAmps = profile.instances.senseAmps
        adcConversions = profile.adcConversions
        energyPJ = totals.energyPJ
        areaMM2 = totals.areaMM2
        latencyNS = totals.latencyNS
        intervalNS = totals.intervalNS
    }

    /// The metrics of a simulation (what a sweep point must equal).
    public init(_ r: SimulationResult) {
        parameters = r.parameters
        macs = r.macs
        arrays = r.instances.arrays
        adcs = r.instances.adcs
        senseAmps = r.instances.senseAmps
        adcConversions = r.events.adcConversions
        energyPJ = r.energyPJ
        areaMM2 = r.areaMM2
        latencyNS = r.latencyNS
        intervalNS = r.intervalNS
    }

    /// Energy-delay product of one inference, energy x latency (pJ * ns).
    public var edpPJNS: Double { energyPJ * latencyNS }
}

/// One evaluated point of a block.
public struct SweepPointResult: Sendable {
    /// Index of the point in the space.
    public let index: Int
    /// Index into the block's `geometries`.
    public let geometry: Int
    public let metrics: SweepMetrics
    /// The reference point's metrics at the same cost-side settings (no split, ADC read-out,
    /// everything else the same); nil when the reference cannot be built.
    public let reference: SweepMetrics?
}

/// A geometry (every axis but the cost-side ones) that a block evaluated.
public struct SweepGeometry: Sendable {
    /// Its position (cost-side indices 0).
    public let point: DesignPoint
}

/// Consecutive points that could not be built, with why: a whole geometry (its mapping failed,
/// e.g. a split the channels do not allow) or one point (its constants overflow).
public struct SkippedPoints: Equatable, Sendable {
    /// Index of the first point in the space, and how many follow it.
    public let first: Int
    public var count: Int
    /// Whether the reason lies in the geometry (then the points are all of one geometry).
    public let wholeGeometry: Bool
    public let reason: String
}

/// The outcome of a range of points, in order.
public struct SweepBlock: Sendable {
    public let range: Range<Int>
    public let geometries: [SweepGeometry]
    public let points: [SweepPointResult]
    public let skipped: [SkippedPoints]
}

/// Evaluates a design space (docs/sweep.md, "Evaluation"): each geometry is split, mapped and
/// scheduled once (its `CostProfile`, from layers its splits share: `LayerCache`), and each of
/// its cost-side points priced from that profile (`CostModel.evaluate`) with its constants
/// written into a vector. Ranges of points are
/// evaluated in parallel blocks and handed on in order, so the output is the same whatever the
/// number of cores, and memory does not grow with the number of points.
public enum Sweep {
    /// What every block shares: the networks of every split, and per hwconfig its constants
    /// vector and the slots of the cost-side axes in it.
    public struct Plan: Sendable {
        public let graph: Graph
        public let space: DesignSpace
        /// One per split of the space, then the reference's `none`.
        let networks: [Result<SplitNetwork, SweepFailure>]
        let constants: [CostConstants]
        let slots: [[Int]]
        /// The hardware accuracy of each geometry (by geometry index) that has one (`--accuracy`).
        public var accuracy: [Int: Double] = [:]
        /// The constants' factors at each node and supply of the space, per hwconfig (nil without
        /// those axes: the config's own).
        let technologyFactors: [[[Double]]?]
        /// Per network, its layers' `LayerKey`s numbered over all networks (equal layers of
        /// different splits share a number, and so a `LayerCache` entry); empty for a split
        /// that cannot be built.
        let layerKeys: [[Int]]
        let layerKeyCount: Int

        public init(_ graph: Graph, space: DesignSpace) {
            self.graph = graph
            self.space = space
            networks = (space.splits + [.none]).map { split in
                Result { try SplitNetwork(graph, split: split) }.mapError { SweepFailure(reason: "\($0)") }
            }
            let constants = space.configs.map { CostConstants($0) }
            self.constants = constants
            slots = space.configs.indices.map { space.costSlots(hardware: $0, layout: constants[$0].layout) }
            var numbers: [LayerKey: Int] = [:]
            layerKeys = networks.map { network in
                ((try? network.get())?.plan.layerKeys ?? []).map { key in
                    if let n = numbers[key] { return n }
                    numbers[key] = numbers.count
                    return numbers.count - 1
                }
            }
            layerKeyCount = numbers.count
            technologyFactors = space.technologies.map { configs in
                space.technologyCount > 1 || space.nodes != nil || space.supplies != nil ? configs.map { CostConstants($0).factors } : nil
            }
        }

        /// The split network of split `index` of the space (or its reason).
        public func network(split index: Int) -> Result<SplitNetwork, SweepFailure> { networks[index] }
    }

    /// Why a geometry or a split cannot be built.
    public struct SweepFailure: Error, Sendable {
        public let reason: String
    }

    /// Evaluates points `range` of `plan.space` in blocks of at most `blockSize` (smaller when
    /// the range is, so every core gets blocks), several blocks at a time on all cores. Each block goes through `transform` on a worker (formatting, local
    /// summaries), then through `consume` on the calling thread, in order. `progress(done)` is
    /// called after each batch of blocks with the points done so far.
    public static func run<T: Sendable>(_ plan: Plan, range: Range<Int>, blockSize: Int = 4096,
                                        transform: @escaping @Sendable (SweepBlock) -> T,
                                        consume: (T) throws -> Void, progress: ((Int) -> Void)? = nil) rethrows {
        let wave = max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let blockSize = max(1, min(blockSize, (range.count + wave - 1) / wave))
        let blocks = (range.count + blockSize - 1) / blockSize
        var next = 0
        while next < blocks {
            let n = min(wave, blocks - next)
            let slots = Slots<T>(count: n)
            let first = next
            DispatchQueue.concurrentPerform(iterations: n) { k in
                let lower = range.lowerBound + (first + k) * blockSize
                slots.buffer[k] = transform(evaluate(plan, range: lower..<min(range.upperBound, lower + blockSize)))
            }
            for k in 0..<n { try consume(slots.buffer[k]!) }
            next += n
            progress?(min(range.count, next * blockSize))
        }
    }

    /// Evaluates one range of points on the calling thread.
    public static func evaluate(_ plan: Plan, range: Range<Int>) -> SweepBlock {
        let space = plan.space
        var geometries: [SweepGeometry] = []
        var points: [SweepPointResult] = []
        points.reserveCapacity(range.count)
        var skipped: [SkippedPoints] = []
        func skip(_ first: Int, _ count: Int, whole: Bool, _ reason: String) {
            if let last = skipped.last, last.wholeGeometry, whole, last.first + last.count == first, last.reason == reason,
               space.geometry(of: last.first) == space.geometry(of: first) {
                skipped[skipped.count - 1].count += count
            } else {
                skipped.append(SkippedPoints(first: first, count: count, wholeGeometry: whole, reason: reason))
            }
        }
        // Consecutive geometries usually differ in split and read-out only (the innermost
        // geometry axes): they share a config per read-out, and with it the layers their splits
        // have in common (`LayerCache`), and the reference.
        var variant: DesignPoint?
        var caches = [LayerCache?](repeating: nil, count: ReadoutChoice.allCases.count)
        var reference: (profile: CostProfile, network: SplitNetwork)?
        // Each network's digital steps, by accumulator width (all they depend on).
        var digital: [Int: [[[DigitalStep]]?]] = [:]
        func digitalSteps(_ n: Int, _ network: SplitNetwork, accumulatorBits bits: Int) -> [[DigitalStep]] {
            if let steps = digital[bits]?[n] { return steps }
            let steps = LayerCache.digitalSteps(network, accumulatorBits: bits)
            digital[bits, default: Array(repeating: nil, count: plan.networks.count)][n] = steps
            return steps
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let g = space.geometry(of: i)
            let end = min(range.upperBound, (g + 1) * space.costCount)
            let p = space.point(g * space.costCount)
            var key = p
            (key.split, key.readout) = (0, 0)
            if variant != key {
                variant = key
                caches = [LayerCache?](repeating: nil, count: ReadoutChoice.allCases.count)
                let r = try? plan.networks[space.splits.count].get()
                let adc = ReadoutChoice.allCases.firstIndex(of: .adc)!
                caches[adc] = (try? space.configuration(for: p, readout: .adc)).map { LayerCache(config: $0, keys: plan.layerKeyCount) }
                reference = nil
                let none = space.splits.count
                if let r, let cache = caches[adc],
                   let profile = try? cache.profile(r, keys: plan.layerKeys[none], digital: digitalSteps(none, r, accumulatorBits: cache.accumulatorBits)) {
                    reference = (profile, r)
                }
            }
            let network: SplitNetwork, profile: CostProfile, file: String
            do {
                network = try plan.networks[p.split].get()
                let c = ReadoutChoice.allCases.firstIndex(of: space.readouts[p.readout])!
                let cache = try caches[c] ?? LayerCache(config: space.configuration(for: p), keys: plan.layerKeyCount)
                caches[c] = cache
                file = cache.file
                profile = try cache.profile(network, keys: plan.layerKeys[p.split], digital: digitalSteps(p.split, network, accumulatorBits: cache.accumulatorBits))
            } catch {
                skip(i, end - i, whole: true, (error as? SweepFailure)?.reason ?? "\(error)")
                i = end
                continue
            }
            let geometryIndex = geometries.count
            geometries.append(SweepGeometry(point: p))
            var constants = plan.constants[p.hardware]
            let slots = plan.slots[p.hardware]
            let factors = plan.technologyFactors[p.hardware]
            for j in i..<end {
                let technology = space.setCostValues(of: j, slots: slots, in: &constants)
                if let factors { constants.factors = factors[technology] }
                let totals = CostModel.evaluate(profile, constants)
                do {
                    try totals.checkFinite(file: file)
                } catch {
                    skip(j, 1, whole: false, "\(error)")
                    continue
                }
                var referenceMetrics: SweepMetrics?
                if let r = reference {
                    let t = CostModel.evaluate(r.profile, constants)
                    if (try? t.checkFinite(file: file)) != nil { referenceMetrics = SweepMetrics(network: r.network, profile: r.profile, totals: t) }
                }
                var metrics = SweepMetrics(network: network, profile: profile, totals: totals)
                metrics.accuracy = plan.accuracy[g]
                points.append(SweepPointResult(index: j, geometry: geometryIndex, metrics: metrics, reference: referenceMetrics))
            }
            i = end
        }
        return SweepBlock(range: range, geometries: geometries, points: points, skipped: skipped)
    }

    /// One result slot per block of a batch, shared by the workers; each writes its own slot
    /// and the slots are read only after `concurrentPerform` returns.
    final class Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
