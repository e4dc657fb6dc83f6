import FolioContent

/// The three feed formats Folio writes.
enum FeedFormat: CaseIterable, Sendable {
    case json, atom, rss

    var fileName: String {
        switch self {
        case .json: "feed.json"
        case .atom: "feed.atom"
        case .rss: "feed.rss"
        }
    }

    var contentType: String {
        switch self {
        case .json: "application/feed+json; charset=utf-8"
        case .atom: "application/atom+xml; charset=utf-8"
        case .rss: "application/rss+xml; charset=utf-8"
        }
    }

    var mediaType: String {
        switch self {
        case .json: "application/feed+json"
        case .atom: "application/atom+xml"
        case .rss: "application/rss+xml"
        }
    }
}

/// Which articles a feed covers.
enum FeedScope: Sendable {
    case site
    case author(String)
    case tag(String)
}

/// One page of a feed: the newest `pageSize` articles of its scope, or older ones with `?page=N`.
struct FeedPage {
    static let pageSize = 50

    let site: Site
    /// Where links point: the feed's own URLs are under `urls.api`.
    let urls: PublicURLs
    /// Host for `tag:` URIs (RFC 4151): the publication's, so ids survive moving the API.
    let host: String
    let title: String
    let description: String
    /// The path the feed files hang off: "" for the site, "/api/v1/authors/{slug}", "/api/v1/tags/{slug}".
    let scopePath: String
    /// The page's home: the site, the author's page (or API resource), the tag's API resource.
    let homePage: String
    let page: Int
    let pages: Int
    let articles: [Article]
    /// Newest `updated_at` of the page's entries (else of the whole content).
    let updated: Timestamp?

    /// The absolute URL of this feed in `format`, at `page` (page 1 has no query).
    func url(_ format: FeedFormat, page: Int) -> String {
        let u = urls.api + scopePath + "/" + format.fileName
        return page > 1 ? u + "?page=" + String(page) : u
    }

    /// A stable identifier for the feed itself (page-independent).
    func feedID(_ format: FeedFormat) -> String { urls.api + scopePath + "/" + format.fileName }

    /// The article's permanent id: `tag:host,YYYY-MM-DD:articles/ID` (RFC 4151), from the store id
    /// (which survives renames) and the date it was first published.
    func entryID(_ a: Article) -> String {
        "tag:" + host + "," + String(a.publishedAt.rfc3339.prefix(10)) + ":articles/" + String(a.id)
    }

    /// Where a reader goes: the article's human page (`article_url`, else its `canonical_url`),
    /// else the API resource.
    func link(_ a: Article) -> String { urls.articleLink(a).href }

    func apiURL(_ a: Article) -> String { urls.articleAPI(a.slug) }

    static func make(scope: FeedScope, page: Int, snapshot: ContentSnapshot, urls: PublicURLs) throws(APIError) -> FeedPage {
        let site = snapshot.site
        let title: String, description: String, scopePath: String, home: String
        let refs: [ArticleRef]?
        switch scope {
        case .site:
            title = site.name
            description = site.description
            scopePath = ""
            home = site.url
            refs = nil
        case .author(let slug):
            guard let a = snapshot.author(slug: slug) else { throw APIError.notFound("no author with slug \"\(slug)\"") }
            title = a.name + " — " + site.name
            description = "Articles by " + a.name
            scopePath = "/api/v1/authors/" + a.slug
            home = urls.authorLink(a.slug)
            refs = snapshot.articleRefs(author: a.slug)
        case .tag(let slug):
            guard let t = snapshot.tag(slug: slug) else { throw APIError.notFound("no tag with slug \"\(slug)\"") }
            title = t.name + " — " + site.name
            description = "Articles tagged " + t.name
            scopePath = "/api/v1/tags/" + t.slug
            home = urls.tagAPI(t.slug)
            refs = snapshot.articleRefs(tag: t.slug)
        }
        let total = refs?.count ?? snapshot.articles.count
        let pages = max(1, (total + pageSize - 1) / pageSize)
        guard page <= pages else {
            throw APIError(404, "page \(page) is past the last page (\(pages)) of this feed")
        }
        let start = (page - 1) * pageSize
        let end = min(total, start + pageSize)
        var articles: [Article] = []
        articles.reserveCapacity(end - start)
        var updated: Timestamp?
        for i in start..<end {
            let a = refs.map { snapshot.article(at: $0[i]) } ?? snapshot.articles[i]
            articles.append(a)
            if updated.map({ a.updatedAt > $0 }) ?? true { updated = a.updatedAt }
        }
        return FeedPage(site: site, urls: urls, host: Self.host(of: site.url), title: title, description: description,
                        scopePath: scopePath, homePage: home, page: page, pages: pages, articles: articles,
                        updated: updated ?? snapshot.newestUpdate)
    }

    /// The host part of an http(s) URL, lowercased; "localhost" when there is none.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        let end = rest.firstIndex(where: { $0 == "/" || $0 == ":" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var host = rest[..<end]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        return host.isEmpty ? "localhost" : host.lowercased()
    }
}

/// An article with what every feed format writes for it.
struct FeedEntry {
    let article: Article
    let body: ArticleBody
    let authors: [Author]
    let tags: [Tag]

    init(_ a: Article, body: ArticleBody, snapshot: ContentSnapshot) {
        article = a
        self.body = body
        authors = a.authors.map { snapshot.author(slug: $0) ?? Author(slug: $0, name: $0) }
        tags = a.tags.map { snapshot.tag(slug: $0) ?? Tag(slug: $0, name: $0) }
    }
}
