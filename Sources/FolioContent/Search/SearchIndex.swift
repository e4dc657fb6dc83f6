/// A hit from `SearchIndex.search`.
public struct SearchHit: Sendable, Hashable {
    public var articleID: Int64
    /// FTS5 `bm25()` with weights title 10, excerpt 5, text 1. Negative;
    /// LOWER (more negative) is BETTER, as FTS5 reports it. Hits come sorted
    /// best first.
    public var rank: Double

    public init(articleID: Int64, rank: Double) {
        self.articleID = articleID
        self.rank = rank
    }
}

/// Full-text search as the API uses it, whichever engine is behind it: SQLite's FTS5
/// (`SearchIndex`) or PostgreSQL's tsvector (`PostgresSearch`). The same `SearchQuery` syntax on
/// both; hits best first, `rank` lower is better; snippets HTML-escaped with `<mark>`.
public protocol FullTextSearch: Sendable {
    func search(_ query: SearchQuery, limit: Int, budget: SearchBudget) throws(SearchError) -> [SearchHit]
    func snippets(articleIDs: [Int64], query: SearchQuery, budget: SearchBudget) throws(SearchError) -> [String]
}

/// Full-text search over title, excerpt and text (FTS5, porter stemming,
/// diacritics removed: "elections" finds "election", "Turkiye" finds
/// "Türkiye"). A pool of read-only connections, each behind its own mutex,
/// so searches run in parallel with each other and with writes (WAL).
public final class SearchIndex: FullTextSearch {
    private let pool: ReadPool

    /// Opens `connections` read-only connections to the store at `path`.
    public init(path: String, connections: Int = 2) throws {
        pool = try ReadPool(path: path, connections: connections)
    }

    /// Checks a query against the accepted subset without searching.
    public static func validate(_ query: String, limits: SearchLimits = SearchLimits()) throws(SearchError) {
        _ = try SearchQuery.parse(query, limits: limits)
    }

    /// Articles matching all terms of `query`, best first, with no budget (tests, tools).
    public func search(_ query: String) throws(SearchError) -> [SearchHit] {
        try search(try SearchQuery.parse(query), limit: Int(Int32.max), budget: .unlimited)
    }

    /// At most `limit` articles matching `query`, with no budget (tests, tools).
    public func search(_ query: String, limit: Int) throws(SearchError) -> [SearchHit] {
        try search(try SearchQuery.parse(query), limit: limit, budget: .unlimited)
    }

    /// Steps of SQLite's virtual machine between two budget checks: small enough to stop within
    /// well under a millisecond, large enough that the checks (a clock read each) cost under 1 %.
    static let checkEvery: Int32 = 4_000

    /// At most `limit` articles matching `query`, best first (ties: newer id first), within `budget`.
    public func search(_ query: SearchQuery, limit: Int, budget: SearchBudget) throws(SearchError) -> [SearchHit] {
        try run(budget) { db in
            var hits: [SearchHit] = []
            try db.prepare("""
                SELECT rowid, bm25(article_search, 10.0, 5.0, 1.0) AS score FROM article_search
                WHERE article_search MATCH ? ORDER BY score, rowid DESC LIMIT ?
                """).query([.text(query.expression), .int(Int64(max(0, limit)))]) { r in
                hits.append(SearchHit(articleID: r.int64(0), rank: r.double(1)))
            }
            return hits
        }
    }

    /// For each article, up to ~24 words around its best match, HTML-escaped, with matched words
    /// wrapped in `<mark>`…`</mark>` ("" when it does not match), within `budget`. Only for the
    /// hits of the page being answered: each costs a look-up and a scan of that article's text.
    public func snippets(articleIDs: [Int64], query: SearchQuery, budget: SearchBudget) throws(SearchError) -> [String] {
        try run(budget) { db in
            let statement = try db.prepare("""
                SELECT snippet(article_search, -1, char(1), char(2), '…', 24) FROM article_search
                WHERE article_search MATCH ? AND rowid = ?
                """)
            var out: [String] = []
            out.reserveCapacity(articleIDs.count)
            for id in articleIDs {
                var s = ""
                statement.reset()
                try statement.query([.text(query.expression), .int(id)]) { s = Self.markup($0.string(0)) }
                out.append(s)
            }
            return out
        }
    }

    /// One article's snippet with no budget (tests).
    public func snippet(articleID: Int64, query: String) -> String {
        guard let parsed = try? SearchQuery.parse(query) else { return "" }
        return (try? snippets(articleIDs: [articleID], query: parsed, budget: .unlimited))?.first ?? ""
    }

    /// Runs `body` on a pooled connection under `budget`: stops with the budget's reason when it
    /// runs out or the answer is no longer wanted.
    private func run<R: Sendable>(_ budget: SearchBudget, _ body: @Sendable (SQLiteConnection) throws -> R) throws(SearchError) -> R {
        if let reason = budget.check() { throw reason }
        do {
            return try pool.with { db in
                try db.withProgressCheck(every: Self.checkEvery, stop: { budget.check() != nil }) { try body(db) }
            }
        } catch let error as SQLiteError {
            if error.code & 0xFF == 9, let reason = budget.check() { throw reason }  // SQLITE_INTERRUPT
            throw .unavailable(error.message)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// Escapes everything, then turns the sentinels \u{1} / \u{2} into marks.
    public static func markup(_ raw: String) -> String {
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
