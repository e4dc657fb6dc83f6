/// The top-level fields an article representation can carry; `fields=` picks from these.
struct ArticleFields: OptionSet, Sendable {
    let rawValue: UInt32

    static let id = ArticleFields(rawValue: 1 << 0)
    static let slug = ArticleFields(rawValue: 1 << 1)
    static let title = ArticleFields(rawValue: 1 << 2)
    static let excerpt = ArticleFields(rawValue: 1 << 3)
    static let publishedAt = ArticleFields(rawValue: 1 << 4)
    static let updatedAt = ArticleFields(rawValue: 1 << 5)
    static let readingTime = ArticleFields(rawValue: 1 << 6)
    static let wordCount = ArticleFields(rawValue: 1 << 7)
    static let language = ArticleFields(rawValue: 1 << 8)
    static let canonicalURL = ArticleFields(rawValue: 1 << 9)
    static let url = ArticleFields(rawValue: 1 << 10)
    static let authors = ArticleFields(rawValue: 1 << 11)
    static let tags = ArticleFields(rawValue: 1 << 12)
    static let html = ArticleFields(rawValue: 1 << 13)
    static let text = ArticleFields(rawValue: 1 << 14)
    static let related = ArticleFields(rawValue: 1 << 15)

    static let summary: ArticleFields = [.id, .slug, .title, .excerpt, .publishedAt, .updatedAt, .readingTime, .wordCount,
                                         .language, .canonicalURL, .url, .authors, .tags]
    static let body: ArticleFields = [.html, .text]
    static let full: ArticleFields = summary.union(body).union(.related)

    /// Field names in output order.
    static let names: [(String, ArticleFields)] = [
        ("id", .id), ("slug", .slug), ("title", .title), ("excerpt", .excerpt), ("published_at", .publishedAt),
        ("updated_at", .updatedAt), ("reading_time_minutes", .readingTime), ("word_count", .wordCount),
        ("language", .language), ("canonical_url", .canonicalURL), ("url", .url), ("authors", .authors),
        ("tags", .tags), ("html", .html), ("text", .text), ("related", .related),
    ]

    /// Parses a `fields=` list against the fields `allowed` here; an unknown name is a 400.
    static func parse(_ list: [String], allowed: ArticleFields) throws(APIError) -> ArticleFields {
        var set: ArticleFields = []
        for name in list {
            guard let f = names.first(where: { $0.0 == name })?.1, allowed.contains(f) else {
                let known = names.filter { allowed.contains($0.1) }.map(\.0).joined(separator: ", ")
                throw APIError.badParameter("fields", "unknown field \"\(name)\"; known: \(known)")
            }
            set.insert(f)
        }
        return set
    }

    /// A stable text form for cache keys.
    var canonical: String { String(rawValue, radix: 16) }
}
