import Foundation
import Testing
@testable import FolioContent
import FolioPostgres
import FolioTestSupport

/// The `ArticleRepository` contract, one suite run on both engines: SQLite (a file in a
/// temporary folder) and PostgreSQL (a real server, a fresh database per test).
@Suite(.serialized) struct RepositoryContractTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A repository of `engine`, and a way to read its changes log as (kind, op, slug).
    struct Subject {
        let repository: any ArticleRepository
        let changes: () throws -> [String]
        let keep: AnyObject?
    }

    static func subject(_ engine: Engine) throws -> Subject {
        switch engine {
        case .sqlite:
            let tmp = TempFolder()
            let store = try SQLiteStore(path: tmp.file("c.sqlite"))
            let log = try ChangesLog(path: store.path)
            return Subject(repository: store, changes: {
                try log.changes(after: 0, limit: 1000).map { "\($0.kind) \($0.op) \($0.slug)" }
            }, keep: tmp)
        case .postgres:
            let server = try PostgresServer.shared.get()
            let store = try PostgresStore(url: try server.freshDatabase())
            return Subject(repository: store, changes: {
                try store.changes(after: 0, limit: 1000).map { "\($0.kind) \($0.op) \($0.slug)" }
            }, keep: nil)
        }
    }

    static func article(_ slug: String, authors: [String] = ["ana"], tags: [String] = ["energy"], status: String? = nil,
                        body: String = "Some *text*.") throws -> ArticleRecord {
        try ArticleRecord.make(ArticleInput(slug: slug, title: "Title of \(slug)", publishedAt: "2024-03-01T10:00:00+04:00",
                                            authors: authors, tags: tags, bodyMarkdown: body, status: status))
    }

    @Test(arguments: Engine.allCases) func writesAndReadsBack(_ engine: Engine) throws {
        let s = try Self.subject(engine)
        let repo = s.repository
        try repo.setSite(Site(name: "Desk", url: "https://desk.example.org", description: "News", language: "en"))
        let ana = try repo.upsertAuthor(Author(slug: "ana", name: "Ana", role: "Editor", links: [Link(rel: "website", url: "https://a.example.org")]))
        #expect(ana.created && ana.revision == 1)
        try repo.upsertAuthor(Author(slug: "ben", name: "Ben"))
        let created = try repo.upsertArticle(try Self.article("first", authors: ["ben", "ana"], tags: ["energy", "south-caucasus"]))
        #expect(created.created && created.revision == 1)
        let updated = try repo.upsertArticle(try Self.article("first", authors: ["ana"], body: "Changed."))
        #expect(!updated.created && updated.revision == 2 && updated.id == created.id)

        let content = try repo.loadContent()
        #expect(content.site?.name == "Desk")
        #expect(content.authors.map(\.slug) == ["ana", "ben"] && content.authors[0].links.map(\.rel) == ["website"])
        #expect(content.tags.map(\.slug) == ["energy", "south-caucasus"] && content.tags[1].name == "South Caucasus")
        let first = try #require(content.articles.first)
        #expect(first.slug == "first" && first.authors == ["ana"] && first.tags == ["energy"] && first.revision == 2)
        #expect(first.publishedAt.utcOffsetSeconds == 4 * 3600 && first.publishedAt.rfc3339 == "2024-03-01T10:00:00+04:00")
        let body = try #require(try repo.loadBody(articleID: first.id))
        #expect(body.html == "<p>Changed.</p>\n" && body.markdown == "Changed.")
        #expect(try repo.loadRecord(slug: "first")?.article == first)
        #expect(try repo.articleCount() == 1 && repo.allArticleSlugs() == ["first"])
        #expect(try s.changes() == ["site update site", "author create ana", "author create ben", "tag create energy",
                                    "tag create south-caucasus", "article create first", "article update first"])
        _ = s.keep
    }

    @Test(arguments: Engine.allCases) func renamesDraftsAndRefusals(_ engine: Engine) throws {
        let s = try Self.subject(engine)
        let repo = s.repository
        try repo.upsertAuthor(Author(slug: "ana", name: "Ana"))
        try repo.upsertArticle(try Self.article("old-name"))
        try repo.upsertArticle(try Self.article("other"))
        try repo.renameArticle(from: "old-name", to: "new-name")
        let content = try repo.loadContent()
        let renamed = try #require(content.articles.first { $0.slug == "new-name" })
        #expect(content.redirects["old-name"] == renamed.id && renamed.revision == 2)
        #expect(throws: RepositoryError.slugTaken("other")) { try repo.renameArticle(from: "new-name", to: "other") }
        #expect(throws: RepositoryError.articleNotFound(slug: "nope")) { try repo.renameArticle(from: "nope", to: "x") }

        // A draft is stored but not in the snapshot's content; its record says so.
        try repo.upsertArticle(try Self.article("quiet", status: "draft"))
        #expect(try !repo.loadContent().articles.contains { $0.slug == "quiet" })
        #expect(try repo.loadRecord(slug: "quiet")?.status == .draft)
        #expect(try repo.articleCount() == 3)

        #expect(throws: RepositoryError.authorHasArticles(slug: "ana", count: 3)) { try repo.deleteAuthor(slug: "ana") }
        #expect(throws: RepositoryError.unknownAuthor(slug: "zed", article: "z")) { try repo.upsertArticle(try Self.article("z", authors: ["zed"])) }
        #expect(try repo.deleteArticle(slug: "other") && !repo.deleteArticle(slug: "other"))

        // A batch is all or nothing.
        let before = try repo.allArticleSlugs()
        #expect(throws: RepositoryError.inBatch(section: "articles", index: 1, .unknownAuthor(slug: "zed", article: "b2"))) {
            try repo.apply(ContentBatch(articles: [try Self.article("b1"), try Self.article("b2", authors: ["zed"])]))
        }
        #expect(try repo.allArticleSlugs() == before)
        let log = try s.changes()
        #expect(log.contains("article update new-name") && log.contains("article delete other") && !log.contains { $0.hasSuffix(" b1") })
        // The public feed leaves the draft out, on both engines.
        let source: any ChangesSource = try s.repository as? PostgresStore ?? ChangesLog(path: (s.repository as! SQLiteStore).path)
        let publicLog = try source.changes(after: 0, limit: 1000, publicOnly: true).map(\.slug)
        #expect(log.contains("article create quiet") && !publicLog.contains("quiet") && publicLog.contains("new-name"), "\(publicLog)")
        _ = s.keep
    }
}
