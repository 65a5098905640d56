/// A signed ADC's levels (PimsimFunctional's read-out model, docs/functional-sim.md, "Read-out"):
/// read(a) = clamp(round(a · (1/Δ)), −K, K) · Δ, rounding half to even (`KernelSet.readADC`).
package struct ADCLevels: Equatable, Sendable {
    /// Δ, in unit products.
    package let step: Float
    /// 1 / Δ (the code is a · (1/Δ), as every caller computes it).
    package let inverseStep: Float
    /// K: codes lie in −K ... K.
    package let largestCode: Float

    package init(step: Float, inverseStep: Float, largestCode: Float) {
        self.step = step
        self.inverseStep = inverseStep
        self.largestCode = largestCode
    }
}
