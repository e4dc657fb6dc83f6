import Foundation
import Glibc

/// One kept version of an article: its number, its status and title then, and who wrote it
/// when (nil for versions written before revisions were kept).
public struct ArticleRevision: Sendable, Hashable {
    public var revision: Int64
    public var status: ArticleStatus
    public var title: String
    /// Epoch seconds.
    public var revisedAt: Int64?
    public var revisedBy: String?
    /// The article's current version (not a kept one).
    public var isCurrent: Bool
}

/// Revisions: before a write replaces an article, the version it replaces is kept in
/// `article_revisions` as the export document has it (`ContentDocument.ArticleEntry` JSON: the
/// Markdown or HTML source, not the derived html and text), so a restore goes through the same
/// validation and rendering as any write. Costs: one JSON encoding and one row per update
/// (about the size of the source); creating an article keeps nothing.
extension StoreWriter {
    /// Keeps the current version of article `id` (once per revision number), then drops kept
    /// versions beyond `revisionsKept` (0 keeps all).
    func keepRevision(_ id: Int64) throws {
        guard let record = try ContentLoader.record(db, id: id) else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = String(decoding: try encoder.encode(ContentDocument.ArticleEntry(record)), as: UTF8.self)
        try db.prepare("""
            INSERT OR IGNORE INTO article_revisions (article_id, revision, status, title, revised_at, revised_by, document)
            SELECT id, revision, status, title, revised_at, revised_by, ? FROM articles WHERE id = ?
            """).run([.text(document), .int(id)])
        if revisionsKept > 0 {
            try db.prepare("""
                DELETE FROM article_revisions WHERE article_id = ?1
                AND revision <= (SELECT revision FROM articles WHERE id = ?1) - ?2
                """).run([.int(id), .int(Int64(revisionsKept))])
        }
    }

    /// Records who wrote article `id`'s current version, and when.
    func markRevised(_ id: Int64) throws {
        try db.prepare("UPDATE articles SET revised_at = ?, revised_by = ? WHERE id = ?")
            .run([.int(Int64(time(nil))), .text(actor), .int(id)])
    }

    /// Kept version `revision` of article `id` as an input (for a restore), or nil.
    public func revisionInput(articleID id: Int64, revision: Int64) throws -> ArticleInput? {
        try RevisionReader.input(db, articleID: id, revision: revision)
    }
}

/// Reads of kept revisions (shared by the store's readers and the writer).
enum RevisionReader {
    static func input(_ db: SQLiteConnection, articleID id: Int64, revision: Int64) throws -> ArticleInput? {
        guard let document = try db.scalarString("SELECT document FROM article_revisions WHERE article_id = ? AND revision = ?",
                                                 [.int(id), .int(revision)]) else { return nil }
        return try JSONDecoder().decode(ContentDocument.ArticleEntry.self, from: Data(document.utf8)).input
    }

    /// The article's versions, newest first: the current one, then those kept.
    static func list(_ db: SQLiteConnection, articleID id: Int64) throws -> [ArticleRevision] {
        var out: [ArticleRevision] = []
        try db.prepare("SELECT revision, status, title, revised_at, revised_by FROM articles WHERE id = ?").query([.int(id)]) { r in
            out.append(ArticleRevision(revision: r.int64(0), status: ArticleStatus(rawValue: r.string(1)) ?? .draft, title: r.string(2),
                                       revisedAt: r.optionalInt64(3), revisedBy: r.optionalString(4), isCurrent: true))
        }
        try db.prepare("""
            SELECT revision, status, title, revised_at, revised_by FROM article_revisions WHERE article_id = ? ORDER BY revision DESC
            """).query([.int(id)]) { r in
            out.append(ArticleRevision(revision: r.int64(0), status: ArticleStatus(rawValue: r.string(1)) ?? .draft, title: r.string(2),
                                       revisedAt: r.optionalInt64(3), revisedBy: r.optionalString(4), isCurrent: false))
        }
        return out
    }
}

extension SQLiteStore {
    /// The versions of the article with this slug, newest first (the current one first), or nil
    /// when there is no such article.
    public func revisions(slug: String) throws -> [ArticleRevision]? {
        try withConnection { db in
            guard let id = try db.scalarOptionalInt("SELECT id FROM articles WHERE slug = ?", [.text(slug)]) else { return nil }
            return try RevisionReader.list(db, articleID: id)
        }
    }

    /// Version `revision` of the article with this slug as its source fields (the current
    /// version included), or nil.
    public func revision(slug: String, number: Int64) throws -> (input: ArticleInput, info: ArticleRevision)? {
        try withConnection { db in
            guard let id = try db.scalarOptionalInt("SELECT id FROM articles WHERE slug = ?", [.text(slug)]) else { return nil }
            guard let info = try RevisionReader.list(db, articleID: id).first(where: { $0.revision == number }) else { return nil }
            if info.isCurrent {
                guard let record = try ContentLoader.record(db, id: id) else { return nil }
                return (ArticleInput(record), info)
            }
            guard let input = try RevisionReader.input(db, articleID: id, revision: number) else { return nil }
            return (input, info)
        }
    }
}
