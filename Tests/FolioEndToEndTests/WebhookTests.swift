import Foundation
import Glibc
import Testing

/// Webhooks against the real binary and a receiver of the test's own (Tests/Scripts/webhook-
/// receiver.py, which checks every signature with the Standard Webhooks reference library):
/// exactly one accepted delivery per change, after failures and a timeout, in order per article,
/// the same webhook-id on every retry; a scheduled publish delivered on an idle server; nothing
/// lost when the server is killed between the commit and the delivery.
@Suite("Webhooks", .serialized)
struct WebhookTests {
    typealias Writable = WriteAPITests.Writable

    /// The receiver process: its port, and the attempts it logged.
    final class Receiver {
        let process = Process()
        let port: Int
        let log: URL
        let secretFile: URL

        init(directory: URL, failFirst: Int, hang: Double) throws {
            log = directory.appendingPathComponent("receiver-\(UUID().uuidString).jsonl")
            secretFile = directory.appendingPathComponent("secret-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: secretFile.path, contents: Data())
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", ServerProcess.repositoryRoot.appendingPathComponent("Tests/Scripts/webhook-receiver.py").path,
                                 secretFile.path, log.path, String(failFirst), String(hang)]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)), "the receiver did not start: \(line)")
        }

        var url: String { "http://127.0.0.1:\(port)/hooks" }

        func attempts() -> [[String: Any]] {
            guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func accepted() -> [[String: Any]] { attempts().filter { $0["action"] as? String == "accept" } }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// `folio webhook add` on the server's store; writes the printed secret where the receiver reads it.
    static func addWebhook(_ db: String, _ receiver: Receiver, events: String) throws {
        let run = try FolioTool.run(["webhook", "add", receiver.url, "--events", events, "--database", db])
        #expect(run.status == 0, "\(run.output)")
        let secret = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("whsec_") }.map(String.init))
        try secret.write(to: receiver.secretFile, atomically: true, encoding: .utf8)
    }

    static var fastRetries: [String: Any] { ["webhooks": ["timeout": 1, "first_retry": 0.05, "workers": 2]] }

    static func data(_ attempt: [String: Any]) -> [String: Any] { (attempt["body"] as? [String: Any])?["data"] as? [String: Any] ?? [:] }
    static func type(_ attempt: [String: Any]) -> String { (attempt["body"] as? [String: Any])?["type"] as? String ?? "" }

    @Test func eachChangeIsAcceptedOnceInOrderAfterFailuresAndATimeout() throws {
        let s = try Writable(config: Self.fastRetries)
        let db = s.server.directory.appendingPathComponent("folio.sqlite").path
        let receiver = try Receiver(directory: s.server.directory, failFirst: 2, hang: 2)
        defer { receiver.stop() }
        let purge = try Receiver(directory: s.server.directory, failFirst: 0, hang: 0)
        defer { purge.stop() }
        try Self.addWebhook(db, receiver, events: "*")
        try Self.addWebhook(db, purge, events: "cache.purge")

        func article(_ slug: String, _ status: String, _ at: String, _ word: String) -> String {
            EditorialLifecycleTests.article(slug, status: status, at: at, word: word)
        }
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken, body: article("hook-one", "published", "2026-12-01T10:00:00Z", "hookword")).status == 201)
        #expect(try s.request("PATCH", "/api/v1/articles/hook-one", token: s.writeToken, contentType: "application/merge-patch+json",
                              ifMatch: "\"r1\"", body: #"{"title": "Hook one, revised"}"#).status == 200)
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken, body: article("hook-draft", "draft", "2026-12-01T10:00:00Z", "quietword")).status == 201)
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken,
                              body: article("hook-later", "scheduled", EditorialLifecycleTests.fromNow(2), "laterword")).status == 201)
        #expect(try s.request("DELETE", "/api/v1/articles/hook-one", token: s.writeToken, ifMatch: "\"r2\"").status == 204)

        // Expected: hook-one published, updated, deleted; hook-later published by the scheduler
        // (no request arrives meanwhile); nothing for the draft.
        let delivered = FolioTool.eventually(within: 30) { receiver.accepted().count >= 4 }
        Thread.sleep(forTimeInterval: 1.5)  // room for a duplicate to show
        let accepted = receiver.accepted()
        #expect(delivered, "accepted: \(accepted.map(Self.type)); attempts: \(receiver.attempts().map { $0["action"] as? String ?? "" })")
        let attempts = receiver.attempts()
        #expect(attempts.allSatisfy { $0["verified"] as? Bool == true }, "a signature did not verify: \(attempts.filter { $0["verified"] as? Bool != true })")
        #expect(attempts.prefix(3).map { $0["action"] as? String } == ["fail", "fail", "hang"])
        let ids = accepted.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count && ids.count == 4, "each change accepted exactly once: \(accepted.map(Self.type))")
        // Every failed or timed-out attempt was retried under its own webhook-id.
        for a in attempts where a["action"] as? String != "accept" {
            #expect(ids.contains(a["id"] as? String ?? "-"), "attempt \(a["n"] ?? "?") was never accepted under the same webhook-id")
        }
        let one = accepted.filter { Self.data($0)["slug"] as? String == "hook-one" }
        #expect(one.map(Self.type) == ["article.published", "article.updated", "article.deleted"], "order per article: \(one.map(Self.type))")
        #expect(one.compactMap { Self.data($0)["seq"] as? Int } == one.compactMap { Self.data($0)["seq"] as? Int }.sorted())
        #expect(one.first.map { Self.data($0)["title"] as? String } == "Title hookword", "the payload is the committed article")
        #expect(accepted.filter { Self.data($0)["slug"] as? String == "hook-later" }.map(Self.type) == ["article.published"])
        #expect(!accepted.contains { Self.data($0)["slug"] as? String == "hook-draft" }, "a draft is not announced")

        // The purge hook hears the Surrogate-Keys of each change.
        #expect(FolioTool.eventually(within: 10) { purge.accepted().count >= 4 })
        let keys = purge.accepted().compactMap { Self.data($0)["keys"] as? [String] }
        #expect(keys.first?.contains("articles") == true && keys.first?.contains { $0.hasPrefix("article-") } == true
                && keys.first?.contains("author-javid-valiyev") == true && keys.first?.contains("tag-azerbaijan") == true, "\(keys)")
        #expect(purge.accepted().allSatisfy { Self.type($0) == "cache.purge" })

        // The CLI lists the deliveries and none failed.
        let listed = try FolioTool.run(["webhook", "list", "--database", db])
        #expect(listed.output.contains(receiver.url) && listed.output.contains("\t0\t4\t0"), "\(listed.output)")
        let metrics = try s.get("/metrics").text
        #expect(metrics.contains("folio_webhook_attempts_delivered_total 8"), "\(metrics.split(separator: "\n").filter { $0.contains("webhook") })")
    }

    @Test func anAdminManagesEndpointsOverTheAPI() throws {
        let s = try Writable(config: Self.fastRetries)
        let db = s.server.directory.appendingPathComponent("folio.sqlite").path
        let admin = try #require(try FolioTool.run(["token", "create", "--name", "ops", "--scope", "admin", "--database", db])
            .output.split(separator: "\n").first { $0.hasPrefix("folio_") }.map(String.init))
        let receiver = try Receiver(directory: s.server.directory, failFirst: 0, hang: 0)
        defer { receiver.stop() }
        // Only the admin scope; a bad body is a 422 naming every problem.
        #expect(try s.request("GET", "/api/v1/webhooks", token: s.writeToken).status == 403)
        let bad = try s.request("POST", "/api/v1/webhooks", token: admin, body: #"{"url": "ftp://x", "events": ["article.eaten"], "x": 1}"#)
        #expect(bad.status == 422 && bad.text.contains("/url") && bad.text.contains("/events/0") && bad.text.contains("/x"), "\(bad.text)")
        let added = try s.request("POST", "/api/v1/webhooks", token: admin, body: #"{"url": "\#(receiver.url)", "events": ["article.published"]}"#)
        #expect(added.status == 201, "\(added.text)")
        let hook = try #require(added.json?["data"] as? [String: Any])
        let secret = try #require(hook["secret"] as? String)
        #expect(secret.hasPrefix("whsec_") && added.header("Location") == "/api/v1/webhooks/\(hook["id"] as? Int ?? 0)")
        try secret.write(to: receiver.secretFile, atomically: true, encoding: .utf8)
        #expect(try s.request("POST", "/api/v1/articles", token: s.writeToken,
                              body: EditorialLifecycleTests.article("hook-api", status: "published", word: "apiword")).status == 201)
        #expect(FolioTool.eventually(within: 10) { receiver.accepted().count == 1 })
        let listed = try s.request("GET", "/api/v1/webhooks", token: admin)
        #expect(!listed.text.contains("whsec_"), "the secret is shown only once")
        let id = hook["id"] as? Int ?? 0
        #expect(FolioTool.eventually(within: 5) {
            let d = (try? s.request("GET", "/api/v1/webhooks/\(id)/deliveries?state=delivered", token: admin).json?["data"] as? [[String: Any]]) ?? []
            return d.count == 1 && d[0]["event"] as? String == "article.published" && d[0]["attempts"] as? Int == 1
        })
        #expect(try s.request("DELETE", "/api/v1/webhooks/\(id)", token: admin).status == 204)
        #expect(try s.request("DELETE", "/api/v1/webhooks/\(id)", token: admin).status == 404)
        #expect((try s.request("GET", "/api/v1/webhooks", token: admin).json?["data"] as? [Any])?.isEmpty == true)
    }

    @Test func aDeliveryCommittedBeforeAKillIsDeliveredOnceAfterTheRestart() throws {
        let s = try Writable(config: Self.fastRetries)
        let dir = s.server.directory
        let db = dir.appendingPathComponent("folio.sqlite")
        // An endpoint that is down at first: the change is committed, its delivery cannot happen.
        var receiver = try Receiver(directory: dir, failFirst: 0, hang: 0)
        try Self.addWebhook(db.path, receiver, events: "article.published")
        let secret = try String(contentsOf: receiver.secretFile, encoding: .utf8)
        receiver.stop()
        let r = try s.request("POST", "/api/v1/articles", token: s.writeToken,
                              body: EditorialLifecycleTests.article("hook-crash", status: "published", word: "crashword"))
        #expect(r.status == 201)
        kill(s.server.process.processIdentifier, SIGKILL)
        s.server.process.waitUntilExit()
        // The endpoint comes back on another port; the stored URL is pointed at it, and the
        // server restarts on the same store.
        receiver = try Receiver(directory: dir, failFirst: 0, hang: 0)
        defer { receiver.stop() }
        try secret.write(to: receiver.secretFile, atomically: true, encoding: .utf8)
        let sql = "UPDATE webhooks SET url = '\(receiver.url)'"
        #expect(try Tool.run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [db.path, sql], in: dir).status == 0)
        let again = try ServerProcess(config: ["access_log": false, "webhooks": ["timeout": 1, "first_retry": 0.2]], database: db)
        defer { again.stop() }
        #expect(FolioTool.eventually(within: 20) { receiver.accepted().count >= 1 }, "\(receiver.attempts())")
        Thread.sleep(forTimeInterval: 1)
        let accepted = receiver.accepted()
        #expect(accepted.count == 1 && Self.data(accepted[0])["slug"] as? String == "hook-crash", "\(accepted)")
        #expect(accepted.allSatisfy { $0["verified"] as? Bool == true })
    }
}
