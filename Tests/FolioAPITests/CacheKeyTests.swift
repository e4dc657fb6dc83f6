import Testing
@testable import FolioAPI

/// The response cache's key and table: equality on bytes and variant, a hash that sees every byte,
/// and an open-addressing table that finds what it stored and nothing else.
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
        #expect(RepresentationTable.hash(a) == RepresentationTable.hash(b))
    }

    @Test func variantAndLengthTellKeysApart() {
        #expect(Self.key("/a", 0) != Self.key("/a", 1))
        #expect(RepresentationTable.hash(Self.key("/a", 0)) != RepresentationTable.hash(Self.key("/a", 1)))
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

    /// 3,000 keys (growing the table many times) are all found by slices of other buffers, with
    /// their own values; keys never stored are not found; replacing returns the old value.
    @Test func theTableFindsWhatItStored() {
        var table = RepresentationTable(capacity: 5_000)
        var reps: [Representation] = []
        for i in 0..<3_000 {
            let r = Self.representation("value \(i)")
            reps.append(r)
            #expect(table.insert(Self.key("/api/v1/articles?page=\(i)", i % 3), r) == nil)
        }
        #expect(table.count == 3_000)
        for i in 0..<3_000 {
            let request = Array("/api/v1/articles?page=\(i) HTTP/1.1".utf8)
            let key = CacheKey(target: request[0..<(request.count - 9)], variant: i % 3)
            #expect(table.find(key) === reps[i], "page \(i)")
            #expect(table.find(CacheKey(target: key.target, variant: i % 3 + 1)) == nil)
        }
        #expect(table.find(Self.key("/api/v1/articles?page=3000")) == nil)
        let replacement = Self.representation("new")
        #expect(table.insert(Self.key("/api/v1/articles?page=7", 1), replacement) === reps[7])
        #expect(table.find(Self.key("/api/v1/articles?page=7", 1)) === replacement)
        #expect(table.count == 3_000)
        table.removeAll()
        #expect(table.count == 0)
        #expect(table.find(Self.key("/api/v1/articles?page=7", 1)) == nil)
        #expect(!table.isFull)
    }

    @Test func theCacheEmptiesAFullShardAndANewGeneration() {
        let cache = ResponseCache(maxEntries: 4, maxBytes: 1 << 20, shardCount: 1)
        for i in 0..<4 { cache.store(Self.key("/k\(i)"), Self.representation("\(i)"), generation: 1, loop: 0) }
        #expect(cache.usage.entries == 4)
        #expect(cache.lookup(Self.key("/k2"), generation: 1, loop: 0) != nil)
        cache.store(Self.key("/k4"), Self.representation("4"), generation: 1, loop: 0)  // full: emptied first
        #expect(cache.usage.entries == 1)
        #expect(cache.lookup(Self.key("/k2"), generation: 1, loop: 0) == nil)
        #expect(cache.lookup(Self.key("/k4"), generation: 1, loop: 0) != nil)
        #expect(cache.lookup(Self.key("/k4"), generation: 2, loop: 0) == nil)  // a new snapshot
        #expect(cache.usage.entries == 0)
    }
}
