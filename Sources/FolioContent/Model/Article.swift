/// An article's metadata as the snapshot keeps it in memory: everything the
/// list and detail endpoints need except the body, which `BodyStore` loads
/// on demand.
public struct Article: Sendable, Hashable {
    /// Store-assigned identifier, stable across renames.
    public var id: Int64
    /// Current URL slug (old slugs redirect; see `ContentSnapshot.redirectTarget(forOldSlug:)`).
    public var slug: String
    public var title: String
    /// Given excerpt, or the first ~200 characters of the text.
    public var excerpt: String
    public var publishedAt: Timestamp
    public var updatedAt: Timestamp
    /// BCP 47 language tag, e.g. `en`.
    public var language: String
    public var canonicalURL: String?
    /// Word count / 230, rounded up, at least 1.
    public var readingTimeMinutes: Int
    public var wordCount: Int
    /// Author slugs in byline order.
    public var authors: [String]
    /// Tag slugs in the order given.
    public var tags: [String]
    /// Bumped by every write to the article (for `If-Match: "r<revision>"`); 1 when created.
    public var revision: Int64 = 1

    public init(
        id: Int64, slug: String, title: String, excerpt: String, publishedAt: Timestamp, updatedAt: Timestamp,
        language: String, canonicalURL: String?, readingTimeMinutes: Int, wordCount: Int,
        authors: [String], tags: [String], revision: Int64 = 1
    ) {
        self.revision = revision
        self.id = id
        self.slug = slug
        self.title = title
        self.excerpt = excerpt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.language = language
        self.canonicalURL = canonicalURL
        self.readingTimeMinutes = readingTimeMinutes
        self.wordCount = wordCount
        self.authors = authors
        self.tags = tags
    }
}

/// An article's body in its three forms. `markdown` is empty when the
/// article was supplied as HTML.
public struct ArticleBody: Sendable, Hashable {
    /// The Markdown source ("" when the article came as HTML).
    public var markdown: String
    /// Rendered (or sanitised) HTML, safe to embed.
    public var html: String
    /// Plain text: paragraphs separated by blank lines.
    public var text: String

    public init(markdown: String, html: String, text: String) {
        self.markdown = markdown
        self.html = html
        self.text = text
    }
}

/// An article ready to be written: metadata plus body. Build one from
/// user input with `ArticleRecord.make(_:)`, which renders and validates.
public struct ArticleRecord: Sendable, Hashable {
    /// `id == 0` asks the store to assign one (or keep the current one for an existing slug).
    public var article: Article
    public var body: ArticleBody
    /// Slugs this article was known by before; they redirect to `article.slug`.
    public var oldSlugs: [String]
    /// Only `published` articles are public.
    public var status: ArticleStatus
    /// `body` in its stored form, when it was made ahead of the write (`prepareStoredBody()`,
    /// off the writer's thread). Not part of equality: it only caches what `body` says.
    public private(set) var prepared: StoredBody?

    public init(article: Article, body: ArticleBody, oldSlugs: [String] = [], status: ArticleStatus = .published) {
        self.article = article
        self.body = body
        self.oldSlugs = oldSlugs
        self.status = status
    }

    /// Makes the stored form now (~300 µs for a 20 KB body: escaping and deflating), so that the
    /// write that follows does not do it inside its transaction.
    public mutating func prepareStoredBody() {
        prepared = StoredBody(body)
    }

    /// The stored form of `body`: the prepared one, or made now.
    var storedBody: StoredBody { prepared.flatMap { $0.source == body ? $0 : nil } ?? StoredBody(body) }

    public static func == (a: ArticleRecord, b: ArticleRecord) -> Bool {
        a.article == b.article && a.body == b.body && a.oldSlugs == b.oldSlugs && a.status == b.status
    }

    public func hash(into h: inout Hasher) {
        h.combine(article)
        h.combine(body)
        h.combine(oldSlugs)
        h.combine(status)
    }
}

/// An article body as the store writes it: the served form and the deflated Markdown source.
public struct StoredBody: Sendable, Hashable {
    /// What it was made from (a prepared form is used only while the body is unchanged).
    let source: ArticleBody
    public let served: ServedBody
    /// `StoredMarkdown`, nil when the article came as HTML.
    public let markdown: [UInt8]?

    public init(_ body: ArticleBody) {
        source = body
        served = ServedBody(html: body.html, text: body.text)
        markdown = body.markdown.isEmpty ? nil : StoredMarkdown.encode(body.markdown)
    }
}
