public import FolioContent

/// Where absolute links point. Two different places: this API (`api`, where the server is
/// reached: feed self links, JSON-LD `@id`s, vCard UIDs) and the publication's human web pages
/// (feed item links, JSON-LD `url`, vCard `URL`), which an API cannot know by itself: they come
/// from templates with `{slug}`, then an article's own `canonical_url`, and only then fall back
/// to the API resource (a JSON document, labelled as such).
public struct PublicURLs: Sendable {
    /// The API's base, without a trailing slash ("https://api.example.org").
    public let api: String
    /// "https://www.example.org/articles/{slug}", or nil.
    public let articlePageTemplate: String?
    public let authorPageTemplate: String?

    public init(api: String, articlePage: String? = nil, authorPage: String? = nil) {
        var base = api
        while base.hasSuffix("/") { base.removeLast() }
        self.api = base
        articlePageTemplate = articlePage
        authorPageTemplate = authorPage
    }

    /// True for "http://host…" and "https://host…" with a host.
    public static func isAbsoluteHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            let rest = lower.dropFirst(scheme.count)
            return !rest.isEmpty && !rest.hasPrefix("/") && !url.contains(" ")
        }
        return false
    }

    public func articleAPI(_ slug: String) -> String { api + "/api/v1/articles/" + slug }
    public func authorAPI(_ slug: String) -> String { api + "/api/v1/authors/" + slug }
    public func tagAPI(_ slug: String) -> String { api + "/api/v1/tags/" + slug }

    /// The article's human page: the template, else its `canonical_url`; nil when neither is known.
    public func articlePage(_ a: Article) -> String? {
        if let t = articlePageTemplate { return Self.fill(t, slug: a.slug) }
        return a.canonicalURL
    }

    /// The author's human page from the template; nil without one.
    public func authorPage(_ slug: String) -> String? {
        authorPageTemplate.map { Self.fill($0, slug: slug) }
    }

    /// Where a reader of a feed goes for an article, and that link's media type.
    func articleLink(_ a: Article) -> (href: String, type: String) {
        if let page = articlePage(a) { return (page, "text/html") }
        return (articleAPI(a.slug), "application/json")
    }

    /// Where a reader goes for an author: the page, else the API resource.
    func authorLink(_ slug: String) -> String { authorPage(slug) ?? authorAPI(slug) }

    /// Slugs are lowercase letters, digits and hyphens (validated on the way in), so they need no
    /// escaping in a URL.
    static func fill(_ template: String, slug: String) -> String {
        template.replacingOccurrences(of: "{slug}", with: slug)
    }
}
