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
        let shifts = SIMD8<UInt64>(0, 8, 16, 24, 32, 40, 48, 56)
        let low = SIMD8<UInt64>(repeating: lowBitOfEachByte), gather = SIMD8<UInt64>(repeating: gatherBytes)
        var invalid = SIMD8<UInt64>()
        let raw = UnsafeRawPointer(source)
        for w in 0..<fullWords {
            let x = raw.loadUnaligned(fromByteOffset: w &* 64, as: SIMD8<UInt64>.self)
            let nz = x & low, ng = (x &>> 7) & low
            // A valid byte is exactly its nonzero bit plus 0xFE when negative.
            invalid |= x ^ (nz | (ng &* 0xFE))
            nonzero[w] = orAcrossLanes(((nz &* gather) &>> 56) &<< shifts)
            negative[w] = orAcrossLanes(((ng &* gather) &>> 56) &<< shifts)
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
    /// x < low[c], or everywhere when `binary`. Sixteen lanes per compare; each compare mask
    /// becomes 16 bits by selecting lane weights 2^i and summing.
    static func packRow(_ source: UnsafePointer<Float>, columns: Int, low: UnsafePointer<Float>, high: UnsafePointer<Float>,
                        binary: Bool, nonzero: UnsafeMutablePointer<UInt64>, negative: UnsafeMutablePointer<UInt64>) {
        let fullWords = columns / 64
        let weights = SIMD16<UInt32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        let zero = SIMD16<UInt32>()
        let x = UnsafeRawPointer(source), lo = UnsafeRawPointer(low), hi = UnsafeRawPointer(high)
        for w in 0..<fullWords {
            var nz: UInt64 = 0, ng: UInt64 = 0
            for part in 0..<4 {
                let offset = (w &* 64 &+ part &* 16) &* 4
                let v = x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                let below = v .< lo.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                let above = v .> hi.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                let shift = UInt64(part &* 16)
                ng |= UInt64(orAcrossLanes(zero.replacing(with: weights, where: below))) &<< shift
                nz |= UInt64(orAcrossLanes(zero.replacing(with: weights, where: below .| above))) &<< shift
            }
            nonzero[w] = binary ? ~0 : nz
            negative[w] = ng
        }
        if fullWords &* 64 < columns {
            var nz: UInt64 = 0, ng: UInt64 = 0
            for column in (fullWords &* 64)..<columns {
                let v = source[column], bit = UInt64(1) &<< UInt64(column & 63)
                if binary || v > high[column] || v < low[column] { nz |= bit }
                if v < low[column] { ng |= bit }
            }
            nonzero[fullWords] = nz
            negative[fullWords] = ng
        }
    }

    /// Bitwise OR of all lanes, by halving.
    @inline(__always)
    static func orAcrossLanes(_ v: SIMD8<UInt64>) -> UInt64 {
        let four = v.lowHalf | v.highHalf, two = four.lowHalf | four.highHalf
        return two[0] | two[1]
    }

    @inline(__always)
    static func orAcrossLanes(_ v: SIMD16<UInt32>) -> UInt32 {
        let eight = v.lowHalf | v.highHalf, four = eight.lowHalf | eight.highHalf, two = four.lowHalf | four.highHalf
        return two[0] | two[1]
    }
}
