/// Article id → its `ArticleRef` in a snapshot's `articles`. Store ids are small dense
/// integers, so they index arrays (updating the refs of one chunk is a loop of integer stores,
/// no hashing), in pages of 4,096 that snapshots share: a write copies the pages it changes, not
/// the whole index (400 KB at 100,000 articles, copied and later freed by every write). Ids
/// outside 0..<4,194,304 (an import that chose its own) go to a dictionary.
struct ArticleRefIndex: Sendable {
    static let denseLimit: Int64 = 1 << 22
    static let pageBits = 12
    static let pageSize = 1 << pageBits
    static let none = UInt32.max
    private var pages: [[UInt32]] = []
    private var sparse: [Int64: ArticleRef] = [:]

    subscript(id: Int64) -> ArticleRef? {
        get {
            if id >= 0 && id < Self.denseLimit {
                let p = Int(id) >> Self.pageBits
                guard p < pages.count else { return nil }
                let r = pages[p][Int(id) & (Self.pageSize - 1)]
                return r == Self.none ? nil : ArticleRef(raw: r)
            }
            return sparse[id]
        }
        set { set(id, newValue) }
    }

    /// The refs of the articles of the chunks numbered `chunk` through `last` (in the first, of
    /// its slots from `slot` on), in one pass.
    mutating func assign(from list: ArticleList, chunk: Int, fromSlot slot: Int, through last: Int) {
        list.forEachID(chunk: chunk, fromSlot: slot, through: last) { ref, id in set(id, ref) }
    }

    private mutating func set(_ id: Int64, _ newValue: ArticleRef?) {
        if id >= 0 && id < Self.denseLimit {
            let p = Int(id) >> Self.pageBits
            if p >= pages.count {
                guard newValue != nil else { return }
                pages.append(contentsOf: repeatElement([UInt32](repeating: Self.none, count: Self.pageSize), count: p + 1 - pages.count))
            }
            pages[p][Int(id) & (Self.pageSize - 1)] = newValue?.raw ?? Self.none
        } else {
            sparse[id] = newValue
        }
    }
}

/// A snapshot's article order and indexes while a change is applied to a copy of them
/// (`ContentSnapshot.applying`). Inserting or removing an article moves the refs of the articles
/// stored above it in its chunk by one, in the id index and in the author and tag lists that hold
/// any of them (found by binary search: the other lists are not touched, so not copied) — none
/// for an article that goes to the front, the usual new article (see `ArticleRef`). A chunk that
/// splits (once per ~128 inserts into it) gives its newer half to a new chunk before it and the
/// chunks before it are renumbered: for the first chunk, where new articles go, that is its half
/// alone (see `ArticleList.base`).
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
        // The articles stored above it moved down a slot: their refs (below its own) go up by one.
        if ref.slot < articles.count(ofChunk: ref.chunk) {
            let moved = ArticleRef.start(ofChunk: ref.chunk)..<ref
            Self.shift(moved, by: 1, in: &authorRefs)
            Self.shift(moved, by: 1, in: &tagRefs)
            refs.assign(from: articles, chunk: ref.chunk, fromSlot: ref.slot, through: ref.chunk)
        }
    }

    mutating func insert(_ a: Article) {
        // First index whose article sorts after `a` (articles are newest first).
        var lo = 0, hi = articles.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ContentSnapshot.newerFirst(articles[mid], a) { lo = mid + 1 } else { hi = mid }
        }
        let inserted = articles.insert(a, at: lo)
        if newest.map({ a.updatedAt > $0 }) ?? true { newest = a.updatedAt }
        slugIndex[a.slug] = a.id
        // The articles stored at or above its slot (the newer ones of its chunk) moved up one:
        // their refs go down by one.
        if inserted.newerInChunk > 0 {
            let moved = ArticleRef.refs(ofChunk: inserted.chunk, fromSlot: inserted.slot)
            Self.shift(moved, by: -1, in: &authorRefs)
            Self.shift(moved, by: -1, in: &tagRefs)
        }
        switch inserted.split {
        case nil:
            refs.assign(from: articles, chunk: inserted.chunk, fromSlot: inserted.slot, through: inserted.chunk)
        case .front(let half)?:
            Self.splitFront(chunk: inserted.chunk, at: half, in: &authorRefs)
            Self.splitFront(chunk: inserted.chunk, at: half, in: &tagRefs)
            refs.assign(from: articles, chunk: articles.base, fromSlot: 0, through: inserted.chunk)
        case .back(let half)?:
            Self.splitBack(chunk: inserted.chunk, at: half, in: &authorRefs)
            Self.splitBack(chunk: inserted.chunk, at: half, in: &tagRefs)
            refs.assign(from: articles, chunk: inserted.chunk, fromSlot: 0, through: articles.lastChunkNumber)
        }
        let ref = inserted.ref
        for s in a.authors { if let k = authorIndex[s] { Self.insertSorted(ref, into: &authorRefs[Int(k)]) } }
        for s in a.tags { if let k = tagIndex[s] { Self.insertSorted(ref, into: &tagRefs[Int(k)]) } }
    }

    /// Adds `delta` to the refs in `range`, in every list holding any (each changed through one
    /// buffer pointer; lists without any are not copied).
    static func shift(_ range: Range<ArticleRef>, by delta: Int32, in lists: inout [[ArticleRef]]) {
        for k in lists.indices {
            let start = lowerBound(range.lowerBound, in: lists[k])
            guard start < lists[k].count, lists[k][start] < range.upperBound else { continue }
            lists[k].withUnsafeMutableBufferPointer { list in
                var j = start
                while j < list.count, list[j] < range.upperBound {
                    list[j] = ArticleRef(raw: UInt32(Int64(list[j].raw) + Int64(delta)))
                    j += 1
                }
            }
        }
    }

    /// After a `.front` split of chunk `chunk` at `half`: every earlier chunk's number goes down by
    /// one, and its refs of slots `half` and up go to the new chunk before it, `half` slots lower.
    /// Refs after the chunk do not change, so lists are read only up to it.
    static func splitFront(chunk: Int, at half: Int, in lists: inout [[ArticleRef]]) {
        let end = ArticleRef.start(ofChunk: chunk + 1)
        for k in lists.indices {
            guard let first = lists[k].first, first < end else { continue }
            lists[k].withUnsafeMutableBufferPointer { list in
                var j = 0
                while j < list.count, list[j] < end {
                    let r = list[j]
                    if r.chunk != chunk {
                        list[j] = ArticleRef(raw: r.raw - 1 << ArticleRef.slotBits)
                    } else if r.slot >= half {
                        list[j] = ArticleRef(chunk: chunk - 1, slot: r.slot - half)
                    }
                    j += 1
                }
            }
        }
    }

    /// After a `.back` split of chunk `chunk` at `half`: its refs of slots below `half` move to the
    /// next chunk (same slot), the others go `half` slots down, and every later chunk's number goes
    /// up by one.
    static func splitBack(chunk: Int, at half: Int, in lists: inout [[ArticleRef]]) {
        let low = ArticleRef.start(ofChunk: chunk)
        for k in lists.indices {
            let start = lowerBound(low, in: lists[k])
            guard start < lists[k].count else { continue }
            lists[k].withUnsafeMutableBufferPointer { list in
                for j in start..<list.count {
                    let r = list[j]
                    list[j] = r.chunk != chunk ? ArticleRef(raw: r.raw + 1 << ArticleRef.slotBits)
                        : r.slot >= half ? ArticleRef(chunk: chunk, slot: r.slot - half) : ArticleRef(chunk: chunk + 1, slot: r.slot)
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

/// Current slug → article id, in 4,096 shards in 64 groups that snapshots share: a write
/// copies the group and the shard its slug falls in (about 25 keys at 100,000 articles), not the
/// whole map — copying and later freeing a 100,000-key dictionary (a retain and a release per
/// key) was 60 % of a write's CPU, and then copying the list of 1,024 shards (a retain and a
/// release each) was still 3 %.
struct SlugIndex: Sendable {
    final class Shard: Sendable {
        let map: [String: Int64]
        init(_ map: [String: Int64]) { self.map = map }
    }

    static let groupBits = 6
    static let shardCount = 1 << (2 * groupBits)
    private var groups: [[Shard]]

    init(_ pairs: [(String, Int64)] = []) {
        // Each shard sized before it is filled (growing the maps step by step rehashed every
        // key several times: 7 % of start-up at 1,000,000 articles).
        let shardOf = pairs.map { Self.shard($0.0) }
        var counts = [Int](repeating: 0, count: Self.shardCount)
        for k in shardOf { counts[k] += 1 }
        var maps = counts.map { [String: Int64](minimumCapacity: $0) }
        for (n, (slug, id)) in pairs.enumerated() { maps[shardOf[n]][slug] = id }
        let shards = maps.map(Shard.init)
        let size = 1 << Self.groupBits
        groups = stride(from: 0, to: Self.shardCount, by: size).map { Array(shards[$0..<$0 + size]) }
    }

    static func shard(_ slug: String) -> Int { slug.hashValue & (shardCount - 1) }

    subscript(slug: String) -> Int64? {
        get {
            let k = Self.shard(slug)
            return groups[k >> Self.groupBits][k & (1 << Self.groupBits - 1)].map[slug]
        }
        set {
            let k = Self.shard(slug)
            let (g, j) = (k >> Self.groupBits, k & (1 << Self.groupBits - 1))
            var map = groups[g][j].map
            map[slug] = newValue
            groups[g][j] = Shard(map)
        }
    }
}
