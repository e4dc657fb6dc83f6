import Foundation
import Testing
@testable import FolioContent
import FolioPostgres
import FolioTestSupport

/// Search on both engines over the same generated corpus (1,000 articles): the same query syntax
/// is accepted by both, and for a fixed set of queries the top 10 overlap, on average, in at least
/// 8 of 10 (BM25 on SQLite, `ts_rank_cd` on PostgreSQL: the order differs, the hits should not).
@Suite(.serialized) struct SearchParityTests {
    static let queries = [
        "corridor", "energy security", "\"the energy\"", "elect*", "pipeline", "sanctions trade", "border",
        "negotiations", "climate", "minister", "agreement", "infrastructure investment",
    ]

    @Test func topTenOverlapOnBothEngines() throws {
        let generator = CorpusGenerator(.init(articles: 1000, seed: 11))
        let authors = generator.authors(), tags = generator.tags()
        let records = (0..<1000).map { generator.article($0, authorSlugs: authors.map(\.slug), tagSlugs: tags.map(\.slug)) }
        let batch = ContentBatch(authors: authors, tags: tags, articles: records)

        let tmp = TempFolder()
        let sqlite = try SQLiteStore(path: tmp.file("p.sqlite"))
        try sqlite.apply(batch)
        let fts = try SearchIndex(path: sqlite.path)
        let url = try PostgresServer.shared.get().freshDatabase()
        let pg = try PostgresStore(url: url)
        var clock = Date()
        try pg.apply(batch)
        let importSeconds = Date().timeIntervalSince(clock)
        let tsv = try PostgresSearch(url: url)
        clock = Date()

        var overlaps: [Int] = []
        var report: [String] = []
        for q in Self.queries {
            let parsed = try SearchQuery.parse(q)
            let a = try fts.search(parsed, limit: 10, budget: .unlimited).map(\.articleID)
            let b = try tsv.search(parsed, limit: 10, budget: .unlimited).map(\.articleID)
            let common = Set(a).intersection(b).count
            overlaps.append(a.isEmpty && b.isEmpty ? 10 : common)
            report.append("\(q): \(common)/\(max(a.count, b.count))")
            // Snippets in the same shape on both.
            if let first = b.first {
                let snippet = try tsv.snippets(articleIDs: [first], query: parsed, budget: .unlimited)[0]
                #expect(snippet.contains("<mark>") && !snippet.contains("\u{1}"), "\(q): \(snippet)")
            }
        }
        let searchSeconds = Date().timeIntervalSince(clock)
        print("PostgreSQL: 1,000 articles imported in \(String(format: "%.1f", importSeconds)) s; \(Self.queries.count) searches in \(String(format: "%.2f", searchSeconds)) s")
        let mean = Double(overlaps.reduce(0, +)) / Double(overlaps.count)
        print("search parity, top 10 over 1,000 generated articles: mean overlap \(mean) of 10 (\(report.joined(separator: "; ")))")
        #expect(mean >= 8, "\(report)")
        // Refused the same way: the query syntax is the engine-neutral one.
        #expect(throws: SearchError.self) { _ = try tsv.search(try SearchQuery.parse("a OR b"), limit: 10, budget: .unlimited) }
    }
}
