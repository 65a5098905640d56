import PimsimKernelBase

/// The read-out loops of PimsimFunctional's crossbar model (see `KernelSet`), in 16-lane SIMD.
enum AnalogReadout {
    typealias Lanes = SIMD16<Float>

    /// The ADC's read of `a`: clamp(round(a · (1/Δ)), −K, K) · Δ, rounding half to even.
    @inline(__always)
    static func read(_ a: Float, _ adc: ADCLevels) -> Float {
        min(max((a * adc.inverseStep).rounded(.toNearestOrEven), -adc.largestCode), adc.largestCode) * adc.step
    }

    /// `read` of every lane (the same arithmetic).
    @inline(__always)
    static func read(_ a: Lanes, _ adc: ADCLevels) -> Lanes {
        // Clamped by masked blends: pointwiseMin/Max compile lane by lane.
        var code = (a * adc.inverseStep).rounded(.toNearestOrEven)
        code.replace(with: -adc.largestCode, where: code .< -adc.largestCode)
        code.replace(with: adc.largestCode, where: code .> adc.largestCode)
        return code * adc.step
    }

    static func readADC(_ x: UnsafePointer<Float>, ideal: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, shift: Float,
                        actual: ADCLevels, reference: ADCLevels, count: Int) -> Int {
        let ones = SIMD16<Int32>(repeating: 1), zeros = SIMD16<Int32>(repeating: 0)
        var lanesDiffering = zeros, p = 0
        while p &+ Lanes.scalarCount <= count {
            let read = Self.read(UnsafeRawPointer(x + p).loadUnaligned(as: Lanes.self), actual)
            let expected = Self.read(UnsafeRawPointer(ideal + p).loadUnaligned(as: Lanes.self), reference)
            lanesDiffering &+= ones.replacing(with: zeros, where: read .== expected)
            let sum = UnsafeRawPointer(acc + p).loadUnaligned(as: Lanes.self) + shift * read
            UnsafeMutableRawPointer(acc + p).storeBytes(of: sum, as: Lanes.self)
            p &+= Lanes.scalarCount
        }
        var differing = Int(lanesDiffering.wrappedSum())
        while p < count {
            let read = Self.read(x[p], actual)
            differing &+= read != Self.read(ideal[p], reference) ? 1 : 0
            acc[p] += shift * read
            p &+= 1
        }
        return differing
    }

    static func noiseScales(_ v: UnsafePointer<Float>, sigma: Float, into x: UnsafeMutablePointer<Float>, count: Int) -> Int {
        // Float.squareRoot() compiles to sqrtf with a branch for errno, so the loop would not
        // vectorise: the root is v · 1/sqrt(v), with 1/sqrt(v) from the bit-level estimate
        // 0x5F375A86 - bits/2 (Lomont 2003) and three Newton steps (relative error below 1e-7;
        // v = 0 gives 0).
        for p in 0..<count {
            let variance = v[p]
            var r = Float(bitPattern: 0x5F37_5A86 &- (variance.bitPattern >> 1))
            let half = 0.5 * variance
            r = r * (1.5 - half * r * r)
            r = r * (1.5 - half * r * r)
            r = r * (1.5 - half * r * r)
            x[p] = sigma * (variance * r)
        }
        var needed: UInt32 = 0
        for p in 0..<count {
            let bits = x[p].bitPattern
            needed &+= (bits | (0 &- bits)) >> 31  // 1 where x != 0 (x >= 0)
        }
        return Int(needed)
    }

    static func addNoise(_ s: UnsafePointer<Float>, scale: UnsafePointer<Float>, samples z: UnsafePointer<Float>, drawn: Int,
                         into x: UnsafeMutablePointer<Float>, count: Int) {
        if drawn == count {
            // Every scale is non-zero (the usual case: every live read of a differential pair
            // conducts), so sample p goes to read p: a vector loop.
            // Explicit vectors: x is often `scale` itself, which keeps LLVM's loop scalar.
            var p = 0
            while p &+ Lanes.scalarCount <= count {
                let sum = UnsafeRawPointer(s + p).loadUnaligned(as: Lanes.self), factor = UnsafeRawPointer(scale + p).loadUnaligned(as: Lanes.self)
                let noisy = sum + factor * UnsafeRawPointer(z + p).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(x + p).storeBytes(of: noisy, as: Lanes.self)
                p &+= Lanes.scalarCount
            }
            while p < count {
                x[p] = s[p] + scale[p] * z[p]
                p &+= 1
            }
            return
        }
        // Branch-free: v >= 0, so a scale is not 0 exactly when its bit pattern is not 0, and a
        // zero scale cancels the sample it reads.
        var k = 0
        for p in 0..<count {
            let factor = scale[p]
            x[p] = s[p] + factor * z[k]
            let bits = factor.bitPattern
            k &+= Int((bits | (0 &- bits)) >> 31)
        }
    }
}
