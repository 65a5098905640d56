import Dispatch
import Foundation
import PimsimCore

/// The figures a sweep keeps of one simulated design point (a summary of `SimulationResult`
/// for one inference), in the simulator's units.
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
    /// Layers the split selected but the channels did not allow to split (left whole).
    public let unsplittable: [String]

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
        unsplittable = r.unsplittable
    }

    /// Energy-delay product of one inference, energy x latency (pJ * ns).
    public var edpPJNS: Double { energyPJ * latencyNS }
}

/// A design point's result: its metrics, or why it could not be built.
public enum SweepOutcome: Equatable, Sendable {
    case evaluated(SweepMetrics)
    case skipped(reason: String)

    public var metrics: SweepMetrics? {
        if case .evaluated(let m) = self { return m }
        return nil
    }
}

/// Every point of a design space with its outcome, in `DesignSpace.points` order, and each
/// point's reference (no split, ADC read-out, same config and rows) for ratios.
public struct SweepResult: Sendable {
    public let space: DesignSpace
    public let points: [DesignPoint]
    public let outcomes: [SweepOutcome]
    /// The reference outcome of each point (`DesignSpace.reference(of:)`).
    public let references: [SweepOutcome]
}

/// Evaluates a design space: one `Simulator.run` per point, one inference, spread over all
/// cores. The result does not depend on the number of cores or on scheduling.
public enum Sweep {
    /// Points per unit of parallel work (small enough to balance two cores on short sweeps,
    /// large enough that dispatch overhead stays negligible next to a ~0.2 ms simulation).
    static let chunkSize = 8

    /// Simulates `graph` at every point of `space`, and the reference of every point that is not
    /// itself in the space. `progress(done, total)` (simulations) is called each time another
    /// tenth of them has finished, never concurrently with itself.
    public static func run(_ graph: Graph, space: DesignSpace, progress: (@Sendable (Int, Int) -> Void)? = nil) -> SweepResult {
        let points = space.points
        var jobs = points
        var index: [ReferenceKey: Int] = [:]
        for (i, p) in points.enumerated() where p.split == .none && p.readout == .adc { index[ReferenceKey(p)] = i }
        for p in points {
            let key = ReferenceKey(p)
            if index[key] == nil { index[key] = jobs.count; jobs.append(DesignSpace.reference(of: p)) }
        }
        let outcomes = evaluate(graph, jobs: jobs, space: space, progress: progress)
        return SweepResult(space: space, points: points, outcomes: Array(outcomes[..<points.count]),
                           references: points.map { outcomes[index[ReferenceKey($0)]!] })
    }

    /// One point: `Simulator.run` on `space.configuration(for: point)`; a thrown error (e.g. an
    /// `N:S` split the channels cannot honour) makes it skipped with the error's message.
    public static func evaluate(_ graph: Graph, point: DesignPoint, in space: DesignSpace) -> SweepOutcome {
        do {
            return .evaluated(SweepMetrics(try Simulator.run(graph, on: space.configuration(for: point), split: point.split)))
        } catch {
            return .skipped(reason: "\(error)")
        }
    }

    struct ReferenceKey: Hashable {
        let hardware: Int, rows: Int
        init(_ p: DesignPoint) { (hardware, rows) = (p.hardware, p.rows) }
    }

    /// Evaluates `jobs` in parallel chunks; each chunk writes only its own slots.
    static func evaluate(_ graph: Graph, jobs: [DesignPoint], space: DesignSpace, progress: (@Sendable (Int, Int) -> Void)?) -> [SweepOutcome] {
        let slots = Slots(count: jobs.count)
        let chunks = (jobs.count + chunkSize - 1) / chunkSize
        let counter = ProgressCounter(total: jobs.count, report: progress)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * chunkSize)..<min(jobs.count, (c + 1) * chunkSize)
            for i in range { slots.buffer[i] = evaluate(graph, point: jobs[i], in: space) }
            counter.add(range.count)
        }
        return Array(slots.buffer)
    }

    /// One outcome slot per job, shared by the workers; each worker writes disjoint indices and
    /// the slots are read only after `concurrentPerform` returns.
    final class Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<SweepOutcome>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: .skipped(reason: "not evaluated"))
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }

    /// Counts finished points across worker threads and reports each new tenth under a lock.
    final class ProgressCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        private var reportedTenths = 0
        private let total: Int
        private let report: (@Sendable (Int, Int) -> Void)?

        init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
            self.total = total
            self.report = report
        }

        func add(_ n: Int) {
            guard let report else { return }
            lock.lock()
            defer { lock.unlock() }
            done += n
            let tenths = done * 10 / total
            if tenths > reportedTenths {
                reportedTenths = tenths
                report(done, total)
            }
        }
    }
}
