/// A hit from `SearchIndex.search`.
public struct SearchHit: Sendable, Hashable {
    public var articleID: Int64
    /// FTS5 `bm25()` with weights title 10, excerpt 5, text 1. Negative;
    /// LOWER (more negative) is BETTER, as FTS5 reports it. Hits come sorted
    /// best first.
    public var rank: Double
}

/// Full-text search over title, excerpt and text (FTS5, porter stemming,
/// diacritics removed: "elections" finds "election", "Turkiye" finds
/// "Türkiye"). A pool of read-only connections, each behind its own mutex,
/// so searches run in parallel with each other and with writes (WAL).
public final class SearchIndex: Sendable {
    private let pool: ReadPool

    /// Opens `connections` read-only connections to the store at `path`.
    public init(path: String, connections: Int = 2) throws {
        pool = try ReadPool(path: path, connections: connections)
    }

    /// Checks a query against the accepted subset without searching.
    public static func validate(_ query: String) throws(SearchError) {
        _ = try SearchQuery.parse(query)
    }

    /// Articles matching all terms of `query`, best first.
    public func search(_ query: String) throws(SearchError) -> [SearchHit] {
        try search(query, limit: Int(Int32.max))
    }

    /// At most `limit` articles matching `query`, best first (ties: newer id first).
    public func search(_ query: String, limit: Int) throws(SearchError) -> [SearchHit] {
        let parsed = try SearchQuery.parse(query)
        do {
            return try pool.with { db in
                var hits: [SearchHit] = []
                try db.prepare("""
                    SELECT rowid, bm25(article_search, 10.0, 5.0, 1.0) AS score FROM article_search
                    WHERE article_search MATCH ? ORDER BY score, rowid DESC LIMIT ?
                    """).query([.text(parsed.expression), .int(Int64(max(0, limit)))]) { r in
                    hits.append(SearchHit(articleID: r.int64(0), rank: r.double(1)))
                }
                return hits
            }
        } catch let error as SQLiteError {
            throw .unavailable(error.message)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// Up to ~24 words of the article around the best match, HTML-escaped,
    /// with matched words wrapped in `<mark>`…`</mark>`. Empty when the
    /// article does not match or the query is invalid.
    public func snippet(articleID: Int64, query: String) -> String {
        guard let parsed = try? SearchQuery.parse(query) else { return "" }
        let raw: String? = try? pool.with { db in
            var s: String?
            try db.prepare("""
                SELECT snippet(article_search, -1, char(1), char(2), '…', 24) FROM article_search
                WHERE article_search MATCH ? AND rowid = ?
                """).query([.text(parsed.expression), .int(articleID)]) { s = $0.string(0) }
            return s
        }
        guard let raw else { return "" }
        return Self.markup(raw)
    }

    /// Escapes everything, then turns the sentinels \u{1} / \u{2} into marks.
    static func markup(_ raw: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(raw.utf8.count + 32)
        var open = false
        for c in raw.utf8 {
            switch c {
            case 0x01:
                if !open { out.append(contentsOf: Array("<mark>".utf8)); open = true }
            case 0x02:
                if open { out.append(contentsOf: Array("</mark>".utf8)); open = false }
            default:
                HTMLEscape.append(byte: c, to: &out)
            }
        }
        if open { out.append(contentsOf: Array("</mark>".utf8)) }
        return String(decoding: out, as: UTF8.self)
    }
}
