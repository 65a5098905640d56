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
        let fold = Folding(units: n, pe: min(n, layer.outputs))
        let activation = Datapath.activation(for: weights, network: layer.inputPrecision, mode: activations)
        let datapath = Datapath.choose(weights: weights, activation: activation, ternaryModel: ternaryModel)
        let thresholds = layer.thresholded ? weights.outputThresholds : 0
        var array: Arithmetic
        switch datapath {
        case .floatMultiplyAdd: array = floatMultiplyAdd(fold)
        case .floatAddSubtract: array = floatAddSubtract(fold)
        case .integerAccumulate: array = integerAccumulate(layer, fold, activation: activation, thresholdsPerPE: thresholds)
        case .finnMVAU(let w, let a): array = finnMVAU(layer, fold, weightBits: w, activationBits: a, activation: activation, thresholdsPerPE: thresholds)
        }
        array.use.dsps = array.use.dsps * dspScale
        let storage = weightStorage(layer, weights: weights, macUnits: n)
        array.use.lutramLUTs += storage.luts
        array.use.bram18 = storage.bram18
        let cycles = layer.positions * ceilDiv(layer.outputs, fold.pe) * ceilDiv(layer.connections, fold.simd)
        return LayerEstimate(workload: layer, weightType: weights, datapath: datapath, activation: activation, macUnits: n, pe: fold.pe,
                             simd: fold.simd, multipliers: array.multipliers, adders: n, xnorLanes: array.xnorLanes,
                             comparators: array.comparators, accumulatorBits: array.accumulatorBits, resources: array.use,
                             cycles: cycles, clockMHz: array.clockMHz)
    }

    /// N MAC units over P PEs: SIMD = floor(N / P) lanes, N mod P PEs with one lane more.
    struct Folding {
        let units: Int
        let pe: Int
        var simd: Int { units / pe }
        var widePEs: Int { units % pe }
    }

    /// The arithmetic of one array, before weight storage.
    struct Arithmetic {
        var use = ResourceUse()
        var multipliers = 0
        var xnorLanes = 0
        var comparators = 0
        var accumulatorBits: Int?
        var clockMHz: Double
    }

    /// N x (FP multiplier + FP adder).
    func floatMultiplyAdd(_ fold: Folding) -> Arithmetic {
        let mul = library.fpMultiplier, add = library.fpAdder
        var a = Arithmetic(multipliers: fold.units, clockMHz: min(mul.clockMHz, add.clockMHz))
        a.use.logicLUTs = (mul.luts + add.luts) * fold.units
        a.use.dsps = (mul.dsps + add.dsps) * fold.units
        a.use.ffs = (mul.ffs + add.ffs) * fold.units
        return a
    }

    /// N x FP adder/subtractor (+ the negation's LUTs).
    func floatAddSubtract(_ fold: Folding) -> Arithmetic {
        let add = library.fpAdder
        var a = Arithmetic(clockMHz: add.clockMHz)
        a.use.logicLUTs = (add.luts + library.fpNegateLUTs) * fold.units
        a.use.dsps = add.dsps * fold.units
        a.use.ffs = add.ffs * fold.units
        return a
    }

    /// Per PE an adder tree over its lanes and a B-bit accumulator (`AdderTree`); T comparators
    /// of B bits per PE with their thresholds in LUTRAM. n-bit adder = n LUT6 + carry chain.
    func integerAccumulate(_ layer: LayerWorkload, _ fold: Folding, activation: Precision, thresholdsPerPE: Int) -> Arithmetic {
        let magnitude = Datapath.magnitude(activation)
        let acc = Datapath.accumulatorBits(connections: layer.connections, maxProduct: magnitude)
        let trees = [(AdderTree(lanes: fold.simd, productMagnitude: magnitude, accumulatorBits: acc), fold.pe - fold.widePEs),
                     (AdderTree(lanes: fold.simd + 1, productMagnitude: magnitude, accumulatorBits: acc), fold.widePEs)]
        let adderBits = trees.reduce(0) { $0 + $1.0.bits * $1.1 }
        let adderCarry = trees.reduce(0) { $0 + $1.0.carrySlices(carryBitsPerSlice: device.carryBitsPerSlice) * $1.1 }
        let comparators = fold.pe * thresholdsPerPE
        var a = Arithmetic(comparators: comparators, accumulatorBits: acc, clockMHz: library.integerClockMHz)
        a.use.logicLUTs = Count(adderBits * (library.adderLUTsPerBit + library.ternarySelectLUTsPerBit) + comparators * acc * library.adderLUTsPerBit)
        a.use.ffs = Count((adderBits + comparators) * library.adderFFsPerBit)
        a.use.carrySlices = Count(adderCarry + comparators * ceilDiv(acc, device.carryBitsPerSlice))
        a.use.lutramLUTs = Count(comparators * acc * thresholdLUTsPerBit(layer, fold))
        return a
    }

    /// FINN's MVAU LUT model (docs/fpga.md), generalised to N lanes over P PEs:
    /// base + factor * [N (2 ceil((W+A)/6) - 1)(W+A) + (W+A)(2N - P) + P B + P T B + P T B ceil(depth / 64)],
    /// where (2 ceil((W+A)/6) - 1)(W+A) is FINN's fit of a W x A LUT multiplier.
    func finnMVAU(_ layer: LayerWorkload, _ fold: Folding, weightBits w: Int, activationBits x: Int, activation: Precision,
                  thresholdsPerPE: Int) -> Arithmetic {
        let n = fold.units, p = fold.pe
        let acc = Datapath.accumulatorBits(connections: layer.connections, maxProduct: Datapath.magnitude(activation))
        let comparators = p * thresholdsPerPE
        let bits = w + x
        let multiplierLUTs = (2 * ceilDiv(bits, 6) - 1) * bits
        let treeLUTs = bits * (2 * n - p)
        let logic = Double(n * multiplierLUTs + treeLUTs + p * acc + comparators * acc)
        let thresholdStorage = Double(comparators * acc * thresholdLUTsPerBit(layer, fold))
        var a = Arithmetic(xnorLanes: w == 1 && x == 1 ? n : 0, comparators: comparators, accumulatorBits: acc, clockMHz: library.finnClockMHz)
        a.use.logicLUTs = Count(Self.roundUp(library.finnBaseLUTs + library.finnLUTFactor * logic))
        a.use.lutramLUTs = Count(Self.roundUp(library.finnLUTFactor * thresholdStorage))
        a.use.ffs = Count((treeLUTs + p * acc + comparators) * library.adderFFsPerBit)
        a.use.carrySlices = Count((p + comparators) * ceilDiv(acc, device.carryBitsPerSlice))
        return a
    }

    /// LUT6 per threshold bit: each PE holds ceil(MH / P) thresholds, 64 per LUT6.
    func thresholdLUTsPerBit(_ layer: LayerWorkload, _ fold: Folding) -> Int {
        ceilDiv(ceilDiv(layer.outputs, fold.pe), device.lutramBitsPerLUT)
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

    /// ceil of a LUT estimate, ignoring floating-point noise below 1e-6 (300 + 1.1 * 10 is 311);
    /// saturating at `Count.ceiling` like every resource count.
    static func roundUp(_ x: Double) -> Int {
        let ceiling = Count<LUT6>.ceiling
        return x < Double(ceiling) ? Int((x - 1e-6).rounded(.up)) : ceiling
    }
}
