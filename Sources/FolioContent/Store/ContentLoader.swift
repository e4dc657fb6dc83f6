/// Reads from a connection: everything for a snapshot, single bodies, whole records.
enum ContentLoader {
    /// Everything for a snapshot; `articles: false` leaves the articles out (the catalog only).
    static func load(_ db: SQLiteConnection, articles withArticles: Bool = true) throws -> ContentData {
        var site: Site?
        try db.prepare("""
            SELECT name, url, description, language, contact_email, contact_phone, contact_address FROM site WHERE id = 1
            """).query { r in
            site = Site(name: r.string(0), url: r.string(1), description: r.string(2), language: r.string(3),
                        contact: Contact(email: r.optionalString(4), phone: r.optionalString(5), address: r.optionalString(6)))
        }
        var authors: [Author] = []
        var authorIndex: [Int64: Int] = [:]
        var authorSlugs: [Int64: String] = [:]
        try db.prepare("SELECT id, slug, name, role, organization, email, phone, bio, image_url FROM authors ORDER BY id")
            .query { r in
                let id = r.int64(0)
                authorIndex[id] = authors.count
                let author = Author(slug: r.string(1), name: r.string(2), role: r.optionalString(3),
                                    organization: r.optionalString(4), email: r.optionalString(5),
                                    phone: r.optionalString(6), bio: r.optionalString(7), imageURL: r.optionalString(8))
                authorSlugs[id] = author.slug
                authors.append(author)
            }
        try db.prepare("SELECT author_id, rel, url FROM author_links ORDER BY author_id, position").query { r in
            if let i = authorIndex[r.int64(0)] { authors[i].links.append(Link(rel: r.string(1), url: r.string(2))) }
        }
        var tags: [Tag] = []
        var tagSlugs: [Int64: String] = [:]
        try db.prepare("SELECT id, slug, name FROM tags ORDER BY id").query { r in
            let tag = Tag(slug: r.string(1), name: r.string(2))
            tagSlugs[r.int64(0)] = tag.slug
            tags.append(tag)
        }
        var articles: [Article] = []
        var redirects: [String: Int64] = [:]
        try db.prepare("SELECT old_slug, article_id FROM slug_history").query { r in redirects[r.string(0)] = r.int64(1) }
        guard withArticles else {
            return ContentData(site: site, articles: [], authors: authors, tags: tags, redirects: redirects)
        }
        articles.reserveCapacity(Int(try db.scalarInt("SELECT count(*) FROM articles WHERE status = 'published'")))
        var languages: [String: String] = [:]  // intern the few distinct values
        try db.prepare("SELECT \(articleColumns) FROM articles WHERE status = 'published' ORDER BY id").query { r in
            let lang = r.string(8)
            let language = languages[lang] ?? { languages[lang] = lang; return lang }()
            articles.append(article(r, language: language))
        }
        // Both link tables are read in article id order, like `articles`: a cursor walks along
        // (a dictionary from id to index was 8 % of start-up at 1,000,000 articles).
        var cursor = 0
        func index(of id: Int64) -> Int? {
            while cursor < articles.count, articles[cursor].id < id { cursor += 1 }
            return cursor < articles.count && articles[cursor].id == id ? cursor : nil
        }
        try db.prepare("SELECT article_id, author_id FROM article_authors ORDER BY article_id, position").query { r in
            if let i = index(of: r.int64(0)), let slug = authorSlugs[r.int64(1)] { articles[i].authors.append(slug) }
        }
        cursor = 0
        try db.prepare("SELECT article_id, tag_id FROM article_tags ORDER BY article_id, position").query { r in
            if let i = index(of: r.int64(0)), let slug = tagSlugs[r.int64(1)] { articles[i].tags.append(slug) }
        }
        return ContentData(site: site, articles: articles, authors: authors, tags: tags, redirects: redirects)
    }

    /// The body as the API serves it (`ServedBody`), without the Markdown source (never sent in
    /// a response): one blob, read without UTF-8 validation or a String.
    static func servedBody(_ db: SQLiteConnection, id: Int64) throws -> ServedBody? {
        var body: ServedBody?
        var damaged = false
        try db.prepare("SELECT served FROM article_bodies WHERE article_id = ?").query([.int(id)]) { r in
            body = ServedBody(stored: r.bytes(0))
            damaged = body == nil
        }
        if damaged { throw SQLiteError(code: 11, message: "the stored body of article \(id) is damaged") }
        return body
    }

    /// The whole body: Markdown source, html and text.
    static func body(_ db: SQLiteConnection, id: Int64) throws -> ArticleBody? {
        var stored: (served: [UInt8], markdown: [UInt8]?)?
        try db.prepare("SELECT served, markdown FROM article_bodies WHERE article_id = ?").query([.int(id)]) { r in
            stored = (r.bytes(0), r.optionalBytes(1))
        }
        guard let stored else { return nil }
        guard let served = ServedBody(stored: stored.served), let (html, text) = try? served.decoded() else {
            throw SQLiteError(code: 11, message: "the stored body of article \(id) is damaged")
        }
        var markdown = ""
        if let m = stored.markdown {
            guard let decoded = StoredMarkdown.decode(m) else {
                throw SQLiteError(code: 11, message: "the stored Markdown of article \(id) is damaged")
            }
            markdown = decoded
        }
        return ArticleBody(markdown: markdown, html: html, text: text)
    }

    static func record(_ db: SQLiteConnection, slug: String) throws -> ArticleRecord? {
        var id: Int64?
        try db.prepare("SELECT id FROM articles WHERE slug = ?").query([.text(slug)]) { id = $0.int64(0) }
        guard let id else { return nil }
        return try record(db, id: id)
    }

    /// The whole record of article `id`, whatever its status.
    static func record(_ db: SQLiteConnection, id: Int64) throws -> ArticleRecord? {
        guard let article = try articles(db, ids: [id], publishedOnly: false).first, let body = try body(db, id: id) else { return nil }
        var oldSlugs: [String] = []
        try db.prepare("SELECT old_slug FROM slug_history WHERE article_id = ? ORDER BY old_slug").query([.int(id)]) {
            oldSlugs.append($0.string(0))
        }
        let status = ArticleStatus(rawValue: try db.scalarString("SELECT status FROM articles WHERE id = ?", [.int(id)]) ?? "") ?? .published
        return ArticleRecord(article: article, body: body, oldSlugs: oldSlugs, status: status)
    }
}

extension ContentLoader {
    /// The columns `article(_:language:)` reads, in its order.
    static let articleColumns = """
        id, slug, title, excerpt, published_at, published_offset, updated_at, updated_offset,
        language, canonical_url, reading_time, word_count, revision
        """

    /// An article's metadata from a row of `articleColumns` (authors and tags still empty).
    static func article(_ r: Statement, language: String) -> Article {
        Article(
            id: r.int64(0), slug: r.string(1), title: r.string(2), excerpt: r.string(3),
            publishedAt: Timestamp(epochSeconds: r.int64(4), utcOffsetSeconds: Int32(truncatingIfNeeded: r.int64(5))),
            updatedAt: Timestamp(epochSeconds: r.int64(6), utcOffsetSeconds: Int32(truncatingIfNeeded: r.int64(7))),
            language: language, canonicalURL: r.optionalString(9), readingTimeMinutes: r.int(10),
            wordCount: r.int(11), authors: [], tags: [], revision: r.int64(12))
    }

    /// The articles with these ids (those that exist and, with `publishedOnly`, are public),
    /// with their authors, tags and revision: what a write changed, read back for the snapshot.
    static func articles(_ db: SQLiteConnection, ids: [Int64], publishedOnly: Bool = true) throws -> [Article] {
        guard !ids.isEmpty else { return [] }
        var out: [Article] = []
        let meta = try db.prepare("SELECT \(articleColumns) FROM articles WHERE id = ?" + (publishedOnly ? " AND status = 'published'" : ""))
        let authors = try db.prepare("""
            SELECT a.slug FROM article_authors aa JOIN authors a ON a.id = aa.author_id WHERE aa.article_id = ? ORDER BY aa.position
            """)
        let tags = try db.prepare("""
            SELECT t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ? ORDER BY at.position
            """)
        for id in ids {
            var found: Article?
            try meta.query([.int(id)]) { found = article($0, language: $0.string(8)) }
            guard var a = found else { continue }
            try authors.query([.int(id)]) { a.authors.append($0.string(0)) }
            try tags.query([.int(id)]) { a.tags.append($0.string(0)) }
            out.append(a)
        }
        return out
    }

    /// Everything but the articles: site, authors, tags, redirects (small next to the articles).
    static func catalog(_ db: SQLiteConnection) throws -> ContentData {
        try load(db, articles: false)
    }
}
