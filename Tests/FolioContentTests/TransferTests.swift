import Foundation
import Testing
@testable import FolioContent

@Suite struct TransferTests {
    @Test func exportImportExportIsByteIdentical() throws {
        let tmp = TempFolder()
        let a = try SQLiteStore(path: tmp.file("a.sqlite"))
        try ContentImporter(store: a).importPaths([sampleFolder])
        // Add variety: an HTML-sourced article, a renamed one, a link-rich author, generated articles.
        try a.upsertAuthor(Author(slug: "x-y", name: "X Y", role: "Editor", email: "x@y.org", phone: "+44 20 7946 0001",
                                  bio: "Bio with “quotes” & <angle>", links: [Link(rel: "website", url: "https://y.org/x")]))
        try a.upsertArticle(ArticleRecord.make(ArticleInput(
            slug: "html-one", title: "HTML one", publishedAt: "2020-01-02T03:04:05-03:30", authors: ["x-y", "javid-valiyev"],
            tags: ["new-tag"], html: "<p>Hello <b>world</b><script>x</script>")))
        try a.renameArticle(from: "html-one", to: "html-renamed")
        let gen = CorpusGenerator(.init(articles: 5, authors: 2, seed: 3))
        try a.transaction { w in
            for au in gen.authors() { try w.upsertAuthor(au) }
            for i in 0..<5 {
                var r = gen.article(i, authorSlugs: gen.authors().map(\.slug), tagSlugs: ["azerbaijan", "energy"])
                r.article.id = 0
                try w.upsertArticle(r)
            }
        }
        let first = try ContentExporter.export(from: a)
        let file = tmp.file("export.json")
        try Data(first).write(to: URL(fileURLWithPath: file))
        let b = try SQLiteStore(path: tmp.file("b.sqlite"))
        try ContentImporter(store: b).importPaths([file])
        let second = try ContentExporter.export(from: b)
        #expect(first == second)
        #expect(String(decoding: first, as: UTF8.self).contains("\"old_slugs\" : [\n        \"html-one\""))
        // And the stores match record for record.
        let ca = try a.loadContent(), cb = try b.loadContent()
        // (Revisions count the writes each store saw, so they are not part of the content.)
        func content(_ list: [Article]) -> [Article] { list.map { var a = $0; a.revision = 0; return a }.sorted { $0.id < $1.id } }
        #expect(content(ca.articles) == content(cb.articles))
        #expect(ca.redirects == cb.redirects)
    }

    @Test func rejectedImportLeavesStoreUnchangedAndNamesFileLineField() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try ContentImporter(store: store).importPaths([sampleFolder])
        let before = try ContentExporter.export(from: store)
        tmp.write("in/a-good.json", """
            {"authors": [{"slug": "new-author", "name": "New Author"}],
             "articles": [{"slug": "fine", "title": "Fine", "published_at": "2024-01-01T00:00:00Z",
                           "authors": ["new-author"], "body_markdown": "ok"}]}
            """)
        let bad = tmp.write("in/b-bad.json", """
            {
              "articles": [
                {"slug": "also-fine", "title": "Also fine", "published_at": "2024-01-01", "authors": ["new-author"],
                 "body_markdown": "x"},
                {
                  "slug": "broken",
                  "title": "Broken",
                  "published_at": "18 September 2023",
                  "authors": ["new-author"],
                  "body_markdown": "x"
                }
              ]
            }
            """)
        do {
            try ContentImporter(store: store).importPaths([tmp.file("in")])
            Issue.record("expected the import to fail")
        } catch {
            #expect(error.file == bad)
            #expect(error.line == 8)
            #expect(error.field == "articles[1].published_at")
            #expect(error.message.contains("RFC 3339"))
            #expect(error.description.hasPrefix(bad + ":8: articles[1].published_at: "))
        }
        #expect(try ContentExporter.export(from: store) == before)
    }

    @Test func unknownAuthorFailsInTheStoreAndRollsBack() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        let file = tmp.write("x.json", """
            {"tags": [{"slug": "t", "name": "T"}],
             "articles": [
              {"slug": "a", "title": "A", "published_at": "2024-01-01", "authors": ["ghost"], "body_markdown": "x"}
             ]}
            """)
        do {
            try ContentImporter(store: store).importPaths([file])
            Issue.record("expected the import to fail")
        } catch {
            #expect(error.line == 3)
            #expect(error.field == "articles[0].authors[0]")
            #expect(error.message.contains("ghost"))
        }
        #expect(try store.loadContent().tags.isEmpty)
    }

    @Test func decodingErrorsNameTheField() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        let file = tmp.write("x.json", "{\n \"articles\": [\n  {\"slug\": \"a\", \"title\": 5}\n ]\n}")
        #expect {
            try ContentImporter(store: store).importPaths([file])
        } throws: { error in
            let e = error as? ImportError
            return e?.line == 3 && (e?.field == "articles[0].title" || e?.field == "articles[0].published_at")
        }
        let broken = tmp.write("y.json", "{ not json")
        #expect(throws: ImportError.self) { try ContentImporter(store: store).importPaths([broken]) }
        #expect(throws: ImportError.self) { try ContentImporter(store: store).importPaths([tmp.file("missing")]) }
    }

    @Test func unknownFieldsAreNamed() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        let file = tmp.write("x.json", """
            {"articles": [
              {"slug": "a", "title": "A", "published_at": "2024-01-01", "authors": ["x"], "body_markdown": "x",
               "canonical_ur": "https://example.org"}
            ]}
            """)
        #expect {
            try ContentImporter(store: store).importPaths([file])
        } throws: { error in
            let e = error as? ImportError
            return e?.line == 3 && e?.field == "articles[0].canonical_ur" && e?.message.contains("unknown field") == true
        }
    }

    @Test func inputFromRecordRecreatesIt() throws {
        let r = try makeArticle("a", authors: ["x"], tags: ["t"], body: "Hello *there*")
        #expect(try ArticleRecord.make(ArticleInput(r)) == r)
    }

    @Test func markdownWithFrontMatter() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try ContentImporter(store: store).importPaths([sampleFolder])
        tmp.write("md/another-step.md", """
            ---
            title: "Front matter: works"
            published_at: 2024-04-29T17:20:00+04:00
            authors: [javid-valiyev]
            tags:
              - azerbaijan
              - peace-process
            ---
            Body with **bold** and <b>escaped</b>.
            """)
        try ContentImporter(store: store).importPaths([tmp.file("md")])
        let record = try #require(try store.loadRecord(slug: "another-step"))
        #expect(record.article.title == "Front matter: works")
        #expect(record.article.tags == ["azerbaijan", "peace-process"])
        #expect(record.body.html == "<p>Body with <strong>bold</strong> and <b>escaped</b>.</p>\n", "raw HTML in Markdown is kept where the allow-list allows it")
        #expect(try store.loadContent().tags.contains(Tag(slug: "peace-process", name: "Peace Process")))

        let bad = tmp.write("bad/x.md", "---\ntitle: X\npublished_at: 2024-01-01\nauthor: [javid-valiyev]\n---\nbody")
        #expect {
            try ContentImporter(store: store).importPaths([bad])
        } throws: { error in
            let e = error as? ImportError
            return e?.file == bad && e?.line == 4 && e?.field == "author"
        }
    }

    @Test func jsonLocator() {
        let text = Array("{\n \"a\": [1, {\"b\": \"x\\\"]\"},\n  {\"c\":\n   true}]\n}".utf8)
        #expect(JSONLocator.line(of: JSONLocator.steps("a[2].c"), in: text) == 4)
        #expect(JSONLocator.line(of: JSONLocator.steps("a[1].b"), in: text) == 2)
        #expect(JSONLocator.line(of: JSONLocator.steps("a[9]"), in: text) == 2)
    }
}
