import Foundation

/// Writes all content as one `ContentDocument`: authors and tags by slug,
/// articles by id, keys sorted, so `folio import` reads it back into an
/// identical store and a second export is byte-identical.
public enum ContentExporter {
    /// The whole store as a document (bodies read one by one).
    public static func document(from repository: any ArticleRepository) throws -> ContentDocument {
        let data = try repository.loadContent()
        var articles: [ContentDocument.ArticleEntry] = []
        let slugs = try repository.allArticleSlugs()  // drafts and scheduled ones too, by id
        articles.reserveCapacity(slugs.count)
        for slug in slugs {
            guard let record = try repository.loadRecord(slug: slug) else { continue }
            articles.append(ContentDocument.ArticleEntry(record))
        }
        return ContentDocument(
            site: data.site.map(ContentDocument.SiteEntry.init),
            authors: data.authors.sorted { $0.slug < $1.slug }.map(ContentDocument.AuthorEntry.init),
            tags: data.tags.sorted { $0.slug < $1.slug }.map { ContentDocument.TagEntry(slug: $0.slug, name: $0.name) },
            articles: articles)
    }

    /// Pretty-printed JSON with sorted keys and a final newline.
    public static func encode(_ document: ContentDocument) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(document))
        bytes.append(0x0A)
        return bytes
    }

    /// `encode(document(from:))`.
    public static func export(from repository: any ArticleRepository) throws -> [UInt8] {
        try encode(document(from: repository))
    }
}
