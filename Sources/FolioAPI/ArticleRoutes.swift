import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/articles, /api/v1/articles/{slug}, /api/v1/articles/{slug}/related, /api/v1/search.
extension FolioApp {
    func articles(_ request: HTTPRequest) -> HTTPResponse {
        if Self.hasStatusParameter(request.queryBytes) { return editorArticleList(request) }
        return cachedList(request) { [self] params, snapshot, budget throws(APIError) in
            let query = try ArticleListQuery.parse(params, snapshot: snapshot, searchLimits: searchLimits)
            return try listBody(query, path: "/api/v1/articles", snapshot: snapshot, snippets: false, budget: budget)
        }
    }

    /// The slug is decoded from the route parameters only on a cache miss.
    func article(_ request: HTTPRequest, parameters: RouteParameters) -> HTTPResponse {
        guard let format = Negotiation.choose(request.headerBytes("accept"), offers: Self.articleOffers) else {
            return notAcceptable(request, offers: Self.articleOffers)
        }
        // A reader with a token sees the article's revision (for If-Match): not from the cache,
        // off the loop (the token is checked against the store). The field-name summary answers
        // "no Authorization" without a scan, so public reads pay nothing for this.
        if format == 0, adminAuth != nil, request.headerBytes("authorization") != nil {
            return authorisedArticle(request, slug: parameters["slug"])
        }
        let vary = policy.negotiatedVary
        let key = CacheKey(target: request.targetBytes, variant: format + 1)
        if let hit = cache.lookup(key) {
            return hit.response(for: request, policy: policy)
        }
        let raw = parameters["slug"]
        let snapshot = snapshots.current()
        let decoded = try? Self.slugParameter(raw)
        let known = decoded.map { snapshot.article(slug: $0) != nil } ?? false
        if let slug = decoded, !known, let target = snapshot.redirectTarget(forOldSlug: slug) {
            return redirect(request, to: "/api/v1/articles/" + target)
        }
        // An unknown slug reads no body: its 404 is built where it is, even on a replica.
        let build = known ? miss : buildMiss
        return build(request, key) { [self] snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["fields"])
            let slug = try Self.slugParameter(raw)
            guard let a = snapshot.article(slug: slug) else { throw APIError.notFound("no article with slug \"\(slug)\"") }
            if format == 1 {
                let body = try ContentEncoder(snapshot: snapshot, bodies: bodies).loadBody(a)
                return Built(body: JSONLD.article(a, body: body, snapshot: snapshot, urls: urls),
                             lastModified: a.updatedAt.epochSeconds, contentType: JSONLD.contentType, vary: vary, deps: .article(a))
            }
            var fields = ArticleFields.full
            let list = try params.list("fields")
            if !list.isEmpty || params.pairs.contains(where: { $0.name == "fields" }) {
                fields = try ArticleFields.parse(list, allowed: .full)
                if fields.isEmpty { throw APIError.badParameter("fields", "must name at least one field") }
            }
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 16 * 1024)
            w.beginObject()
            w.key("data")
            try encoder.article(a, fields: fields, into: &w)
            w.endObject()
            return Built(body: w.bytes, lastModified: a.updatedAt.epochSeconds, vary: vary, deps: .article(a),
                         servedSpan: encoder.servedSpan)
        }
    }

    func related(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self] snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["limit"])
            let limit = try params.integer("limit", in: 1...50) ?? 5
            let slug = try Self.slugParameter(raw)
            guard let a = snapshot.article(slug: slug) else { throw APIError.notFound("no article with slug \"\(slug)\"") }
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 8 * 1024)
            let items = snapshot.related(to: a, limit: limit)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for r in items { try encoder.article(r, fields: .summary, into: &w) }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.field("article", a.slug)
            w.field("limit", limit)
            w.field("count", items.count)
            w.endObject()
            w.endObject()
            return Built(body: w.bytes, lastModified: encoder.newest ?? a.updatedAt.epochSeconds)
        }
    }

    func searchRoute(_ request: HTTPRequest) -> HTTPResponse {
        cachedList(request) { [self] params, snapshot, budget throws(APIError) in
            guard params.pairs.contains(where: { $0.name == "q" }) else { throw APIError.badParameter("q", "is required") }
            let query = try ArticleListQuery.parse(params, allowed: ["q", "page", "per_page", "cursor", "fields"], snapshot: snapshot,
                                                   searchLimits: searchLimits)
            return try listBody(query, path: "/api/v1/search", snapshot: snapshot, snippets: true, budget: budget)
        }
    }

    /// The body and headers of any article list: data, meta.pagination, Link and X-Total-Count.
    func listBody(_ query: ArticleListQuery, path: String, snapshot: ContentSnapshot, snippets: Bool,
                  budget: SearchBudget) throws(APIError) -> Built {
        let listing = try ArticleListing.run(query, snapshot: snapshot, search: search, budget: budget)
        var snippetTexts: [String] = []
        if snippets, let search, let parsed = query.search {
            let ids = listing.page.map { snapshot.article(at: $0).id }
            do { snippetTexts = try search.snippets(articleIDs: ids, query: parsed, budget: budget) } catch { throw APIError(error) }
        }
        var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
        var w = JSONWriter(capacity: 16 * 1024)
        w.beginObject()
        w.key("data")
        w.beginArray()
        for (n, p) in listing.page.enumerated() {
            let a = snapshot.article(at: p)
            if snippets {
                // Search hits: the summary fields plus snippet and score.
                var item = JSONWriter(capacity: 1024)
                try encoder.article(a, fields: query.fields, into: &item)
                item.bytes.removeLast()  // reopen the object to append two fields
                w.rawJSON(item.bytes)
                w.bytes.append(contentsOf: Array(",\"snippet\":".utf8))
                var s = JSONWriter(capacity: 256)
                s.string(n < snippetTexts.count ? snippetTexts[n] : "")
                w.bytes.append(contentsOf: s.bytes)
                w.bytes.append(contentsOf: Array(",\"score\":".utf8))
                var n = JSONWriter(capacity: 32)
                n.double(-(listing.ranks[p] ?? 0))
                w.bytes.append(contentsOf: n.bytes)
                w.bytes.append(0x7D)
            } else {
                try encoder.article(a, fields: query.fields, into: &w)
            }
        }
        w.endArray()
        let pagination = Pagination(page: query.page, perPage: query.perPage, total: listing.total,
                                    nextCursor: listing.nextCursor, path: path, linkBase: query.linkBase)
        w.key("meta")
        w.beginObject()
        pagination.write(into: &w)
        w.endObject()
        w.endObject()
        return Built(body: w.bytes, lastModified: encoder.newest ?? snapshot.newestUpdate?.epochSeconds,
                     extraHeaders: pagination.headerBytes)
    }

    /// 301 to the article's current slug. The Location keeps only what the article route takes
    /// (`fields`), re-encoded: it is publicly cacheable, so nothing else a client sent goes in it.
    func redirect(_ request: HTTPRequest, to path: String) -> HTTPResponse {
        var location = path
        if let params = try? QueryParameters(raw: request.queryBytes) {
            let fields = params.pairs.filter { $0.name == "fields" }.map {
                "fields=" + ArticleListQuery.escape($0.value).replacingOccurrences(of: "%2C", with: ",")
            }
            if !fields.isEmpty { location += "?" + fields.joined(separator: "&") }
        }
        var r = HTTPResponse(status: 301, contentType: "application/problem+json",
                             body: ProblemResponse.make(status: 301, detail: "this article moved to \(path)", instance: request.path).body)
        r.addHeader("Location", location)
        r.addHeader("Cache-Control", policy.cacheControl)
        policy.addCORS(to: &r, request: request)
        return r
    }
}
