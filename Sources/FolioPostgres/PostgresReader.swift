import FolioContent

/// Reads shared by the store and its writer: articles with their authors and tags, whole records.
enum PostgresReader {
    static let articleColumns = """
        id, slug, title, excerpt, published_at, published_offset, updated_at, updated_offset,
        language, canonical_url, reading_time, word_count, revision
        """

    static func articles(_ db: PostgresConnection, where condition: String, _ params: [PGValue]) throws -> [Article] {
        let r = try db.query("SELECT \(articleColumns) FROM articles WHERE \(condition) ORDER BY id", params)
        return (0..<r.count).map { i in
            Article(id: r.int64(i, 0), slug: r.string(i, 1), title: r.string(i, 2), excerpt: r.string(i, 3),
                    publishedAt: Timestamp(epochSeconds: r.int64(i, 4), utcOffsetSeconds: Int32(truncatingIfNeeded: r.int64(i, 5))),
                    updatedAt: Timestamp(epochSeconds: r.int64(i, 6), utcOffsetSeconds: Int32(truncatingIfNeeded: r.int64(i, 7))),
                    language: r.string(i, 8), canonicalURL: r.optionalString(i, 9), readingTimeMinutes: r.int(i, 10),
                    wordCount: r.int(i, 11), authors: [], tags: [], revision: r.int64(i, 12))
        }
    }

    /// Fills in authors and tags (by slug, in byline and display order) for `articles`.
    static func attachAuthorsAndTags(_ db: PostgresConnection, to articles: inout [Article]) throws {
        guard !articles.isEmpty else { return }
        var index: [Int64: Int] = [:]
        for (i, a) in articles.enumerated() { index[a.id] = i }
        let ids = "{" + articles.map { String($0.id) }.joined(separator: ",") + "}"
        let authors = try db.query("""
            SELECT aa.article_id, a.slug FROM article_authors aa JOIN authors a ON a.id = aa.author_id
            WHERE aa.article_id = ANY($1::bigint[]) ORDER BY aa.article_id, aa.position
            """, [.text(ids)])
        for r in 0..<authors.count { if let i = index[authors.int64(r, 0)] { articles[i].authors.append(authors.string(r, 1)) } }
        let tags = try db.query("""
            SELECT at.article_id, t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id
            WHERE at.article_id = ANY($1::bigint[]) ORDER BY at.article_id, at.position
            """, [.text(ids)])
        for r in 0..<tags.count { if let i = index[tags.int64(r, 0)] { articles[i].tags.append(tags.string(r, 1)) } }
    }

    /// The whole record of the article with this slug, whatever its status.
    static func record(_ db: PostgresConnection, slug: String) throws -> ArticleRecord? {
        var found = try articles(db, where: "slug = $1", [.text(slug)])
        guard !found.isEmpty else { return nil }
        try attachAuthorsAndTags(db, to: &found)
        let id = found[0].id
        let b = try db.query("SELECT markdown, html, text FROM article_bodies WHERE article_id = $1", [.int(id)])
        guard !b.isEmpty else { return nil }
        let body = ArticleBody(markdown: b.optionalString(0, 0) ?? "", html: b.string(0, 1), text: b.string(0, 2))
        let old = try db.query("SELECT old_slug FROM slug_history WHERE article_id = $1 ORDER BY old_slug", [.int(id)])
        let status = try db.query("SELECT status FROM articles WHERE id = $1", [.int(id)])
        return ArticleRecord(article: found[0], body: body, oldSlugs: (0..<old.count).map { old.string($0, 0) },
                             status: ArticleStatus(rawValue: status.string(0, 0)) ?? .published)
    }

    /// Up to `limit` changes after `seq`, oldest first; with `publicOnly`, only those the public
    /// feed shows.
    static func changes(_ db: PostgresConnection, after seq: Int64, limit: Int, publicOnly: Bool = false) throws -> [Change] {
        let r = try db.query("SELECT seq, kind, entity_id, slug, op, actor, at FROM changes WHERE seq > $1"
                             + (publicOnly ? " AND public" : "") + " ORDER BY seq LIMIT $2", [.int(seq), .int(Int64(limit))])
        return (0..<r.count).map {
            Change(seq: r.int64($0, 0), kind: r.string($0, 1), entityID: r.int64($0, 2), slug: r.string($0, 3), op: r.string($0, 4),
                   actor: r.string($0, 5), at: r.int64($0, 6))
        }
    }
}
