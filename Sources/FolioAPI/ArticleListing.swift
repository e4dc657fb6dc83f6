import FolioContent

/// Runs an `ArticleListQuery` against a snapshot: filters intersected (author AND tag AND dates
/// AND q), sorted, then cut to one page or one cursor step.
struct ArticleListing {
    /// Positions in `snapshot.articles` for this page, in order.
    var page: [Int32]
    var total: Int
    var nextCursor: String?
    /// Search rank by position (relevance and snippets), when q was given.
    var ranks = RankTable(count: 0)

    /// `budget` bounds the search (when `q` was given); it must have been made on this thread.
    static func run(_ query: ArticleListQuery, snapshot: ContentSnapshot, search: SearchIndex?,
                    budget: SearchBudget) throws(APIError) -> ArticleListing {
        var lists: [[Int32]] = []
        if !query.authors.isEmpty { lists.append(union(query.authors.map { snapshot.articlePositions(author: $0) })) }
        if !query.tags.isEmpty { lists.append(union(query.tags.map { snapshot.articlePositions(tag: $0) })) }
        var ranks = RankTable(count: 0)
        var hitOrder: [Int32] = []  // positions in rank order, best first, as the index returned them
        if let parsed = query.search {
            guard let search else { throw APIError(503, "search is not available") }
            let hits: [SearchHit]
            do { hits = try search.search(parsed, limit: Int(Int32.max), budget: budget) } catch { throw APIError(error) }
            ranks = RankTable(count: snapshot.articles.count)
            hitOrder.reserveCapacity(hits.count)
            for h in hits {
                guard let p = snapshot.position(ofArticleID: h.articleID) else { continue }
                hitOrder.append(Int32(p))
                ranks[Int32(p)] = h.rank
            }
            lists.append(hitOrder.sorted())
        }
        var candidates: [Int32]
        if lists.isEmpty {
            candidates = Array(0..<Int32(snapshot.articles.count))
        } else {
            lists.sort { $0.count < $1.count }
            candidates = lists[0]
            for other in lists.dropFirst() { candidates = intersect(candidates, other) }
        }
        if query.since != nil || query.until != nil {
            let range = snapshot.positions(publishedSince: query.since, until: query.until)
            candidates = candidates.filter { range.contains(Int($0)) }
        }
        let articles = snapshot.articles
        switch query.sort {
        case .newest:
            break
        case .oldest:
            candidates.reverse()
        case .title, .titleDescending:
            let keys = Dictionary(uniqueKeysWithValues: candidates.map { ($0, articles[Int($0)].title.lowercased()) })
            let asc = query.sort == .title
            candidates.sort {
                let a = keys[$0]!, b = keys[$1]!
                if a != b { return asc ? a < b : a > b }
                return articles[Int($0)].id < articles[Int($1)].id
            }
        case .relevance:
            // The index returns hits best first, ties by id descending (the order
            // `after(_:rank:cursor:)` continues in): keep that order, filtered to the candidates,
            // instead of sorting again.
            var member = [Bool](repeating: false, count: articles.count)
            for p in candidates { member[Int(p)] = true }
            candidates = hitOrder.filter { member[Int($0)] }
        }

        let start: Int
        if let cursor = query.cursor {
            start = candidates.firstIndex { after(articles[Int($0)], rank: ranks[$0], cursor: cursor) } ?? candidates.count
        } else {
            start = min(candidates.count, ((query.page ?? 1) - 1) * query.perPage)
        }
        let end = min(candidates.count, start + query.perPage)
        let page = Array(candidates[start..<end])
        var next: String?
        if end < candidates.count, let last = page.last {
            next = cursor(for: articles[Int(last)], rank: ranks[last], sort: query.sort).encoded
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

    /// Search ranks by article position; a flat array, so sorting and cursors need no hashing.
    struct RankTable {
        private var values: [Double]

        init(count: Int) { values = [Double](repeating: .nan, count: count) }

        subscript(_ position: Int32) -> Double? {
            get {
                guard Int(position) < values.count else { return nil }
                let v = values[Int(position)]
                return v.isNaN ? nil : v
            }
            set { values[Int(position)] = newValue ?? .nan }
        }
    }

    /// Sorted union of sorted position lists.
    static func union(_ lists: [[Int32]]) -> [Int32] {
        if lists.count == 1 { return lists[0] }
        return Array(Set(lists.joined())).sorted()
    }

    /// Intersection of two sorted lists.
    static func intersect(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
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
