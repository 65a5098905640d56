import PimsimKernelBase

/// The read-out loops of PimsimFunctional's crossbar model on the active instruction set
/// (`KernelISA`); see `KernelSet` for what each computes.
package enum AnalogKernels {
    /// acc[p] += shift · actual.read(x[p]); returns how many reads differ from reference.read(ideal[p]).
    @inline(__always)
    package static func readADC(_ x: UnsafePointer<Float>, ideal: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, shift: Float,
                                actual: ADCLevels, reference: ADCLevels, count: Int) -> Int {
        KernelISA.kernels.readADC(x, ideal: ideal, into: acc, shift: shift, actual: actual, reference: reference, count: count)
    }

    /// scale[p] = σ · sqrt(variance[p]); returns how many are not 0.
    @inline(__always)
    package static func noiseScales(_ variance: UnsafePointer<Float>, sigma: Float, into scale: UnsafeMutablePointer<Float>, count: Int) -> Int {
        KernelISA.kernels.noiseScales(variance, sigma: sigma, into: scale, count: count)
    }

    /// x[p] = sum[p] + scale[p] · z[k], k counting the non-zero scales before p (`drawn` of
    /// them in all).
    @inline(__always)
    package static func addNoise(_ sum: UnsafePointer<Float>, scale: UnsafePointer<Float>, samples z: UnsafePointer<Float>, drawn: Int,
                                 into x: UnsafeMutablePointer<Float>, count: Int) {
        KernelISA.kernels.addNoise(sum, scale: scale, samples: z, drawn: drawn, into: x, count: count)
    }
}
