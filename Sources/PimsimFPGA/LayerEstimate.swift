import Foundation
import PimsimCore

/// One layer's MAC array on one device: the operators instantiated, the resources they take and
/// the cycles they need. Formulas: docs/fpga.md.
public struct LayerEstimate: Sendable, Equatable {
    public let workload: LayerWorkload
    public let weightType: WeightType
    public let datapath: Datapath
    /// The activation precision the array reads.
    public let activation: Precision
    /// MAC units instantiated (N = PE x SIMD lanes, at most one per weight).
    public let macUnits: Int
    /// Processing elements P = min(N, MH): output channels computed in parallel.
    public let pe: Int
    /// SIMD lanes per PE, floor(N / P) (a PE may get one extra lane when P does not divide N).
    public let simd: Int
    public let multipliers: Int
    /// Adders: floating-point adders, integer adder-tree adders and accumulators (N in every datapath).
    public let adders: Int
    /// XNOR lanes of a binary array.
    public let xnorLanes: Int
    /// Threshold comparators (2 per PE for ternary outputs, 1 for binary).
    public let comparators: Int
    /// Accumulator width of an integer datapath, nil for float.
    public let accumulatorBits: Int?
    public let resources: ResourceUse
    /// Cycles per image: positions * ceil(MH / P) * ceil(MW / SIMD).
    public let cycles: Int
    public let clockMHz: Double

    /// Seconds per image at `clockMHz`.
    public var latencySeconds: Double { Double(cycles) / (clockMHz * 1e6) }
}

/// Costs one layer's MAC array from an operator library, for one device and weight memory.
public struct LayerCostModel: Sendable {
    public let library: OperatorLibrary
    public let device: FPGADevice
    public let weightMemory: WeightMemory
    public let activations: ActivationMode
    public let ternaryModel: TernaryModel
    /// Device DSP slices per DSP slice of the library's primitive.
    let dspScale: Int

    public init(library: OperatorLibrary, device: FPGADevice, weightMemory: WeightMemory, activations: ActivationMode,
                ternaryModel: TernaryModel = .adders) throws {
        self.library = library
        self.ternaryModel = ternaryModel
        self.device = device
        self.weightMemory = weightMemory
        self.activations = activations
        dspScale = try library.dspsOnDevice(Count(1), device: device).value
    }

    /// The array for `layer` with `weights` and `requestedUnits` MAC units (clamped to 1...MH*MW).
    public func estimate(_ layer: LayerWorkload, weights: WeightType, macUnits requestedUnits: Int) -> LayerEstimate {
        let n = max(1, min(requestedUnits, layer.fullUnroll))
        let p = min(n, layer.outputs)
        let q = n / p
        let activation = Datapath.activation(for: weights, network: layer.inputPrecision, mode: activations)
        let datapath = Datapath.choose(weights: weights, activation: activation, ternaryModel: ternaryModel)
        let thresholdsPerPE = layer.thresholded ? (weights == .binary ? 1 : 2) : 0
        let thresholdDepth = ceilDiv(layer.outputs, p)
        var use = ResourceUse()
        var multipliers = 0, xnorLanes = 0, comparators = 0
        var accumulatorBits: Int?
        let clock: Double
        switch datapath {
        case .floatMultiplyAdd:
            multipliers = n
            let mul = library.fpMultiplier, add = library.fpAdder
            use.logicLUTs = (mul.luts + add.luts) * n
            use.dsps = (mul.dsps + add.dsps) * n
            use.ffs = (mul.ffs + add.ffs) * n
            clock = min(mul.clockMHz, add.clockMHz)
        case .floatAddSubtract:
            let add = library.fpAdder
            use.logicLUTs = (add.luts + library.fpNegateLUTs) * n
            use.dsps = add.dsps * n
            use.ffs = add.ffs * n
            clock = add.clockMHz
        case .integerAccumulate:
            let magnitude = Datapath.magnitude(activation)
            let acc = Datapath.accumulatorBits(connections: layer.connections, maxProduct: magnitude)
            accumulatorBits = acc
            comparators = p * thresholdsPerPE
            // P PEs: n mod p of them have q + 1 lanes, the rest q.
            let wide = n % p
            let trees = [(AdderTree(lanes: q, productMagnitude: magnitude, accumulatorBits: acc), p - wide),
                         (AdderTree(lanes: q + 1, productMagnitude: magnitude, accumulatorBits: acc), wide)]
            let adderBits = trees.reduce(0) { $0 + $1.0.bits * $1.1 }
            let adderCarry = trees.reduce(0) { $0 + $1.0.carrySlices(carryBitsPerSlice: device.carryBitsPerSlice) * $1.1 }
            use.logicLUTs = Count(adderBits * (library.adderLUTsPerBit + library.ternarySelectLUTsPerBit) + comparators * acc * library.adderLUTsPerBit)
            use.ffs = Count((adderBits + comparators) * library.adderFFsPerBit)
            use.carrySlices = Count(adderCarry + comparators * ceilDiv(acc, device.carryBitsPerSlice))
            use.lutramLUTs = Count(comparators * acc * ceilDiv(thresholdDepth, device.lutramBitsPerLUT))
            clock = library.integerClockMHz
        case .finnMVAU(let w, let a):
            let acc = Datapath.accumulatorBits(connections: layer.connections, maxProduct: Datapath.magnitude(activation))
            accumulatorBits = acc
            xnorLanes = w == 1 && a == 1 ? n : 0
            comparators = p * thresholdsPerPE
            let bits = w + a
            let multiplierLUTs = (2 * ceilDiv(bits, 6) - 1) * bits
            let treeLUTs = bits * (2 * n - p)
            let inner = Double(n * multiplierLUTs + treeLUTs + p * acc + comparators * acc)
            use.logicLUTs = Count(Self.roundUp(library.finnBaseLUTs + library.finnLUTFactor * inner))
            let thresholdStorage = Double(comparators * acc * ceilDiv(thresholdDepth, device.lutramBitsPerLUT))
            use.lutramLUTs = Count(Self.roundUp(library.finnLUTFactor * thresholdStorage))
            use.ffs = Count((treeLUTs + p * acc + comparators) * library.adderFFsPerBit)
            use.carrySlices = Count((p + comparators) * ceilDiv(acc, device.carryBitsPerSlice))
            clock = library.finnClockMHz
        }
        use.dsps = use.dsps * dspScale
        let storage = weightStorage(layer, weights: weights, macUnits: n)
        use.lutramLUTs += storage.luts
        use.bram18 = storage.bram18
        let cycles = layer.positions * ceilDiv(layer.outputs, p) * ceilDiv(layer.connections, q)
        return LayerEstimate(workload: layer, weightType: weights, datapath: datapath, activation: activation, macUnits: n, pe: p, simd: q,
                             multipliers: multipliers, adders: n, xnorLanes: xnorLanes, comparators: comparators,
                             accumulatorBits: accumulatorBits, resources: use, cycles: cycles, clockMHz: clock)
    }

    /// Weight memory N * b bits wide and ceil(MH * MW / N) words deep (b bits per weight): in
    /// BRAM, the RAMB18 shape that needs the fewest tiles, ceil(depth / d) * ceil(width / w);
    /// in LUTRAM, width * ceil(depth / 64) LUT6 (FINN's c2 term).
    func weightStorage(_ layer: LayerWorkload, weights: WeightType, macUnits n: Int) -> (luts: Count<LUT6>, bram18: Count<BRAM18>) {
        let width = n * library.weightBits[weights]!
        let depth = ceilDiv(layer.weights, n)
        switch weightMemory {
        case .offChip:
            return (.zero, .zero)
        case .lutram:
            return (Count(width * ceilDiv(depth, device.lutramBitsPerLUT)), .zero)
        case .bram:
            let tiles = library.bram18Shapes.map { ceilDiv(depth, $0.depth) * ceilDiv(width, $0.width) }.min()!
            return (.zero, Count(tiles))
        }
    }

    /// ceil of a LUT estimate, ignoring floating-point noise below 1e-6 (300 + 1.1 * 10 is 311).
    static func roundUp(_ x: Double) -> Int { Int((x - 1e-6).rounded(.up)) }
}
