/// A snapshot's articles in order, held in chunks of about a thousand that snapshots share: a
/// write copies the chunk it changes and the small arrays that list the chunks, not every
/// article (copying an `Article` retains each of its strings and arrays: copying 100,000 of them
/// took 60 ms, and freeing the old copy as long again). Reading element `i` finds its chunk by
/// binary search over the chunks' start offsets (about seven steps at 100,000 articles).
public struct ArticleList: RandomAccessCollection, Sendable {
    /// One run of consecutive articles, shared by every snapshot that did not change it.
    final class Chunk: Sendable {
        let items: [Article]
        init(_ items: [Article]) { self.items = items }
    }

    static let chunkSize = 1024

    private var chunks: [Chunk]
    /// `starts[k]` is the index of chunk `k`'s first article.
    private var starts: [Int]
    public private(set) var count: Int

    public init(_ articles: [Article]) {
        var chunks: [Chunk] = []
        var starts: [Int] = []
        var i = 0
        while i < articles.count {
            let end = Swift.min(articles.count, i + Self.chunkSize)
            chunks.append(Chunk(Array(articles[i..<end])))
            starts.append(i)
            i = end
        }
        self.chunks = chunks
        self.starts = starts
        count = articles.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Article {
        let k = chunk(containing: position)
        return chunks[k].items[position - starts[k]]
    }

    /// Calls `body(index, id)` for every article from index `from` on, reading only the ids (no
    /// copy of an article, no search per element).
    func forEachID(from start: Int, _ body: (Int, Int64) -> Void) {
        guard start < count else { return }
        var k = chunk(containing: start)
        var i = start
        while k < chunks.count {
            // Through a buffer pointer, `items[j].id` reads the field in place; through the array
            // it copied the whole Article (a retain and a release per string and array in it:
            // over half of a write's CPU at 100,000 articles, measured with perf).
            chunks[k].items.withUnsafeBufferPointer { items in
                var j = i - starts[k]
                while j < items.count {
                    body(i, items[j].id)
                    i += 1
                    j += 1
                }
            }
            k += 1
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

    /// Inserts `a` so that it is at index `i`; copies one chunk.
    mutating func insert(_ a: Article, at i: Int) {
        guard !chunks.isEmpty else {
            chunks = [Chunk([a])]
            starts = [0]
            count = 1
            return
        }
        let k = chunk(containing: i)
        var items = chunks[k].items
        items.insert(a, at: i - starts[k])
        if items.count > 2 * Self.chunkSize {
            let half = items.count / 2
            chunks[k] = Chunk(Array(items[..<half]))
            chunks.insert(Chunk(Array(items[half...])), at: k + 1)
            starts.insert(starts[k] + half, at: k + 1)
            for j in (k + 2)..<starts.count { starts[j] += 1 }
        } else {
            chunks[k] = Chunk(items)
            for j in (k + 1)..<starts.count { starts[j] += 1 }
        }
        count += 1
    }

    /// Removes and returns the article at `i`; copies one chunk.
    @discardableResult
    mutating func remove(at i: Int) -> Article {
        let k = chunk(containing: i)
        var items = chunks[k].items
        let removed = items.remove(at: i - starts[k])
        if items.isEmpty {
            chunks.remove(at: k)
            starts.remove(at: k)
            for j in k..<starts.count { starts[j] -= 1 }
        } else {
            chunks[k] = Chunk(items)
            for j in (k + 1)..<starts.count { starts[j] -= 1 }
        }
        count -= 1
        return removed
    }
}
