import Dispatch
import Foundation
import Synchronization
import Glibc
import Testing

/// The write API against the real binary (issue 13): tokens and scopes, every refusal status,
/// revisions with If-Match, merge patches, renames, deletes, the changes feed, and every read
/// route showing a write on the very next request.
@Suite("Write API", .serialized)
struct WriteAPITests {
    /// A server over the sample content with a write token and a read-drafts token.
    final class Writable {
        let server: ServerProcess
        let writeToken: String
        let readToken: String
        var client: RawClient

        init(config: [String: Any] = [:]) throws {
            var settings = config
            settings["access_log"] = false
            server = try ServerProcess(config: settings)
            let db = server.directory.appendingPathComponent("folio.sqlite").path
            func token(_ name: String, _ scope: String) throws -> String {
                let run = try FolioTool.run(["token", "create", "--name", name, "--scope", scope, "--database", db])
                #expect(run.status == 0, "\(run.output)")
                return try #require(run.output.split(separator: "\n").first { $0.hasPrefix("folio_") }.map(String.init))
            }
            writeToken = try token("editor", "content:write")
            readToken = try token("preview", "content:read-drafts")
            client = try RawClient(port: server.port)
        }

        func request(_ method: String, _ path: String, token: String? = nil, contentType: String? = "application/json",
                     ifMatch: String? = nil, idempotencyKey: String? = nil, body: String? = nil) throws -> Response {
            var head = "\(method) \(path) HTTP/1.1\r\nHost: t\r\n"
            if let idempotencyKey { head += "Idempotency-Key: \(idempotencyKey)\r\n" }
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if let contentType, body != nil { head += "Content-Type: \(contentType)\r\n" }
            if let ifMatch { head += "If-Match: \(ifMatch)\r\n" }
            let bytes = Array((body ?? "").utf8)
            if body != nil { head += "Content-Length: \(bytes.count)\r\n" }
            client.send(Array((head + "\r\n").utf8) + bytes)
            return try client.readResponse(head: method == "HEAD")
        }

        func get(_ path: String) throws -> Response { try request("GET", path) }

        /// A new connection (the server closes one after refusing an oversized body).
        func reconnect() throws { client = try RawClient(port: server.port) }

        deinit { server.stop() }
    }

    static let article = #"{"slug": "written-live", "title": "Written live", "published_at": "2026-12-01T10:00:00Z", "authors": ["javid-valiyev"], "tags": ["azerbaijan", "live-desk"], "body_markdown": "A **zephyrquill** report on energy."}"#

    static func data(_ r: Response) -> [String: Any]? { r.json?["data"] as? [String: Any] }

    @Test func refusalsChangeNothing() throws {
        let s = try Writable()
        let before = try s.get("/api/v1/changes?since=0&limit=1000").json?["meta"] as? [String: Any]
        let missing = try s.request("POST", "/api/v1/articles", body: Self.article)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try s.request("POST", "/api/v1/articles", token: "folio_wrong", body: Self.article).status == 401)
        let scope = try s.request("POST", "/api/v1/articles", token: s.readToken, body: Self.article)
        #expect(scope.status == 403)
        #expect(scope.text.contains("content:read-drafts"))
        let type = try s.request("POST", "/api/v1/articles", token: s.writeToken, contentType: "text/plain", body: Self.article)
        #expect(type.status == 415)
        let broken = try s.request("POST", "/api/v1/articles", token: s.writeToken, body: "{\"title\": \"x\",\n}")
        #expect(broken.status == 400)
        #expect(broken.text.contains("line 2, column 1"), "\(broken.text)")
        let invalid = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                                    body: #"{"slug": "Bad Slug", "title": 7, "authors": ["nobody", 3], "colour": "red"}"#)
        #expect(invalid.status == 422)
        let pointers = ((invalid.json?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        for p in ["/colour", "/title", "/published_at", "/authors/1"] { #expect(pointers.contains(p), "\(pointers)") }
        let huge = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                                 body: "{\"title\": \"" + String(repeating: "x", count: 1_100_000) + "\"}")
        #expect(huge.status == 413)
        try s.reconnect()
        let after = try s.get("/api/v1/changes?since=0&limit=1000").json?["meta"] as? [String: Any]
        #expect((after?["next"] as? Int) == (before?["next"] as? Int), "a refused write changed the log")
        #expect(try s.get("/api/v1/articles/written-live").status == 404)
    }

    @Test func createUpdatePatchRenameDeleteWithRevisions() throws {
        let s = try Writable()
        let created = try s.request("POST", "/api/v1/articles", token: s.writeToken, body: Self.article)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.header("Location") == "/api/v1/articles/written-live")
        #expect(created.header("ETag") == "\"r1\"")
        #expect(Self.data(created)?["revision"] as? Int == 1)
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken, body: Self.article).status == 409)

        // Every read route shows it on the next request.
        #expect(Self.data(try s.get("/api/v1/articles/written-live"))?["title"] as? String == "Written live")
        #expect((try s.get("/api/v1/articles?per_page=1&fields=slug").json?["data"] as? [[String: Any]])?.first?["slug"] as? String == "written-live")
        let card = Self.data(try s.get("/api/v1/authors/javid-valiyev"))
        #expect((card?["latest_articles"] as? [[String: Any]])?.first?["slug"] as? String == "written-live")
        #expect(try s.get("/api/v1/tags/live-desk").status == 200)
        #expect(try s.get("/api/v1/search?q=zephyrquill").text.contains("written-live"))
        #expect(try s.get("/feed.json").text.contains("written-live"))
        let related = try s.get("/api/v1/articles/\(SampleContent.turkiyeSlug)/related")
        #expect(related.text.contains("written-live"))

        // Cached responses name what they were built from (for a CDN), and the write dropped
        // the ones built from what it changed.
        let page = try s.get("/api/v1/articles/\(SampleContent.electionsSlug)")
        #expect(page.header("Surrogate-Key")?.hasPrefix("article-1 author-javid-valiyev tag-") == true, "\(page.header("Surrogate-Key") ?? "none")")
        #expect(try s.get("/api/v1/articles?per_page=1").header("Surrogate-Key") == "articles")

        // A reader with a token sees the revision (uncached); a wrong token is a 401 even on a read.
        let withToken = try s.request("GET", "/api/v1/articles/written-live", token: s.readToken)
        #expect(withToken.status == 200 && withToken.header("ETag") == "\"r1\"")
        #expect(Self.data(withToken)?["revision"] as? Int == 1)
        #expect(withToken.header("Cache-Control") == "private, no-store")
        #expect(try s.request("GET", "/api/v1/articles/written-live", token: "folio_nope").status == 401)
        #expect(Self.data(try s.get("/api/v1/articles/written-live"))?["revision"] == nil)

        // Updates need the current revision.
        let put = Self.article.replacingOccurrences(of: "Written live", with: "Written again")
        #expect(try s.request("PUT", "/api/v1/articles/written-live", token: s.writeToken, body: put).status == 428)
        let stale = try s.request("PUT", "/api/v1/articles/written-live", token: s.writeToken, ifMatch: "\"r9\"", body: put)
        #expect(stale.status == 412)
        #expect(stale.json?["revision"] as? Int == 1)
        let updated = try s.request("PUT", "/api/v1/articles/written-live", token: s.writeToken, ifMatch: "\"r1\"", body: put)
        #expect(updated.status == 200 && updated.header("ETag") == "\"r2\"", "\(updated.text)")
        #expect(Self.data(try s.get("/api/v1/articles/written-live"))?["title"] as? String == "Written again")
        let metrics = try s.get("/metrics").text
        #expect(metrics.contains("folio_response_cache_invalidations_total"), "\(metrics)")
        #expect(!metrics.contains("folio_response_cache_invalidations_total 0\n"))

        // A merge patch changes only what it names; renaming keeps the old slug as a 301.
        let wrongType = try s.request("PATCH", "/api/v1/articles/written-live", token: s.writeToken, ifMatch: "\"r2\"",
                                      body: #"{"slug": "renamed-live"}"#)
        #expect(wrongType.status == 415)
        #expect(wrongType.header("Accept-Patch") == "application/merge-patch+json")
        let patched = try s.request("PATCH", "/api/v1/articles/written-live", token: s.writeToken,
                                    contentType: "application/merge-patch+json", ifMatch: "\"r2\"",
                                    body: #"{"slug": "renamed-live", "tags": null}"#)
        #expect(patched.status == 200, "\(patched.text)")
        let renamed = Self.data(try s.get("/api/v1/articles/renamed-live"))
        #expect(renamed?["title"] as? String == "Written again")
        #expect((renamed?["tags"] as? [Any])?.isEmpty == true)
        let old = try s.get("/api/v1/articles/written-live")
        #expect(old.status == 301 && old.header("Location") == "/api/v1/articles/renamed-live")

        // Delete, then 404; the log holds every step, deletions included.
        #expect(try s.request("DELETE", "/api/v1/articles/renamed-live", token: s.writeToken).status == 428)
        let deleted = try s.request("DELETE", "/api/v1/articles/renamed-live", token: s.writeToken, ifMatch: "\"r3\"")
        #expect(deleted.status == 204)
        #expect(try s.get("/api/v1/articles/renamed-live").status == 404)
        #expect(!(try s.get("/api/v1/articles?fields=slug&per_page=100").text.contains("renamed-live")))
        let log = try s.get("/api/v1/changes?since=0&limit=1000")
        let ops = ((log.json?["data"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "article" && ($0["id"] as? Int ?? 0) > 4 }
            .map { "\($0["op"]!) \($0["slug"]!)" }
        #expect(ops == ["create written-live", "update written-live", "update renamed-live", "delete renamed-live"], "\(ops)")
        let seqs = ((log.json?["data"] as? [[String: Any]]) ?? []).compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count), "the log has gaps")
    }

    /// Concurrent writes are committed together (one transaction, a savepoint each): every one
    /// answered 201 is there, a conflicting one in the same batch fails alone, the log has no gaps.
    @Test func concurrentWritesCommitTogetherAndFailAlone() throws {
        let s = try Writable()
        let port = s.server.port, token = s.writeToken
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            guard let c = try? RawClient(port: port) else { return }
            for i in 0..<25 {
                // Worker 0 also keeps re-posting one slug: after the first, each is a 409.
                let slug = worker == 0 && i % 5 == 0 ? "contested" : "w\(worker)-\(i)"
                let body = #"{"slug": "\#(slug)", "title": "T \#(slug)", "published_at": "2026-12-01T10:00:00Z", "authors": ["javid-valiyev"], "body_markdown": "x"}"#
                let bytes = Array(body.utf8)
                c.send(Array("POST /api/v1/articles HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\n\r\n".utf8) + bytes)
                let status = (try? c.readResponse(timeout: 30).status) ?? 0
                statuses.withLock { $0.append(status) }
            }
        }
        let all = statuses.withLock { $0 }
        #expect(all.count == 200)
        #expect(all.filter { $0 == 201 }.count == 196, "\(Dictionary(grouping: all, by: { $0 }).mapValues(\.count))")
        #expect(all.filter { $0 == 409 }.count == 4)
        let list = try s.get("/api/v1/articles?per_page=100&fields=slug&since=2026-12-01")
        #expect((list.json?["meta"] as? [String: Any]).flatMap { ($0["pagination"] as? [String: Any])?["total"] as? Int } == 196)
        let log = try s.get("/api/v1/changes?since=0&limit=1000")
        let seqs = ((log.json?["data"] as? [[String: Any]]) ?? []).compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count))
    }

    /// A retried write with its Idempotency-Key gets the first answer and changes nothing more;
    /// the same key for another request is a 422.
    @Test func idempotentRetries() throws {
        let s = try Writable()
        let first = try s.request("POST", "/api/v1/articles", token: s.writeToken, idempotencyKey: "order-1", body: Self.article)
        #expect(first.status == 201)
        let retry = try s.request("POST", "/api/v1/articles", token: s.writeToken, idempotencyKey: "order-1", body: Self.article)
        #expect(retry.status == 201, "\(retry.text)")
        #expect(retry.header("Location") == first.header("Location"))
        #expect(retry.header("ETag") == "\"r1\"")
        #expect(retry.header("Idempotent-Replayed") == "true")
        #expect(first.header("Idempotent-Replayed") == nil)
        let other = try s.request("POST", "/api/v1/articles", token: s.writeToken, idempotencyKey: "order-1",
                                  body: Self.article.replacingOccurrences(of: "written-live", with: "another-one"))
        #expect(other.status == 422)
        #expect(try s.get("/api/v1/articles/another-one").status == 404)
        // A retried PATCH applies once: its If-Match would fail a second application.
        let patch = #"{"title": "Patched once"}"#
        let p1 = try s.request("PATCH", "/api/v1/articles/written-live", token: s.writeToken, contentType: "application/merge-patch+json",
                               ifMatch: "\"r1\"", idempotencyKey: "patch-1", body: patch)
        let p2 = try s.request("PATCH", "/api/v1/articles/written-live", token: s.writeToken, contentType: "application/merge-patch+json",
                               ifMatch: "\"r1\"", idempotencyKey: "patch-1", body: patch)
        #expect(p1.status == 200 && p2.status == 200, "\(p2.text)")
        #expect(p2.header("ETag") == "\"r2\"")
        #expect(Self.data(p2)?["revision"] as? Int == 2)
        let log = try s.get("/api/v1/changes?since=0&limit=1000")
        let writes = ((log.json?["data"] as? [[String: Any]]) ?? []).filter { $0["slug"] as? String == "written-live" }
        #expect(writes.count == 2, "create and one update, not more: \(writes)")
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken, idempotencyKey: "bad key", body: Self.article).status == 400)
    }

    @Test func authorsTagsAndTheSite() throws {
        let s = try Writable()
        let t = s.writeToken
        // A new author, then an article by them; their card shows it; they cannot go while it exists.
        let created = try s.request("PUT", "/api/v1/authors/mira-example", token: t,
                                    body: #"{"name": "Mira Example", "email": "mira@example.org", "links": [{"rel": "website", "url": "https://example.org"}]}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.header("Location") == "/api/v1/authors/mira-example")
        let bad = try s.request("PUT", "/api/v1/authors/mira-example", token: t, ifMatch: "\"r1\"", body: #"{"name": "", "email": "nope", "links": [3]}"#)
        #expect(bad.status == 422)
        let pointers = ((bad.json?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers.contains("/links/0"), "\(pointers)")
        #expect(try s.request("PUT", "/api/v1/authors/mira-example", token: t, body: #"{"name": "Mira E."}"#).status == 428)
        #expect(try s.request("PUT", "/api/v1/authors/mira-example", token: t, ifMatch: "\"r1\"", body: #"{"name": "Mira E."}"#).status == 200)
        #expect(Self.data(try s.get("/api/v1/authors/mira-example"))?["name"] as? String == "Mira E.")
        let article = Self.article.replacingOccurrences(of: "javid-valiyev", with: "mira-example")
        #expect(try s.request("POST", "/api/v1/articles", token: t, body: article).status == 201)
        let card = Self.data(try s.get("/api/v1/authors/mira-example"))
        #expect((card?["latest_articles"] as? [[String: Any]])?.first?["slug"] as? String == "written-live")
        #expect(try s.request("DELETE", "/api/v1/authors/mira-example", token: t, ifMatch: "\"r2\"").status == 409)

        // A tag renamed shows on its articles; deleted, it leaves them.
        #expect(try s.request("PUT", "/api/v1/tags/live-desk", token: t, ifMatch: "\"r1\"", body: #"{"name": "Live desk"}"#).status == 200)
        let tags = Self.data(try s.get("/api/v1/articles/written-live"))?["tags"] as? [[String: Any]]
        #expect(tags?.contains { $0["slug"] as? String == "live-desk" && $0["name"] as? String == "Live desk" } == true, "\(tags ?? [])")
        #expect(try s.request("DELETE", "/api/v1/tags/live-desk", token: t, ifMatch: "\"r2\"").status == 204)
        #expect(try s.get("/api/v1/tags/live-desk").status == 404)
        let after = Self.data(try s.get("/api/v1/articles/written-live"))?["tags"] as? [[String: Any]]
        #expect(after?.contains { $0["slug"] as? String == "live-desk" } == false)

        // The site.
        let site = try s.request("PUT", "/api/v1/site", token: t,
                                 body: #"{"name": "Renamed Desk", "url": "https://desk.example.org/", "description": "d", "language": "en"}"#)
        #expect(site.status == 200, "\(site.text)")
        #expect(Self.data(try s.get("/api/v1/site"))?["name"] as? String == "Renamed Desk")
        #expect(try s.get("/feed.json").json?["title"] as? String == "Renamed Desk")
    }

    @Test func repeatedFailuresAreSlowedDown() throws {
        let s = try Writable(config: ["admin": ["max_failures": 3, "failure_window": 60]])
        for _ in 0..<3 { #expect(try s.request("POST", "/api/v1/articles", token: "folio_nope", body: Self.article).status == 401) }
        let slowed = try s.request("POST", "/api/v1/articles", token: s.writeToken, body: Self.article)
        #expect(slowed.status == 429)
        #expect(Int(slowed.header("Retry-After") ?? "") ?? 0 > 0)
    }

    @Test func aRevokedTokenIsRefusedAtOnce() throws {
        let s = try Writable()
        let db = s.server.directory.appendingPathComponent("folio.sqlite").path
        #expect(try FolioTool.run(["token", "revoke", "editor", "--database", db]).status == 0)
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken, body: Self.article).status == 401)
        let list = try FolioTool.run(["token", "list", "--database", db])
        #expect(list.output.contains("editor\tcontent:write"))
    }

    @Test func anImportWhileServingAppearsWithinASecond() throws {
        let s = try Writable()
        let post = s.server.directory.appendingPathComponent("late.md")
        try "---\ntitle: Imported late\npublished_at: 2026-11-30T09:00:00Z\nauthors: [javid-valiyev]\n---\nLate body.\n"
            .write(to: post, atomically: true, encoding: .utf8)
        let run = try FolioTool.run(["import", "--database", s.server.directory.appendingPathComponent("folio.sqlite").path, post.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(FolioTool.eventually(within: 10) { (try? s.get("/api/v1/articles/late").status) == 200 }, "the import never appeared")
    }
}
