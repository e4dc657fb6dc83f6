/// An article as a client or an import file supplies it: the body as
/// Markdown or HTML, derived fields (text, word count, reading time,
/// default excerpt) not yet computed.
public struct ArticleInput: Sendable, Hashable {
    public var id: Int64?
    public var slug: String
    public var title: String
    public var excerpt: String?
    /// RFC 3339 date-time or date.
    public var publishedAt: String
    /// Defaults to `publishedAt`.
    public var updatedAt: String?
    /// Defaults to `en`.
    public var language: String?
    public var canonicalURL: String?
    public var authors: [String]
    public var tags: [String]
    /// Exactly one of `bodyMarkdown` and `html` must be given.
    public var bodyMarkdown: String?
    public var html: String?
    public var oldSlugs: [String]
    /// `draft`, `scheduled` or `published` (the default).
    public var status: String?

    public init(
        id: Int64? = nil, slug: String, title: String, excerpt: String? = nil, publishedAt: String,
        updatedAt: String? = nil, language: String? = nil, canonicalURL: String? = nil, authors: [String],
        tags: [String] = [], bodyMarkdown: String? = nil, html: String? = nil, oldSlugs: [String] = [], status: String? = nil
    ) {
        self.status = status
        self.id = id
        self.slug = slug
        self.title = title
        self.excerpt = excerpt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.language = language
        self.canonicalURL = canonicalURL
        self.authors = authors
        self.tags = tags
        self.bodyMarkdown = bodyMarkdown
        self.html = html
        self.oldSlugs = oldSlugs
    }
}

extension ArticleInput {
    /// The input that would recreate `record` (for partial updates: load,
    /// change some fields, `ArticleRecord.make` again). The body is given as
    /// Markdown, or as HTML when the article has no Markdown source.
    public init(_ record: ArticleRecord) {
        let a = record.article
        self.init(
            id: a.id > 0 ? a.id : nil, slug: a.slug, title: a.title, excerpt: a.excerpt, publishedAt: a.publishedAt.rfc3339,
            updatedAt: a.updatedAt.rfc3339, language: a.language, canonicalURL: a.canonicalURL, authors: a.authors,
            tags: a.tags, bodyMarkdown: record.body.markdown.isEmpty ? nil : record.body.markdown,
            html: record.body.markdown.isEmpty ? record.body.html : nil, oldSlugs: record.oldSlugs,
            status: record.status == .published ? nil : record.status.rawValue)
    }
}

extension ArticleRecord {
    /// Validates `input`, renders its body (Markdown → HTML, or sanitises the
    /// given HTML), derives text, word count, reading time and, when none is
    /// given, the excerpt. Every problem is reported, each naming its field. (A `scheduled`
    /// article whose time has passed is accepted: an import of an older export publishes it at
    /// once; the write API asks for a future time.)
    public static func make(_ input: ArticleInput) throws(ValidationError) -> ArticleRecord {
        var v = Validator()
        let status = input.status.map { ArticleStatus(rawValue: $0) } ?? .published
        if status == nil { v.fail("status", "must be draft, scheduled or published") }
        v.slug(input.slug, field: "slug")
        v.required(input.title, field: "title", maxLength: 500)
        let published = v.timestamp(input.publishedAt, field: "published_at")
        let updated = input.updatedAt.map { v.timestamp($0, field: "updated_at") } ?? published
        if let published, let updated, updated < published {
            v.fail("updated_at", "must not be earlier than published_at")
        }
        let language = input.language ?? "en"
        v.language(language, field: "language")
        if let url = input.canonicalURL { v.httpURL(url, field: "canonical_url") }
        if input.authors.isEmpty { v.fail("authors", "at least one author slug is required") }
        for (i, a) in input.authors.enumerated() { v.slug(a, field: "authors[\(i)]") }
        if Set(input.authors).count != input.authors.count { v.fail("authors", "lists an author twice") }
        for (i, t) in input.tags.enumerated() { v.slug(t, field: "tags[\(i)]") }
        if Set(input.tags).count != input.tags.count { v.fail("tags", "lists a tag twice") }
        for (i, s) in input.oldSlugs.enumerated() {
            v.slug(s, field: "old_slugs[\(i)]")
            if s == input.slug { v.fail("old_slugs[\(i)]", "must differ from the current slug") }
        }
        if let id = input.id, id <= 0 { v.fail("id", "must be a positive integer") }
        let body: ArticleBody
        switch (input.bodyMarkdown, input.html) {
        case (let md?, nil):
            let html = Markdown.html(from: md)
            body = ArticleBody(markdown: md, html: html, text: PlainText.from(html: html))
        case (nil, let html?):
            let clean = HTMLSanitizer.sanitize(html)
            body = ArticleBody(markdown: "", html: clean, text: PlainText.from(html: clean))
        case (nil, nil):
            v.fail("body_markdown", "is required (or give html)")
            body = ArticleBody(markdown: "", html: "", text: "")
        case (.some, .some):
            v.fail("html", "give either body_markdown or html, not both")
            body = ArticleBody(markdown: "", html: "", text: "")
        }
        if let e = input.excerpt { v.maxLength(e, field: "excerpt", 2000) }
        try v.finish()
        let words = TextStats.wordCount(body.text)
        let article = Article(
            id: input.id ?? 0, slug: input.slug, title: input.title,
            excerpt: input.excerpt ?? TextStats.excerpt(from: body.text),
            publishedAt: published!, updatedAt: updated!, language: language, canonicalURL: input.canonicalURL,
            readingTimeMinutes: TextStats.readingTime(words: words), wordCount: words,
            authors: input.authors, tags: input.tags)
        return ArticleRecord(article: article, body: body, oldSlugs: input.oldSlugs, status: status ?? .published)
    }
}
