/// Byte searches over raw buffers, 16 bytes at a time (SIMD compares, then a scalar finish), for
/// the parser's long runs: the request target, field values, the end of the head.
enum ByteScan {
    /// The offset of the first byte in `buf[from..<end]` outside `low...high`, or `end`.
    @inline(__always)
    static func firstOutside(_ buf: UnsafeRawBufferPointer, from: Int, end: Int, low: UInt8, high: UInt8) -> Int {
        var i = from
        let lo = SIMD16<UInt8>(repeating: low), hi = SIMD16<UInt8>(repeating: high)
        while i + 16 <= end {
            let v = buf.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            if any((v .< lo) .| (v .> hi)) { break }
            i += 16
        }
        while i < end, buf[i] >= low, buf[i] <= high { i += 1 }
        return i
    }

    /// The offset of the first byte in `buf[from..<end]` equal to `a` or `b`, or `end`.
    @inline(__always)
    static func firstOf(_ buf: UnsafeRawBufferPointer, from: Int, end: Int, _ a: UInt8, _ b: UInt8) -> Int {
        var i = from
        let va = SIMD16<UInt8>(repeating: a), vb = SIMD16<UInt8>(repeating: b)
        while i + 16 <= end {
            let v = buf.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            if any((v .== va) .| (v .== vb)) { break }
            i += 16
        }
        while i < end, buf[i] != a, buf[i] != b { i += 1 }
        return i
    }
}
