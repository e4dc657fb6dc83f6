/// Where an article sits in a snapshot's `ArticleList`: its chunk and its offset in that chunk,
/// packed in 32 bits. Refs order like the list (newest first), so sorted ref lists intersect and
/// merge like positions; unlike a position, inserting or removing an article changes only the
/// refs of the articles after it in the same chunk (at most a few hundred), not of every article
/// after it — at 100,000 articles, shifting every position after a new article (which goes to the
/// front) was half of a write's CPU. A chunk split or a bulk change renumbers the chunks after it.
public struct ArticleRef: Hashable, Comparable, Sendable {
    let raw: UInt32
    static let offsetBits: UInt32 = 12

    init(chunk: Int, offset: Int) { raw = UInt32(chunk) << Self.offsetBits | UInt32(offset) }
    init(raw: UInt32) { self.raw = raw }

    var chunk: Int { Int(raw >> Self.offsetBits) }
    var offset: Int { Int(raw & (1 << Self.offsetBits - 1)) }

    public static func < (a: ArticleRef, b: ArticleRef) -> Bool { a.raw < b.raw }
}

/// A snapshot's articles in order, held in chunks (128 articles at first, at most 256) that snapshots share: a
/// write copies the chunk it changes and the small arrays that list the chunks, not every
/// article (copying an `Article` retains each of its strings and arrays: copying 100,000 of them
/// took 60 ms, and freeing the old copy as long again). Reading element `i` finds its chunk by
/// binary search over the chunks' start offsets (about ten steps at 100,000 articles); reading
/// by `ArticleRef` is two array indexes. A chunk that empties stays (refs keep their chunk
/// numbers); one that grows past twice the chunk size splits.
public struct ArticleList: RandomAccessCollection, Sendable {
    /// One run of consecutive articles, shared by every snapshot that did not change it.
    final class Chunk: Sendable {
        let items: [Article]
        init(_ items: [Article]) { self.items = items }
    }

    /// A chunk splits above `2 * chunkSize` articles, which must stay below 1 << offsetBits.
    /// (Tests choose a small size to split and empty chunks often.)
    static let defaultChunkSize = 128
    let chunkSize: Int

    private var chunks: [Chunk]
    /// `starts[k]` is the index of chunk `k`'s first article.
    private var starts: [Int]
    public private(set) var count: Int

    public init(_ articles: [Article]) { self.init(articles, chunkSize: Self.defaultChunkSize) }

    init(_ articles: [Article], chunkSize: Int) {
        self.init(articles, order: Array(articles.indices), chunkSize: chunkSize)
    }

    /// `source[order[0]]`, `source[order[1]]`, … without an intermediate array.
    init(_ source: [Article], order: [Int], chunkSize: Int) {
        precondition(chunkSize > 0 && 2 * chunkSize < 1 << ArticleRef.offsetBits)
        self.chunkSize = chunkSize
        var chunks: [Chunk] = []
        var starts: [Int] = []
        var i = 0
        while i < order.count {
            let end = Swift.min(order.count, i + chunkSize)
            chunks.append(Chunk(order[i..<end].map { source[$0] }))
            starts.append(i)
            i = end
        }
        self.chunks = chunks
        self.starts = starts
        count = order.count
    }

    /// The ref `init` gives the article at index `i`.
    func initialRef(_ i: Int) -> ArticleRef { ArticleRef(chunk: i / chunkSize, offset: i % chunkSize) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Article {
        let k = chunk(containing: position)
        return chunks[k].items[position - starts[k]]
    }

    public subscript(ref: ArticleRef) -> Article { chunks[ref.chunk].items[ref.offset] }

    /// The ref of the article at index `i`; for `i == count`, a ref after every article's.
    public func ref(at i: Int) -> ArticleRef {
        guard !chunks.isEmpty else { return ArticleRef(chunk: 0, offset: 0) }
        let k = chunk(containing: i)
        return ArticleRef(chunk: k, offset: i - starts[k])
    }

    /// The index of the article at `ref`.
    public func index(of ref: ArticleRef) -> Int { starts[ref.chunk] + ref.offset }

    /// Every article's ref, in order.
    public func allRefs() -> [ArticleRef] {
        var out: [ArticleRef] = []
        out.reserveCapacity(count)
        for k in chunks.indices {
            for j in 0..<chunks[k].items.count { out.append(ArticleRef(chunk: k, offset: j)) }
        }
        return out
    }

    /// Calls `body(ref, id)` for the articles of chunk `first` from `offset` on, and with
    /// `throughEnd` for every article of the chunks after it, reading only the ids.
    func forEachID(chunk first: Int, offset: Int, throughEnd: Bool, _ body: (ArticleRef, Int64) -> Void) {
        var k = first, j0 = offset
        while k < chunks.count {
            // Through a buffer pointer, `items[j].id` reads the field in place; through the array
            // it copied the whole Article (a retain and a release per string and array in it).
            chunks[k].items.withUnsafeBufferPointer { items in
                var j = j0
                while j < items.count {
                    body(ArticleRef(chunk: k, offset: j), items[j].id)
                    j += 1
                }
            }
            guard throughEnd else { return }
            k += 1
            j0 = 0
        }
    }

    /// Calls `body(ref, article)` for every article, in order.
    func forEachWithRef(_ body: (ArticleRef, Article) -> Void) {
        for k in chunks.indices {
            for (j, a) in chunks[k].items.enumerated() { body(ArticleRef(chunk: k, offset: j), a) }
        }
    }

    /// The chunk holding index `i` (the last chunk for `i == count`).
    private func chunk(containing i: Int) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// What an insert did: where the article went, and whether its chunk split (the articles
    /// of chunk `ref.chunk` from offset `half` on moved to a new chunk after it, and every later
    /// chunk's number went up by one).
    struct Insertion {
        let ref: ArticleRef
        let splitAt: Int?
    }

    /// Inserts `a` so that it is at index `i`; copies one chunk.
    mutating func insert(_ a: Article, at i: Int) -> Insertion {
        guard !chunks.isEmpty else {
            chunks = [Chunk([a])]
            starts = [0]
            count = 1
            return Insertion(ref: ArticleRef(chunk: 0, offset: 0), splitAt: nil)
        }
        let k = chunk(containing: i)
        var items = chunks[k].items
        items.insert(a, at: i - starts[k])
        let ref = ArticleRef(chunk: k, offset: i - starts[k])
        count += 1
        if items.count > 2 * chunkSize {
            let half = items.count / 2
            chunks[k] = Chunk(Array(items[..<half]))
            chunks.insert(Chunk(Array(items[half...])), at: k + 1)
            starts.insert(starts[k] + half, at: k + 1)
            for j in (k + 2)..<starts.count { starts[j] += 1 }
            return Insertion(ref: ref, splitAt: half)
        }
        chunks[k] = Chunk(items)
        for j in (k + 1)..<starts.count { starts[j] += 1 }
        return Insertion(ref: ref, splitAt: nil)
    }

    /// Removes and returns the article at `ref`; copies one chunk (which may be left empty).
    @discardableResult
    mutating func remove(at ref: ArticleRef) -> Article {
        let k = ref.chunk
        var items = chunks[k].items
        let removed = items.remove(at: ref.offset)
        chunks[k] = Chunk(items)
        for j in (k + 1)..<starts.count { starts[j] -= 1 }
        count -= 1
        return removed
    }
}
