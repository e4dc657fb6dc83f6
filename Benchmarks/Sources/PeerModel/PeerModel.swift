// The content both framework peers serve, written the way a Swift user would: Codable models
// decoded from one JSON document at start, kept in memory, and response structs encoded per
// request by the framework's JSONEncoder.
//
// The document is Folio's own export (`folio export`) extended by Benchmarks/scripts/peer-doc.py
// with what the export leaves to the server: each article's rendered `html` and `text`,
// `word_count`, `reading_time_minutes`, `published_epoch` (for the keyset cursor) and `related`
// (the slugs of Folio's own related feed, limit 5, precomputed from Folio's responses so both
// sides rank alike).
import Foundation

// MARK: The document

public struct PeerDocument: Decodable, Sendable {
    public struct Author: Decodable, Sendable { public let slug: String; public let name: String }
    public struct Tag: Decodable, Sendable { public let slug: String; public let name: String }
    public struct Article: Decodable, Sendable {
        public let id: Int
        public let slug: String
        public let title: String
        public let excerpt: String
        public let published_at: String
        public let updated_at: String
        public let published_epoch: Int64
        public let reading_time_minutes: Int
        public let word_count: Int
        public let language: String
        public let canonical_url: String?
        public let authors: [String]
        public let tags: [String]
        public let html: String
        public let text: String
        public let related: [String]
    }
    public let authors: [Author]
    public let tags: [Tag]
    public let articles: [Article]

    public init(authors: [Author], tags: [Tag], articles: [Article]) {
        self.authors = authors
        self.tags = tags
        self.articles = articles
    }
}

// MARK: Response models

public struct AuthorRef: Codable, Sendable {
    public let slug: String
    public let name: String
    public let url: String
}

public struct TagRef: Codable, Sendable {
    public let slug: String
    public let name: String
}

/// The list item. `canonical_url` is written as `null` when absent (as Folio does), hence the
/// hand-written `encode(to:)`; decoding stays synthesized (Vapor's `Content` wants Codable).
public struct ArticleSummary: Codable, Sendable {
    public let id: Int
    public let slug: String
    public let title: String
    public let excerpt: String
    public let published_at: String
    public let updated_at: String
    public let reading_time_minutes: Int
    public let word_count: Int
    public let language: String
    public let canonical_url: String?
    public let url: String
    public let authors: [AuthorRef]
    public let tags: [TagRef]

    enum CodingKeys: String, CodingKey {
        case id, slug, title, excerpt, published_at, updated_at, reading_time_minutes, word_count
        case language, canonical_url, url, authors, tags
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(slug, forKey: .slug)
        try c.encode(title, forKey: .title)
        try c.encode(excerpt, forKey: .excerpt)
        try c.encode(published_at, forKey: .published_at)
        try c.encode(updated_at, forKey: .updated_at)
        try c.encode(reading_time_minutes, forKey: .reading_time_minutes)
        try c.encode(word_count, forKey: .word_count)
        try c.encode(language, forKey: .language)
        try c.encode(canonical_url, forKey: .canonical_url)
        try c.encode(url, forKey: .url)
        try c.encode(authors, forKey: .authors)
        try c.encode(tags, forKey: .tags)
    }
}

/// The whole article: the summary's fields, then `html`, `text` and `related`.
public struct ArticleDetail: Codable, Sendable {
    public let summary: ArticleSummary
    public let html: String
    public let text: String
    public let related: [ArticleSummary]

    enum CodingKeys: String, CodingKey { case html, text, related }

    public init(summary: ArticleSummary, html: String, text: String, related: [ArticleSummary]) {
        self.summary = summary
        self.html = html
        self.text = text
        self.related = related
    }

    public init(from decoder: any Decoder) throws {
        summary = try ArticleSummary(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        html = try c.decode(String.self, forKey: .html)
        text = try c.decode(String.self, forKey: .text)
        related = try c.decode([ArticleSummary].self, forKey: .related)
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(html, forKey: .html)
        try c.encode(text, forKey: .text)
        try c.encode(related, forKey: .related)
    }
}

public struct ArticleResponse: Codable, Sendable {
    public let data: ArticleDetail
}

public struct Pagination: Codable, Sendable {
    public let page: Int
    public let per_page: Int
    public let total: Int
    public let pages: Int
    public let next: Int?
    public let prev: Int?
    public let next_cursor: String?

    enum CodingKeys: String, CodingKey { case page, per_page, total, pages, next, prev, next_cursor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(page, forKey: .page)
        try c.encode(per_page, forKey: .per_page)
        try c.encode(total, forKey: .total)
        try c.encode(pages, forKey: .pages)
        try c.encode(next, forKey: .next)
        try c.encode(prev, forKey: .prev)
        try c.encode(next_cursor, forKey: .next_cursor)
    }
}

public struct ListMeta: Codable, Sendable { public let pagination: Pagination }

public struct ArticleListResponse: Codable, Sendable {
    public let data: [ArticleSummary]
    public let meta: ListMeta
}

public struct ProblemResponse: Codable, Sendable {
    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
}

// MARK: The store

public enum PeerError: Error { case badRequest(String), notFound }

/// Articles newest first, with indexes by slug, tag and author.
public final class PeerStore: Sendable {
    public struct Entry: Sendable {
        public let summary: ArticleSummary
        public let html: String
        public let text: String
        public let epoch: Int64
        public let related: [Int]
    }

    public let entries: [Entry]
    let bySlug: [String: Int]
    let byTag: [String: [Int]]
    let byAuthor: [String: [Int]]

    /// Loads the peer document (path from argv[1] or `PEER_DOC`). A `.jsonl` document (the
    /// long-tail corpus, too large for one JSON text: Benchmarks/scripts/peer-doc-api.py) has
    /// `{"authors":[…],"tags":[…]}` on its first line and one article per line after it.
    public static func load(path: String) throws -> PeerStore {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard path.hasSuffix(".jsonl") else { return PeerStore(try JSONDecoder().decode(PeerDocument.self, from: data)) }
        struct Head: Decodable { let authors: [PeerDocument.Author]; let tags: [PeerDocument.Tag] }
        let decoder = JSONDecoder()
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
        guard let first = lines.popFirst() else { throw PeerError.notFound }
        let head = try decoder.decode(Head.self, from: first)
        let articles = try lines.map { try decoder.decode(PeerDocument.Article.self, from: $0) }
        return PeerStore(PeerDocument(authors: head.authors, tags: head.tags, articles: articles))
    }

    public init(_ doc: PeerDocument) {
        let authorNames = Dictionary(doc.authors.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let tagNames = Dictionary(doc.tags.map { ($0.slug, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sorted = doc.articles.sorted {
            $0.published_epoch != $1.published_epoch ? $0.published_epoch > $1.published_epoch : $0.id > $1.id
        }
        var bySlug: [String: Int] = [:]
        for (i, a) in sorted.enumerated() { bySlug[a.slug] = i }
        var byTag: [String: [Int]] = [:]
        var byAuthor: [String: [Int]] = [:]
        var entries: [Entry] = []
        entries.reserveCapacity(sorted.count)
        for (i, a) in sorted.enumerated() {
            for t in a.tags { byTag[t, default: []].append(i) }
            for au in a.authors { byAuthor[au, default: []].append(i) }
            let summary = ArticleSummary(
                id: a.id, slug: a.slug, title: a.title, excerpt: a.excerpt,
                published_at: a.published_at, updated_at: a.updated_at,
                reading_time_minutes: a.reading_time_minutes, word_count: a.word_count,
                language: a.language, canonical_url: a.canonical_url, url: "/api/v1/articles/" + a.slug,
                authors: a.authors.map { AuthorRef(slug: $0, name: authorNames[$0] ?? $0, url: "/api/v1/authors/" + $0) },
                tags: a.tags.map { TagRef(slug: $0, name: tagNames[$0] ?? $0) }
            )
            entries.append(Entry(summary: summary, html: a.html, text: a.text, epoch: a.published_epoch,
                                 related: a.related.compactMap { bySlug[$0] }))
        }
        self.entries = entries
        self.bySlug = bySlug
        self.byTag = byTag
        self.byAuthor = byAuthor
    }

    /// `GET /api/v1/articles/{slug}`.
    public func article(slug: String) throws(PeerError) -> ArticleResponse {
        guard let i = bySlug[slug] else { throw .notFound }
        let e = entries[i]
        return ArticleResponse(data: ArticleDetail(
            summary: e.summary, html: e.html, text: e.text, related: e.related.map { entries[$0].summary }))
    }

    /// `GET /api/v1/articles?page=&per_page=&tag=&author=` (tag and author: comma lists, any of;
    /// both given: both must match). Newest first.
    public func list(page: Int, perPage: Int, tags: [String], authors: [String]) throws(PeerError) -> (ArticleListResponse, link: String) {
        guard page >= 1 else { throw .badRequest("page must be at least 1") }
        guard (1...100).contains(perPage) else { throw .badRequest("per_page must be between 1 and 100") }
        // Candidates from the narrower condition's index (already newest first), then the other
        // condition checked on each candidate's own tags/authors.
        var matches: [Int]? = nil
        if !tags.isEmpty || !authors.isEmpty {
            func candidates(_ values: [String], _ index: [String: [Int]]) -> [Int] {
                values.count == 1 ? index[values[0]] ?? [] : Set(values.flatMap { index[$0] ?? [] }).sorted()
            }
            let byTags = tags.isEmpty ? nil : candidates(tags, byTag)
            let byAuthors = authors.isEmpty ? nil : candidates(authors, byAuthor)
            switch (byTags, byAuthors) {
            case let (t?, a?) where a.count <= t.count:
                matches = a.filter { i in entries[i].summary.tags.contains { tags.contains($0.slug) } }
            case let (t?, a?) where t.count < a.count:
                matches = t.filter { i in entries[i].summary.authors.contains { authors.contains($0.slug) } }
            default:
                matches = byTags ?? byAuthors
            }
        }
        let total = matches?.count ?? entries.count
        let pages = max(1, (total + perPage - 1) / perPage)
        let start = min((page - 1) * perPage, total)
        let end = min(start + perPage, total)
        let indices = matches.map { Array($0[start..<end]) } ?? Array(start..<end)
        let data = indices.map { entries[$0].summary }
        var cursor: String? = nil
        if end < total, let last = indices.last {
            let raw = "v1\u{1f}-published_at\u{1f}\(entries[last].epoch)\u{1f}\(entries[last].summary.id)"
            cursor = Data(raw.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let pagination = Pagination(
            page: page, per_page: perPage, total: total, pages: pages,
            next: page < pages ? page + 1 : nil, prev: page > 1 ? min(page - 1, pages) : nil, next_cursor: cursor)
        var filters = ""
        if !authors.isEmpty { filters += "author=\(authors.joined(separator: ","))&" }
        if !tags.isEmpty { filters += "tag=\(tags.joined(separator: ","))&" }
        func link(_ p: Int, _ rel: String) -> String { "</api/v1/articles?\(filters)per_page=\(perPage)&page=\(p)>; rel=\"\(rel)\"" }
        var links = [link(1, "first")]
        if let prev = pagination.prev { links.append(link(prev, "prev")) }
        if let next = pagination.next { links.append(link(next, "next")) }
        links.append(link(pages, "last"))
        return (ArticleListResponse(data: data, meta: ListMeta(pagination: pagination)), links.joined(separator: ", "))
    }
}

/// Splits repeated or comma-separated query values.
public func splitList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
}

/// Path of the peer document: argv[1], else `PEER_DOC`.
public func peerDocumentPath() -> String {
    CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : (ProcessInfo.processInfo.environment["PEER_DOC"] ?? "peer-doc.json")
}

/// Port: argv[2], else `PEER_PORT`, else 8080.
public func peerPort() -> Int {
    if CommandLine.arguments.count > 2, let p = Int(CommandLine.arguments[2]) { return p }
    return ProcessInfo.processInfo.environment["PEER_PORT"].flatMap(Int.init) ?? 8080
}

/// The encoder both peers use: JSONEncoder, keys in declaration order, `/` not escaped (Folio
/// writes `/` plainly except in `</`).
public func peerEncoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.withoutEscapingSlashes]
    return e
}
