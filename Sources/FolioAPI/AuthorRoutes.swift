import FolioContent
import FolioHTTP
import FolioJSON

/// GET /api/v1/authors, /api/v1/authors/{slug}, /api/v1/authors/{slug}/articles, /api/v1/tags, /api/v1/site.
extension FolioApp {
    func authors(_ request: HTTPRequest) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
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
            let pages = (all.count + perPage - 1) / perPage
            w.key("meta")
            w.beginObject()
            w.key("pagination")
            w.beginObject()
            w.field("page", page)
            w.field("per_page", perPage)
            w.field("total", all.count)
            w.field("pages", pages)
            if page < pages { w.field("next", page + 1) } else { w.key("next"); w.null() }
            if page > 1 { w.field("prev", min(page - 1, max(pages, 1))) } else { w.key("prev"); w.null() }
            w.key("next_cursor"); w.null()
            w.endObject()
            w.endObject()
            w.endObject()
            var headers = HTTPResponse(status: 200)
            headers.addHeader("X-Total-Count", String(all.count))
            let base = "/api/v1/authors?per_page=\(perPage)"
            var links = ["<\(base)&page=1>; rel=\"first\""]
            if page > 1 { links.append("<\(base)&page=\(min(page - 1, max(pages, 1)))>; rel=\"prev\"") }
            if page < pages { links.append("<\(base)&page=\(page + 1)>; rel=\"next\"") }
            links.append("<\(base)&page=\(max(pages, 1))>; rel=\"last\"")
            headers.addHeader("Link", links.joined(separator: ", "))
            return Built(body: w.bytes, lastModified: snapshot.newestUpdate?.epochSeconds, extraHeaders: headers.headerBytes)
        }
    }

    func author(_ request: HTTPRequest, slug raw: Substring?) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly([])
            let slug = try Self.slugParameter(raw)
            guard let a = snapshot.author(slug: slug) else { throw APIError.notFound("no author with slug \"\(slug)\"") }
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 4 * 1024)
            w.beginObject()
            w.key("data")
            try encoder.author(a, latest: true, into: &w)
            w.endObject()
            return Built(body: w.bytes, lastModified: encoder.newest ?? snapshot.newestUpdate?.epochSeconds)
        }
    }

    func authorArticles(_ request: HTTPRequest, slug raw: Substring?) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
            let slug = try Self.slugParameter(raw)
            guard snapshot.author(slug: slug) != nil else { throw APIError.notFound("no author with slug \"\(slug)\"") }
            let params = try QueryParameters(raw: request.queryBytes)
            var allowed = ArticleListQuery.parameters
            allowed.remove("author")
            let query = try ArticleListQuery.parse(params, fixedAuthor: slug, allowed: allowed, snapshot: snapshot)
            return try listBody(query, path: "/api/v1/authors/\(slug)/articles", snapshot: snapshot, snippets: false)
        }
    }

    func tags(_ request: HTTPRequest) -> HTTPResponse {
        cached(request) { snapshot throws(APIError) in
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
        cached(request) { snapshot throws(APIError) in
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
