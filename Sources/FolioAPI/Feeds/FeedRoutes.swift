public import FolioHTTP
import FolioContent
import FolioJSON

/// Feeds (JSON Feed 1.1, Atom, RSS 2.0) for the site, each author and each tag; GET /api/v1/tags/{slug};
/// the OpenAPI document.
extension FolioApp {
    /// Adds the feed routes, the tag route and /api/v1/openapi.json to `router`.
    public func installFeedRoutes(into router: inout Router<APIResponder.Handler>) {
        for format in FeedFormat.allCases {
            router.add(.get, "/" + format.fileName) { [self] req, _ in feed(req, format: format, scope: nil) }
            router.add(.get, "/api/v1/authors/:slug/" + format.fileName) { [self] req, p in
                feed(req, format: format, scope: p["slug"].map { .author(String($0)) })
            }
            router.add(.get, "/api/v1/tags/:slug/" + format.fileName) { [self] req, p in
                feed(req, format: format, scope: p["slug"].map { .tag(String($0)) })
            }
        }
        router.add(.get, "/api/v1/tags/:slug") { [self] req, p in tag(req, slug: p["slug"]) }
        router.add(.get, "/api/v1/openapi.json") { [self] req, _ in openAPI(req) }
    }

    /// A feed page. `scope` nil is the whole site; its slug is still percent-encoded. Built on a
    /// worker thread: a page reads up to 50 article bodies.
    func feed(_ request: HTTPRequest, format: FeedFormat, scope raw: FeedScope?) -> HTTPResponse {
        cachedOffLoop(request) { [self] snapshot throws(APIError) in
            let params = try QueryParameters(raw: request.queryBytes)
            try params.requireOnly(["page"])
            let pageNumber = try params.integer("page", in: 1...1_000_000) ?? 1
            let scope: FeedScope
            switch raw {
            case nil: scope = .site
            case .site?: scope = .site
            case .author(let s)?: scope = .author(try Self.slugParameter(s))
            case .tag(let s)?: scope = .tag(try Self.slugParameter(s))
            }
            let page = try FeedPage.make(scope: scope, page: pageNumber, snapshot: snapshot, urls: urls)
            let encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var entries: [FeedEntry] = []
            entries.reserveCapacity(page.articles.count)
            for a in page.articles { entries.append(FeedEntry(a, body: try encoder.loadBody(a), snapshot: snapshot)) }
            let body: [UInt8]
            switch format {
            case .json: body = JSONFeedWriter.write(page, entries: entries)
            case .atom: body = AtomWriter.write(page, entries: entries)
            case .rss: body = RSSWriter.write(page, entries: entries)
            }
            var headers = HTTPResponse(status: 200)
            var links = ["<" + page.url(format, page: 1) + ">; rel=\"first\""]
            if page.page > 1 { links.append("<" + page.url(format, page: page.page - 1) + ">; rel=\"prev\"") }
            if page.page < page.pages { links.append("<" + page.url(format, page: page.page + 1) + ">; rel=\"next\"") }
            links.append("<" + page.url(format, page: page.pages) + ">; rel=\"last\"")
            headers.addHeader("Link", links.joined(separator: ", "))
            return Built(body: body, lastModified: page.updated?.epochSeconds, extraHeaders: headers.headerBytes,
                         contentType: format.contentType)
        }
    }

    /// GET /api/v1/tags/{slug}: the tag with its article count and its five newest articles.
    func tag(_ request: HTTPRequest, slug raw: String?) -> HTTPResponse {
        let key = CacheKey(target: request.targetBytes, variant: 0)
        if let hit = cache.lookup(key) { return hit.response(for: request, policy: policy) }
        return miss(request, key: key) { [self] snapshot throws(APIError) in
            try QueryParameters(raw: request.queryBytes).requireOnly([])
            let slug = try Self.slugParameter(raw)
            guard let t = snapshot.tag(slug: slug) else { throw APIError.notFound("no tag with slug \"\(slug)\"") }
            var encoder = ContentEncoder(snapshot: snapshot, bodies: bodies)
            var w = JSONWriter(capacity: 4 * 1024)
            w.beginObject()
            w.key("data")
            w.beginObject()
            w.field("slug", t.slug)
            w.field("name", t.name)
            w.field("article_count", snapshot.articleCount(tag: t.slug))
            w.field("url", "/api/v1/articles?tag=" + t.slug)
            w.key("latest_articles")
            w.beginArray()
            for p in snapshot.articleRefs(tag: t.slug).prefix(5) {
                try encoder.article(snapshot.article(at: p), fields: .summary, into: &w)
            }
            w.endArray()
            w.endObject()
            w.endObject()
            return Built(body: w.bytes, lastModified: encoder.newest ?? snapshot.newestUpdate?.epochSeconds, deps: .tag(t.slug))
        }
    }
}
