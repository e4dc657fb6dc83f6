/// Everything the snapshot is built from, as loaded from a repository.
public struct ContentData: Sendable {
    public var site: Site?
    /// In any order; the snapshot sorts.
    public var articles: [Article]
    public var authors: [Author]
    public var tags: [Tag]
    /// Old slug → article id.
    public var redirects: [String: Int64]

    public init(site: Site?, articles: [Article], authors: [Author], tags: [Tag], redirects: [String: Int64]) {
        self.site = site
        self.articles = articles
        self.authors = authors
        self.tags = tags
        self.redirects = redirects
    }
}

/// A set of changes applied in one transaction by `ArticleRepository.apply(_:)`:
/// site, then authors, then tags, then articles (upserts).
public struct ContentBatch: Sendable {
    public var site: Site?
    public var authors: [Author]
    public var tags: [Tag]
    public var articles: [ArticleRecord]

    public init(site: Site? = nil, authors: [Author] = [], tags: [Tag] = [], articles: [ArticleRecord] = []) {
        self.site = site
        self.authors = authors
        self.tags = tags
        self.articles = articles
    }
}

/// What a write did.
public struct WriteResult: Sendable, Hashable {
    public var id: Int64
    public var created: Bool
    /// The revision after the write.
    public var revision: Int64 = 1

    public init(id: Int64, created: Bool, revision: Int64 = 1) {
        self.id = id
        self.created = created
        self.revision = revision
    }
}

/// Errors a repository reports for requests that conflict with its content.
public enum RepositoryError: Error, Sendable, Hashable, CustomStringConvertible {
    case articleNotFound(slug: String)
    case authorNotFound(slug: String)
    /// An article names an author the store does not have.
    case unknownAuthor(slug: String, article: String)
    /// The slug belongs to another article.
    case slugTaken(String)
    /// Authors with articles cannot be deleted.
    case authorHasArticles(slug: String, count: Int)
    /// Failure while applying item `index` (0-based) of a batch's `articles`, `authors` or `tags`.
    indirect case inBatch(section: String, index: Int, RepositoryError)

    public var description: String {
        switch self {
        case .articleNotFound(let s): return "no article with slug \"\(s)\""
        case .authorNotFound(let s): return "no author with slug \"\(s)\""
        case .unknownAuthor(let s, let a): return "article \"\(a)\" names author \"\(s)\", who does not exist"
        case .slugTaken(let s): return "the slug \"\(s)\" is already used by another article"
        case .authorHasArticles(let s, let n): return "author \"\(s)\" still has \(n) article(s)"
        case .inBatch(let section, let index, let e): return "\(section)[\(index)]: \(e)"
        }
    }
}

/// The content store behind the snapshot. SQLite implements it
/// (`SQLiteStore`); another database can stand in. Every method is
/// blocking and belongs off the event loops. Every write is one
/// transaction: it happens entirely or not at all.
public protocol ArticleRepository: Sendable {
    /// Where the store is, for messages (a file path, or a database URL without its password).
    var location: String { get }
    /// Everything needed to build a snapshot (no bodies).
    func loadContent() throws -> ContentData
    /// The body of one article, or nil.
    func loadBody(articleID: Int64) throws -> ArticleBody?
    /// The full record (metadata, body, old slugs) of one article.
    func loadRecord(slug: String) throws -> ArticleRecord?
    /// Every article's slug, drafts and scheduled ones included, in id order (export).
    func allArticleSlugs() throws -> [String]

    /// Creates or replaces an article, matched by `id` when non-zero and
    /// known, else by slug. A changed slug keeps the old one as a redirect.
    /// Authors must exist; unknown tags are created.
    @discardableResult func upsertArticle(_ record: ArticleRecord) throws -> WriteResult
    /// Deletes an article (and its redirects); false when there was none.
    @discardableResult func deleteArticle(slug: String) throws -> Bool
    /// Renames an article; the old slug redirects to the new one.
    func renameArticle(from oldSlug: String, to newSlug: String) throws

    @discardableResult func upsertAuthor(_ author: Author) throws -> WriteResult
    /// Deletes an author without articles; `RepositoryError.authorHasArticles` otherwise.
    @discardableResult func deleteAuthor(slug: String) throws -> Bool
    @discardableResult func upsertTag(_ tag: Tag) throws -> WriteResult
    func setSite(_ site: Site) throws

    /// Applies a whole batch (an import) in ONE transaction.
    func apply(_ batch: ContentBatch) throws
    /// Number of articles.
    func articleCount() throws -> Int
}
