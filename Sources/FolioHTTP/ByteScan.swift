/// Byte searches over raw buffers, 16 bytes at a time, for the parser's and router's long runs:
/// the request target, field values, the end of the head, path segments. A block with a hit gives
/// the exact offset from its compare mask (no scalar re-scan); a buffer's last partial block is
/// searched as an overlapping full block ending at `end` (its first bytes were already found
/// clean), so only ranges shorter than 16 bytes take the scalar loop.
@usableFromInline
enum ByteScan {
    /// A 16-lane compare mask as two words, 0xFF per set lane (`any` on a mask reduces through a
    /// generic `min()` that is not inlined; two words test and locate a hit in a few instructions).
    @inlinable @inline(__always)
    static func words(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD2<UInt64> {
        unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: mask), to: SIMD2<UInt64>.self)
    }

    /// The offset within a 16-byte block of its first set lane (`words` not both zero).
    @inlinable @inline(__always)
    static func firstLane(_ words: SIMD2<UInt64>) -> Int {
        words[0] != 0 ? words[0].trailingZeroBitCount >> 3 : 8 + words[1].trailingZeroBitCount >> 3
    }

    /// The offset of the first byte in `buf[from..<end]` that `hit` (per 16-byte block) and
    /// `isHit` (per byte, for ranges shorter than a block) pick, or `end`. The three scans below
    /// are this loop with their own tests; it is inlined into each, closures included.
    @inlinable @inline(__always)
    static func first(_ buf: UnsafeRawBufferPointer, from: Int, end: Int,
                      _ hit: (SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>>, _ isHit: (UInt8) -> Bool) -> Int {
        var i = from
        if end - from >= 16 {
            while true {
                let found = words(hit(buf.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)))
                if found[0] | found[1] != 0 { return i &+ firstLane(found) }
                if i &+ 16 == end { return end }
                i = min(i &+ 16, end &- 16)
            }
        }
        while i < end, !isHit(buf[i]) { i &+= 1 }
        return i
    }

    /// The offset of the first byte in `buf[from..<end]` outside `low...high`, or `end`.
    @inlinable @inline(__always)
    static func firstOutside(_ buf: UnsafeRawBufferPointer, from: Int, end: Int, low: UInt8, high: UInt8) -> Int {
        let lo = SIMD16<UInt8>(repeating: low), hi = SIMD16<UInt8>(repeating: high)
        return first(buf, from: from, end: end, { ($0 .< lo) .| ($0 .> hi) }, { $0 < low || $0 > high })
    }

    /// The offset of the first byte in `buf[from..<end]` equal to `a` or `b`, or `end`.
    @inlinable @inline(__always)
    static func firstOf(_ buf: UnsafeRawBufferPointer, from: Int, end: Int, _ a: UInt8, _ b: UInt8) -> Int {
        let va = SIMD16<UInt8>(repeating: a), vb = SIMD16<UInt8>(repeating: b)
        return first(buf, from: from, end: end, { ($0 .== va) .| ($0 .== vb) }, { $0 == a || $0 == b })
    }

    /// The offset of the first byte in `buf[from..<end]` outside `low...high` or equal to `a` or
    /// `b`, or `end` (one pass for "is this plain text that needs no escaping").
    @inlinable @inline(__always)
    static func firstOutsideOrOf(_ buf: UnsafeRawBufferPointer, from: Int, end: Int, low: UInt8, high: UInt8,
                                 _ a: UInt8, _ b: UInt8) -> Int {
        let lo = SIMD16<UInt8>(repeating: low), hi = SIMD16<UInt8>(repeating: high)
        let va = SIMD16<UInt8>(repeating: a), vb = SIMD16<UInt8>(repeating: b)
        return first(buf, from: from, end: end, { ($0 .< lo) .| ($0 .> hi) .| ($0 .== va) .| ($0 .== vb) },
                     { $0 < low || $0 > high || $0 == a || $0 == b })
    }
}
