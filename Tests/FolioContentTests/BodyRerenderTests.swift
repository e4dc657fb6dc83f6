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
        let plainHTML = Markdown.html(from: "Nothing *new* here.")
        // What the hand-written subset stored: the table as a paragraph, tildes as text.
        try OldStore.make(path, version: 8, rows: [
            .init(slug: "tabled", markdown: "| k |\n|---|\n| tablecell |\n\n~~gone~~",
                  html: "<p>| k |\n|---|\n| tablecell |</p>\n<p>~~gone~~</p>\n", text: "| k | |---| | tablecell | ~~gone~~", wordCount: 99),
            .init(slug: "plain", markdown: "Nothing *new* here.", html: plainHTML, text: PlainText.from(html: plainHTML)),
        ])
        let store = try SQLiteStore(path: path)
        let tabled = try #require(try store.loadRecord(slug: "tabled"))
        #expect(tabled.body.html.contains("<table>") && tabled.body.html.contains("<del>gone</del>"), "\(tabled.body.html)")
        #expect(tabled.article.wordCount == TextStats.wordCount(tabled.body.text) && tabled.article.wordCount != 99)
        #expect(tabled.article.revision == 1, "a re-render is not an edit")
        let plain = try #require(try store.loadRecord(slug: "plain"))
        #expect(plain.body == ArticleBody(markdown: "Nothing *new* here.", html: plainHTML, text: PlainText.from(html: plainHTML)))
        #expect(plain.article.wordCount == 3, "an unchanged body is left alone")
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
        // The same text, so that only the html is out of order (the full-text index still agrees).
        let text = try #require(try store.loadRecord(slug: "tampered")).body.text
        try store.withConnection { db in
            try db.prepare("UPDATE article_bodies SET served = ? WHERE article_id = (SELECT id FROM articles WHERE slug = 'tampered')")
                .run([.blob(ServedBody(html: "<p onclick=\"x\">hi</p>", text: text).bytes)])
        }
        let problems = try ContentChecker.check(store).map(\.description)
        #expect(problems.count == 1 && problems[0].hasPrefix("article \"tampered\": html: attribute onclick on p"), "\(problems)")
    }
}
