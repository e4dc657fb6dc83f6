import Foundation
import Glibc
import Testing

/// Drafts and scheduled publishing against the real binary (issue 16): a draft is invisible on
/// every public route and visible to a token; a schedule falls due on an idle server, after a
/// kill, and with two processes on one store, and publishes once.
@Suite("Editorial lifecycle", .serialized)
struct EditorialLifecycleTests {
    typealias Writable = WriteAPITests.Writable

    static func article(_ slug: String, status: String, at publishedAt: String = "2026-12-01T10:00:00Z", word: String) -> String {
        #"{"slug": "\#(slug)", "title": "Title \#(word)", "published_at": "\#(publishedAt)", "authors": ["javid-valiyev"], "tags": ["azerbaijan"], "status": "\#(status)", "body_markdown": "A \#(word) report."}"#
    }

    /// RFC 3339 for `seconds` from now, whole seconds, UTC.
    static func fromNow(_ seconds: Int) -> String {
        var t = time_t(Int(Date().timeIntervalSince1970) + seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Whether `slug` or `word` shows on any public route that lists, counts or finds articles.
    static func publicRoutesShow(_ s: Writable, slug: String, word: String) throws -> [String] {
        var seen: [String] = []
        if try s.get("/api/v1/articles/\(slug)").status != 404 { seen.append("article route") }
        for path in ["/api/v1/articles?per_page=100", "/api/v1/authors/javid-valiyev", "/api/v1/authors/javid-valiyev/articles",
                     "/api/v1/tags/azerbaijan", "/api/v1/search?q=\(word)", "/feed.json", "/feed.atom", "/api/v1/changes?limit=1000",
                     "/api/v1/articles/\(SampleContent.electionsSlug)/related?limit=20"] where try s.get(path).text.contains(slug) {
            seen.append(path)
        }
        return seen
    }

    @Test func aDraftIsInvisibleInPublicAndVisibleToATokenUntilPublished() throws {
        let s = try Writable()
        let tagsBefore = try s.get("/api/v1/tags").text
        let created = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                                    body: Self.article("quiet-draft", status: "draft", word: "quillwhisper"))
        #expect(created.status == 201, "\(created.text)")
        #expect((WriteAPITests.data(created)?["status"] as? String) == "draft")
        #expect(try Self.publicRoutesShow(s, slug: "quiet-draft", word: "quillwhisper") == [])
        #expect(try s.get("/api/v1/tags").text == tagsBefore, "tag counts do not count a draft")
        // A token sees it.
        let seen = try s.request("GET", "/api/v1/articles/quiet-draft", token: s.readToken)
        #expect(seen.status == 200 && (WriteAPITests.data(seen)?["status"] as? String) == "draft", "\(seen.text)")
        #expect(seen.header("Cache-Control") == "private, no-store")

        // Published: everywhere at once, and the public changes feed calls it a create.
        let published = try s.request("PATCH", "/api/v1/articles/quiet-draft", token: s.writeToken,
                                       contentType: "application/merge-patch+json", ifMatch: "\"r1\"", body: #"{"status": "published"}"#)
        #expect(published.status == 200, "\(published.text)")
        let shown = try Self.publicRoutesShow(s, slug: "quiet-draft", word: "quillwhisper")
        for route in ["article route", "/api/v1/articles?per_page=100", "/api/v1/search?q=quillwhisper", "/feed.atom", "/api/v1/changes?limit=1000"] {
            #expect(shown.contains(route), "published but not on \(route): \(shown)")
        }
        let changes = try s.get("/api/v1/changes?limit=1000").json?["data"] as? [[String: Any]] ?? []
        #expect(changes.filter { $0["slug"] as? String == "quiet-draft" }.map { $0["op"] as? String } == ["create"])

        // Back to draft: gone again, and the feed says delete.
        let unpublished = try s.request("PATCH", "/api/v1/articles/quiet-draft", token: s.writeToken,
                                         contentType: "application/merge-patch+json", ifMatch: "\"r2\"", body: #"{"status": "draft"}"#)
        #expect(unpublished.status == 200, "\(unpublished.text)")
        #expect(try Self.publicRoutesShow(s, slug: "quiet-draft", word: "quillwhisper") == ["/api/v1/changes?limit=1000"])
        let after = try s.get("/api/v1/changes?limit=1000").json?["data"] as? [[String: Any]] ?? []
        #expect(after.filter { $0["slug"] as? String == "quiet-draft" }.map { $0["op"] as? String } == ["create", "delete"])
        // A scheduled time in the past is refused.
        let late = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                                 body: Self.article("too-late", status: "scheduled", at: Self.fromNow(-60), word: "latecomer"))
        #expect(late.status == 422 && late.text.contains("/published_at"), "\(late.text)")
        // The export keeps the draft's status (an import of it does not publish it).
        let db = s.server.directory.appendingPathComponent("folio.sqlite").path
        let exported = try FolioTool.run(["export", "--database", db])
        #expect(exported.output.contains("\"status\" : \"draft\""), "\(exported.output.prefix(400))")
        // …and imports back as a draft (the import takes `status`).
        let copy = s.server.directory.appendingPathComponent("copy.json")
        try exported.output.write(to: copy, atomically: true, encoding: .utf8)
        let other = s.server.directory.appendingPathComponent("other.sqlite").path
        let reimported = try FolioTool.run(["import", copy.path, "--database", other])
        #expect(reimported.status == 0, "\(reimported.output)")
        #expect(try FolioTool.run(["export", "--database", other]).output == exported.output, "an export imports back unchanged")
    }

    @Test func anEditorListsDraftsAndScheduledArticlesWithAToken() throws {
        let s = try Writable()
        for (slug, status, at) in [("list-draft", "draft", "2026-12-01T10:00:00Z"), ("list-scheduled", "scheduled", Self.fromNow(3600))] {
            let r = try s.request("POST", "/api/v1/articles", token: s.writeToken, body: Self.article(slug, status: status, at: at, word: "listword"))
            #expect(r.status == 201, "\(r.text)")
        }
        func listed(_ query: String, token: String?) throws -> (status: Int, slugs: [String], statuses: [String], total: Int?, cache: String?) {
            let r = try s.request("GET", "/api/v1/articles?\(query)", token: token)
            let data = r.json?["data"] as? [[String: Any]] ?? []
            let total = (r.json?["meta"] as? [String: Any])?["total"] as? Int
            return (r.status, data.compactMap { $0["slug"] as? String }, data.compactMap { $0["status"] as? String }, total, r.header("Cache-Control"))
        }
        let drafts = try listed("status=draft", token: s.readToken)
        #expect(drafts.status == 200 && drafts.slugs == ["list-draft"] && drafts.statuses == ["draft"] && drafts.total == 1, "\(drafts)")
        #expect(drafts.cache == "private, no-store")
        let scheduled = try listed("status=scheduled", token: s.readToken)
        #expect(scheduled.slugs == ["list-scheduled"], "\(scheduled)")
        let all = try listed("status=all&per_page=100", token: s.readToken)
        #expect(all.slugs.contains("list-draft") && all.slugs.contains("list-scheduled") && all.slugs.contains(SampleContent.electionsSlug), "\(all)")
        #expect(all.total == all.slugs.count)
        let published = try listed("status=published&per_page=100", token: s.readToken)
        #expect(!published.slugs.contains("list-draft") && published.statuses.allSatisfy { $0 == "published" })
        // Without a token: 401 and nothing listed; a bad status: 400 naming it.
        let anonymous = try s.request("GET", "/api/v1/articles?status=draft", token: nil)
        #expect(anonymous.status == 401 && !anonymous.text.contains("list-draft"), "\(anonymous.text)")
        let bad = try s.request("GET", "/api/v1/articles?status=secret", token: s.readToken)
        #expect(bad.status == 400 && bad.text.contains("status"), "\(bad.text)")
        // The public list is unchanged by all this.
        #expect(try !s.get("/api/v1/articles?per_page=100").text.contains("list-draft"))
    }

    @Test func revisionsAreListedShownAndRestored() throws {
        let s = try Writable()
        let created = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                                    body: Self.article("many-drafts", status: "published", word: "firstword"))
        #expect(created.status == 201, "\(created.text)")
        let retitled = try s.request("PATCH", "/api/v1/articles/many-drafts", token: s.writeToken, contentType: "application/merge-patch+json",
                                     ifMatch: "\"r1\"", body: #"{"title": "Second title"}"#)
        #expect(retitled.status == 200, "\(retitled.text)")
        let rewritten = try s.request("PATCH", "/api/v1/articles/many-drafts", token: s.writeToken, contentType: "application/merge-patch+json",
                                      ifMatch: "\"r2\"", body: #"{"body_markdown": "A thirdword report.", "tags": ["elections"]}"#)
        #expect(rewritten.status == 200, "\(rewritten.text)")

        let list = try s.request("GET", "/api/v1/articles/many-drafts/revisions", token: s.readToken)
        #expect(list.status == 200 && list.header("Cache-Control") == "private, no-store", "\(list.text)")
        let items = list.json?["data"] as? [[String: Any]] ?? []
        #expect(items.map { $0["revision"] as? Int } == [3, 2, 1], "\(list.text)")
        #expect(items.map { $0["current"] as? Bool } == [true, false, false])
        #expect(items.map { $0["title"] as? String } == ["Second title", "Second title", "Title firstword"])
        #expect(items.allSatisfy { $0["revised_by"] as? String == "editor" && ($0["revised_at"] as? String)?.hasPrefix("20") == true }, "\(items)")

        let first = try s.request("GET", "/api/v1/articles/many-drafts/revisions/1", token: s.readToken)
        let article = (first.json?["data"] as? [String: Any])?["article"] as? [String: Any]
        #expect(first.status == 200 && article?["title"] as? String == "Title firstword", "\(first.text)")
        #expect(article?["body_markdown"] as? String == "A firstword report." && article?["tags"] as? [String] == ["azerbaijan"])

        // Refusals: no token, a revision not kept, a stale If-Match; nothing changes.
        #expect(try s.request("GET", "/api/v1/articles/many-drafts/revisions", token: nil).status == 401)
        #expect(try s.request("GET", "/api/v1/articles/many-drafts/revisions/9", token: s.readToken).status == 404)
        #expect(try s.request("GET", "/api/v1/articles/no-such/revisions", token: s.readToken).status == 404)
        #expect(try s.request("POST", "/api/v1/articles/many-drafts/revisions/1/restore", token: s.readToken, ifMatch: "\"r3\"").status == 403)
        #expect(try s.request("POST", "/api/v1/articles/many-drafts/revisions/9/restore", token: s.writeToken, ifMatch: "\"r3\"").status == 404)
        let stale = try s.request("POST", "/api/v1/articles/many-drafts/revisions/1/restore", token: s.writeToken, ifMatch: "\"r2\"")
        #expect(stale.status == 412, "\(stale.text)")

        let restored = try s.request("POST", "/api/v1/articles/many-drafts/revisions/1/restore", token: s.writeToken, ifMatch: "\"r3\"")
        #expect(restored.status == 200 && restored.header("ETag") == "\"r4\"", "\(restored.text)")
        let shown = try s.get("/api/v1/articles/many-drafts")
        #expect(shown.status == 200 && shown.text.contains("Title firstword") && shown.text.contains("firstword report"), "\(shown.text.prefix(300))")
        #expect(try s.get("/api/v1/search?q=thirdword").text.contains("many-drafts") == false, "the search index follows the restore")
        #expect(try s.get("/api/v1/search?q=firstword").text.contains("many-drafts"))
        let after = try s.request("GET", "/api/v1/articles/many-drafts/revisions", token: s.readToken).json?["data"] as? [[String: Any]] ?? []
        #expect(after.map { $0["revision"] as? Int } == [4, 3, 2, 1])
    }

    @Test func aPreviewLinkShowsTheDraftUntilItExpiresOrTheArticleIsPublished() throws {
        let s = try Writable()
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken,
                              body: Self.article("sneak-peek", status: "draft", word: "peekword")).status == 201)
        func link(_ body: String? = nil) throws -> String {
            let r = try s.request("POST", "/api/v1/articles/sneak-peek/preview-links", token: s.writeToken, body: body)
            #expect(r.status == 201, "\(r.text)")
            let url = (r.json?["data"] as? [String: Any])?["url"] as? String ?? ""
            #expect(r.header("Location") == url && url.contains("/api/v1/preview/"))
            return String(url[url.range(of: "/api/v1/preview/")!.lowerBound...])
        }
        let path = try link()
        let shown = try s.get(path)
        #expect(shown.status == 200 && shown.text.contains("peekword") && shown.text.contains("\"status\":\"draft\""), "\(shown.text.prefix(300))")
        #expect(shown.header("Cache-Control") == "private, no-store" && shown.header("X-Robots-Tag") == "noindex")
        // It shows the draft as it stands now.
        #expect(try s.request("PATCH", "/api/v1/articles/sneak-peek", token: s.writeToken, contentType: "application/merge-patch+json",
                              ifMatch: "\"r1\"", body: #"{"body_markdown": "A secondpeek report."}"#).status == 200)
        #expect(try s.get(path).text.contains("secondpeek"))
        // Guessing, and making one without the right token, fail.
        #expect(try s.get("/api/v1/preview/" + String(repeating: "A", count: 43)).status == 404)
        #expect(try s.get("/api/v1/preview/x").status == 404)
        #expect(try s.request("POST", "/api/v1/articles/sneak-peek/preview-links", token: s.readToken).status == 403)
        #expect(try s.request("POST", "/api/v1/articles/sneak-peek/preview-links", token: s.writeToken,
                              body: #"{"expires_in": 0}"#).status == 422)
        // A short-lived link expires.
        let short = try link(#"{"expires_in": 1}"#)
        #expect(try s.get(short).status == 200)
        Thread.sleep(forTimeInterval: 2.1)
        let expired = try s.get(short)
        #expect(expired.status == 410 && expired.text.contains("expired"), "\(expired.text)")
        // Publishing ends every link; a published article gets none.
        #expect(try s.request("PATCH", "/api/v1/articles/sneak-peek", token: s.writeToken, contentType: "application/merge-patch+json",
                              ifMatch: "\"r2\"", body: #"{"status": "published"}"#).status == 200)
        #expect(try s.get(path).status != 200)
        #expect(try s.request("POST", "/api/v1/articles/sneak-peek/preview-links", token: s.writeToken).status == 409)
        #expect(try s.get("/api/v1/articles/sneak-peek").status == 200)
    }

    @Test func aScheduledArticleGoesPublicOnAnIdleServerWithinASecond() throws {
        let s = try Writable()
        let due = Self.fromNow(3)
        let r = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                              body: Self.article("on-the-hour", status: "scheduled", at: due, word: "chimeword"))
        #expect(r.status == 201, "\(r.text)")
        #expect(try s.get("/api/v1/articles/on-the-hour").status == 404)
        // No request until one second after its time.
        let dueAt = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970) + 3))
        Thread.sleep(until: dueAt.addingTimeInterval(1.0))
        let shown = try s.get("/api/v1/articles/on-the-hour")
        #expect(shown.status == 200, "not public a second after its time")
        #expect(try s.get("/api/v1/search?q=chimeword").text.contains("on-the-hour"))
        let changes = try s.get("/api/v1/changes?limit=1000").json?["data"] as? [[String: Any]] ?? []
        #expect(changes.filter { $0["slug"] as? String == "on-the-hour" }.map { $0["op"] as? String } == ["create"])
    }

    @Test func whatFellDueWhileTheServerWasKilledIsPublishedAtStartOnceAndByOneOfTwoProcesses() throws {
        let first = try Writable()
        let dir = first.server.directory
        let db = dir.appendingPathComponent("folio.sqlite")
        let r = try first.request("POST", "/api/v1/articles", token: first.writeToken,
                                  body: Self.article("after-the-crash", status: "scheduled", at: Self.fromNow(2), word: "phoenixword"))
        #expect(r.status == 201, "\(r.text)")
        kill(first.server.process.processIdentifier, SIGKILL)
        first.server.process.waitUntilExit()
        Thread.sleep(forTimeInterval: 3)
        // Two servers on the same store start together after its time.
        let a = try ServerProcess(config: ["access_log": false], database: db)
        let b = try ServerProcess(config: ["access_log": false], database: db)
        defer { a.stop(); b.stop() }
        for server in [a, b] {
            let c = try RawClient(port: server.port)
            let ok = FolioTool.eventually(within: 5) {
                c.send("GET /api/v1/articles/after-the-crash HTTP/1.1\r\nHost: t\r\n\r\n")
                return (try? c.readResponse().status) == 200
            }
            #expect(ok, "not published on the server at port \(server.port)")
        }
        let c = try RawClient(port: a.port)
        c.send("GET /api/v1/changes?limit=1000 HTTP/1.1\r\nHost: t\r\n\r\n")
        let changes = try c.readResponse().json?["data"] as? [[String: Any]] ?? []
        #expect(changes.filter { $0["slug"] as? String == "after-the-crash" }.map { $0["op"] as? String } == ["create"],
                "published more than once: \(changes.filter { $0["slug"] as? String == "after-the-crash" })")
        _ = dir
    }
}
