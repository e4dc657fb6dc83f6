import FolioContent
import Foundation

/// Writes inside one transaction of `PostgresStore`: the same steps as the SQLite store's
/// `StoreWriter` (revisions bumped, the changes log appended, drafts kept out of the public log),
/// in PostgreSQL's SQL.
struct PostgresWriter {
    let db: PostgresConnection
    let actor: String

    /// Appends to the changes log and sends its sequence number on `folio_changes` (PostgreSQL
    /// delivers the NOTIFY at commit, and never for a rolled-back write). Followers treat it only
    /// as a wake-up: they read the log by sequence, so a lost notification only delays.
    func logChange(_ kind: String, id: Int64, slug: String, _ op: String, isPublic: Bool = true) throws {
        try db.query("""
            WITH logged AS (
                INSERT INTO changes (kind, entity_id, slug, op, actor, at, public) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq
            )
            SELECT pg_notify('\(PostgresChangeFollower.channel)', seq::text) FROM logged
            """, [.text(kind), .int(id), .text(slug), .text(op), .text(actor), .int(Int64(Date().timeIntervalSince1970)), .bool(isPublic)])
    }

    func id(in table: String, slug: String) throws -> Int64? {
        try db.query("SELECT id FROM \(table) WHERE slug = $1", [.text(slug)]).scalar
    }

    func revision(in table: String, id: Int64) throws -> Int64 {
        try db.query("SELECT revision FROM \(table) WHERE id = $1", [.int(id)]).scalar ?? 1
    }

    func setSite(_ site: Site) throws {
        try db.query("""
            INSERT INTO site (id, name, url, description, language, contact_email, contact_phone, contact_address)
            VALUES (1, $1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET name = $1, url = $2, description = $3, language = $4, contact_email = $5,
                contact_phone = $6, contact_address = $7
            """, [.text(site.name), .text(site.url), .text(site.description), .text(site.language),
                  .optional(site.contact.email), .optional(site.contact.phone), .optional(site.contact.address)])
        try logChange("site", id: 1, slug: "site", "update")
    }

    @discardableResult
    func upsertAuthor(_ a: Author) throws -> WriteResult {
        let values: [PGValue] = [.text(a.name), .optional(a.role), .optional(a.organization), .optional(a.email),
                                 .optional(a.phone), .optional(a.bio), .optional(a.imageURL)]
        let authorID: Int64
        let created: Bool
        if let existing = try id(in: "authors", slug: a.slug) {
            authorID = existing
            created = false
            try db.query("""
                UPDATE authors SET name = $1, role = $2, organization = $3, email = $4, phone = $5, bio = $6, image_url = $7,
                    revision = revision + 1 WHERE id = $8
                """, values + [.int(authorID)])
            try db.query("DELETE FROM author_links WHERE author_id = $1", [.int(authorID)])
        } else {
            authorID = try db.query("""
                INSERT INTO authors (slug, name, role, organization, email, phone, bio, image_url)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """, [.text(a.slug)] + values).scalar ?? 0
            created = true
        }
        for (i, l) in a.links.enumerated() {
            try db.query("INSERT INTO author_links (author_id, position, rel, url) VALUES ($1, $2, $3, $4)",
                         [.int(authorID), .int(Int64(i)), .text(l.rel), .text(l.url)])
        }
        try logChange("author", id: authorID, slug: a.slug, created ? "create" : "update")
        return WriteResult(id: authorID, created: created, revision: try revision(in: "authors", id: authorID))
    }

    @discardableResult
    func deleteAuthor(slug: String) throws -> Bool {
        guard let authorID = try id(in: "authors", slug: slug) else { return false }
        let count = try db.query("SELECT count(*) FROM article_authors WHERE author_id = $1", [.int(authorID)]).scalar ?? 0
        if count > 0 { throw RepositoryError.authorHasArticles(slug: slug, count: Int(count)) }
        try db.query("DELETE FROM authors WHERE id = $1", [.int(authorID)])
        try logChange("author", id: authorID, slug: slug, "delete")
        return true
    }

    @discardableResult
    func upsertTag(_ t: Tag) throws -> WriteResult {
        if let tagID = try id(in: "tags", slug: t.slug) {
            try db.query("UPDATE tags SET name = $1, revision = revision + 1 WHERE id = $2", [.text(t.name), .int(tagID)])
            try logChange("tag", id: tagID, slug: t.slug, "update")
            return WriteResult(id: tagID, created: false, revision: try revision(in: "tags", id: tagID))
        }
        let tagID = try db.query("INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id", [.text(t.slug), .text(t.name)]).scalar ?? 0
        try logChange("tag", id: tagID, slug: t.slug, "create")
        return WriteResult(id: tagID, created: true)
    }

    @discardableResult
    func upsertArticle(_ record: ArticleRecord) throws -> WriteResult {
        let a = record.article
        let bySlug = try id(in: "articles", slug: a.slug)
        var existing = bySlug
        if a.id > 0, try db.query("SELECT id FROM articles WHERE id = $1", [.int(a.id)]).scalar != nil {
            if let bySlug, bySlug != a.id { throw RepositoryError.slugTaken(a.slug) }
            existing = a.id
        }
        var authorIDs: [Int64] = []
        for slug in a.authors {
            guard let authorID = try id(in: "authors", slug: slug) else { throw RepositoryError.unknownAuthor(slug: slug, article: a.slug) }
            authorIDs.append(authorID)
        }
        var tagIDs: [Int64] = []
        for slug in a.tags {
            tagIDs.append(try id(in: "tags", slug: slug) ?? upsertTag(Tag(slug: slug, name: TagName.fromSlug(slug))).id)
        }
        let meta: [PGValue] = [
            .text(a.slug), .text(a.title), .text(a.excerpt),
            .int(a.publishedAt.epochSeconds), .int(Int64(a.publishedAt.utcOffsetSeconds)),
            .int(a.updatedAt.epochSeconds), .int(Int64(a.updatedAt.utcOffsetSeconds)),
            .text(a.language), .optional(a.canonicalURL), .int(Int64(a.readingTimeMinutes)), .int(Int64(a.wordCount)),
            .text(record.status.rawValue),
        ]
        let body: [PGValue] = [record.body.markdown.isEmpty ? .null : .text(record.body.markdown), .text(record.body.html), .text(record.body.text)]
        let articleID: Int64
        var wasPublic = false
        if let existingID = existing {
            articleID = existingID
            let previous = try db.query("SELECT slug, status FROM articles WHERE id = $1", [.int(articleID)])
            wasPublic = previous.string(0, 1) == "published"
            try db.query("""
                UPDATE articles SET slug = $1, title = $2, excerpt = $3, published_at = $4, published_offset = $5,
                    updated_at = $6, updated_offset = $7, language = $8, canonical_url = $9, reading_time = $10, word_count = $11,
                    status = $12, revision = revision + 1
                WHERE id = $13
                """, meta + [.int(articleID)])
            try db.query("UPDATE article_bodies SET markdown = $1, html = $2, text = $3 WHERE article_id = $4", body + [.int(articleID)])
            try db.query("DELETE FROM article_authors WHERE article_id = $1", [.int(articleID)])
            try db.query("DELETE FROM article_tags WHERE article_id = $1", [.int(articleID)])
            if previous.string(0, 0) != a.slug {
                try db.query("""
                    INSERT INTO slug_history (old_slug, article_id) VALUES ($1, $2)
                    ON CONFLICT (old_slug) DO UPDATE SET article_id = $2
                    """, [.text(previous.string(0, 0)), .int(articleID)])
            }
        } else {
            let explicitID: PGValue = a.id > 0 ? .int(a.id) : .null
            articleID = try db.query("""
                INSERT INTO articles (id, slug, title, excerpt, published_at, published_offset, updated_at, updated_offset,
                    language, canonical_url, reading_time, word_count, status)
                VALUES (coalesce($1::bigint, nextval('articles_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                RETURNING id
                """, [explicitID] + meta).scalar ?? 0
            if a.id > 0 {  // keep the sequence past explicit ids (imports keep theirs)
                try db.query("SELECT setval('articles_id_seq', greatest((SELECT max(id) FROM articles), 1))")
            }
            try db.query("INSERT INTO article_bodies (article_id, markdown, html, text) VALUES ($1, $2, $3, $4)", [.int(articleID)] + body)
        }
        try db.query("DELETE FROM slug_history WHERE old_slug = $1", [.text(a.slug)])
        for (i, authorID) in authorIDs.enumerated() {
            try db.query("INSERT INTO article_authors (article_id, position, author_id) VALUES ($1, $2, $3)",
                         [.int(articleID), .int(Int64(i)), .int(authorID)])
        }
        for (i, tagID) in tagIDs.enumerated() {
            try db.query("INSERT INTO article_tags (article_id, position, tag_id) VALUES ($1, $2, $3)",
                         [.int(articleID), .int(Int64(i)), .int(tagID)])
        }
        for old in record.oldSlugs {
            if let owner = try id(in: "articles", slug: old), owner != articleID { throw RepositoryError.slugTaken(old) }
            try db.query("""
                INSERT INTO slug_history (old_slug, article_id) VALUES ($1, $2) ON CONFLICT (old_slug) DO UPDATE SET article_id = $2
                """, [.text(old), .int(articleID)])
        }
        let isPublic = record.status == .published
        if isPublic {
            try indexArticle(articleID)
        } else {
            try db.query("DELETE FROM article_search WHERE article_id = $1", [.int(articleID)])
        }
        switch (wasPublic, isPublic) {
        case (true, true): try logChange("article", id: articleID, slug: a.slug, "update")
        case (false, true): try logChange("article", id: articleID, slug: a.slug, "create")
        case (true, false): try logChange("article", id: articleID, slug: a.slug, "delete")
        case (false, false): try logChange("article", id: articleID, slug: a.slug, existing == nil ? "create" : "update", isPublic: false)
        }
        return WriteResult(id: articleID, created: existing == nil, revision: try revision(in: "articles", id: articleID))
    }

    /// Writes article `id`'s search document from its stored title, excerpt and text (title A,
    /// excerpt B, text D; the word count is BM25's document length): after a public write and
    /// when a scheduled article goes public.
    func indexArticle(_ id: Int64) throws {
        try db.query("""
            INSERT INTO article_search (article_id, document, length)
            SELECT a.id, setweight(to_tsvector('folio_english', a.title), 'A') || setweight(to_tsvector('folio_english', a.excerpt), 'B')
                || setweight(to_tsvector('folio_english', b.text), 'D'),
                coalesce(array_length(regexp_split_to_array(trim(a.title || ' ' || a.excerpt || ' ' || b.text), '\\s+'), 1), 0)
            FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.id = $1
            ON CONFLICT (article_id) DO UPDATE SET document = excluded.document, length = excluded.length
            """, [.int(id)])
    }

    @discardableResult
    func deleteArticle(slug: String) throws -> Bool {
        let r = try db.query("DELETE FROM articles WHERE slug = $1 RETURNING id, status", [.text(slug)])
        guard !r.isEmpty else { return false }
        try logChange("article", id: r.int64(0, 0), slug: slug, "delete", isPublic: r.string(0, 1) == "published")
        return true
    }

    func renameArticle(from oldSlug: String, to newSlug: String) throws {
        guard oldSlug != newSlug else { return }
        guard let articleID = try id(in: "articles", slug: oldSlug) else { throw RepositoryError.articleNotFound(slug: oldSlug) }
        if try id(in: "articles", slug: newSlug) != nil { throw RepositoryError.slugTaken(newSlug) }
        let status = try db.query("UPDATE articles SET slug = $1, revision = revision + 1 WHERE id = $2 RETURNING status",
                                  [.text(newSlug), .int(articleID)])
        try db.query("DELETE FROM slug_history WHERE old_slug = $1", [.text(newSlug)])
        try db.query("""
            INSERT INTO slug_history (old_slug, article_id) VALUES ($1, $2) ON CONFLICT (old_slug) DO UPDATE SET article_id = $2
            """, [.text(oldSlug), .int(articleID)])
        try logChange("article", id: articleID, slug: newSlug, "update", isPublic: status.string(0, 0) == "published")
    }

    func apply(_ batch: ContentBatch) throws {
        if let site = batch.site { try setSite(site) }
        for (i, a) in batch.authors.enumerated() {
            do { try upsertAuthor(a) } catch let e as RepositoryError { throw RepositoryError.inBatch(section: "authors", index: i, e) }
        }
        for (i, t) in batch.tags.enumerated() {
            do { try upsertTag(t) } catch let e as RepositoryError { throw RepositoryError.inBatch(section: "tags", index: i, e) }
        }
        for (i, r) in batch.articles.enumerated() {
            do { try upsertArticle(r) } catch let e as RepositoryError { throw RepositoryError.inBatch(section: "articles", index: i, e) }
        }
    }
}
