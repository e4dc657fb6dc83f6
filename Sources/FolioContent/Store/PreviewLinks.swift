import Glibc

/// What a preview link leads to.
public enum PreviewLookup: Sendable {
    /// No link with this secret (never issued, or its article was deleted).
    case unknown
    /// The link's time is over.
    case expired
    /// The article is public now: the link died with the publish.
    case published(slug: String)
    /// The article as it stands, not yet public.
    case unpublished(Article, ArticleStatus)
}

/// Preview links: an unguessable secret that shows one unpublished article to whoever holds it,
/// until it expires or the article is published. The store keeps only the secret's SHA-256.
extension StoreWriter {
    /// Stores a link for article `id` (its secret hashed by the caller), valid until `expiresAt`.
    public func createPreviewLink(articleID id: Int64, hash: String, expiresAt: Int64) throws {
        let now = Int64(time(nil))
        try db.prepare("DELETE FROM preview_links WHERE expires_at <= ?").run([.int(now)])
        try db.prepare("INSERT INTO preview_links (hash, article_id, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?)")
            .run([.text(hash), .int(id), .int(now), .int(expiresAt), .text(actor)])
    }

    /// Ends every preview link of article `id` (it was published).
    func endPreviews(_ id: Int64) throws {
        try db.prepare("DELETE FROM preview_links WHERE article_id = ?").run([.int(id)])
    }
}

extension SQLiteStore {
    /// The article a preview link (by its secret's hash) shows at `now` (epoch seconds).
    public func preview(hash: String, now: Int64) throws -> PreviewLookup {
        try withConnection { db in
            var link: (id: Int64, expires: Int64)?
            try db.prepare("SELECT article_id, expires_at FROM preview_links WHERE hash = ?").query([.text(hash)]) {
                link = ($0.int64(0), $0.int64(1))
            }
            guard let link else { return .unknown }
            guard link.expires > now else { return .expired }
            guard let record = try ContentLoader.record(db, id: link.id) else { return .unknown }
            if record.status == .published { return .published(slug: record.article.slug) }
            return .unpublished(record.article, record.status)
        }
    }
}
