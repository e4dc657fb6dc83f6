import Glibc

/// A response cache key: the raw request target (path and query, as sent) and the variant that
/// content negotiation chose (0 when the route has one representation). Hashed (`SeededByteHash`,
/// in `ResponseCache` and `CacheShard`) and compared as bytes, so a lookup builds no String.
struct CacheKey: Equatable, Sendable {
    let target: ArraySlice<UInt8>
    let variant: Int

    static func == (a: CacheKey, b: CacheKey) -> Bool {
        a.variant == b.variant && a.target.withUnsafeBytes { x in b.target.withUnsafeBytes { sameBytes(x, $0) } }
    }

    /// Whether a stored target and a request's target hold the same bytes.
    @inline(__always)
    static func sameBytes(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { sameBytes(x, $0) } }
    }

    @inline(__always)
    static func sameBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Bool {
        x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
    }
}

/// A fast keyed hash of a byte string (wyhash-style: each 8-byte word is mixed with a 64×64→128-bit
/// multiply, folded). The key is random per process, so which targets collide cannot be worked out
/// from outside; the response cache is also bounded in entries, so collisions cannot grow a chain
/// without limit.
enum SeededByteHash {
    static let key: (UInt64, UInt64) = (UInt64.random(in: .min ... .max) | 1, UInt64.random(in: .min ... .max) | 1)

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let (k0, k1) = key
        var h = k0 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self), k1 ^ 0xA076_1D64_78BD_642F)
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = mix(h ^ tail, k1 ^ 0xE703_7ED1_A0B4_28DB)
        }
        return mix(h ^ k1, 0x8EBC_6AF0_9C88_C6E3 ^ k0)
    }
}
