public import FolioContent
import Foundation
import Synchronization

/// The content store on PostgreSQL, selected by `store.url = postgres://…`: the same
/// `ArticleRepository` contract as `SQLiteStore` (the contract tests run the same suite on both),
/// with the same changes log, so replicas follow writes by sequence. One connection, serialised;
/// every call blocks on the network, so none runs on an event loop.
public final class PostgresStore: ArticleRepository, ChangesSource {
    private let connection: Mutex<PostgresConnection>
    /// Who the changes log names for writes through this store.
    public let actor: String

    public let location: String

    /// Connects to `url` (a libpq connection URI) and migrates the schema.
    public init(url: String, actor: String = "import") throws {
        let db = try PostgresConnection(url: url)
        try PostgresSchema.migrate(db)
        connection = Mutex(db)
        self.actor = actor
        location = Self.withoutPassword(url)
    }

    /// `postgres://user:secret@host/db` → `postgres://user@host/db`.
    public static func withoutPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }

    /// Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func isPostgresURL(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// `body` inside one transaction on the store's connection.
    func transaction<R: Sendable>(_ body: (inout sending PostgresWriter) throws -> R) throws -> R {
        try connection.withLock { db in
            if db.isBroken { try db.reconnect() }  // the write that found it broken failed; this one reconnects
            try db.execute("BEGIN")
            var writer = PostgresWriter(db: db, actor: actor)
            do {
                let result = try body(&writer)
                try db.execute("COMMIT")
                return result
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    func read<R: Sendable>(_ body: (PostgresConnection) throws -> R) throws -> R {
        try connection.withLock { db in
            if db.isBroken { try db.reconnect() }
            do {
                return try body(db)
            } catch let error as PostgresError where error.sqlState == nil && db.isBroken {
                // The session died under us (a restart, a failover): a read is safe to run again.
                _ = error
                try db.reconnect()
                return try body(db)
            }
        }
    }

    // MARK: reads

    public func loadContent() throws -> ContentData { try loadContent(articles: true) }

    func loadContent(articles withArticles: Bool) throws -> ContentData {
        try read { db in
            var site: Site?
            let s = try db.query("SELECT name, url, description, language, contact_email, contact_phone, contact_address FROM site WHERE id = 1")
            if !s.isEmpty {
                site = Site(name: s.string(0, 0), url: s.string(0, 1), description: s.string(0, 2), language: s.string(0, 3),
                            contact: Contact(email: s.optionalString(0, 4), phone: s.optionalString(0, 5), address: s.optionalString(0, 6)))
            }
            var authors: [Author] = []
            var authorIndex: [Int64: Int] = [:]
            let a = try db.query("SELECT id, slug, name, role, organization, email, phone, bio, image_url FROM authors ORDER BY id")
            for r in 0..<a.count {
                authorIndex[a.int64(r, 0)] = authors.count
                authors.append(Author(slug: a.string(r, 1), name: a.string(r, 2), role: a.optionalString(r, 3),
                                      organization: a.optionalString(r, 4), email: a.optionalString(r, 5), phone: a.optionalString(r, 6),
                                      bio: a.optionalString(r, 7), imageURL: a.optionalString(r, 8)))
            }
            let links = try db.query("SELECT author_id, rel, url FROM author_links ORDER BY author_id, position")
            for r in 0..<links.count {
                if let i = authorIndex[links.int64(r, 0)] { authors[i].links.append(Link(rel: links.string(r, 1), url: links.string(r, 2))) }
            }
            let t = try db.query("SELECT slug, name FROM tags ORDER BY id")
            let tags = (0..<t.count).map { Tag(slug: t.string($0, 0), name: t.string($0, 1)) }
            var redirects: [String: Int64] = [:]
            let h = try db.query("SELECT old_slug, article_id FROM slug_history")
            for r in 0..<h.count { redirects[h.string(r, 0)] = h.int64(r, 1) }
            var articles = withArticles ? try PostgresReader.articles(db, where: "status = 'published'", []) : []
            try PostgresReader.attachAuthorsAndTags(db, to: &articles)
            return ContentData(site: site, articles: articles, authors: authors, tags: tags, redirects: redirects)
        }
    }

    /// The catalog only (site, authors, tags, redirects), without articles.
    public func loadCatalog() throws -> ContentData {
        var data = try loadContent(articles: false)
        data.articles = []
        return data
    }

    /// The public articles among `ids`, with their authors and tags, as they are now.
    public func publishedArticles(ids: [Int64]) throws -> [Article] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            var found = try PostgresReader.articles(db, where: "status = 'published' AND id = ANY($1::bigint[])",
                                                    [.text("{" + ids.map(String.init).joined(separator: ",") + "}")])
            try PostgresReader.attachAuthorsAndTags(db, to: &found)
            return found
        }
    }

    /// The body as the API serves it (html and text; the Markdown source stays in the store).
    public func servedBody(articleID: Int64) throws -> ArticleBody? {
        try read { db in
            let r = try db.query("SELECT html, text FROM article_bodies WHERE article_id = $1", [.int(articleID)])
            return r.isEmpty ? nil : ArticleBody(markdown: "", html: r.string(0, 0), text: r.string(0, 1))
        }
    }

    public func loadBody(articleID: Int64) throws -> ArticleBody? {
        try read { db in
            let r = try db.query("SELECT markdown, html, text FROM article_bodies WHERE article_id = $1", [.int(articleID)])
            return r.isEmpty ? nil : ArticleBody(markdown: r.optionalString(0, 0) ?? "", html: r.string(0, 1), text: r.string(0, 2))
        }
    }

    public func loadRecord(slug: String) throws -> ArticleRecord? {
        try read { db in try PostgresReader.record(db, slug: slug) }
    }

    public func allArticleSlugs() throws -> [String] {
        try read { db in
            let r = try db.query("SELECT slug FROM articles ORDER BY id")
            return (0..<r.count).map { r.string($0, 0) }
        }
    }

    public func articleCount() throws -> Int {
        try read { db in Int(try db.query("SELECT count(*) FROM articles").scalar ?? 0) }
    }

    /// The newest sequence number of the changes log (0 when empty).
    public func lastChangeSequence() throws -> Int64 {
        try read { db in try db.query("SELECT coalesce(max(seq), 0) FROM changes").scalar ?? 0 }
    }

    /// Up to `limit` changes after `seq`, oldest first; with `publicOnly`, only those the public
    /// feed shows (not a draft's or a scheduled article's).
    public func changes(after seq: Int64, limit: Int, publicOnly: Bool = false) throws -> [Change] {
        try read { db in try PostgresReader.changes(db, after: seq, limit: limit, publicOnly: publicOnly) }
    }

    /// Ends every other session on this database (a fault for the tests: what a failover or
    /// an operator's `pg_terminate_backend` does to replicas).
    public func terminateOtherBackends() throws {
        _ = try read { db in
            try db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        }
    }

    /// Appends a change without NOTIFY (a notification lost in transit, for the tests).
    public func logChangeWithoutNotification(slug: String) throws {
        _ = try read { db in
            try db.query("INSERT INTO changes (kind, entity_id, slug, op, actor, at, public) VALUES ('article', 0, $1, 'update', 'test', 0, true)",
                         [.text(slug)])
        }
    }

    /// Publishes the scheduled articles due by `now` (epoch seconds), once across every process
    /// on the database: the rows are taken `FOR UPDATE SKIP LOCKED` and changed only while still
    /// scheduled, in one transaction with their changes-log entries (a public "create" each) and
    /// search documents. Returns the slugs this call published.
    @discardableResult
    public func publishDue(now: Int64, actor: String = "scheduler") throws -> [String] {
        try transaction { w in
            let due = try w.db.query("""
                SELECT id, slug FROM articles WHERE status = 'scheduled' AND published_at <= $1
                ORDER BY published_at, id FOR UPDATE SKIP LOCKED
                """, [.int(now)])
            var published: [String] = []
            for i in 0..<due.count {
                let id = due.int64(i, 0), slug = due.string(i, 1)
                let r = try w.db.query("""
                    UPDATE articles SET status = 'published', revision = revision + 1 WHERE id = $1 AND status = 'scheduled' RETURNING id
                    """, [.int(id)])
                guard !r.isEmpty else { continue }
                let writer = PostgresWriter(db: w.db, actor: actor)
                try writer.indexArticle(id)
                try writer.logChange("article", id: id, slug: slug, "create")
                published.append(slug)
            }
            return published
        }
    }

    /// When the next scheduled article falls due (epoch seconds), or nil.
    public func nextScheduled() throws -> Int64? {
        try read { db in try db.query("SELECT min(published_at) FROM articles WHERE status = 'scheduled'").scalar }
    }

    // MARK: writes

    @discardableResult
    public func upsertArticle(_ record: ArticleRecord) throws -> WriteResult { try transaction { w in try w.upsertArticle(record) } }

    @discardableResult
    public func deleteArticle(slug: String) throws -> Bool { try transaction { w in try w.deleteArticle(slug: slug) } }

    public func renameArticle(from oldSlug: String, to newSlug: String) throws {
        try transaction { w in try w.renameArticle(from: oldSlug, to: newSlug) }
    }

    @discardableResult
    public func upsertAuthor(_ author: Author) throws -> WriteResult { try transaction { w in try w.upsertAuthor(author) } }

    @discardableResult
    public func deleteAuthor(slug: String) throws -> Bool { try transaction { w in try w.deleteAuthor(slug: slug) } }

    @discardableResult
    public func upsertTag(_ tag: Tag) throws -> WriteResult { try transaction { w in try w.upsertTag(tag) } }

    public func setSite(_ site: Site) throws { try transaction { w in try w.setSite(site) } }

    public func apply(_ batch: ContentBatch) throws { try transaction { w in try w.apply(batch) } }
}
