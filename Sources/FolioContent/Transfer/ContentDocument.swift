/// The import/export JSON document:
/// `{"site":{…},"authors":[…],"tags":[…],"articles":[…]}` with snake_case
/// keys. Articles carry `body_markdown` or `html`, and name authors and
/// tags by slug. Every section is optional on import.
public struct ContentDocument: Codable, Sendable, Hashable {
    public var site: SiteEntry?
    public var authors: [AuthorEntry]?
    public var tags: [TagEntry]?
    public var articles: [ArticleEntry]?

    public init(site: SiteEntry? = nil, authors: [AuthorEntry]? = nil, tags: [TagEntry]? = nil,
                articles: [ArticleEntry]? = nil) {
        self.site = site
        self.authors = authors
        self.tags = tags
        self.articles = articles
    }

    /// The publication as written in the document.
    public struct SiteEntry: Codable, Sendable, Hashable {
        public var name: String
        public var url: String
        public var description: String?
        public var language: String?
        public var contact: ContactEntry?
    }

    /// Contact details as written in the document.
    public struct ContactEntry: Codable, Sendable, Hashable {
        public var email: String?
        public var phone: String?
        public var address: String?
    }

    /// An author as written in the document.
    public struct AuthorEntry: Codable, Sendable, Hashable {
        public var slug: String
        public var name: String
        public var role: String?
        public var organization: String?
        public var email: String?
        public var phone: String?
        public var bio: String?
        public var imageURL: String?
        public var links: [LinkEntry]?

        enum CodingKeys: String, CodingKey {
            case slug, name, role, organization, email, phone, bio, links
            case imageURL = "image_url"
        }
    }

    /// A link on an author's card.
    public struct LinkEntry: Codable, Sendable, Hashable {
        public var rel: String
        public var url: String
    }

    /// A tag as written in the document.
    public struct TagEntry: Codable, Sendable, Hashable {
        public var slug: String
        public var name: String
    }

    /// An article as written in the document.
    public struct ArticleEntry: Codable, Sendable, Hashable {
        public var id: Int64?
        public var slug: String
        public var title: String
        public var excerpt: String?
        public var publishedAt: String
        public var updatedAt: String?
        public var language: String?
        public var canonicalURL: String?
        public var authors: [String]
        public var tags: [String]?
        public var bodyMarkdown: String?
        public var html: String?
        public var oldSlugs: [String]?
        /// `draft` or `scheduled`; absent for published articles.
        public var status: String?

        enum CodingKeys: String, CodingKey {
            case id, slug, title, excerpt, language, authors, tags, html, status
            case publishedAt = "published_at"
            case updatedAt = "updated_at"
            case canonicalURL = "canonical_url"
            case bodyMarkdown = "body_markdown"
            case oldSlugs = "old_slugs"
        }

        var input: ArticleInput {
            ArticleInput(id: id, slug: slug, title: title, excerpt: excerpt, publishedAt: publishedAt,
                         updatedAt: updatedAt, language: language, canonicalURL: canonicalURL, authors: authors,
                         tags: tags ?? [], bodyMarkdown: bodyMarkdown, html: html, oldSlugs: oldSlugs ?? [], status: status)
        }
    }
}

extension ContentDocument.SiteEntry {
    init(_ s: Site) {
        name = s.name
        url = s.url
        description = s.description
        language = s.language
        let c = s.contact
        contact = c.email == nil && c.phone == nil && c.address == nil
            ? nil : ContentDocument.ContactEntry(email: c.email, phone: c.phone, address: c.address)
    }

    var model: Site {
        Site(name: name, url: url, description: description ?? "", language: language ?? "en",
             contact: Contact(email: contact?.email, phone: contact?.phone, address: contact?.address))
    }
}

extension ContentDocument.AuthorEntry {
    init(_ a: Author) {
        slug = a.slug
        name = a.name
        role = a.role
        organization = a.organization
        email = a.email
        phone = a.phone
        bio = a.bio
        imageURL = a.imageURL
        links = a.links.isEmpty ? nil : a.links.map { ContentDocument.LinkEntry(rel: $0.rel, url: $0.url) }
    }

    var model: Author {
        Author(slug: slug, name: name, role: role, organization: organization, email: email, phone: phone, bio: bio,
               imageURL: imageURL, links: (links ?? []).map { Link(rel: $0.rel, url: $0.url) })
    }
}

extension ContentDocument.ArticleEntry {
    init(_ r: ArticleRecord) {
        let a = r.article
        id = a.id
        slug = a.slug
        title = a.title
        excerpt = a.excerpt
        publishedAt = a.publishedAt.rfc3339
        updatedAt = a.updatedAt.rfc3339
        language = a.language
        canonicalURL = a.canonicalURL
        authors = a.authors
        tags = a.tags
        if r.body.markdown.isEmpty { html = r.body.html } else { bodyMarkdown = r.body.markdown }
        oldSlugs = r.oldSlugs.isEmpty ? nil : r.oldSlugs.sorted()
        status = r.status == .published ? nil : r.status.rawValue
    }
}
