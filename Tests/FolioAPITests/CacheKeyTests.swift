import Testing
@testable import FolioAPI

/// The response cache's key: equality on bytes and variant, and a hash that sees every byte.
@Suite struct CacheKeyTests {
    static func key(_ s: String, _ variant: Int = 0) -> CacheKey {
        CacheKey(target: Array(s.utf8)[...], variant: variant)
    }

    @Test func equalBytesGiveEqualKeysAndHashes() {
        let a = Self.key("/api/v1/articles/some-slug?fields=title")
        // The same bytes as a slice in the middle of a larger buffer (as a request's head holds them).
        let buffer = Array("GET /api/v1/articles/some-slug?fields=title HTTP/1.1".utf8)
        let b = CacheKey(target: buffer[4..<43], variant: 0)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.owned == a)
        #expect(a.owned.hashValue == a.hashValue)
    }

    @Test func variantAndLengthTellKeysApart() {
        #expect(Self.key("/a", 0) != Self.key("/a", 1))
        #expect(Self.key("/a", 0).hashValue != Self.key("/a", 1).hashValue)
        #expect(Self.key("/a") != Self.key("/a/"))
        #expect(Self.key("") == Self.key(""))
    }

    /// Changing any one byte of targets of every length up to 40 (across the 8-byte words and the
    /// tail) changes the hash; the keyed hash is a function of the bytes, so it is repeatable.
    @Test func everyByteReachesTheHash() {
        for n in 1...40 {
            let base = [UInt8]((0..<n).map { UInt8(0x61 + $0 % 26) })
            let h0 = base.withUnsafeBytes { SeededByteHash.hash($0) }
            #expect(h0 == base.withUnsafeBytes { SeededByteHash.hash($0) })
            for i in 0..<n {
                var changed = base
                changed[i] ^= 0x01
                let h = changed.withUnsafeBytes { SeededByteHash.hash($0) }
                #expect(h != h0, "length \(n), byte \(i)")
            }
            // A trailing zero byte is not the same target as none.
            let longer = (base + [0]).withUnsafeBytes { SeededByteHash.hash($0) }
            #expect(longer != h0, "length \(n) + NUL")
        }
    }

    @Test func aDictionaryFindsKeysBySliceBytes() {
        var d: [CacheKey: Int] = [:]
        for i in 0..<500 { d[Self.key("/api/v1/articles?page=\(i)").owned] = i }
        let request = Array("/api/v1/articles?page=321 trailing".utf8)
        #expect(d[CacheKey(target: request[0..<25], variant: 0)] == 321)
        #expect(d[Self.key("/api/v1/articles?page=500")] == nil)
    }
}
