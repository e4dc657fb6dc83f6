import Foundation
import Glibc
import FolioTestSupport
import Testing

/// `folio import` and `folio export` with `--database-url` against a real PostgreSQL server: the
/// sample content imported there exports exactly as it does from the SQLite store; a bad file
/// leaves PostgreSQL unchanged. Two `folio serve` replicas on one PostgreSQL database serve the
/// same content and show what another process writes within a second, also after their
/// connections are killed.
@Suite("PostgreSQL commands", .serialized)
struct PostgresCommandTests {
    @Test func importAndExportMatchTheSQLiteStore() throws {
        let server = try PostgresServer.shared.get()
        let url = try server.freshDatabase()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        let sqlite = dir.appendingPathComponent("s.sqlite").path

        let intoPG = try FolioTool.run(["import", sample, "--database-url", url])
        #expect(intoPG.status == 0 && intoPG.output.contains("imported 4 articles"), "\(intoPG.output)")
        #expect(try FolioTool.run(["import", sample, "--database", sqlite]).status == 0)
        let fromPG = try FolioTool.run(["export", "--database-url", url])
        let fromSQLite = try FolioTool.run(["export", "--database", sqlite])
        #expect(fromPG.status == 0 && fromPG.output == fromSQLite.output, "the exports differ")
        #expect(fromPG.output.contains("\"slug\" : \"\(SampleContent.electionsSlug)\""))

        // One bad file: nothing of the run is kept.
        let bad = dir.appendingPathComponent("bad.json")
        try #"{"articles": [{"slug": "fine-one", "title": "F", "published_at": "2024-01-01", "authors": ["javid-valiyev"], "body_markdown": "x"}, {"slug": "Bad Slug", "title": "B", "published_at": "2024-01-01", "authors": ["javid-valiyev"], "body_markdown": "y"}]}"#
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try FolioTool.run(["import", bad.path, "--database-url", url])
        #expect(refused.status != 0 && refused.output.contains("nothing was changed"), "\(refused.output)")
        #expect(try FolioTool.run(["export", "--database-url", url]).output == fromSQLite.output)

    }

    /// PostgreSQL stopped for 10 seconds under a read load: no read fails (the replicas serve their
    /// snapshot and cache), `/readyz` says degraded, a write cannot happen, and once the database
    /// is back both replicas show the next write within 2 seconds.
    @Test func replicasServeThroughADatabaseOutage() throws {
        let pg = try PostgresServer.dedicated()
        let url = try pg.freshDatabase()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let replicas = try Self.replicas(2, onSampleContentIn: url)
        defer { replicas.forEach { $0.stop() } }
        let paths = ["/api/v1/articles", "/api/v1/articles/\(SampleContent.electionsSlug)", "/api/v1/authors/javid-valiyev",
                     "/api/v1/tags", "/feed.json", "/api/v1/articles/\(SampleContent.electionsSlug)/related"]
        var reads = 0, failed: [String] = []
        func readFor(_ seconds: Double) {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                for r in replicas {
                    let path = paths[reads % paths.count]
                    reads += 1
                    let status = (try? Self.get(r, path).status) ?? 0
                    if status != 200 { failed.append("\(path) on \(r.port): \(status)") }
                }
                usleep(10_000)
            }
        }
        readFor(1)  // warm: everything cached and bodies read
        try pg.stop()
        let down = Date()
        readFor(2)
        for r in replicas {
            let ready = try Self.get(r, "/readyz")
            #expect(ready.status == 200 && ready.text.contains("degraded"), "\(ready.text)")
        }
        let file = dir.appendingPathComponent("during.json")
        try Self.article("during-outage", "During").write(to: file, atomically: true, encoding: .utf8)
        #expect(try FolioTool.run(["import", file.path, "--database-url", url]).status != 0, "no write while the database is down")
        readFor(max(0, 10 - Date().timeIntervalSince(down)))
        try pg.start()
        let back = try FolioTool.run(["import", file.path, "--database-url", url])
        #expect(back.status == 0, "\(back.output)")
        let written = Date()
        for r in replicas {
            #expect(FolioTool.eventually(within: 2) { (try? Self.get(r, "/api/v1/articles/during-outage").status) == 200 },
                    "replica on \(r.port) not coherent within 2 s of the database's return")
        }
        print("outage: \(reads) reads over \(Int(Date().timeIntervalSince(down))) s, \(failed.count) failed; coherent \(Int(Date().timeIntervalSince(written) * 1000)) ms after the first write")
        #expect(failed.isEmpty, "\(failed.prefix(5))")
        for r in replicas { #expect(FolioTool.eventually(within: 3) { (try? Self.get(r, "/readyz").text) == #"{"status":"ready"}"# }) }
    }

    /// Three replicas on one database: an article scheduled two seconds ahead goes public on all
    /// of them within a second of its time, and the changes log has exactly one publication.
    @Test func threeReplicasPublishAScheduledArticleOnce() throws {
        let url = try PostgresServer.shared.get().freshDatabase()
        let replicas = try Self.replicas(3, onSampleContentIn: url)
        defer { replicas.forEach { $0.stop() } }
        let due = Int(Date().timeIntervalSince1970) + 2
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.json")
        let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(due)))
        try #"{"articles": [{"slug": "on-time", "title": "On time", "published_at": "\#(at)", "status": "scheduled", "authors": ["javid-valiyev"], "body_markdown": "x"}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let imported = try FolioTool.run(["import", file.path, "--database-url", url])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(try replicas.allSatisfy { try Self.get($0, "/api/v1/articles/on-time").status == 404 })
        Thread.sleep(until: Date(timeIntervalSince1970: Double(due) + 1))
        for r in replicas { #expect(try Self.get(r, "/api/v1/articles/on-time").status == 200, "not public on \(r.port) a second after its time") }
        let log = try Tool.run(URL(fileURLWithPath: "/usr/bin/psql"), [url, "-tA", "-c", "SELECT op || ':' || actor FROM changes WHERE slug = 'on-time' ORDER BY seq"],
                               in: FileManager.default.temporaryDirectory)
        #expect(log.output.split(separator: "\n") == ["create:import", "create:scheduler"], "\(log.output)")
    }

    /// A replica started while its database is down waits, says so, and still stops on SIGTERM.
    @Test func aReplicaWaitsForItsDatabase() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-wait-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--port", "0", "--host", "127.0.0.1", "--database-url", "postgresql://folio:hunter2@127.0.0.1:1/nowhere"]
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func printed() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(FolioTool.eventually(within: 10) { printed().contains("waiting for PostgreSQL") }, "\(printed())")
        #expect(process.isRunning && !printed().contains("hunter2"))
        kill(process.processIdentifier, SIGTERM)
        #expect(FolioTool.eventually(within: 10) { !process.isRunning }, "did not stop on SIGTERM")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && printed().contains("bye"), "\(printed())")
    }

    /// The sample content imported into `url`, and `count` servers following it as replicas.
    static func replicas(_ count: Int, onSampleContentIn url: String) throws -> [ServerProcess] {
        let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        let imported = try FolioTool.run(["import", sample, "--database-url", url])
        #expect(imported.status == 0, "\(imported.output)")
        return try (0..<count).map { _ in try ServerProcess(config: ["access_log": false, "store": ["url": url]]) }
    }

    static func get(_ server: ServerProcess, _ path: String) throws -> Response {
        let c = try RawClient(port: server.port)
        c.send("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        return try c.readResponse()
    }

    static func article(_ slug: String, _ title: String) -> String {
        #"{"articles": [{"slug": "\#(slug)", "title": "\#(title)", "published_at": "2026-12-01T10:00:00Z", "authors": ["javid-valiyev"], "tags": ["azerbaijan"], "body_markdown": "A *replicated* report."}]}"#
    }

    @Test func twoReplicasServeOneDatabaseAndFollowItsWrites() throws {
        let url = try PostgresServer.shared.get().freshDatabase()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-pg-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let replicas = try Self.replicas(2, onSampleContentIn: url)
        defer { replicas.forEach { $0.stop() } }
        #expect(replicas.allSatisfy { $0.printed.contains("as a replica") })
        #expect(FolioTool.eventually(within: 5) { replicas.allSatisfy { (try? Self.get($0, "/readyz").text) == #"{"status":"ready"}"# } })

        let path = "/api/v1/articles/\(SampleContent.electionsSlug)"
        let first = try replicas.map { try Self.get($0, path) }
        #expect(first.allSatisfy { $0.status == 200 } && first[0].text == first[1].text, "\(first.map { $0.status })")
        #expect(first[0].text.contains("\"html\":"), "the body is read from PostgreSQL")
        #expect(try Self.get(replicas[0], "/api/v1/articles/no-such-article").status == 404)
        let listBefore = try replicas.map { try Self.get($0, "/api/v1/articles?per_page=100").text }

        // Another process writes; both replicas show it (list, article) within a second.
        func write(_ slug: String, _ title: String) throws -> Date {
            let file = dir.appendingPathComponent("\(slug)-\(UUID().uuidString).json")
            try Self.article(slug, title).write(to: file, atomically: true, encoding: .utf8)
            let r = try FolioTool.run(["import", file.path, "--database-url", url])
            #expect(r.status == 0, "\(r.output)")
            return Date()
        }
        var lags: [Double] = []
        for i in 0..<5 {
            let slug = "replicated-\(i)"
            let written = try write(slug, "Replicated \(i)")
            for replica in replicas {
                let seen = FolioTool.eventually(within: 3) { (try? Self.get(replica, "/api/v1/articles/\(slug)").status) == 200 }
                #expect(seen, "replica on \(replica.port) did not show \(slug)")
                lags.append(Date().timeIntervalSince(written))
            }
        }
        print("replica lag after folio import (import's exit to a 200 on the replica): max \(Int((lags.max() ?? 0) * 1000)) ms")
        #expect(lags.allSatisfy { $0 < 1 }, "\(lags)")
        let listAfter = try replicas.map { try Self.get($0, "/api/v1/articles?per_page=100").text }
        #expect(zip(listBefore, listAfter).allSatisfy { $0 != $1 && $1.contains("replicated-4") }, "the cached list was dropped")
        // The public changes feed, from the database's log.
        let feed = try Self.get(replicas[1], "/api/v1/changes?limit=1000")
        #expect(feed.status == 200 && feed.text.contains("\"slug\":\"replicated-4\"") && feed.text.contains("\"op\":\"create\""),
                "\(feed.status) \(feed.text.prefix(300))")
        _ = try write("replicated-0", "Retitled zero")
        #expect(FolioTool.eventually(within: 3) { replicas.allSatisfy { (try? Self.get($0, "/api/v1/articles/replicated-0").text.contains("Retitled zero")) == true } })

        // Their connections killed: they reconnect and catch up.
        try PostgresStore_terminate(url)
        _ = try write("after-failover", "After the kill")
        for replica in replicas {
            #expect(FolioTool.eventually(within: 10) { (try? Self.get(replica, "/api/v1/articles/after-failover").status) == 200 })
        }
        // Search runs on PostgreSQL; writes over HTTP are not served from it yet and say so.
        let c = try RawClient(port: replicas[0].port)
        c.send("POST /api/v1/articles HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}")
        #expect(try c.readResponse().status == 503)
        let search = try Self.get(replicas[0], "/api/v1/search?q=replicated")
        #expect(search.status == 200 && search.text.contains("after-failover") && search.text.contains("<mark>"), "\(search.status) \(search.text.prefix(300))")
    }
}

/// Ends every session on the database `url` names but the caller's (what a failover does to replicas).
func PostgresStore_terminate(_ url: String) throws {
    let r = try Tool.run(URL(fileURLWithPath: "/usr/bin/psql"), [url, "-q", "-c",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"],
        in: FileManager.default.temporaryDirectory)
    #expect(r.status == 0, "\(r.output)")
}
