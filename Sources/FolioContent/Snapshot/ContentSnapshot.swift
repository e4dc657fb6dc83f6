/// An immutable in-memory view of all content (without bodies) and the
/// indexes the API reads: by slug, by id, per author, per tag, newest-first
/// order, counts, date bounds, redirects. Built off the event loops,
/// shared by reference, never mutated; a change builds a new one and
/// `SnapshotHolder` swaps it in.
public final class ContentSnapshot: Sendable {
    /// Increases by one with every swap; lets caches tell snapshots apart.
    public let generation: UInt64
    public let site: Site
    /// Newest first: `published_at` descending, then `id` descending.
    public let articles: ArticleList
    /// Sorted by name (case-insensitive), then slug.
    public let authors: [Author]
    /// Sorted by name (case-insensitive), then slug.
    public let tags: [Tag]
    /// The latest `updated_at` of any article (for `Last-Modified`), nil when empty.
    public let newestUpdate: Timestamp?
    /// Earliest and latest `published_at`, nil when empty.
    public let publishedBounds: ClosedRange<Timestamp>?

    /// Current slug → article id; id → ref in `articles`.
    private let slugIndex: SlugIndex
    private let refsByID: ArticleRefIndex
    private let redirects: [String: Int64]
    private let authorIndex: [String: Int32]
    /// Per author and per tag, the refs of their articles in `articles` order.
    private let authorRefs: [[ArticleRef]]
    private let tagIndex: [String: Int32]
    private let tagRefs: [[ArticleRef]]

    /// Builds the indexes from loaded content. O(n log n) in articles.
    public convenience init(_ data: ContentData, generation: UInt64) {
        self.init(data, generation: generation, chunkSize: ArticleList.defaultChunkSize)
    }

    /// With `articles` in chunks of `chunkSize`, the first numbered `base` (tests choose a small
    /// base to run out of numbers below the first chunk).
    convenience init(_ data: ContentData, generation: UInt64, chunkSize: Int, base: Int = ArticleList.defaultBase) {
        // Sorts indexes by flat keys, not the articles: moving an `Article` retains and releases
        // each of its strings and arrays (sorting 1,000,000 articles was 15 % of start-up).
        let keys = data.articles.map { (published: $0.publishedAt.epochSeconds, id: $0.id) }
        let order = keys.indices.sorted {
            keys[$0].published != keys[$1].published ? keys[$0].published > keys[$1].published : keys[$0].id > keys[$1].id
        }
        self.init(data, order: order, generation: generation, chunkSize: chunkSize, base: base)
    }

    /// The order of `articles`: newer `published_at` first, then higher id.
    static func newerFirst(_ a: Article, _ b: Article) -> Bool {
        a.publishedAt.epochSeconds != b.publishedAt.epochSeconds ? a.publishedAt.epochSeconds > b.publishedAt.epochSeconds : a.id > b.id
    }

    /// The next snapshot after a write: `changed` articles (as they are now) put in their place
    /// and `deleted` ids taken out of a copy of this one's articles and indexes, which are
    /// adjusted rather than rebuilt: a change costs a copy of one chunk of articles, of the id
    /// index (integers) and of the author and tag lists it touches, and moves the refs after it in
    /// its chunk (see `IndexState`) — at 100,000 articles well under a millisecond, where
    /// rebuilding took over 200 ms and loading from the store 600 ms. The site,
    /// authors, tags and redirects come from `catalog`; when the authors or tags themselves
    /// changed, their article lists are rebuilt from the articles.
    /// `catalog` nil keeps this snapshot's site, authors, tags and redirects.
    public func applying(changed: [Article], deleted: Set<Int64>, catalog: ContentData?, generation: UInt64) -> ContentSnapshot {
        var state = IndexState(articles: articles, slugIndex: slugIndex, refs: refsByID, authorRefs: authorRefs,
                               tagRefs: tagRefs, authorIndex: authorIndex, tagIndex: tagIndex, newest: newestUpdate)
        for id in deleted.union(changed.map(\.id)) { state.remove(id: id) }
        for a in changed where !deleted.contains(a.id) { state.insert(a) }
        guard let catalog else {
            return ContentSnapshot(state: state, site: site, authors: authors, tags: tags, redirects: redirects,
                                   authorIndex: authorIndex, tagIndex: tagIndex, generation: generation)
        }
        let newAuthors = catalog.authors.sorted { Self.nameOrder($0.name, $0.slug, $1.name, $1.slug) }
        let newTags = catalog.tags.sorted { Self.nameOrder($0.name, $0.slug, $1.name, $1.slug) }
        let sameAuthors = newAuthors.map(\.slug) == authors.map(\.slug)
        let sameTags = newTags.map(\.slug) == tags.map(\.slug)
        return ContentSnapshot(state: state, site: catalog.site ?? Site.placeholder, authors: newAuthors, tags: newTags,
                               redirects: catalog.redirects, keepAuthorLists: sameAuthors, keepTagLists: sameTags,
                               generation: generation)
    }

    /// From adjusted indexes, with the catalog (and its indexes) unchanged.
    private init(state: IndexState, site: Site, authors: [Author], tags: [Tag], redirects: [String: Int64],
                 authorIndex: [String: Int32], tagIndex: [String: Int32], generation: UInt64) {
        self.generation = generation
        self.site = site
        articles = state.articles
        self.authors = authors
        self.tags = tags
        slugIndex = state.slugIndex
        refsByID = state.refs
        self.authorIndex = authorIndex
        self.tagIndex = tagIndex
        authorRefs = state.authorRefs
        tagRefs = state.tagRefs
        self.redirects = redirects
        var newest = state.newest
        if state.newestRemoved {
            newest = nil
            for a in state.articles where newest.map({ a.updatedAt > $0 }) ?? true { newest = a.updatedAt }
        }
        newestUpdate = newest
        if let first = state.articles.first, let last = state.articles.last {
            publishedBounds = last.publishedAt...first.publishedAt
        } else {
            publishedBounds = nil
        }
    }

    /// From adjusted indexes; author or tag lists are rebuilt unless kept.
    private init(state: IndexState, site: Site, authors: [Author], tags: [Tag], redirects: [String: Int64],
                 keepAuthorLists: Bool, keepTagLists: Bool, generation: UInt64) {
        self.generation = generation
        self.site = site
        articles = state.articles
        self.authors = authors
        self.tags = tags
        var authorIndex: [String: Int32] = [:]
        for (i, a) in authors.enumerated() { authorIndex[a.slug] = Int32(i) }
        var tagIndex: [String: Int32] = [:]
        for (i, t) in tags.enumerated() { tagIndex[t.slug] = Int32(i) }
        var authorRefs = keepAuthorLists ? state.authorRefs : [[ArticleRef]](repeating: [], count: authors.count)
        var tagRefs = keepTagLists ? state.tagRefs : [[ArticleRef]](repeating: [], count: tags.count)
        // Only when authors or tags were added or removed: one pass over the articles (each
        // element read is a copy of an Article, which retains and releases its strings and
        // arrays: about 20 ms at 100,000).
        let list = state.articles
        if !keepAuthorLists || !keepTagLists {
            list.forEachWithRef { ref, a in
                if !keepAuthorLists { for s in a.authors { if let k = authorIndex[s] { authorRefs[Int(k)].append(ref) } } }
                if !keepTagLists { for s in a.tags { if let k = tagIndex[s] { tagRefs[Int(k)].append(ref) } } }
            }
        }
        var newest = state.newest
        if state.newestRemoved {
            newest = nil
            for a in list where newest.map({ a.updatedAt > $0 }) ?? true { newest = a.updatedAt }
        }
        slugIndex = state.slugIndex
        refsByID = state.refs
        self.authorIndex = authorIndex
        self.tagIndex = tagIndex
        self.authorRefs = authorRefs
        self.tagRefs = tagRefs
        self.redirects = redirects
        newestUpdate = newest
        if let first = state.articles.first, let last = state.articles.last {
            publishedBounds = last.publishedAt...first.publishedAt
        } else {
            publishedBounds = nil
        }
    }

    /// `order`: indexes into `data.articles`, newest first (`newerFirst`).
    private init(_ data: ContentData, order: [Int], generation: UInt64, chunkSize: Int, base: Int) {
        self.generation = generation
        site = data.site ?? Site.placeholder
        articles = ArticleList(data.articles, order: order, chunkSize: chunkSize, base: base)
        authors = data.authors.sorted { Self.nameOrder($0.name, $0.slug, $1.name, $1.slug) }
        tags = data.tags.sorted { Self.nameOrder($0.name, $0.slug, $1.name, $1.slug) }

        var authorIndex: [String: Int32] = [:]
        for (i, a) in authors.enumerated() { authorIndex[a.slug] = Int32(i) }
        var tagIndex: [String: Int32] = [:]
        for (i, t) in tags.enumerated() { tagIndex[t.slug] = Int32(i) }

        var slugPairs: [(String, Int64)] = []
        slugPairs.reserveCapacity(order.count)
        var refsByID = ArticleRefIndex()
        var authorRefs = [[ArticleRef]](repeating: [], count: authors.count)
        var tagRefs = [[ArticleRef]](repeating: [], count: tags.count)
        var newest: Timestamp?
        for (i, k) in order.enumerated() {
            // Field by field: `let a = data.articles[k]` copied the whole article (a retain and a
            // release per string and array), 13 % of start-up at 1,000,000 articles.
            let p = articles.initialRef(i)
            let id = data.articles[k].id
            slugPairs.append((data.articles[k].slug, id))
            refsByID[id] = p
            for s in data.articles[k].authors { if let j = authorIndex[s] { authorRefs[Int(j)].append(p) } }
            for s in data.articles[k].tags { if let j = tagIndex[s] { tagRefs[Int(j)].append(p) } }
            if newest.map({ data.articles[k].updatedAt.epochSeconds > $0.epochSeconds }) ?? true { newest = data.articles[k].updatedAt }
        }
        self.slugIndex = SlugIndex(slugPairs)
        self.refsByID = refsByID
        self.authorIndex = authorIndex
        self.tagIndex = tagIndex
        self.authorRefs = authorRefs
        self.tagRefs = tagRefs
        self.redirects = data.redirects
        newestUpdate = newest
        if let first = order.first, let last = order.last {
            publishedBounds = data.articles[last].publishedAt...data.articles[first].publishedAt
        } else {
            publishedBounds = nil
        }
    }

    /// A snapshot with no content (generation 0), for start-up.
    public static func empty(site: Site = .placeholder) -> ContentSnapshot {
        ContentSnapshot(ContentData(site: site, articles: [], authors: [], tags: [], redirects: [:]), generation: 0)
    }

    private static func nameOrder(_ n1: String, _ s1: String, _ n2: String, _ s2: String) -> Bool {
        let a = n1.lowercased(), b = n2.lowercased()
        return a != b ? a < b : s1 < s2
    }

    // MARK: articles

    /// The article with this current slug.
    public func article(slug: String) -> Article? {
        slugIndex[slug].flatMap { refsByID[$0] }.map { articles[$0] }
    }

    public func article(id: Int64) -> Article? {
        refsByID[id].map { articles[$0] }
    }

    /// The article at `ref` (a ref from this snapshot).
    public func article(at ref: ArticleRef) -> Article { articles[ref] }

    /// Where the article is in `articles`.
    public func ref(ofArticleID id: Int64) -> ArticleRef? { refsByID[id] }

    /// Every article's ref, newest first.
    public func allArticleRefs() -> [ArticleRef] { articles.allRefs() }

    /// The current slug for a slug the article had before a rename, or nil.
    public func redirectTarget(forOldSlug slug: String) -> String? {
        guard slugIndex[slug] == nil, let id = redirects[slug] else { return nil }
        return article(id: id)?.slug
    }

    /// The refs of the articles published within the bounds (inclusive), found by binary
    /// search. O(log n).
    public func refs(publishedSince since: Timestamp?, until: Timestamp?) -> Range<ArticleRef> {
        let r = positions(publishedSince: since, until: until)
        return articles.ref(at: r.lowerBound)..<articles.ref(at: r.upperBound)
    }

    /// Indexes in `articles` of the articles published within the bounds (inclusive), found by
    /// binary search. O(log n).
    public func positions(publishedSince since: Timestamp?, until: Timestamp?) -> Range<Int> {
        // articles are descending by published_at: [newer … older]
        let lower = until.map { u in partitionPoint { $0.publishedAt.epochSeconds <= u.epochSeconds } } ?? 0
        let upper = since.map { s in partitionPoint { $0.publishedAt.epochSeconds < s.epochSeconds } } ?? articles.count
        return lower..<max(lower, upper)
    }

    /// First index whose article satisfies `predicate` (which must be false…false true…true).
    private func partitionPoint(_ predicate: (Article) -> Bool) -> Int {
        var lo = 0, hi = articles.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(articles[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    // MARK: authors and tags

    public func author(slug: String) -> Author? {
        authorIndex[slug].map { authors[Int($0)] }
    }

    public func articleCount(author slug: String) -> Int {
        authorIndex[slug].map { authorRefs[Int($0)].count } ?? 0
    }

    /// The refs of this author's articles, ascending (newest first).
    public func articleRefs(author slug: String) -> [ArticleRef] {
        authorIndex[slug].map { authorRefs[Int($0)] } ?? []
    }

    public func tag(slug: String) -> Tag? {
        tagIndex[slug].map { tags[Int($0)] }
    }

    public func articleCount(tag slug: String) -> Int {
        tagIndex[slug].map { tagRefs[Int($0)].count } ?? 0
    }

    /// The refs of the articles with this tag, ascending (newest first).
    public func articleRefs(tag slug: String) -> [ArticleRef] {
        tagIndex[slug].map { tagRefs[Int($0)] } ?? []
    }

    // MARK: related

    /// How many of the newest articles of each author and tag `related`
    /// looks at, for a given limit.
    public static func relatedWindow(limit: Int) -> Int { max(4 * limit, 32) }

    /// Other articles sharing an author or a tag with `article`, ranked by
    /// the number of shared authors (weighing most), then shared tags, then
    /// recency (newest first); never `article` itself.
    ///
    /// Cost: candidates are gathered from the per-author and per-tag
    /// ref lists, which are newest first, taking at most
    /// W = `relatedWindow(limit:)` entries from each. With A authors and T
    /// tags that is k ≤ (A + T)·W candidates, counted in a dictionary, and
    /// the best `limit` kept as they come: O(k·limit), independent of the
    /// corpus size (sorting all k was 9 % of a long-tail miss, issue 15). The
    /// ranking is exact over those windows; an article older than the W
    /// newest of every list it shares is not considered.
    public func related(to article: Article, limit: Int) -> [Article] {
        guard limit > 0 else { return [] }
        let window = Self.relatedWindow(limit: limit)
        let me = refsByID[article.id]
        var scores: [ArticleRef: UInt32] = [:]
        scores.reserveCapacity(min(4096, (article.authors.count + article.tags.count) * window))
        for (i, slug) in article.authors.enumerated() where !article.authors[..<i].contains(slug) {
            guard let k = authorIndex[slug] else { continue }
            for p in authorRefs[Int(k)].prefix(window) where p != me { scores[p, default: 0] += 1 << 16 }
        }
        for (i, slug) in article.tags.enumerated() where !article.tags[..<i].contains(slug) {
            guard let k = tagIndex[slug] else { continue }
            for p in tagRefs[Int(k)].prefix(window) where p != me { scores[p, default: 0] += 1 }
        }
        // The best `limit`, best first: more shared, then the lower ref (newer).
        var best: [(ref: ArticleRef, score: UInt32)] = []
        best.reserveCapacity(limit + 1)
        func beats(_ r: ArticleRef, _ s: UInt32, _ other: (ref: ArticleRef, score: UInt32)) -> Bool {
            s != other.score ? s > other.score : r < other.ref
        }
        for (ref, score) in scores {
            if best.count == limit, !beats(ref, score, best[limit - 1]) { continue }
            var i = best.count
            while i > 0, beats(ref, score, best[i - 1]) { i -= 1 }
            best.insert((ref, score), at: i)
            if best.count > limit { best.removeLast() }
        }
        return best.map { articles[$0.ref] }
    }
}
