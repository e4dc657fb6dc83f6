import Foundation
import Testing
@testable import FolioContent

/// The stored-form migration (schema 8 → 9): a store written by the hand-written renderer is
/// rendered again by cmark-gfm when it is opened; only changed bodies are written, their text,
/// word count and full-text entry follow, and their revision does not move.
@Suite struct BodyRerenderTests {
    @Test func anOlderStoreIsRenderedAgainOnOpen() throws {
        let tmp = TempFolder()
        let path = tmp.file("old.sqlite")
        let plainBefore: ArticleRecord?
        do {
            let store = try SQLiteStore(path: path)
            try store.upsertAuthor(Author(slug: "a", name: "A"))
            try store.upsertArticle(try makeArticle("tabled", authors: ["a"], body: "| k |\n|---|\n| tablecell |\n\n~~gone~~"))
            try store.upsertArticle(try makeArticle("plain", authors: ["a"], body: "Nothing *new* here."))
            plainBefore = try store.loadRecord(slug: "plain")
            // What the hand-written subset stored: the table as a paragraph, tildes as text.
            try store.withConnection { db in
                try db.execute("""
                    UPDATE article_bodies SET html = '<p>| k |
                    |---|
                    | tablecell |</p>
                    <p>~~gone~~</p>
                    ', text = '| k | |---| | tablecell | ~~gone~~'
                    WHERE article_id = (SELECT id FROM articles WHERE slug = 'tabled');
                    UPDATE articles SET word_count = 99 WHERE slug = 'tabled';
                    PRAGMA user_version = 8;
                    """)
                // The full-text index as the old text had it.
                try db.execute("INSERT INTO article_search(article_search) VALUES('rebuild')")
            }
        }
        let store = try SQLiteStore(path: path)
        let tabled = try #require(try store.loadRecord(slug: "tabled"))
        #expect(tabled.body.html.contains("<table>") && tabled.body.html.contains("<del>gone</del>"), "\(tabled.body.html)")
        #expect(tabled.article.wordCount == TextStats.wordCount(tabled.body.text) && tabled.article.wordCount != 99)
        #expect(tabled.article.revision == 1, "a re-render is not an edit")
        #expect(try store.loadRecord(slug: "plain") == plainBefore, "an unchanged body is left alone")
        let index = try SearchIndex(path: path)
        let hits = try index.search("tablecell")
        #expect(hits.count == 1)
        #expect(index.snippet(articleID: tabled.article.id, query: "tablecell").contains("<mark>tablecell</mark>"))
        #expect(try index.search("gone").count == 1)
        #expect(try store.withConnection { db in try db.scalarInt("PRAGMA user_version") } == Int64(Schema.currentVersion))
    }

    /// `folio check` audits every stored body: HTML written around the sanitizer (by hand in the
    /// file, or by an older, laxer version) is reported.
    @Test func theCheckerAuditsStoredHTML() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("c.sqlite"))
        try store.upsertAuthor(Author(slug: "a", name: "A"))
        try store.setSite(Site(name: "S", url: "https://s.example.org", description: "", language: "en", contact: Contact()))
        try store.upsertArticle(try makeArticle("fine", authors: ["a"], body: "A [link](https://e.org)."))
        try store.upsertArticle(try makeArticle("tampered", authors: ["a"]))
        #expect(try ContentChecker.check(store).isEmpty)
        try store.withConnection { db in
            try db.execute("""
                UPDATE article_bodies SET html = '<p onclick="x">hi</p>'
                WHERE article_id = (SELECT id FROM articles WHERE slug = 'tampered')
                """)
        }
        let problems = try ContentChecker.check(store).map(\.description)
        #expect(problems.count == 1 && problems[0].hasPrefix("article \"tampered\": html: attribute onclick on p"), "\(problems)")
    }
}
