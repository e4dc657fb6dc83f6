import Dispatch
import Synchronization
import Foundation
import Testing
@testable import FolioContent

@Suite struct StoreTests {
    @Test func migratesAnEmptyFileAndReopens() throws {
        let tmp = TempFolder()
        let path = tmp.file("sub/folio.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            #expect(try store.schemaVersion() == Schema.currentVersion)
            #expect(try store.articleCount() == 0)
            try store.upsertAuthor(Author(slug: "a", name: "A"))
            try store.upsertArticle(makeArticle("one", authors: ["a"]))
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.schemaVersion() == Schema.currentVersion)
        #expect(try reopened.articleCount() == 1)
        #expect(try reopened.integrityProblems().isEmpty)
    }

    @Test func loadsSampleContent() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        let summary = try SampleContent.loadIfEmpty(store: store, from: sampleFolder)
        #expect(summary?.articles == 4)
        #expect(try SampleContent.loadIfEmpty(store: store, from: sampleFolder) == nil)
        let snapshot = ContentSnapshot(try store.loadContent(), generation: 1)
        #expect(snapshot.articles.count == 4)
        #expect(snapshot.articles.first?.title == "Azerbaijan-Türkiye ties: New goals in economy, energy, transportation")
        let main = try #require(snapshot.article(slug: "illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"))
        #expect(main.publishedAt.rfc3339 == "2023-09-18T10:56:00+04:00")
        #expect(main.wordCount == 885)
        #expect(main.readingTimeMinutes == 4)
        let author = try #require(snapshot.author(slug: "javid-valiyev"))
        #expect(author.phone == "(+994 12) 596-82-39")
        #expect(author.phoneE164 == "+994125968239")
        #expect(snapshot.articleCount(author: "javid-valiyev") == 4)
        let bodies = try BodyStore(path: store.path)
        let body = try bodies.body(id: main.id)
        #expect(body.html.hasPrefix("<p>Illegal elections organized by separatist Armenians"))
        #expect(body.text.contains("Stéphane Dujarric"))
        #expect(body.markdown.isEmpty, "the served body leaves the Markdown source in the store")
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func updateRenameDeleteKeepSearchInStep() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        try store.upsertAuthor(Author(slug: "a", name: "A"))
        try store.upsertArticle(makeArticle("one", authors: ["a"], body: "apples and pears"))
        var r = try makeArticle("one", authors: ["a"], body: "oranges only")
        let result = try store.upsertArticle(r)
        #expect(!result.created)
        let search = try SearchIndex(path: store.path)
        #expect(try search.search("apples").isEmpty)
        #expect(try search.search("oranges").map(\.articleID) == [result.id])
        try store.renameArticle(from: "one", to: "uno")
        let snap = ContentSnapshot(try store.loadContent(), generation: 1)
        #expect(snap.redirectTarget(forOldSlug: "one") == "uno")
        #expect(snap.article(slug: "uno")?.id == result.id)
        // An upsert with the same id and a new slug is a rename too.
        r.article.id = result.id
        r.article.slug = "eins"
        try store.upsertArticle(r)
        let snap2 = ContentSnapshot(try store.loadContent(), generation: 2)
        #expect(snap2.redirectTarget(forOldSlug: "one") == "eins")
        #expect(snap2.redirectTarget(forOldSlug: "uno") == "eins")
        #expect(try store.integrityProblems().isEmpty)
        #expect(throws: RepositoryError.authorHasArticles(slug: "a", count: 1)) { try store.deleteAuthor(slug: "a") }
        #expect(try store.deleteArticle(slug: "eins"))
        #expect(try search.search("oranges").isEmpty)
        #expect(try store.deleteAuthor(slug: "a"))
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func unknownAuthorIsRefused() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        #expect(throws: RepositoryError.unknownAuthor(slug: "nobody", article: "x")) {
            try store.upsertArticle(makeArticle("x", authors: ["nobody"]))
        }
        #expect(try store.articleCount() == 0)
    }

    @Test func bodyCacheIsBoundedAndInvalidated() throws {
        var cache = BodyCache(budget: 1000)
        let body = ServedBody(html: String(repeating: "x", count: 200), text: "", compress: false)
        for i in 0..<10 { cache.put(Int64(i), body) }
        #expect(cache.bytes <= 1000)
        #expect(cache.get(9) != nil)
        #expect(cache.get(0) == nil)
        cache.remove(9)
        #expect(cache.get(9) == nil)
    }
}

@Suite struct BodyStoreConcurrencyTests {
    @Test func parallelReadersWhileWriting() throws {
        let tmp = TempFolder()
        let store = try SQLiteStore(path: tmp.file("s.sqlite"))
        let gen = CorpusGenerator(.init(articles: 60, authors: 3, seed: 9))
        try gen.run(into: store)
        let bodies = try BodyStore(path: store.path, cacheBytes: 200_000, connections: 2)
        let search = try SearchIndex(path: store.path, connections: 2)
        let failures = Atomic<Int>(0)
        let writeErrors = Mutex<[String]>([])
        let writes = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<300 {
                let id = Int64(i % 60 + 1)
                if worker == 0, i % 10 == 0 {
                    do {
                        let result = try store.upsertAuthor(Author(slug: "w", name: "Writer \(i)"))
                        if result.created != (i == 0) { writeErrors.withLock { $0.append("write \(i): created \(result.created)") } }
                        writes.add(1, ordering: .relaxed)
                    } catch {
                        writeErrors.withLock { $0.append("write \(i): \(error)") }
                    }
                    bodies.invalidate(articleID: id)
                }
                guard let body = try? bodies.body(id: id), !body.html.isEmpty else { failures.add(1, ordering: .relaxed); continue }
                if i % 25 == 0, (try? search.search("the", limit: 5))?.isEmpty != false { failures.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(bodies.cacheUsage.bytes <= 200_000)
        // Every write under concurrent reads succeeded, and the last one is what the store holds.
        #expect(writeErrors.withLock { $0 } == [])
        #expect(writes.load(ordering: .relaxed) == 30)
        #expect(try store.loadContent().authors.first { $0.slug == "w" }?.name == "Writer 290")
    }
}
