import Glibc

/// Writes inside one open transaction of `SQLiteStore.transaction(_:)`.
/// Keeps the FTS index in step with every article change.
public struct StoreWriter: ~Copyable {
    let db: SQLiteConnection
    /// Tag slug → id for tags seen in this transaction.
    private var tagIDs: [String: Int64] = [:]
    private var authorIDs: [String: Int64] = [:]
    /// Who the changes log names for this transaction's writes (a token's name, "import", …).
    public var actor = "import"
    /// How many replaced versions of an article to keep (0: all); see `keepRevision`.
    public var revisionsKept = 0
    /// Webhook endpoints (read once per transaction) and the cache keys a change made stale.
    let hooks = WebhookTargets()

    init(db: SQLiteConnection) { self.db = db }

    /// Starts a nested unit inside the transaction (one write of a coalesced batch).
    mutating func beginSavepoint() throws { try db.execute("SAVEPOINT folio_write") }

    mutating func releaseSavepoint() throws { try db.execute("RELEASE folio_write") }

    /// Undoes the nested unit (and forgets ids it may have created).
    mutating func rollbackSavepoint() throws {
        try db.execute("ROLLBACK TO folio_write; RELEASE folio_write")
        tagIDs.removeAll()
        authorIDs.removeAll()
    }

    /// Appends one entry to the changes log (same transaction as the write it records).
    /// Appends to the changes log; `isPublic` false hides the change from the public feed (a
    /// draft's or a scheduled article's).
    /// A public change also queues its webhook deliveries (`event` overrides the event the
    /// kind and operation name, as for an article taken back to draft).
    func logChange(_ kind: String, id: Int64, slug: String, _ op: String, isPublic: Bool = true, event: String? = nil) throws {
        try db.prepare("INSERT INTO changes (kind, entity_id, slug, op, actor, at, public) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .run([.text(kind), .int(id), .text(slug), .text(op), .text(actor), .int(Int64(time(nil))), .int(isPublic ? 1 : 0)])
        if isPublic {
            try enqueueWebhooks(kind: kind, id: id, slug: slug, op: op, event: event, seq: db.lastInsertRowID)
        } else {
            hooks.staleKeys.removeAll()
        }
    }

    /// Whether article `id` is public now (status published).
    func isPublished(_ id: Int64) throws -> Bool {
        try db.scalarString("SELECT status FROM articles WHERE id = ?", [.int(id)]) == ArticleStatus.published.rawValue
    }

    /// The id and revision of the article with this slug, or nil.
    public func articleRevision(slug: String) throws -> (id: Int64, revision: Int64)? {
        try revision(of: "articles", slug: slug)
    }

    /// The id and revision of the article, author or tag with this slug (`table`: "articles",
    /// "authors" or "tags").
    public func revision(of table: String, slug: String) throws -> (id: Int64, revision: Int64)? {
        precondition(["articles", "authors", "tags"].contains(table))
        var found: (Int64, Int64)?
        try db.prepare("SELECT id, revision FROM \(table) WHERE slug = ?").query([.text(slug)]) { found = ($0.int64(0), $0.int64(1)) }
        return found
    }

    /// Deletes a tag (it is taken off its articles); false when there is none.
    public mutating func deleteTag(slug: String) throws -> Bool {
        guard let id = try lookupID("SELECT id FROM tags WHERE slug = ?", slug) else { return false }
        var articles: [Int64] = []
        try db.prepare("SELECT article_id FROM article_tags WHERE tag_id = ?").query([.int(id)]) { articles.append($0.int64(0)) }
        for a in articles { try keepRevision(a) }  // the versions with the tag
        try db.prepare("DELETE FROM article_tags WHERE tag_id = ?").run([.int(id)])
        try db.prepare("DELETE FROM tags WHERE id = ?").run([.int(id)])
        tagIDs[slug] = nil
        try logChange("tag", id: id, slug: slug, "delete")
        for a in articles {
            var slugOf = ""
            try db.prepare("SELECT slug FROM articles WHERE id = ?").query([.int(a)]) { slugOf = $0.string(0) }
            try db.prepare("UPDATE articles SET revision = revision + 1 WHERE id = ?").run([.int(a)])
            try markRevised(a)
            try logChange("article", id: a, slug: slugOf, "update", isPublic: try isPublished(a))
        }
        return true
    }

    /// The whole article with this slug as stored now (for a partial update), or nil.
    public func record(slug: String) throws -> ArticleRecord? {
        try ContentLoader.record(db, slug: slug)
    }

    /// A write's remembered answer for an `Idempotency-Key`: what was asked (its hash) and what
    /// was answered.
    public struct IdempotentAnswer: Sendable, Hashable {
        public var requestHash: String
        public var status: Int
        public var location: String?
        public var etag: String?

        public init(requestHash: String, status: Int, location: String?, etag: String?) {
            self.requestHash = requestHash
            self.status = status
            self.location = location
            self.etag = etag
        }
    }

    /// The answer remembered for `key` of `token`, if it is younger than `ttl` seconds.
    public func idempotentAnswer(token: String, key: String, ttl: Int64) throws -> IdempotentAnswer? {
        var found: IdempotentAnswer?
        try db.prepare("""
            SELECT request_hash, status, location, etag FROM idempotency_keys WHERE token = ? AND key = ? AND created_at >= ?
            """).query([.text(token), .text(key), .int(Int64(time(nil)) - ttl)]) { r in
            found = IdempotentAnswer(requestHash: r.string(0), status: r.int(1), location: r.optionalString(2), etag: r.optionalString(3))
        }
        return found
    }

    /// Remembers a write's answer (in its transaction) and forgets answers older than `ttl`.
    public func rememberAnswer(token: String, key: String, _ answer: IdempotentAnswer, ttl: Int64) throws {
        let now = Int64(time(nil))
        try db.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").run([.int(now - ttl)])
        try db.prepare("""
            INSERT OR REPLACE INTO idempotency_keys (token, key, request_hash, status, location, etag, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).run([.text(token), .text(key), .text(answer.requestHash), .int(Int64(answer.status)), .optional(answer.location),
                      .optional(answer.etag), .int(now)])
    }

    /// Marks a token as used now (in the transaction of the write it authorised).
    public func touchToken(name: String) throws {
        // Once a second at most: under sustained writes the row would otherwise be rewritten by
        // every write of a batch.
        try db.prepare("UPDATE tokens SET last_used_at = ?1 WHERE name = ?2 AND last_used_at IS NOT ?1").run([.int(Int64(time(nil))), .text(name)])
    }

    // MARK: site, authors, tags

    public func setSite(_ site: Site) throws {
        try db.prepare("""
            INSERT OR REPLACE INTO site (id, name, url, description, language, contact_email, contact_phone, contact_address)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?)
            """).run([.text(site.name), .text(site.url), .text(site.description), .text(site.language),
                      .optional(site.contact.email), .optional(site.contact.phone), .optional(site.contact.address)])
        try logChange("site", id: 1, slug: "site", "update")
    }

    @discardableResult
    public mutating func upsertAuthor(_ a: Author) throws -> WriteResult {
        let values: [SQLValue] = [.text(a.name), .optional(a.role), .optional(a.organization), .optional(a.email),
                                  .optional(a.phone), .optional(a.bio), .optional(a.imageURL)]
        let id: Int64
        let created: Bool
        if let existing = try lookupID("SELECT id FROM authors WHERE slug = ?", a.slug) {
            id = existing
            created = false
            try db.prepare("""
                UPDATE authors SET name = ?, role = ?, organization = ?, email = ?, phone = ?, bio = ?, image_url = ?
                WHERE id = ?
                """).run(values + [.int(id)])
            try db.prepare("DELETE FROM author_links WHERE author_id = ?").run([.int(id)])
            try db.prepare("UPDATE authors SET revision = revision + 1 WHERE id = ?").run([.int(id)])
        } else {
            try db.prepare("""
                INSERT INTO authors (slug, name, role, organization, email, phone, bio, image_url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).run([.text(a.slug)] + values)
            id = db.lastInsertRowID
            created = true
        }
        let link = try db.prepare("INSERT INTO author_links (author_id, position, rel, url) VALUES (?, ?, ?, ?)")
        for (i, l) in a.links.enumerated() { try link.run([.int(id), .int(Int64(i)), .text(l.rel), .text(l.url)]) }
        authorIDs[a.slug] = id
        try logChange("author", id: id, slug: a.slug, created ? "create" : "update")
        return WriteResult(id: id, created: created, revision: try db.scalarInt("SELECT revision FROM authors WHERE id = ?", [.int(id)]))
    }

    @discardableResult
    public mutating func deleteAuthor(slug: String) throws -> Bool {
        guard let id = try lookupID("SELECT id FROM authors WHERE slug = ?", slug) else { return false }
        let count = try db.scalarInt("SELECT count(*) FROM article_authors WHERE author_id = ?", [.int(id)])
        if count > 0 { throw RepositoryError.authorHasArticles(slug: slug, count: Int(count)) }
        try db.prepare("DELETE FROM authors WHERE id = ?").run([.int(id)])
        authorIDs[slug] = nil
        try logChange("author", id: id, slug: slug, "delete")
        return true
    }

    @discardableResult
    public mutating func upsertTag(_ t: Tag) throws -> WriteResult {
        if let id = try lookupID("SELECT id FROM tags WHERE slug = ?", t.slug) {
            try db.prepare("UPDATE tags SET name = ?, revision = revision + 1 WHERE id = ?").run([.text(t.name), .int(id)])
            tagIDs[t.slug] = id
            try logChange("tag", id: id, slug: t.slug, "update")
            return WriteResult(id: id, created: false, revision: try db.scalarInt("SELECT revision FROM tags WHERE id = ?", [.int(id)]))
        }
        try db.prepare("INSERT INTO tags (slug, name) VALUES (?, ?)").run([.text(t.slug), .text(t.name)])
        let id = db.lastInsertRowID
        tagIDs[t.slug] = id
        try logChange("tag", id: id, slug: t.slug, "create")
        return WriteResult(id: id, created: true)
    }

    // MARK: articles

    @discardableResult
    public mutating func upsertArticle(_ record: ArticleRecord) throws -> WriteResult {
        let a = record.article
        var existing: Int64?
        let bySlug = try lookupID("SELECT id FROM articles WHERE slug = ?", a.slug)
        if a.id > 0, try lookupID("SELECT id FROM articles WHERE id = ?", nil, id: a.id) != nil {
            if let bySlug, bySlug != a.id { throw RepositoryError.slugTaken(a.slug) }
            existing = a.id
        } else {
            existing = bySlug
        }
        var authorIDs: [Int64] = []
        for slug in a.authors {
            guard let id = try authorID(slug) else { throw RepositoryError.unknownAuthor(slug: slug, article: a.slug) }
            authorIDs.append(id)
        }
        var tagIDs: [Int64] = []
        for slug in a.tags { tagIDs.append(try tagID(creating: slug)) }

        let meta: [SQLValue] = [
            .text(a.slug), .text(a.title), .text(a.excerpt),
            .int(a.publishedAt.epochSeconds), .int(Int64(a.publishedAt.utcOffsetSeconds)),
            .int(a.updatedAt.epochSeconds), .int(Int64(a.updatedAt.utcOffsetSeconds)),
            .text(a.language), .optional(a.canonicalURL), .int(Int64(a.readingTimeMinutes)), .int(Int64(a.wordCount)),
        ]
        let stored = record.storedBody
        let body: [SQLValue] = [.blob(stored.served.bytes), stored.markdown.map(SQLValue.blob) ?? .null]
        let id: Int64
        var wasPublic = false
        if let existingID = existing {
            id = existingID
            let oldSlug = try db.prepare("SELECT slug FROM articles WHERE id = ?")
            var previous = ""
            try oldSlug.query([.int(id)]) { previous = $0.string(0) }
            wasPublic = try isPublished(id)
            try keepRevision(id)
            if wasPublic { try rememberStaleKeys(ofArticle: id) }
            if wasPublic { try removeFromSearch(id) }
            try db.prepare("""
                UPDATE articles SET slug = ?, title = ?, excerpt = ?, published_at = ?, published_offset = ?,
                    updated_at = ?, updated_offset = ?, language = ?, canonical_url = ?, reading_time = ?, word_count = ?
                WHERE id = ?
                """).run(meta + [.int(id)])
            try db.prepare("UPDATE article_bodies SET served = ?, markdown = ? WHERE article_id = ?")
                .run(body + [.int(id)])
            try db.prepare("DELETE FROM article_authors WHERE article_id = ?").run([.int(id)])
            try db.prepare("DELETE FROM article_tags WHERE article_id = ?").run([.int(id)])
            if previous != a.slug {
                try db.prepare("INSERT OR REPLACE INTO slug_history (old_slug, article_id) VALUES (?, ?)")
                    .run([.text(previous), .int(id)])
            }
            try db.prepare("UPDATE articles SET revision = revision + 1, status = ?, revised_at = ?, revised_by = ? WHERE id = ?")
                .run([.text(record.status.rawValue), .int(Int64(time(nil))), .text(actor), .int(id)])
        } else {
            try db.prepare("""
                INSERT INTO articles (id, slug, title, excerpt, published_at, published_offset, updated_at, updated_offset,
                    language, canonical_url, reading_time, word_count, status, revised_at, revised_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([a.id > 0 ? .int(a.id) : .null] + meta + [.text(record.status.rawValue), .int(Int64(time(nil))), .text(actor)])
            id = db.lastInsertRowID
            try db.prepare("INSERT INTO article_bodies (article_id, served, markdown) VALUES (?, ?, ?)")
                .run([.int(id)] + body)
        }
        try db.prepare("DELETE FROM slug_history WHERE old_slug = ?").run([.text(a.slug)])
        let insertAuthor = try db.prepare("INSERT INTO article_authors (article_id, position, author_id) VALUES (?, ?, ?)")
        for (i, author) in authorIDs.enumerated() { try insertAuthor.run([.int(id), .int(Int64(i)), .int(author)]) }
        let insertTag = try db.prepare("INSERT INTO article_tags (article_id, position, tag_id) VALUES (?, ?, ?)")
        for (i, tag) in tagIDs.enumerated() { try insertTag.run([.int(id), .int(Int64(i)), .int(tag)]) }
        for old in record.oldSlugs {
            if let owner = try lookupID("SELECT id FROM articles WHERE slug = ?", old), owner != id {
                throw RepositoryError.slugTaken(old)
            }
            try db.prepare("INSERT OR REPLACE INTO slug_history (old_slug, article_id) VALUES (?, ?)")
                .run([.text(old), .int(id)])
        }
        let isPublic = record.status == .published
        if isPublic {
            try endPreviews(id)
            try db.prepare("INSERT INTO article_search (rowid, title, excerpt, text) VALUES (?, ?, ?, ?)")
                .run([.int(id), .text(a.title), .text(a.excerpt), .text(record.body.text)])
        }
        // As the public feed sees it: first public appearance is a create, leaving is a delete;
        // a draft's own writes are not public.
        switch (wasPublic, isPublic) {
        case (true, true): try logChange("article", id: id, slug: a.slug, "update")
        case (false, true): try logChange("article", id: id, slug: a.slug, "create")
        case (true, false): try logChange("article", id: id, slug: a.slug, "delete", event: "article.unpublished")
        case (false, false): try logChange("article", id: id, slug: a.slug, existing == nil ? "create" : "update", isPublic: false)
        }
        let revision = try db.scalarInt("SELECT revision FROM articles WHERE id = ?", [.int(id)])
        return WriteResult(id: id, created: existing == nil, revision: revision)
    }

    @discardableResult
    public func deleteArticle(slug: String) throws -> Bool {
        guard let id = try lookupID("SELECT id FROM articles WHERE slug = ?", slug) else { return false }
        let wasPublic = try isPublished(id)
        if wasPublic {
            try rememberStaleKeys(ofArticle: id)
            try removeFromSearch(id)
        }
        try db.prepare("DELETE FROM articles WHERE id = ?").run([.int(id)])
        try logChange("article", id: id, slug: slug, "delete", isPublic: wasPublic)
        return true
    }

    public func renameArticle(from oldSlug: String, to newSlug: String) throws {
        guard oldSlug != newSlug else { return }
        guard let id = try lookupID("SELECT id FROM articles WHERE slug = ?", oldSlug) else {
            throw RepositoryError.articleNotFound(slug: oldSlug)
        }
        if try lookupID("SELECT id FROM articles WHERE slug = ?", newSlug) != nil {
            throw RepositoryError.slugTaken(newSlug)
        }
        try keepRevision(id)
        try db.prepare("UPDATE articles SET slug = ? WHERE id = ?").run([.text(newSlug), .int(id)])
        try db.prepare("DELETE FROM slug_history WHERE old_slug = ?").run([.text(newSlug)])
        try db.prepare("INSERT OR REPLACE INTO slug_history (old_slug, article_id) VALUES (?, ?)")
            .run([.text(oldSlug), .int(id)])
        try db.prepare("UPDATE articles SET revision = revision + 1 WHERE id = ?").run([.int(id)])
        try markRevised(id)
        try logChange("article", id: id, slug: newSlug, "update", isPublic: try isPublished(id))
    }

    /// Applies a batch; errors name the section and index of the item that failed.
    public mutating func apply(_ batch: ContentBatch) throws {
        if let site = batch.site { try setSite(site) }
        for (i, a) in batch.authors.enumerated() {
            do { try upsertAuthor(a) } catch let e as RepositoryError {
                throw RepositoryError.inBatch(section: "authors", index: i, e)
            }
        }
        for (i, t) in batch.tags.enumerated() {
            do { try upsertTag(t) } catch let e as RepositoryError {
                throw RepositoryError.inBatch(section: "tags", index: i, e)
            }
        }
        for (i, r) in batch.articles.enumerated() {
            do { try upsertArticle(r) } catch let e as RepositoryError {
                throw RepositoryError.inBatch(section: "articles", index: i, e)
            }
        }
    }

    // MARK: helpers

    /// Removes an article's current row from the external-content FTS index,
    /// passing the values it was indexed with (FTS5's 'delete' command).
    private func removeFromSearch(_ id: Int64) throws {
        let old = try db.prepare("SELECT title, excerpt, text FROM article_search_source WHERE id = ?")
        var values: [SQLValue]?
        try old.query([.int(id)]) { values = [.text($0.string(0)), .text($0.string(1)), .text($0.string(2))] }
        guard let values else { return }
        try db.prepare("INSERT INTO article_search (article_search, rowid, title, excerpt, text) VALUES ('delete', ?, ?, ?, ?)")
            .run([.int(id)] + values)
    }

    private func lookupID(_ sql: String, _ text: String?, id: Int64? = nil) throws -> Int64? {
        let s = try db.prepare(sql)
        try s.bind([text.map(SQLValue.text) ?? .int(id ?? 0)])
        defer { s.reset() }
        return try s.step() ? s.int64(0) : nil
    }

    private mutating func authorID(_ slug: String) throws -> Int64? {
        if let id = authorIDs[slug] { return id }
        let id = try lookupID("SELECT id FROM authors WHERE slug = ?", slug)
        if let id { authorIDs[slug] = id }
        return id
    }

    private mutating func tagID(creating slug: String) throws -> Int64 {
        if let id = tagIDs[slug] { return id }
        if let id = try lookupID("SELECT id FROM tags WHERE slug = ?", slug) {
            tagIDs[slug] = id
            return id
        }
        return try upsertTag(Tag(slug: slug, name: TagName.fromSlug(slug))).id
    }
}

/// Display names for tags created implicitly from a slug (by either store).
public enum TagName {
    /// `south-caucasus` → `South Caucasus`.
    public static func fromSlug(_ slug: String) -> String {
        slug.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
