import Foundation
import Testing
@testable import FolioContent

/// The stored-form migration (schema 9 → 10): a store with bodies as three TEXT columns is
/// converted when it is opened; every body reads back the same, search and snippets still work,
/// the old table is gone, and the file passes both integrity checks.
@Suite struct BodyConversionTests {
    @Test func aStoreOfTheOldFormIsConvertedOnOpen() throws {
        let tmp = TempFolder()
        let path = tmp.file("v9.sqlite")
        let generator = CorpusGenerator(.init(articles: 60, seed: 3, bodyWords: 300))
        var rows: [OldStore.Row] = []
        var expected: [String: ArticleBody] = [:]
        for i in 0..<60 {
            let r = generator.article(i, authorSlugs: ["a"], tagSlugs: [])
            // Every third came as HTML (no Markdown source).
            let markdown = i % 3 == 0 ? nil : r.body.markdown
            rows.append(.init(slug: r.article.slug, markdown: markdown, html: r.body.html, text: r.body.text))
            expected[r.article.slug] = ArticleBody(markdown: markdown ?? "", html: r.body.html, text: r.body.text)
        }
        rows.append(.init(slug: "odd-one", markdown: "Ünïcödé \"quotes\" \\\\ 😀", html: "<p>Ünïcödé \"quotes\" \\\\ 😀</p>",
                          text: "Ünïcödé \"quotes\" \\\\ 😀"))
        expected["odd-one"] = ArticleBody(markdown: "Ünïcödé \"quotes\" \\\\ 😀", html: "<p>Ünïcödé \"quotes\" \\\\ 😀</p>",
                                          text: "Ünïcödé \"quotes\" \\\\ 😀")
        try OldStore.make(path, version: 9, rows: rows)

        let store = try SQLiteStore(path: path)
        for (slug, body) in expected {
            let record = try #require(try store.loadRecord(slug: slug))
            #expect(record.body == body, "\(slug)")
        }
        try store.withConnection { db in
            #expect(try db.scalarInt("PRAGMA user_version") == Int64(Schema.currentVersion))
            #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'article_bodies_v9'") == 0)
            #expect(try db.scalarString("PRAGMA integrity_check") == "ok")
            try db.execute("INSERT INTO article_search(article_search, rank) VALUES('integrity-check', 1)")
        }
        // The old table's pages are free until a vacuum gives them back.
        let (before, after) = try store.vacuum()
        #expect(after < before, "\(before) -> \(after) bytes")
        #expect(try store.loadRecord(slug: "odd-one")?.body == expected["odd-one"])
        let bodies = try BodyStore(path: path)
        let id = try #require(try store.loadRecord(slug: "odd-one")).article.id
        #expect(try bodies.body(id: id).html == "<p>Ünïcödé \"quotes\" \\\\ 😀</p>")
        let index = try SearchIndex(path: path)
        #expect(try index.search("Ünïcödé").map(\.articleID) == [id])
        #expect(index.snippet(articleID: id, query: "quotes").contains("<mark>quotes</mark>"))
    }
}
