// Lane narrowing without the standard library's generic `init(truncatingIfNeeded:)` on SIMD
// vectors. The compiler may emit that initialiser as an out-of-line specialisation whose symbol
// is the same in every kernel module (it belongs to the standard library), and the linker keeps
// one copy: the baseline module then calls the AVX2 or AVX-512 module's code, an illegal
// instruction on a CPU without them (seen for SIMD8<Int32> from SIMD8<UInt64> and SIMD8<UInt8>
// from SIMD8<UInt64>). These element-wise initialisers are this module's code and are inlined;
// LLVM turns each into one shuffle or narrowing move. .ci/check-isa checks the binaries.

/// The low 32 bits of each lane (the ternary dots fit in Int32).
@inline(__always)
func lowWords(_ lanes: SIMD8<UInt64>) -> SIMD8<Int32> {
    let w = unsafeBitCast(lanes, to: SIMD16<Int32>.self)
    return SIMD8<Int32>(w[0], w[2], w[4], w[6], w[8], w[10], w[12], w[14])
}

/// The low byte of each lane.
@inline(__always)
func lowBytes(_ lanes: SIMD8<UInt64>) -> SIMD8<UInt8> {
    let b = unsafeBitCast(lanes, to: SIMD64<UInt8>.self)
    return SIMD8<UInt8>(b[0], b[8], b[16], b[24], b[32], b[40], b[48], b[56])
}

/// The low byte of each lane.
@inline(__always)
func lowBytes(_ lanes: SIMD8<UInt32>) -> SIMD8<UInt8> {
    let b = unsafeBitCast(lanes, to: SIMD32<UInt8>.self)
    return SIMD8<UInt8>(b[0], b[4], b[8], b[12], b[16], b[20], b[24], b[28])
}

/// The low byte of each lane.
@inline(__always)
func lowBytes(_ lanes: SIMD16<Int32>) -> SIMD16<UInt8> {
    let b = unsafeBitCast(lanes, to: SIMD64<UInt8>.self)
    return SIMD16<UInt8>(b[0], b[4], b[8], b[12], b[16], b[20], b[24], b[28],
                         b[32], b[36], b[40], b[44], b[48], b[52], b[56], b[60])
}
