/// Row packers behind `PackedTernaryMatrix`'s initialisers: 64 values into one word per plane.
enum BitPacking {
    /// Gathers bit 0 of each byte of a 64-bit word into the top byte: byte i -> bit 56 + i
    /// (x * 0x0102040810204080; the partial products of other byte pairs land below bit 56 or
    /// overflow past bit 63, so nothing carries into the top byte).
    static let gatherBytes: UInt64 = 0x0102_0408_1020_4080
    static let lowBitOfEachByte: UInt64 = 0x0101_0101_0101_0101

    /// Packs one row of Int8 values in {-1, 0, +1}; returns false if any other value occurs.
    /// Per 8 bytes: nonzero = bit 0 of each byte (0x01 and 0xFF), negative = bit 7.
    static func packRow(_ source: UnsafePointer<Int8>, columns: Int,
                        nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) -> Bool {
        let fullWords = columns / 64
        let low = SIMD8<UInt64>(repeating: lowBitOfEachByte)
        var invalid = SIMD8<UInt64>()
        let raw = UnsafeRawPointer(source)
        for w in 0..<fullWords {
            let x = raw.loadUnaligned(fromByteOffset: w &* 64, as: SIMD8<UInt64>.self)
            let nz = x & low, ng = (x &>> 7) & low
            // A valid byte is exactly its nonzero bit plus 0xFE when negative.
            invalid |= x ^ (nz | (ng &* 0xFE))
            (nonzero[w], negative[w]) = planes(nz, ng)
        }
        var valid = invalid == SIMD8()
        if fullWords &* 64 < columns {
            var nz: UInt64 = 0, ng: UInt64 = 0
            for column in (fullWords &* 64)..<columns {
                let v = source[column], bit = UInt64(1) &<< UInt64(column & 63)
                valid = valid && (v >= -1 && v <= 1)
                if v != 0 { nz |= bit }
                if v < 0 { ng |= bit }
            }
            nonzero[fullWords] = nz
            negative[fullWords] = ng
        }
        return valid
    }

    /// Packs one row of Float values: negative where x < low[c]; nonzero where x > high[c] or
    /// x < low[c], or everywhere when `binary`. Sixteen lanes per compare; the masks become bytes
    /// (0 or 1 per plane, 64 per word) and then bits through `planes`.
    static func packRow(_ source: UnsafePointer<Float>, columns: Int, low: UnsafePointer<Float>, high: UnsafePointer<Float>,
                        binary: Bool, nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) {
        let fullWords = columns / 64
        let x = UnsafeRawPointer(source), lo = UnsafeRawPointer(low), hi = UnsafeRawPointer(high)
        @inline(__always) func bytes(_ offset: Int) -> (nonzero: SIMD16<UInt8>, negative: SIMD16<UInt8>) {
            let v = x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let below = v .< lo.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let above = v .> hi.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let zero = SIMD16<Int32>()
            let nz = binary ? SIMD16<UInt8>(repeating: 1)
                : lowBytes(zero.replacing(with: 1, where: below .| above))
            return (nz, lowBytes(zero.replacing(with: 1, where: below)))
        }
        for w in 0..<fullWords {
            let base = w &* 256
            let (n0, g0) = bytes(base), (n1, g1) = bytes(base &+ 64), (n2, g2) = bytes(base &+ 128), (n3, g3) = bytes(base &+ 192)
            let nz = SIMD64(lowHalf: SIMD32(lowHalf: n0, highHalf: n1), highHalf: SIMD32(lowHalf: n2, highHalf: n3))
            let ng = SIMD64(lowHalf: SIMD32(lowHalf: g0, highHalf: g1), highHalf: SIMD32(lowHalf: g2, highHalf: g3))
            (nonzero[w], negative[w]) = planes(unsafeBitCast(nz, to: SIMD8<UInt64>.self), unsafeBitCast(ng, to: SIMD8<UInt64>.self))
        }
        if fullWords &* 64 < columns {
            // The partial last word: eight lanes at a time (rows of 8 to 56 values are common:
            // a position's channels), each compare mask gathered into a byte, then the rest.
            var nz: UInt64 = 0, ng: UInt64 = 0, column = fullWords &* 64
            while column &+ 8 <= columns {
                let v = x.loadUnaligned(fromByteOffset: column &* 4, as: SIMD8<Float>.self)
                let below = v .< lo.loadUnaligned(fromByteOffset: column &* 4, as: SIMD8<Float>.self)
                let above = v .> hi.loadUnaligned(fromByteOffset: column &* 4, as: SIMD8<Float>.self)
                let shift = UInt64(column & 63)
                let belowBits = gather(SIMD8<UInt32>().replacing(with: 1, where: below))
                nz |= (binary ? 0xFF : belowBits | gather(SIMD8<UInt32>().replacing(with: 1, where: above))) << shift
                ng |= belowBits << shift
                column &+= 8
            }
            while column < columns {
                let v = source[column], bit = UInt64(1) &<< UInt64(column & 63)
                if binary || v > high[column] || v < low[column] { nz |= bit }
                if v < low[column] { ng |= bit }
                column &+= 1
            }
            nonzero[fullWords] = nz
            negative[fullWords] = ng
        }
    }

    /// Lane r of `bits` (each 0 or 1) as bit r of the result: the lanes narrow to bytes and one
    /// multiply gathers bit 0 of each byte into the top byte.
    @inline(__always)
    static func gather(_ bits: SIMD8<UInt32>) -> UInt64 {
        let bytes = unsafeBitCast(lowBytes(bits), to: UInt64.self)
        return (bytes &* gatherBytes) &>> 56
    }

    /// Bit words from byte planes: byte i of `nonzero` / `negative` (0 or 1, 64 bytes) becomes bit i.
    @inline(__always)
    static func planes(_ nonzero: SIMD8<UInt64>, _ negative: SIMD8<UInt64>) -> (UInt64, UInt64) {
        let gather = SIMD8<UInt64>(repeating: gatherBytes), shifts = SIMD8<UInt64>(0, 8, 16, 24, 32, 40, 48, 56)
        return (orAcrossLanes(((nonzero &* gather) &>> 56) &<< shifts), orAcrossLanes(((negative &* gather) &>> 56) &<< shifts))
    }

    /// Bitwise OR of all lanes, by halving.
    @inline(__always)
    static func orAcrossLanes(_ v: SIMD8<UInt64>) -> UInt64 {
        let four = v.lowHalf | v.highHalf, two = four.lowHalf | four.highHalf
        return two[0] | two[1]
    }

}
