public import FolioContent
import Foundation
import Synchronization

/// Full-text search on PostgreSQL: `folio_english` tsvectors (title A, excerpt B, text D) behind a
/// GIN index, the same `SearchQuery` syntax as the SQLite index (every word must match; "a
/// phrase"; prefix*), ranked by the same BM25 as SQLite's FTS5 (computed in SQL over the
/// tsvector's weighted positions), snippets by `ts_headline` in the same `<mark>` shape, so the
/// API's answers do not say which engine is behind them.
/// Runs on the search threads (a network round trip), its CPU budget turned into a statement
/// timeout.
public final class PostgresSearch: FullTextSearch {
    /// One connection behind its own lock (a Mutex cannot sit in an array by itself).
    final class Pooled: Sendable {
        let connection: Mutex<PostgresConnection>
        init(url: String) throws { connection = Mutex(try PostgresConnection(url: url)) }
    }

    private let connections: [Pooled]
    private let next = Atomic<Int>(0)

    public init(url: String, connections count: Int = 2) throws {
        connections = try (0..<max(1, count)).map { _ in try Pooled(url: url) }
    }

    /// The tsquery for `query`: every term AND-ed; a phrase keeps its order; a prefix matches
    /// word starts.
    static func tsquery(_ query: SearchQuery) -> (sql: String, params: [PGValue]) {
        var parts: [String] = []
        var params: [PGValue] = []
        for term in query.parts {
            params.append(.text(term.text))
            let n = params.count
            if term.prefix {
                // The last word as a prefix, the others as a phrase before it.
                let words = term.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                let last = words.last.map(String.init) ?? ""
                params[n - 1] = .text(last)
                var q = "to_tsquery('folio_english', quote_literal(unaccent($\(n))) || ':*')"
                if words.count > 1 {
                    params.append(.text(words.dropLast().joined(separator: " ")))
                    q = "(phraseto_tsquery('folio_english', $\(params.count)) <-> \(q))"
                }
                parts.append(q)
            } else if term.phrase {
                parts.append("phraseto_tsquery('folio_english', $\(n))")
            } else {
                parts.append("plainto_tsquery('folio_english', $\(n))")
            }
        }
        return (parts.joined(separator: " && "), params)
    }

    /// The query's lexemes for scoring: each word's stems (stop words have none), each phrase's,
    /// and each prefix as written, lowercased and unaccented (not stemmed, as FTS5 does not stem a
    /// prefix either), as a `terms(lexeme, prefix)` table.
    static func termsTable(_ query: SearchQuery, firstParam: Int) -> (sql: String, params: [PGValue]) {
        var selects: [String] = []
        var params: [PGValue] = []
        for term in query.parts {
            params.append(.text(term.text))
            let p = "$\(firstParam + params.count - 1)"
            if term.prefix {
                let words = term.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                params[params.count - 1] = .text(words.last.map(String.init) ?? "")
                selects.append("SELECT lower(unaccent(\(p))) AS lexeme, true AS prefix")
            } else {
                selects.append("SELECT unnest(tsvector_to_array(to_tsvector('folio_english', \(p)))) AS lexeme, false AS prefix")
            }
        }
        return ("(" + selects.joined(separator: " UNION ") + ")", params)
    }

    /// Ranked as FTS5's `bm25(article_search, 10, 5, 1)` ranks on SQLite (k1 1.2, b 0.75): per
    /// query lexeme, the IDF over published articles times the saturated, length-normalised
    /// frequency, where a hit in the title counts 10, in the excerpt 5, in the text 1. Computed
    /// over the GIN index's matches only; the document frequencies are one index probe per term.
    public func search(_ query: SearchQuery, limit: Int, budget: SearchBudget) throws(SearchError) -> [SearchHit] {
        let q = Self.tsquery(query)
        let terms = Self.termsTable(query, firstParam: q.params.count + 1)
        let limitParam = "$\(q.params.count + terms.params.count + 1)"
        return try run(budget) { db in
            let r = try db.query("""
                WITH q AS (SELECT \(q.sql) AS query),
                corpus AS MATERIALIZED (SELECT count(*)::float8 AS total, greatest(avg(length), 1)::float8 AS avgdl FROM article_search),
                terms AS \(terms.sql),
                df AS MATERIALIZED (
                    SELECT t.lexeme, t.prefix, (SELECT count(*) FROM article_search s
                        WHERE s.document @@ (CASE WHEN t.prefix THEN to_tsquery('simple', quote_literal(t.lexeme) || ':*')
                                                  ELSE to_tsquery('simple', quote_literal(t.lexeme)) END))::float8 AS n
                    FROM terms t WHERE t.lexeme <> ''),
                hits AS MATERIALIZED (SELECT s.article_id, s.document, s.length FROM article_search s, q WHERE s.document @@ q.query)
                SELECT h.article_id, sum(
                    greatest(ln((corpus.total - df.n + 0.5) / (df.n + 0.5)), 1e-6)
                    * (tf.w * 2.2) / (tf.w + 1.2 * (0.25 + 0.75 * h.length / corpus.avgdl))) AS score
                FROM hits h CROSS JOIN corpus CROSS JOIN df
                CROSS JOIN LATERAL (
                    SELECT coalesce(sum(CASE w::text WHEN 'A' THEN 10 WHEN 'B' THEN 5 ELSE 1 END), 0)::float8 AS w
                    FROM unnest(h.document) u, unnest(u.weights) w
                    WHERE CASE WHEN df.prefix THEN left(u.lexeme, length(df.lexeme)) = df.lexeme ELSE u.lexeme = df.lexeme END
                ) tf
                GROUP BY h.article_id
                ORDER BY score DESC, h.article_id DESC LIMIT \(limitParam)
                """, q.params + terms.params + [.int(Int64(min(limit, Int(Int32.max))))])
            return (0..<r.count).map { SearchHit(articleID: r.int64($0, 0), rank: -(Double(r.rows[$0][1] ?? "0") ?? 0)) }
        }
    }

    public func snippets(articleIDs: [Int64], query: SearchQuery, budget: SearchBudget) throws(SearchError) -> [String] {
        guard !articleIDs.isEmpty else { return [] }
        let q = Self.tsquery(query)
        let idsParam = "$\(q.params.count + 1)"
        return try run(budget) { db in
            let r = try db.query("""
                WITH q AS (SELECT \(q.sql) AS query)
                SELECT b.article_id, ts_headline('folio_english', b.text, q.query,
                    'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=…')
                FROM article_bodies b, q WHERE b.article_id = ANY(\(idsParam)::bigint[])
                """, q.params + [.text("{" + articleIDs.map(String.init).joined(separator: ",") + "}")])
            var byID: [Int64: String] = [:]
            for i in 0..<r.count {
                let raw = r.string(i, 1)
                // A headline without a match is the text's start: no snippet then, as on SQLite.
                byID[r.int64(i, 0)] = raw.contains("\u{1}") ? SearchIndex.markup(raw) : ""
            }
            return articleIDs.map { byID[$0] ?? "" }
        }
    }

    /// On one of the connections, in a transaction whose statement timeout is what is left of
    /// the budget's CPU time (the server's work is what the budget bounds here).
    private func run<R: Sendable>(_ budget: SearchBudget, _ body: (PostgresConnection) throws -> R) throws(SearchError) -> R {
        if let reason = budget.check() { throw reason }
        let index = next.add(1, ordering: .relaxed).newValue % connections.count
        do {
            return try connections[index].connection.withLock { db in
                if db.isBroken { try db.reconnect() }
                // A session that died since its last use fails its first statement: reconnect and
                // go on (nothing was read yet).
                do { try db.execute("BEGIN") } catch let error as PostgresError where error.sqlState == nil && db.isBroken {
                    _ = error
                    try db.reconnect()
                    try db.execute("BEGIN")
                }
                do {
                    if budget.cpuSeconds.isFinite {
                        let ms = max(1, Int((budget.cpuSeconds - budget.used) * 1000))
                        try db.execute("SET LOCAL statement_timeout = \(ms)")
                    }
                    let result = try body(db)
                    try db.execute("COMMIT")
                    return result
                } catch {
                    try? db.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let error as PostgresError {
            if error.sqlState == "57014", let reason = budget.check() { throw reason }  // query_canceled
            if error.sqlState == "57014" { throw .unavailable("the search took longer than its budget") }
            throw .unavailable(error.message)
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
