import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/articles, /api/v1/articles/{slug}, /api/v1/articles/{slug}/related, /api/v1/search.
extension FolioApp {
    func articles(_ request: HTTPRequest) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            let query = try ArticleListQuery.parse(params, snapshot: snapshot)
            return try listBody(query, path: "/api/v1/articles", snapshot: snapshot, snippets: false)
        }
    }

    func article(_ request: HTTPRequest, slug raw: Substring?) -> HTTPResponse {
        let snapshot = snapshots.current()
        if let slug = try? Self.slugParameter(raw), snapshot.article(slug: slug) == nil,
           let target = snapshot.redirectTarget(forOldSlug: slug) {
            return redirect(request, to: "/api/v1/articles/" + target)
        }
        return cached(request) { snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["fields"])
            let slug = try Self.slugParameter(raw)
            guard let a = snapshot.article(slug: slug) else { throw APIError.notFound("no article with slug \"\(slug)\"") }
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
            return Built(body: w.bytes, lastModified: a.updatedAt.epochSeconds)
        }
    }

    func related(_ request: HTTPRequest, slug raw: Substring?) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
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
        cached(request) { snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            guard params.pairs.contains(where: { $0.name == "q" }) else { throw APIError.badParameter("q", "is required") }
            let query = try ArticleListQuery.parse(params, allowed: ["q", "page", "per_page", "cursor", "fields"], snapshot: snapshot)
            return try listBody(query, path: "/api/v1/search", snapshot: snapshot, snippets: true)
        }
    }

    /// The body and headers of any article list: data, meta.pagination, Link and X-Total-Count.
    func listBody(_ query: ArticleListQuery, path: String, snapshot: ContentSnapshot, snippets: Bool) throws(APIError) -> Built {
        let listing = try ArticleListing.run(query, snapshot: snapshot, search: search)
        var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
        var w = JSONWriter(capacity: 16 * 1024)
        w.beginObject()
        w.key("data")
        w.beginArray()
        for p in listing.page {
            let a = snapshot.articles[Int(p)]
            if snippets {
                // Search hits: the summary fields plus snippet and score.
                var item = JSONWriter(capacity: 1024)
                try encoder.article(a, fields: query.fields, into: &item)
                item.bytes.removeLast()  // reopen the object to append two fields
                w.rawJSON(item.bytes)
                w.bytes.append(contentsOf: Array(",\"snippet\":".utf8))
                var s = JSONWriter(capacity: 256)
                s.string(search?.snippet(articleID: a.id, query: query.q ?? "") ?? "")
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
        let pages = (listing.total + query.perPage - 1) / query.perPage
        w.key("meta")
        w.beginObject()
        w.key("pagination")
        w.beginObject()
        if let page = query.page { w.field("page", page) } else { w.key("page"); w.null() }
        w.field("per_page", query.perPage)
        w.field("total", listing.total)
        w.field("pages", pages)
        if let page = query.page, page < pages { w.field("next", page + 1) } else { w.key("next"); w.null() }
        if let page = query.page, page > 1 { w.field("prev", min(page - 1, max(pages, 1))) } else { w.key("prev"); w.null() }
        w.field("next_cursor", listing.nextCursor)
        w.endObject()
        w.endObject()
        w.endObject()

        var headers = HTTPResponse(status: 200)
        headers.addHeader("X-Total-Count", String(listing.total))
        headers.addHeader("Link", links(path: path, query: query, pages: pages, nextCursor: listing.nextCursor))
        return Built(body: w.bytes, lastModified: encoder.newest ?? snapshot.newestUpdate?.epochSeconds, extraHeaders: headers.headerBytes)
    }

    /// RFC 8288 Link header: first, prev, next, last (page mode) or next (cursor mode).
    func links(path: String, query: ArticleListQuery, pages: Int, nextCursor: String?) -> String {
        let base = path + "?" + query.linkBase
        var parts: [String] = []
        if let page = query.page {
            let last = max(pages, 1)
            parts.append("<\(base)&page=1>; rel=\"first\"")
            if page > 1 { parts.append("<\(base)&page=\(min(page - 1, last))>; rel=\"prev\"") }
            if page < pages { parts.append("<\(base)&page=\(page + 1)>; rel=\"next\"") }
            parts.append("<\(base)&page=\(last)>; rel=\"last\"")
        } else {
            parts.append("<\(base)&page=1>; rel=\"first\"")
            if let nextCursor { parts.append("<\(base)&cursor=\(nextCursor)>; rel=\"next\"") }
        }
        return parts.joined(separator: ", ")
    }

    func redirect(_ request: HTTPRequest, to path: String) -> HTTPResponse {
        let location = request.query.isEmpty ? path : path + "?" + request.query
        var r = HTTPResponse(status: 301, contentType: "application/problem+json",
                             body: Problem.response(301, detail: "this article moved to \(path)", instance: request.path).body)
        r.addHeader("Location", location)
        r.addHeader("Cache-Control", policy.cacheControl)
        policy.addCORS(to: &r, request: request)
        return r
    }
}
