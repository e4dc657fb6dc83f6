import FolioContent

/// Runs an `ArticleListQuery` against a snapshot: filters intersected (author AND tag AND dates
/// AND q), sorted, then cut to one page or one cursor step.
struct ArticleListing {
    /// Refs of this page's articles in the snapshot, in order.
    var page: [ArticleRef]
    var total: Int
    var nextCursor: String?
    /// Search rank by article (relevance and snippets), when q was given.
    var ranks: [ArticleRef: Double] = [:]

    /// `budget` bounds the search (when `q` was given); it must have been made on this thread.
    static func run(_ query: ArticleListQuery, snapshot: ContentSnapshot, search: (any FullTextSearch)?,
                    budget: SearchBudget) throws(APIError) -> ArticleListing {
        var lists: [[ArticleRef]] = []
        if !query.authors.isEmpty { lists.append(union(query.authors.map { snapshot.articleRefs(author: $0) })) }
        if !query.tags.isEmpty { lists.append(union(query.tags.map { snapshot.articleRefs(tag: $0) })) }
        var ranks: [ArticleRef: Double] = [:]
        var hitOrder: [ArticleRef] = []  // in rank order, best first, as the index returned them
        if let parsed = query.search {
            guard let search else { throw APIError(503, "search is not available") }
            let hits: [SearchHit]
            do { hits = try search.search(parsed, limit: Int(Int32.max), budget: budget) } catch { throw APIError(error) }
            ranks.reserveCapacity(hits.count)
            hitOrder.reserveCapacity(hits.count)
            for h in hits {
                guard let p = snapshot.ref(ofArticleID: h.articleID) else { continue }
                hitOrder.append(p)
                ranks[p] = h.rank
            }
            lists.append(hitOrder.sorted())
        }
        var candidates: [ArticleRef]
        if lists.isEmpty {
            candidates = snapshot.allArticleRefs()
        } else {
            lists.sort { $0.count < $1.count }
            candidates = lists[0]
            for other in lists.dropFirst() { candidates = intersect(candidates, other) }
        }
        if query.since != nil || query.until != nil {
            let range = snapshot.refs(publishedSince: query.since, until: query.until)
            candidates = candidates.filter { range.contains($0) }
        }
        let articles = snapshot.articles
        switch query.sort {
        case .newest:
            break
        case .oldest:
            candidates.reverse()
        case .title, .titleDescending:
            let keys = Dictionary(uniqueKeysWithValues: candidates.map { ($0, articles[$0].title.lowercased()) })
            let asc = query.sort == .title
            candidates.sort {
                let a = keys[$0]!, b = keys[$1]!
                if a != b { return asc ? a < b : a > b }
                return articles[$0].id < articles[$1].id
            }
        case .relevance:
            // The index returns hits best first, ties by id descending (the order
            // `after(_:rank:cursor:)` continues in): keep that order, filtered to the candidates,
            // instead of sorting again.
            let member = Set(candidates)
            candidates = hitOrder.filter { member.contains($0) }
        }

        let start: Int
        if let cursor = query.cursor {
            start = candidates.firstIndex { after(articles[$0], rank: ranks[$0], cursor: cursor) } ?? candidates.count
        } else {
            start = min(candidates.count, ((query.page ?? 1) - 1) * query.perPage)
        }
        let end = min(candidates.count, start + query.perPage)
        let page = Array(candidates[start..<end])
        var next: String?
        if end < candidates.count, let last = page.last {
            next = cursor(for: articles[last], rank: ranks[last], sort: query.sort).encoded
        }
        return ArticleListing(page: page, total: candidates.count, nextCursor: next, ranks: ranks)
    }

    static func cursor(for a: Article, rank: Double?, sort: ArticleSort) -> ListCursor {
        switch sort {
        case .newest, .oldest: ListCursor(sort: sort, key: String(a.publishedAt.epochSeconds), id: a.id)
        case .title, .titleDescending: ListCursor(sort: sort, key: a.title.lowercased(), id: a.id)
        case .relevance: ListCursor(sort: sort, key: String(rank ?? 0), id: a.id)
        }
    }

    /// Whether `a` comes strictly after the cursor's item in the cursor's order.
    static func after(_ a: Article, rank: Double?, cursor c: ListCursor) -> Bool {
        switch c.sort {
        case .newest:
            let k = Int64(c.key) ?? 0
            return a.publishedAt.epochSeconds < k || a.publishedAt.epochSeconds == k && a.id < c.id
        case .oldest:
            let k = Int64(c.key) ?? 0
            return a.publishedAt.epochSeconds > k || a.publishedAt.epochSeconds == k && a.id > c.id
        case .title:
            let t = a.title.lowercased()
            return t > c.key || t == c.key && a.id > c.id
        case .titleDescending:
            let t = a.title.lowercased()
            return t < c.key || t == c.key && a.id > c.id
        case .relevance:
            let k = Double(c.key) ?? 0, r = rank ?? 0
            return r > k || r == k && a.id < c.id
        }
    }

    /// Sorted union of sorted ref lists.
    static func union(_ lists: [[ArticleRef]]) -> [ArticleRef] {
        if lists.count == 1 { return lists[0] }
        return Array(Set(lists.joined())).sorted()
    }

    /// Intersection of two sorted lists.
    static func intersect(_ a: [ArticleRef], _ b: [ArticleRef]) -> [ArticleRef] {
        var out: [ArticleRef] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }
}

extension APIError {
    /// A search that could not be answered: 400 when the query is the cause (naming `q`), 503
    /// with Retry-After when the server is (a cancelled search is never answered; the status
    /// only reaches the access log).
    init(_ error: SearchError) {
        switch error {
        case .empty, .invalid, .overLimit, .tooExpensive:
            self = APIError.badParameter("q", error.message)
        case .cancelled:
            self = APIError(503, "the search was cancelled")
        case .unavailable(let m):
            self = APIError(503, "search is unavailable: \(m)")
            retryAfter = 5
        }
    }
}
