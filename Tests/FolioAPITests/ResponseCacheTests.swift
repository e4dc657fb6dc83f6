import FolioContent
import Testing
@testable import FolioAPI

/// `CacheShard` (index, arena, S3-FIFO) and `ResponseCache` (one budget across shards).
@Suite struct ResponseCacheTests {
    static func key(_ s: String, _ variant: Int = 0) -> CacheKey { CacheKeyTests.key(s, variant) }

    static func representation(_ text: String, bytes: Int = 0) -> Representation {
        Representation(body: Array(text.utf8) + [UInt8](repeating: 0x20, count: bytes), contentType: "text/plain",
                       lastModified: nil, policy: HeaderPolicy())
    }

    /// 3,000 keys found by slices of other buffers; keys never stored are not found; replacing
    /// keeps one entry.
    @Test func aShardFindsWhatItStored() {
        var shard = CacheShard(maxEntries: 5_000, maxBytes: 1 << 30)
        var reps: [Representation] = []
        for i in 0..<3_000 {
            let r = Self.representation("value \(i)")
            reps.append(r)
            let k = Self.key("/api/v1/articles?page=\(i)", i % 3)
            shard.insert(k, hash: ResponseCache.hash(k), r)
        }
        #expect(shard.count == 3_000)
        for i in 0..<3_000 {
            let request = Array("/api/v1/articles?page=\(i) HTTP/1.1".utf8)
            let key = CacheKey(target: request[0..<(request.count - 9)], variant: i % 3)
            #expect(shard.find(key, hash: ResponseCache.hash(key)) === reps[i], "page \(i)")
            let other = CacheKey(target: key.target, variant: i % 3 + 1)
            #expect(shard.find(other, hash: ResponseCache.hash(other)) == nil)
        }
        let k7 = Self.key("/api/v1/articles?page=7", 1)
        let replacement = Self.representation("new")
        shard.insert(k7, hash: ResponseCache.hash(k7), replacement)
        #expect(shard.find(k7, hash: ResponseCache.hash(k7)) === replacement)
        #expect(shard.count == 3_000)
        #expect(shard.counters.evictions == 0)
    }

    /// Under heavy churn (a bound of 64 entries, 20,000 inserts with colliding low hash bits
    /// forced by a tiny index) the index and the arena agree after every step: each live entry is
    /// indexed once and found, evicted ones are not, and the bounds hold.
    @Test func churnKeepsTheIndexTrue() {
        var shard = CacheShard(maxEntries: 64, maxBytes: 1 << 30)
        var live: [Int: Representation] = [:]
        var rng = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let n = Int.random(in: 0..<400, using: &rng)
            let k = Self.key("/k/\(n)")
            if let r = live[n], Bool.random(using: &rng) {
                #expect(shard.find(k, hash: ResponseCache.hash(k)) === r || shard.find(k, hash: ResponseCache.hash(k)) == nil)
                continue
            }
            let r = Self.representation("\(n)")
            shard.insert(k, hash: ResponseCache.hash(k), r)
            live[n] = r
            #expect(shard.count <= 64)
            if step % 997 == 0 {
                let ids = shard.indexedIDs
                #expect(ids.count == shard.count)
                #expect(Set(ids).count == ids.count)
                #expect(shard.queueCounts.small + shard.queueCounts.main >= shard.count)
                var found = 0
                for (m, rep) in live {
                    let key = Self.key("/k/\(m)")
                    if let hit = shard.find(key, hash: ResponseCache.hash(key)) {
                        #expect(hit === rep)
                        found += 1
                    }
                }
                #expect(found == shard.count)
            }
        }
        #expect(shard.counters.evictions > 5_000)
    }

    /// S3-FIFO's point: keys read again while new survive a scan of one-time keys that would
    /// flush an LRU; the scan's keys go, one at a time.
    @Test func aScanOfOneTimeKeysDoesNotFlushTheHotOnes() {
        var shard = CacheShard(maxEntries: 100, maxBytes: 1 << 30)
        func put(_ s: String) { let k = Self.key(s); shard.insert(k, hash: ResponseCache.hash(k), Self.representation(s)) }
        func get(_ s: String) -> Bool { let k = Self.key(s); return shard.find(k, hash: ResponseCache.hash(k)) != nil }
        for i in 0..<50 { put("/hot/\(i)") }
        for _ in 0..<2 { for i in 0..<50 { #expect(get("/hot/\(i)")) } }
        for i in 0..<1_000 { put("/scan/\(i)") }
        let hot = (0..<50).filter { get("/hot/\($0)") }.count
        #expect(hot == 50, "hot keys left: \(hot)")
        #expect(shard.count == 100)
        #expect(shard.counters.evictions == 950)  // the first 50 of the scan filled the room left
    }

    /// The byte bound holds too, by evicting as many entries as a large one needs.
    @Test func theByteBoundEvictsAsManyAsNeeded() {
        var shard = CacheShard(maxEntries: 1_000, maxBytes: 100_000)
        for i in 0..<50 { let k = Self.key("/s/\(i)"); shard.insert(k, hash: ResponseCache.hash(k), Self.representation("\(i)", bytes: 1_000)) }
        #expect(shard.count == 50)
        let big = Self.key("/big")
        shard.insert(big, hash: ResponseCache.hash(big), Self.representation("big", bytes: 60_000))
        #expect(shard.bytes <= 100_000)
        #expect(shard.find(big, hash: ResponseCache.hash(big)) != nil)
        #expect(shard.count < 50)
    }

    /// With one event loop the whole budget is used (keys spread over every shard), the cache
    /// never empties itself when full, and entries over 1/64 of the bytes are served uncached.
    @Test func theCacheHoldsItsWholeBudgetAndEvictsOneAtATime() {
        let cache = ResponseCache(maxEntries: 1_600, maxBytes: 64 << 20)
        for i in 0..<1_600 { cache.store(Self.key("/a/\(i)"), Self.representation("\(i)"), generation: 1) }
        let full = cache.usage
        #expect(full.entries >= 1_450, "only \(full.entries) of 1,600 held")  // hash spread over 16 shards of 100
        for i in 1_600..<3_200 {
            cache.store(Self.key("/a/\(i)"), Self.representation("\(i)"), generation: 1)
            #expect(cache.usage.entries >= full.entries - 1)
        }
        #expect(cache.usage.evictions > 1_000)
        let huge = Self.representation("huge", bytes: (64 << 20) / 64 + 1)
        cache.store(Self.key("/huge"), huge, generation: 1)
        #expect(cache.lookup(Self.key("/huge")) == nil)
        #expect(cache.usage.tooLarge == 1)
        // Its cost counts compressed bodies of half of it, which it may come to hold.
        let fits = Self.representation("fits", bytes: (64 << 20) / 64 * 2 / 3 - 10_000)
        cache.store(Self.key("/fits"), fits, generation: 1)
        #expect(cache.lookup(Self.key("/fits")) === fits)
    }

    /// A write drops what depends on what it changed, and nothing else; a response built from a
    /// snapshot older than that write is not stored afterwards; a full reload empties all.
    /// Through inserts, replacements, evictions and id reuse, invalidating keys drops exactly the
    /// entries built from them (the shard finds them through its dependency map, which keeps
    /// stale ids and is rebuilt now and then).
    @Test func invalidationDropsExactlyTheDependents() {
        var shard = CacheShard(maxEntries: 200, maxBytes: 1 << 30)
        var rng = SystemRandomNumberGenerator()
        var deps: [String: [UInt64]] = [:]  // what each target was last stored with
        for step in 0..<20_000 {
            let target = "/k/\(Int.random(in: 0..<600, using: &rng))"
            let d = (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt64.random(in: 1...40, using: &rng) }
            let k = Self.key(target)
            shard.insert(k, hash: ResponseCache.hash(k), Self.representation(target), deps: d)
            deps[target] = d
            if step % 50 == 0 {
                let keys = Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in UInt64.random(in: 1...40, using: &rng) })
                let before = deps.keys.filter { t in let k = Self.key(t); return shard.find(k, hash: ResponseCache.hash(k)) != nil }
                shard.invalidate(keys)
                for t in before {
                    let k = Self.key(t)
                    let present = shard.find(k, hash: ResponseCache.hash(k)) != nil
                    #expect(present == !deps[t]!.contains(where: keys.contains), "\(t) \(deps[t]!) after \(keys)")
                }
            }
        }
    }

    @Test func writesDropOnlyTheirDependents() {
        let cache = ResponseCache(maxEntries: 100, maxBytes: 1 << 20)
        let a5 = CacheDependencies.article(Article(id: 5, slug: "five", title: "", excerpt: "", publishedAt: Timestamp(epochSeconds: 0),
                                                   updatedAt: Timestamp(epochSeconds: 0), language: "en", canonicalURL: nil,
                                                   readingTimeMinutes: 1, wordCount: 1, authors: ["ann"], tags: ["energy"]))
        let a6 = CacheDependencies.article(Article(id: 6, slug: "six", title: "", excerpt: "", publishedAt: Timestamp(epochSeconds: 0),
                                                   updatedAt: Timestamp(epochSeconds: 0), language: "en", canonicalURL: nil,
                                                   readingTimeMinutes: 1, wordCount: 1, authors: ["bob"], tags: ["trade"]))
        cache.store(Self.key("/a/five"), Self.representation("5"), generation: 1, deps: a5.hashes)
        cache.store(Self.key("/a/six"), Self.representation("6"), generation: 1, deps: a6.hashes)
        cache.store(Self.key("/list"), Self.representation("l"), generation: 1, deps: CacheDependencies.list.hashes)
        cache.store(Self.key("/author/bob"), Self.representation("b"), generation: 1, deps: CacheDependencies.author("bob").hashes)
        #expect(cache.usage.entries == 4)

        // Article 7 is written with tag energy: five (shares the tag) and the list go, six and bob stay.
        var change = ContentChangeSet()
        change.articleIDs = [7]
        change.tags = ["energy"]
        change.authors = ["cy"]
        cache.invalidate(CacheDependencies.invalidated(by: change), generation: 2)
        #expect(cache.lookup(Self.key("/a/five")) == nil)
        #expect(cache.lookup(Self.key("/list")) == nil)
        #expect(cache.lookup(Self.key("/a/six")) != nil)
        #expect(cache.lookup(Self.key("/author/bob")) != nil)
        #expect(cache.usage.invalidations == 2)

        // A slow miss built from generation 1 cannot put the old list back; one from 2 can.
        cache.store(Self.key("/list"), Self.representation("old"), generation: 1, deps: CacheDependencies.list.hashes)
        #expect(cache.lookup(Self.key("/list")) == nil)
        cache.store(Self.key("/list"), Self.representation("new"), generation: 2, deps: CacheDependencies.list.hashes)
        #expect(cache.lookup(Self.key("/list")) != nil)

        // The dropped entries' slots are reused as the FIFOs turn over.
        for i in 0..<300 { cache.store(Self.key("/fill/\(i)"), Self.representation("\(i)"), generation: 2, deps: []) }
        #expect(cache.usage.entries <= 112)

        cache.invalidateAll(generation: 3)
        #expect(cache.usage.entries == 0)
        cache.store(Self.key("/a/six"), Self.representation("6"), generation: 2, deps: a6.hashes)
        #expect(cache.lookup(Self.key("/a/six")) == nil, "a response older than the full reload was stored")
    }
}
