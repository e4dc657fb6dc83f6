/// Article id → its `ArticleRef` in a snapshot's `articles`. Store ids are small dense
/// integers, so they index an array (updating the refs of one chunk is a loop of integer stores,
/// no hashing); ids outside 0..<4,194,304 (an import that chose its own) go to a dictionary.
struct ArticleRefIndex: Sendable {
    static let denseLimit: Int64 = 1 << 22
    static let none = UInt32.max
    private var dense: [UInt32] = []
    private var sparse: [Int64: ArticleRef] = [:]

    subscript(id: Int64) -> ArticleRef? {
        get {
            if id >= 0 && id < Self.denseLimit {
                guard id < dense.count else { return nil }
                let r = dense[Int(id)]
                return r == Self.none ? nil : ArticleRef(raw: r)
            }
            return sparse[id]
        }
        set { set(id, newValue) }
    }

    /// The refs of the articles of chunk `chunk` from `offset` on (and with `throughEnd`, of
    /// every later chunk), in one pass: stores go straight into the array through one buffer
    /// pointer (through the subscript, each store checked the array's uniqueness).
    mutating func assign(from list: ArticleList, chunk: Int, offset: Int, throughEnd: Bool) {
        var later: [(Int64, ArticleRef)] = []  // ids outside the array's current range
        dense.withUnsafeMutableBufferPointer { buffer in
            list.forEachID(chunk: chunk, offset: offset, throughEnd: throughEnd) { ref, id in
                if id >= 0, id < Self.denseLimit, id < buffer.count { buffer[Int(id)] = ref.raw } else { later.append((id, ref)) }
            }
        }
        for (id, ref) in later { set(id, ref) }
    }

    private mutating func set(_ id: Int64, _ newValue: ArticleRef?) {
        if id >= 0 && id < Self.denseLimit {
            if id >= dense.count {
                guard newValue != nil else { return }
                dense.append(contentsOf: repeatElement(Self.none, count: Int(id) + 1 - dense.count + 1024))
            }
            dense[Int(id)] = newValue?.raw ?? Self.none
        } else {
            sparse[id] = newValue
        }
    }
}

/// A snapshot's article order and indexes while a change is applied to a copy of them
/// (`ContentSnapshot.applying`). Inserting or removing an article moves the refs of the articles
/// after it in its chunk by one, in the id index and in the author and tag lists that hold any
/// of them (found by binary search: the other lists are not touched, so not copied); a chunk
/// split renumbers the chunks after it, which touches every later ref, once per few hundred
/// inserts into one chunk.
struct IndexState {
    var articles: ArticleList
    var slugIndex: SlugIndex
    var refs: ArticleRefIndex
    var authorRefs: [[ArticleRef]]
    var tagRefs: [[ArticleRef]]
    /// The catalog the author and tag lists follow.
    let authorIndex: [String: Int32]
    let tagIndex: [String: Int32]
    /// The latest `updated_at`, kept up to date by inserts; `newestRemoved` says a removal may
    /// have taken it away (then the snapshot looks again).
    var newest: Timestamp?
    var newestRemoved = false

    mutating func remove(id: Int64) {
        guard let ref = refs[id] else { return }
        let old = articles.remove(at: ref)
        if let newest, old.updatedAt >= newest { newestRemoved = true }
        if slugIndex[old.slug] == id { slugIndex[old.slug] = nil }
        refs[id] = nil
        for s in old.authors { if let k = authorIndex[s] { Self.removeSorted(ref, from: &authorRefs[Int(k)]) } }
        for s in old.tags { if let k = tagIndex[s] { Self.removeSorted(ref, from: &tagRefs[Int(k)]) } }
        Self.shift(chunk: ref.chunk, from: ref.offset + 1, by: -1, in: &authorRefs)
        Self.shift(chunk: ref.chunk, from: ref.offset + 1, by: -1, in: &tagRefs)
        refs.assign(from: articles, chunk: ref.chunk, offset: ref.offset, throughEnd: false)
    }

    mutating func insert(_ a: Article) {
        // First index whose article sorts after `a` (articles are newest first).
        var lo = 0, hi = articles.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ContentSnapshot.newerFirst(articles[mid], a) { lo = mid + 1 } else { hi = mid }
        }
        let inserted = articles.insert(a, at: lo)
        var ref = inserted.ref
        if newest.map({ a.updatedAt > $0 }) ?? true { newest = a.updatedAt }
        slugIndex[a.slug] = a.id
        Self.shift(chunk: ref.chunk, from: ref.offset, by: 1, in: &authorRefs)
        Self.shift(chunk: ref.chunk, from: ref.offset, by: 1, in: &tagRefs)
        if let half = inserted.splitAt {
            Self.split(chunk: ref.chunk, at: half, in: &authorRefs)
            Self.split(chunk: ref.chunk, at: half, in: &tagRefs)
            refs.assign(from: articles, chunk: ref.chunk, offset: 0, throughEnd: true)
            if ref.offset >= half { ref = ArticleRef(chunk: ref.chunk + 1, offset: ref.offset - half) }
        } else {
            refs.assign(from: articles, chunk: ref.chunk, offset: ref.offset, throughEnd: false)
        }
        for s in a.authors { if let k = authorIndex[s] { Self.insertSorted(ref, into: &authorRefs[Int(k)]) } }
        for s in a.tags { if let k = tagIndex[s] { Self.insertSorted(ref, into: &tagRefs[Int(k)]) } }
    }

    /// Moves the refs in chunk `chunk` at or after `offset` by `delta`, in every list holding any
    /// (each changed through one buffer pointer; lists without any are not copied).
    static func shift(chunk: Int, from offset: Int, by delta: Int32, in lists: inout [[ArticleRef]]) {
        let low = ArticleRef(chunk: chunk, offset: offset), high = ArticleRef(chunk: chunk + 1, offset: 0)
        for k in lists.indices {
            let start = lowerBound(low, in: lists[k])
            guard start < lists[k].count, lists[k][start] < high else { continue }
            lists[k].withUnsafeMutableBufferPointer { list in
                var j = start
                while j < list.count, list[j] < high {
                    list[j] = ArticleRef(raw: UInt32(Int64(list[j].raw) + Int64(delta)))
                    j += 1
                }
            }
        }
    }

    /// After chunk `chunk` split at `half`: its refs from `half` on move to the next chunk, and
    /// every later chunk's number goes up by one.
    static func split(chunk: Int, at half: Int, in lists: inout [[ArticleRef]]) {
        let low = ArticleRef(chunk: chunk, offset: half)
        for k in lists.indices {
            let start = lowerBound(low, in: lists[k])
            guard start < lists[k].count else { continue }
            lists[k].withUnsafeMutableBufferPointer { list in
                for j in start..<list.count {
                    let r = list[j]
                    list[j] = r.chunk == chunk ? ArticleRef(chunk: chunk + 1, offset: r.offset - half)
                        : ArticleRef(chunk: r.chunk + 1, offset: r.offset)
                }
            }
        }
    }

    static func lowerBound(_ r: ArticleRef, in list: [ArticleRef]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < r { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func insertSorted(_ r: ArticleRef, into list: inout [ArticleRef]) {
        list.insert(r, at: lowerBound(r, in: list))
    }

    static func removeSorted(_ r: ArticleRef, from list: inout [ArticleRef]) {
        let i = lowerBound(r, in: list)
        if i < list.count, list[i] == r { list.remove(at: i) }
    }
}

/// Current slug → article id, in 1,024 shards that snapshots share: a write copies the shard its
/// slug falls in (about 100 keys at 100,000 articles), not the whole map — copying and later
/// freeing a 100,000-key dictionary (a retain and a release per key) was 60 % of a write's CPU.
struct SlugIndex: Sendable {
    final class Shard: Sendable {
        let map: [String: Int64]
        init(_ map: [String: Int64]) { self.map = map }
    }

    static let shardCount = 1024
    private var shards: [Shard]

    init(_ pairs: [(String, Int64)] = []) {
        // Each shard sized before it is filled (growing 1,024 maps step by step rehashed every
        // key several times: 7 % of start-up at 1,000,000 articles).
        let shardOf = pairs.map { Self.shard($0.0) }
        var counts = [Int](repeating: 0, count: Self.shardCount)
        for k in shardOf { counts[k] += 1 }
        var maps = counts.map { [String: Int64](minimumCapacity: $0) }
        for (n, (slug, id)) in pairs.enumerated() { maps[shardOf[n]][slug] = id }
        shards = maps.map(Shard.init)
    }

    static func shard(_ slug: String) -> Int { slug.hashValue & (shardCount - 1) }

    subscript(slug: String) -> Int64? {
        get { shards[Self.shard(slug)].map[slug] }
        set {
            let k = Self.shard(slug)
            var map = shards[k].map
            map[slug] = newValue
            shards[k] = Shard(map)
        }
    }
}
