/// Article id → position in a snapshot's `articles`. Store ids are small dense integers, so
/// they index an array (a shift after an insert is a loop of integer stores, no hashing); ids
/// outside 0..<4,194,304 (an import that chose its own) go to a dictionary.
struct IDPositions: Sendable {
    static let denseLimit: Int64 = 1 << 22
    private var dense: [Int32] = []
    private var sparse: [Int64: Int32] = [:]

    subscript(id: Int64) -> Int32? {
        get {
            if id >= 0 && id < Self.denseLimit {
                guard id < dense.count else { return nil }
                let p = dense[Int(id)]
                return p < 0 ? nil : p
            }
            return sparse[id]
        }
        set { set(id, newValue) }
    }

    /// Positions `i` of every article from index `start` of `list` on, in one pass: stores go
    /// straight into the array through one buffer pointer (through the subscript, each store
    /// checked the array's uniqueness; this loop was a quarter of a write's CPU at 100,000).
    mutating func assign(from list: ArticleList, start: Int) {
        var later: [(Int64, Int32)] = []  // ids outside the array's current range
        dense.withUnsafeMutableBufferPointer { buffer in
            list.forEachID(from: start) { i, id in
                if id >= 0, id < Self.denseLimit, id < buffer.count { buffer[Int(id)] = Int32(i) } else { later.append((id, Int32(i))) }
            }
        }
        for (id, p) in later { set(id, p) }
    }

    private mutating func set(_ id: Int64, _ newValue: Int32?) {
        if id >= 0 && id < Self.denseLimit {
            if id >= dense.count {
                guard newValue != nil else { return }
                dense.append(contentsOf: repeatElement(-1, count: Int(id) + 1 - dense.count + 1024))
            }
            dense[Int(id)] = newValue ?? -1
        } else {
            sparse[id] = newValue
        }
    }
}

/// A snapshot's article order and indexes while a change is applied to a copy of them
/// (`ContentSnapshot.applying`): removing or inserting an article shifts the positions after it
/// by one, in the id index and in every author's and tag's list.
struct IndexState {
    var articles: ArticleList
    var slugIndex: SlugIndex
    var positions: IDPositions
    var authorPositions: [[Int32]]
    var tagPositions: [[Int32]]
    /// The latest `updated_at`, kept up to date by inserts; `newestRemoved` says a removal may
    /// have taken it away (then the snapshot looks again).
    var newest: Timestamp?
    var newestRemoved = false
    /// Positions from here on are out of date in `positions` until `finish()` (one pass for a
    /// whole batch instead of one per article).
    var firstStale = Int.max

    mutating func remove(id: Int64) {
        finish()  // `positions` must be right to find the article
        guard let p32 = positions[id] else { return }
        let p = Int(p32)
        let old = articles.remove(at: p)
        if let newest, old.updatedAt >= newest { newestRemoved = true }
        if slugIndex[old.slug] == id { slugIndex[old.slug] = nil }
        positions[id] = nil
        firstStale = Swift.min(firstStale, p)
        Self.removeAndShift(p32, in: &authorPositions)
        Self.removeAndShift(p32, in: &tagPositions)
    }

    mutating func insert(_ a: Article, authorIndex: [String: Int32], tagIndex: [String: Int32]) {
        // First position whose article sorts after `a` (articles are newest first).
        var lo = 0, hi = articles.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ContentSnapshot.newerFirst(articles[mid], a) { lo = mid + 1 } else { hi = mid }
        }
        let p32 = Int32(lo)
        articles.insert(a, at: lo)
        if newest.map({ a.updatedAt > $0 }) ?? true { newest = a.updatedAt }
        slugIndex[a.slug] = a.id
        firstStale = Swift.min(firstStale, lo)
        Self.shiftUp(from: p32, in: &authorPositions)
        Self.shiftUp(from: p32, in: &tagPositions)
        for s in a.authors { if let k = authorIndex[s] { Self.insertSorted(p32, into: &authorPositions[Int(k)]) } }
        for s in a.tags { if let k = tagIndex[s] { Self.insertSorted(p32, into: &tagPositions[Int(k)]) } }
    }

    /// Brings `positions` up to date (after the last insert or remove of a batch).
    mutating func finish() {
        guard firstStale < Int.max else { return }
        positions.assign(from: articles, start: firstStale)
        firstStale = Int.max
    }

    /// Takes `p` out of every list and moves the positions after it down by one.
    /// (Each list is changed through one buffer pointer: element by element through the outer
    /// array, every step checked the inner array's uniqueness and retained it.)
    static func removeAndShift(_ p: Int32, in lists: inout [[Int32]]) {
        for k in lists.indices where !lists[k].isEmpty && lists[k].last! >= p {
            lists[k].removeAll { $0 == p }
            lists[k].withUnsafeMutableBufferPointer { list in
                for j in list.indices where list[j] > p { list[j] -= 1 }
            }
        }
    }

    /// Moves the positions at or after `p` up by one.
    static func shiftUp(from p: Int32, in lists: inout [[Int32]]) {
        for k in lists.indices where !lists[k].isEmpty && lists[k].last! >= p {
            lists[k].withUnsafeMutableBufferPointer { list in
                for j in list.indices where list[j] >= p { list[j] += 1 }
            }
        }
    }

    static func insertSorted(_ p: Int32, into list: inout [Int32]) {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        list.insert(p, at: lo)
    }
}

/// Current slug → article id, in 64 shards that snapshots share: a write copies the shard its
/// slug falls in (about 1,600 keys at 100,000 articles), not the whole map — copying and later
/// freeing a 100,000-key dictionary (a retain and a release per key) was 60 % of a write's CPU.
struct SlugIndex: Sendable {
    final class Shard: Sendable {
        let map: [String: Int64]
        init(_ map: [String: Int64]) { self.map = map }
    }

    static let shardCount = 64
    private var shards: [Shard]

    init(_ pairs: [(String, Int64)] = []) {
        var maps = [[String: Int64]](repeating: [:], count: Self.shardCount)
        for (slug, id) in pairs { maps[Self.shard(slug)][slug] = id }
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
