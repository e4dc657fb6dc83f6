import Testing
@testable import FolioAPI

/// The response cache's key and hash: equality on bytes and variant, a hash that sees every byte.
/// The shard and the cache are tested in ResponseCacheTests.
@Suite struct CacheKeyTests {
    static func key(_ s: String, _ variant: Int = 0) -> CacheKey {
        CacheKey(target: Array(s.utf8)[...], variant: variant)
    }

    static func representation(_ text: String) -> Representation {
        Representation(body: Array(text.utf8), contentType: "text/plain", lastModified: nil, policy: HeaderPolicy())
    }

    @Test func equalBytesGiveEqualKeysAndHashes() {
        let a = Self.key("/api/v1/articles/some-slug?fields=title")
        // The same bytes as a slice in the middle of a larger buffer (as a request's head holds them).
        let buffer = Array("GET /api/v1/articles/some-slug?fields=title HTTP/1.1".utf8)
        let b = CacheKey(target: buffer[4..<43], variant: 0)
        #expect(a == b)
        #expect(ResponseCache.hash(a) == ResponseCache.hash(b))
    }

    @Test func variantAndLengthTellKeysApart() {
        #expect(Self.key("/a", 0) != Self.key("/a", 1))
        #expect(ResponseCache.hash(Self.key("/a", 0)) != ResponseCache.hash(Self.key("/a", 1)))
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
}
