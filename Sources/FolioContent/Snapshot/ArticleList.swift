/// Where an article sits in a snapshot's `ArticleList`: its chunk and its slot in that chunk,
/// packed in 32 bits. Refs order like the list (newest first), so sorted ref lists intersect and
/// merge like positions. A chunk stores its articles oldest first and a ref counts slots down
/// from the top (`raw` holds `slotMask - slot`), so that the article that goes to the front of
/// the list, which is what a new article does, is appended to its chunk and no other article's
/// ref changes. Inserting anywhere else or removing changes only the refs of the articles stored
/// after it in the same chunk (at most a few hundred), not of every article after it — at
/// 100,000 articles, shifting every position after a new article was half of a write's CPU, and
/// moving the refs of the first chunk in every author and tag list (copying each such list) was
/// still 14 % of it. A chunk split renumbers the chunks before it (see `ArticleList.base`).
public struct ArticleRef: Hashable, Comparable, Sendable {
    let raw: UInt32
    static let slotBits: UInt32 = 12
    static let slotMask: UInt32 = 1 << slotBits - 1

    /// Slot `slot` of chunk `chunk` (slot 0 holds the chunk's oldest article).
    init(chunk: Int, slot: Int) { raw = UInt32(chunk) << Self.slotBits | (Self.slotMask - UInt32(slot)) }
    init(raw: UInt32) { self.raw = raw }

    var chunk: Int { Int(raw >> Self.slotBits) }
    var slot: Int { Int(Self.slotMask - raw & Self.slotMask) }

    /// Below every ref of chunk `k` (and above every ref of the chunks before it).
    static func start(ofChunk k: Int) -> ArticleRef { ArticleRef(raw: UInt32(k) << slotBits) }

    /// The refs of chunk `k`'s slots `slot` and above (its articles newer than slot `slot - 1`'s).
    static func refs(ofChunk k: Int, fromSlot slot: Int) -> Range<ArticleRef> {
        start(ofChunk: k)..<ArticleRef(raw: start(ofChunk: k).raw + slotMask - UInt32(slot) + 1)
    }

    public static func < (a: ArticleRef, b: ArticleRef) -> Bool { a.raw < b.raw }
}

/// A snapshot's articles in order, held in chunks (128 articles at first, at most 256, each
/// stored oldest first: see `ArticleRef`) that snapshots share: a write copies the chunk it
/// changes and the small arrays that list the chunks, not every
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

    /// A chunk splits above `2 * chunkSize` articles, which must stay below 1 << slotBits.
    /// (Tests choose a small size to split and empty chunks often.)
    static let defaultChunkSize = 128
    let chunkSize: Int

    private var chunks: [Chunk]
    /// `starts[k]` is the index of `chunks[k]`'s first article.
    private var starts: [Int]
    public private(set) var count: Int
    /// The number `chunks[0]` has in refs (`chunks[k]` has `base + k`). It starts in the middle
    /// of the refs' 20-bit range, so that splitting a chunk can put its newer half in a new chunk
    /// before it, numbered one lower: the chunks before it are renumbered, the ones after are not
    /// — and a split of the first chunk, where new articles go, renumbers nothing but its half.
    private(set) var base: Int
    static let defaultBase = 1 << 19

    public init(_ articles: [Article]) { self.init(articles, chunkSize: Self.defaultChunkSize) }

    init(_ articles: [Article], chunkSize: Int, base: Int = ArticleList.defaultBase) {
        self.init(articles, order: Array(articles.indices), chunkSize: chunkSize, base: base)
    }

    /// `source[order[0]]`, `source[order[1]]`, … without an intermediate array.
    init(_ source: [Article], order: [Int], chunkSize: Int, base: Int = ArticleList.defaultBase) {
        precondition(chunkSize > 0 && 2 * chunkSize < 1 << ArticleRef.slotBits)
        // Room for the chunks after `base` (and for every later split): 2^19 chunks of 128 is
        // 67 million articles.
        precondition(base >= 0 && base + order.count / chunkSize + 1 < 1 << (32 - Int(ArticleRef.slotBits)))
        self.base = base
        self.chunkSize = chunkSize
        var chunks: [Chunk] = []
        var starts: [Int] = []
        var i = 0
        while i < order.count {
            let end = Swift.min(order.count, i + chunkSize)
            chunks.append(Chunk(order[i..<end].reversed().map { source[$0] }))
            starts.append(i)
            i = end
        }
        self.chunks = chunks
        self.starts = starts
        count = order.count
    }

    /// The ref `init` gives the article at index `i`.
    func initialRef(_ i: Int) -> ArticleRef {
        let k = i / chunkSize
        let n = Swift.min(chunkSize, count - k * chunkSize)
        return ArticleRef(chunk: base + k, slot: n - 1 - i % chunkSize)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Article {
        let k = chunk(containing: position)
        let items = chunks[k].items
        return items[items.count - 1 - (position - starts[k])]
    }

    public subscript(ref: ArticleRef) -> Article { chunks[ref.chunk - base].items[ref.slot] }

    /// The ref of the article at index `i`; for `i == count`, a ref after every article's.
    public func ref(at i: Int) -> ArticleRef {
        guard !chunks.isEmpty else { return ArticleRef.start(ofChunk: base) }
        let k = chunk(containing: i)
        let n = chunks[k].items.count, j = i - starts[k]
        return j < n ? ArticleRef(chunk: base + k, slot: n - 1 - j) : ArticleRef.start(ofChunk: base + k + 1)
    }

    /// The index of the article at `ref`.
    public func index(of ref: ArticleRef) -> Int {
        let k = ref.chunk - base
        return starts[k] + chunks[k].items.count - 1 - ref.slot
    }

    /// How many articles the chunk numbered `number` holds.
    func count(ofChunk number: Int) -> Int { chunks[number - base].items.count }

    /// The number of the last chunk (`base - 1` when there is none).
    var lastChunkNumber: Int { base + chunks.count - 1 }

    /// Every article's ref, in order.
    public func allRefs() -> [ArticleRef] {
        var out: [ArticleRef] = []
        out.reserveCapacity(count)
        for k in chunks.indices {
            let n = chunks[k].items.count
            for j in 0..<n { out.append(ArticleRef(chunk: base + k, slot: n - 1 - j)) }
        }
        return out
    }

    /// Calls `body(ref, id)` for the articles of the chunks numbered `first` through `last`, in
    /// the first from slot `slot` on, reading only the ids.
    func forEachID(chunk first: Int, fromSlot slot: Int, through last: Int, _ body: (ArticleRef, Int64) -> Void) {
        var number = first, j0 = slot
        while number <= last, number - base < chunks.count {
            // Through a buffer pointer, `items[j].id` reads the field in place; through the array
            // it copied the whole Article (a retain and a release per string and array in it).
            chunks[number - base].items.withUnsafeBufferPointer { items in
                var j = j0
                while j < items.count {
                    body(ArticleRef(chunk: number, slot: j), items[j].id)
                    j += 1
                }
            }
            number += 1
            j0 = 0
        }
    }

    /// Calls `body(ref, article)` for every article, in order.
    func forEachWithRef(_ body: (ArticleRef, Article) -> Void) {
        for k in chunks.indices {
            let items = chunks[k].items
            for j in items.indices.reversed() { body(ArticleRef(chunk: base + k, slot: j), items[j]) }
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

    /// How a chunk split after an insert: the chunk numbered `chunk` kept its older articles (its
    /// slots below `half`) and a new chunk before it, numbered one lower, took the newer ones
    /// (`half` slots lower), every earlier chunk's number going down by one (`front`); or, with no
    /// number left below the first chunk's (`base` 0, after half a million splits), it kept the
    /// newer ones and a new chunk after it took the older ones (same slots), every later chunk's
    /// number going up by one (`back`).
    enum Split: Equatable {
        case front(half: Int)
        case back(half: Int)
    }

    /// What an insert did: the chunk (its number) and slot the article went to, and whether the
    /// chunk then split.
    struct Insertion {
        let chunk: Int
        let slot: Int
        let split: Split?
        /// How many articles of its chunk are newer (they moved up a slot).
        let newerInChunk: Int

        /// The new article's ref once the insert is done.
        var ref: ArticleRef {
            switch split {
            case nil: ArticleRef(chunk: chunk, slot: slot)
            case .front(let half)?: slot >= half ? ArticleRef(chunk: chunk - 1, slot: slot - half) : ArticleRef(chunk: chunk, slot: slot)
            case .back(let half)?: slot >= half ? ArticleRef(chunk: chunk, slot: slot - half) : ArticleRef(chunk: chunk + 1, slot: slot)
            }
        }
    }

    /// Inserts `a` so that it is at index `i`; copies one chunk. The articles stored at or above
    /// its slot (the newer ones of its chunk) move up one slot.
    mutating func insert(_ a: Article, at i: Int) -> Insertion {
        guard !chunks.isEmpty else {
            chunks = [Chunk([a])]
            starts = [0]
            count = 1
            return Insertion(chunk: base, slot: 0, split: nil, newerInChunk: 0)
        }
        let k = chunk(containing: i)
        let number = base + k, newer = i - starts[k]
        var items = chunks[k].items
        let slot = items.count - newer
        items.insert(a, at: slot)
        count += 1
        guard items.count > 2 * chunkSize else {
            chunks[k] = Chunk(items)
            for j in (k + 1)..<starts.count { starts[j] += 1 }
            return Insertion(chunk: number, slot: slot, split: nil, newerInChunk: newer)
        }
        let half = items.count / 2
        if base > 0 {
            chunks[k] = Chunk(Array(items[..<half]))
            chunks.insert(Chunk(Array(items[half...])), at: k)
            starts.insert(starts[k], at: k)
            starts[k + 1] = starts[k] + items.count - half
            for j in (k + 2)..<starts.count { starts[j] += 1 }
            base -= 1
            return Insertion(chunk: number, slot: slot, split: .front(half: half), newerInChunk: newer)
        }
        chunks[k] = Chunk(Array(items[half...]))
        chunks.insert(Chunk(Array(items[..<half])), at: k + 1)
        starts.insert(starts[k] + items.count - half, at: k + 1)
        for j in (k + 2)..<starts.count { starts[j] += 1 }
        return Insertion(chunk: number, slot: slot, split: .back(half: half), newerInChunk: newer)
    }

    /// Removes and returns the article at `ref`; copies one chunk (which may be left empty). The
    /// articles stored above it (the newer ones of its chunk) move down one slot.
    @discardableResult
    mutating func remove(at ref: ArticleRef) -> Article {
        let k = ref.chunk - base
        var items = chunks[k].items
        let removed = items.remove(at: ref.slot)
        chunks[k] = Chunk(items)
        for j in (k + 1)..<starts.count { starts[j] -= 1 }
        count -= 1
        return removed
    }
}
