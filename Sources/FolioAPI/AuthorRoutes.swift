import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/authors, /api/v1/authors/{slug}, /api/v1/authors/{slug}/articles, /api/v1/tags, /api/v1/site.
extension FolioApp {
    func authors(_ request: HTTPRequest) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self] snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["page", "per_page"])
            let perPage = try params.integer("per_page", in: 1...100) ?? 20
            let page = try params.integer("page", in: 1...1_000_000) ?? 1
            let all = snapshot.authors
            let start = min(all.count, (page - 1) * perPage)
            let slice = all[start..<min(all.count, start + perPage)]
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 8 * 1024)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for a in slice { try encoder.author(a, latest: false, into: &w) }
            w.endArray()
            let pagination = Pagination(page: page, perPage: perPage, total: all.count, nextCursor: nil,
                                        path: "/api/v1/authors", linkBase: "per_page=\(perPage)")
            w.key("meta")
            w.beginObject()
            pagination.write(into: &w)
            w.endObject()
            w.endObject()
            return Built(body: w.bytes, lastModified: snapshot.newestUpdate?.epochSeconds, extraHeaders: pagination.headerBytes)
        }
    }

    /// The card as JSON, vCard (`.vcf` suffix or `Accept: text/vcard`) or JSON-LD (`Accept: application/ld+json`).
    func author(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        var raw = raw
        let format: Int
        var vary: String?
        if let r = raw, r.hasSuffix(".vcf") {
            raw = String(r.dropLast(4))
            format = 1
        } else {
            vary = policy.negotiatedVary
            guard let chosen = Negotiation.choose(request.headerBytes("accept"), offers: Self.authorOffers) else {
                return notAcceptable(request, offers: Self.authorOffers)
            }
            format = chosen
        }
        let key = CacheKey(target: request.targetBytes, variant: vary == nil ? 0 : format + 1)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self, raw, vary] snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly([])
            let slug = try Self.slugParameter(raw)
            guard let a = snapshot.author(slug: slug) else { throw APIError.notFound("no author with slug \"\(slug)\"") }
            if format == 1 {
                return Built(body: VCard.write(a, site: snapshot.site, urls: urls),
                             lastModified: snapshot.newestUpdate?.epochSeconds, contentType: VCard.contentType, vary: vary,
                             deps: .author(a.slug))
            }
            if format == 2 {
                return Built(body: JSONLD.author(a, site: snapshot.site, urls: urls),
                             lastModified: snapshot.newestUpdate?.epochSeconds, contentType: JSONLD.contentType, vary: vary,
                             deps: .author(a.slug))
            }
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 4 * 1024)
            w.beginObject()
            w.key("data")
            try encoder.author(a, latest: true, into: &w)
            w.endObject()
            return Built(body: w.bytes, lastModified: encoder.newest ?? snapshot.newestUpdate?.epochSeconds, vary: vary,
                         deps: .author(a.slug))
        }
    }

    func authorArticles(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        cachedList(request) { [self] params, snapshot, budget throws(APIError) in
            let slug = try Self.slugParameter(raw)
            guard snapshot.author(slug: slug) != nil else { throw APIError.notFound("no author with slug \"\(slug)\"") }
            var allowed = ArticleListQuery.parameters
            allowed.remove("author")
            let query = try ArticleListQuery.parse(params, fixedAuthor: slug, allowed: allowed, snapshot: snapshot,
                                                   searchLimits: searchLimits)
            return try listBody(query, path: "/api/v1/authors/\(slug)/articles", snapshot: snapshot, snippets: false, budget: budget)
        }
    }

    func tags(_ request: HTTPRequest) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self] snapshot throws(APIError) in
            try QueryParameters(raw: request.queryBytes).requireOnly([])
            let encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 4 * 1024)
            w.beginObject()
            w.key("data")
            w.beginArray()
            for t in snapshot.tags { encoder.tag(t, into: &w) }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.field("total", snapshot.tags.count)
            w.endObject()
            w.endObject()
            return Built(body: w.bytes, lastModified: snapshot.newestUpdate?.epochSeconds)
        }
    }

    func site(_ request: HTTPRequest) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self] snapshot throws(APIError) in
            try QueryParameters(raw: request.queryBytes).requireOnly([])
            let encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 1024)
            w.beginObject()
            w.key("data")
            encoder.site(into: &w)
            w.endObject()
            return Built(body: w.bytes, lastModified: snapshot.newestUpdate?.epochSeconds)
        }
    }
}
