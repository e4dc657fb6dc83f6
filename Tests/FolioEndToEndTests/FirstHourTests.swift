import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Glibc
import Testing

/// What a new user meets in the first hour (issue 18): a port already in use, SIGHUP, absolute
/// links, errors that say where, read-only stores, --version; each against the real binary.
@Suite("First hour", .serialized)
struct FirstHourTests {
    static func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: 1. A port in use

    @Test func aSecondServerOnAPortInUseExitsAndTheFirstKeepsEveryRequest() throws {
        let first = try ServerProcess(config: ["access_log": false, "threads": 2])
        defer { first.stop() }
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = dir.appendingPathComponent("other.sqlite")
        let second = try FolioTool.run(["serve", "--database", other.path, "--host", "127.0.0.1", "--port", String(first.port)],
                                       currentDirectory: dir, timeout: 30)
        #expect(second.status == 1, "\(second.output)")
        #expect(second.output.contains("cannot listen on 127.0.0.1:\(first.port)"), "\(second.output)")
        #expect(second.output.contains("address already in use"), "\(second.output)")
        #expect(!second.output.contains("listening on"))
        #expect(!second.output.contains("Usage:"))
        #expect(!FileManager.default.fileExists(atPath: other.path), "the refused server opened a store")

        // Every new connection lands on the first server (its two loops share the port).
        for _ in 0..<20 {
            let c = try RawClient(port: first.port)
            c.send("GET /api/v1/site HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try c.readResponse().status == 200)
        }
        let c = try RawClient(port: first.port)
        c.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let metrics = try c.readResponse().text
        #expect(metrics.contains("folio_http_requests_total{route=\"/api/v1/site\",status=\"2xx\"} 20\n"), "\(metrics)")
    }

    // MARK: 2. SIGHUP

    @Test func sighupReopensTheAccessLogReloadsContentAndKeepsServing() throws {
        let logs = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: logs) }
        let accessLog = logs.appendingPathComponent("access.log")
        let server = try ServerProcess(config: ["access_log_file": accessLog.path])
        defer { server.stop() }
        func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        func get(_ path: String, id: String) throws -> Response {
            let c = try RawClient(port: server.port)
            c.send("GET \(path) HTTP/1.1\r\nHost: t\r\nX-Request-Id: \(id)\r\n\r\n")
            return try c.readResponse()
        }

        #expect(try get("/api/v1/site", id: "before-hup").status == 200)
        #expect(FolioTool.eventually { read(accessLog).contains("before-hup") }, "the access log never got the line")
        #expect(!server.printed.contains("before-hup"), "access-log lines went to standard output")
        try FileManager.default.moveItem(at: accessLog, to: logs.appendingPathComponent("access.log.1"))

        // Another process adds an article to the store the server is serving.
        let post = logs.appendingPathComponent("after-the-signal.md")
        try """
            ---
            title: Written while the server ran
            published_at: 2026-12-01T10:00:00Z
            authors: [javid-valiyev]
            tags: [azerbaijan]
            ---
            Imported by another process, served after SIGHUP.
            """.write(to: post, atomically: true, encoding: .utf8)
        let imported = try FolioTool.run(["import", "--database", server.directory.appendingPathComponent("folio.sqlite").path, post.path],
                                         currentDirectory: logs)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(try get("/api/v1/articles/after-the-signal", id: "not-yet").status == 404)

        kill(server.process.processIdentifier, SIGHUP)
        #expect(server.waitForOutput("folio: SIGHUP:"), "\(server.printed)")
        #expect(server.printed.contains("reopened the access log \(accessLog.path)"), "\(server.printed)")
        #expect(server.printed.contains("reloaded the content: 5 articles, generation 2"), "\(server.printed)")
        #expect(server.process.isRunning)

        let article = try get("/api/v1/articles/after-the-signal", id: "after-hup")
        #expect(article.status == 200)
        #expect((article.json?["data"] as? [String: Any])?["title"] as? String == "Written while the server ran")
        #expect(FolioTool.eventually { read(accessLog).contains("after-hup") }, "the reopened access log never got the line")
        #expect(!read(logs.appendingPathComponent("access.log.1")).contains("after-hup"))
        #expect(read(logs.appendingPathComponent("access.log.1")).contains("before-hup"))

        let (status, output) = server.stop()
        #expect(status == 0)
        #expect(output.contains("SIGTERM received, draining"))
    }

    // MARK: 3. Absolute links

    @Test func feedsCardsAndJSONLDLinkToTheConfiguredPages() throws {
        let server = try ServerProcess(config: [
            "access_log": false,
            "public_url": "https://api.example.org/",
            "article_url": "https://www.example.org/articles/{slug}",
            "author_url": "https://www.example.org/people/{slug}",
        ])
        defer { server.stop() }
        let f = try APIServerClient(port: server.port)
        let slug = SampleContent.turkiyeSlug

        let json = try #require(try f.get("/feed.json").json)
        #expect(json["feed_url"] as? String == "https://api.example.org/feed.json")
        #expect(json["home_page_url"] as? String == "https://aircenter.az/")
        let item = try #require((json["items"] as? [[String: Any]])?.first)
        #expect(item["url"] as? String == "https://www.example.org/articles/\(slug)")
        #expect((item["_folio"] as? [String: Any])?["api_url"] as? String == "https://api.example.org/api/v1/articles/\(slug)")
        #expect(((item["authors"] as? [[String: Any]])?.first)?["url"] as? String == "https://www.example.org/people/javid-valiyev")

        let atom = try FeedLinks.parse(f.get("/feed.atom").body)
        let entry = try #require(atom.entries.first)
        #expect(FeedLinks.href(entry, rel: "alternate", type: "text/html") == "https://www.example.org/articles/\(slug)")
        #expect(FeedLinks.href(entry, rel: "alternate", type: "application/json") == "https://api.example.org/api/v1/articles/\(slug)")
        #expect(FeedLinks.href(atom.feed, rel: "self", type: nil) == "https://api.example.org/feed.atom")

        let rss = try FeedLinks.parse(f.get("/feed.rss").body)
        #expect(rss.itemLinks.first == "https://www.example.org/articles/\(slug)")

        let card = try f.get("/api/v1/authors/javid-valiyev.vcf").text
        #expect(card.contains("\r\nURL:https://www.example.org/people/javid-valiyev\r\n"), "\(card)")
        #expect(card.contains("\r\nUID:https://api.example.org/api/v1/authors/javid-valiyev.vcf\r\n"), "\(card)")

        let ld = try #require(try f.get("/api/v1/articles/\(slug)", headers: ["Accept": "application/ld+json"]).json)
        #expect(ld["url"] as? String == "https://www.example.org/articles/\(slug)")
        #expect(ld["mainEntityOfPage"] as? String == "https://www.example.org/articles/\(slug)")
        #expect(ld["@id"] as? String == "https://api.example.org/api/v1/articles/\(slug)")
        #expect(((ld["author"] as? [[String: Any]])?.first)?["url"] as? String == "https://www.example.org/people/javid-valiyev")
    }

    @Test func withoutPageSettingsLinksUseTheCanonicalURLOrTheAPIOfThisServer() throws {
        let server = try ServerProcess(config: ["access_log": false])
        defer { server.stop() }
        let f = try APIServerClient(port: server.port)
        let json = try #require(try f.get("/feed.json").json)
        #expect(json["feed_url"] as? String == "http://localhost:\(server.port)/feed.json")
        let items = try #require(json["items"] as? [[String: Any]])
        let byURL = Set(items.compactMap { $0["url"] as? String })
        #expect(byURL.contains("http://localhost:\(server.port)/api/v1/articles/\(SampleContent.turkiyeSlug)"))
        #expect(byURL.contains("https://moderndiplomacy.eu/2023/09/16/illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community/"))
        let atom = try FeedLinks.parse(f.get("/feed.atom").body)
        // An entry with no human page has only the API alternate, typed as JSON, never as a page.
        let first: [[String: String]] = try #require(atom.entries.first)
        let alternates: [String?] = first.filter { $0["rel"] == "alternate" }.map { $0["type"] }
        #expect(alternates == ["application/json"])
    }

    // MARK: 5. Errors that say where

    @Test(arguments: [
        ("{\"port\": 8080,}", "bad.json:1:15: a trailing comma before '}' is not allowed"),
        ("{\n  \"port\": 8080\n  \"host\": \"x\"\n}", "bad.json:3:3: unexpected '\"'; expected ',' or '}'"),
        ("{\"port\": 1, \"port\": 2}", "bad.json:1:13: the name \"port\" appears twice"),
        ("{\"port\": 1\n", "bad.json:2:1: unexpected end of the text"),
        ("[1]", "bad.json: the configuration must be a JSON object, not an array"),
        ("{\"port\": \"80\"}", "bad.json: \"port\" must be an integer in 0...65535 (it is \"80\")"),
        ("{\"access_log\": 1}", "bad.json: \"access_log\" must be true or false (it is 1)"),
        ("{\"limits\": {\"max_body_bytes\": -1}}", "\"limits.max_body_bytes\" must be an integer"),
        ("{\"colour\": 1}", "bad.json: unknown key \"colour\""),
        ("{\"public_url\": \"api.example.org\"}", "public_url \"api.example.org\" must be an absolute http or https URL"),
        ("{\"article_url\": \"https://x.org/articles\"}", "article_url \"https://x.org/articles\" must be an absolute http or https URL containing {slug}"),
    ])
    func aBrokenConfigurationIsRefusedWithWhereAndWhy(text: String, message: String) throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let run = try FolioTool.run(["serve", "--config", "bad.json", "--port", "0", "--database", "x.sqlite"], currentDirectory: dir)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains(message), "\(run.output)")
        #expect(!run.output.contains("Usage:"), "a run-time failure printed the usage text")
        #expect(!run.output.contains("listening"))
        let check = try FolioTool.run(["check", "--config", "bad.json", "--database", "x.sqlite"], currentDirectory: dir)
        #expect(check.status == 1)
        #expect(check.output.contains(message), "\(check.output)")
    }

    @Test(arguments: [
        ("broken.json", "{\"articles\": [\n  {\"slug\": \"a\",}\n]}", "broken.json:2:16: not valid JSON: a trailing comma"),
        ("broken.json", "{\"tags\": [{\"slug\": \"a\", \"name\": \"A\"}]\n", "broken.json:2:1: not valid JSON: unexpected end of the text"),
        ("twice.json", "{\"tags\": [], \"tags\": []}", "twice.json:1:14: not valid JSON: the name \"tags\" appears twice"),
        ("quote.md", "---\ntitle: \"Unclosed\npublished_at: 2026-01-01T00:00:00Z\n---\nBody", "quote.md:2: title: unclosed quote"),
        ("after.md", "---\ntitle: \"Closed\" and more\npublished_at: 2026-01-01T00:00:00Z\n---\nBody", "after.md:2: title: text after the closing quote"),
        ("list.md", "---\ntitle: T\npublished_at: 2026-01-01T00:00:00Z\ntags: [\"a, b]\n---\nBody", "list.md:4: tags: unclosed quote"),
    ])
    func aBrokenImportNamesLineAndColumnAndLeavesNoDatabaseBehind(file: String, text: String, message: String) throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let run = try FolioTool.run(["import", "--database", "new/store.sqlite", file], currentDirectory: dir)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains(message), "\(run.output)")
        #expect(!run.output.contains("Usage:"))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("new").path)) ?? []
        #expect(left.isEmpty, "a failed import left \(left) behind")
    }

    @Test func quotedFrontMatterValuesAreUnquotedAndUnquotedOnesKeptAsWritten() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            ---
            title: "A \\"quoted\\" title"
            excerpt: 'It''s here'
            published_at: 2026-01-01T00:00:00Z
            authors: [javid-valiyev]
            ---
            Body
            """.write(to: dir.appendingPathComponent("quoted.md"), atomically: true, encoding: .utf8)
        try """
            ---
            title: He said "yes"
            published_at: 2026-01-02T00:00:00Z
            authors: [javid-valiyev]
            ---
            Body
            """.write(to: dir.appendingPathComponent("plain.md"), atomically: true, encoding: .utf8)
        let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        let run = try FolioTool.run(["import", "--database", "s.sqlite", sample, "quoted.md", "plain.md"], currentDirectory: dir)
        #expect(run.status == 0, "\(run.output)")
        let export = try FolioTool.run(["export", "--database", "s.sqlite"], currentDirectory: dir)
        #expect(export.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(export.output.utf8)) as? [String: Any])
        let articles = try #require(document["articles"] as? [[String: Any]])
        let quoted = try #require(articles.first { $0["slug"] as? String == "quoted" })
        #expect(quoted["title"] as? String == "A \"quoted\" title")
        #expect(quoted["excerpt"] as? String == "It's here")
        let plain = try #require(articles.first { $0["slug"] as? String == "plain" })
        #expect(plain["title"] as? String == "He said \"yes\"")
    }

    // MARK: 6. Read-only stores

    enum ReadOnlyPlace: String, CaseIterable { case readOnlyFile, readOnlyFolder }

    /// A store imported with the sample content, then made read-only (as the file, or with its
    /// folder). Checked, exported and served by a user who cannot write it.
    @Test(arguments: ReadOnlyPlace.allCases)
    func aReadOnlyStoreIsCheckedExportedAndServed(place: ReadOnlyPlace) throws {
        let dir = try Self.temporaryFolder()
        defer {
            chmod(dir.path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let store = dir.appendingPathComponent("ro.sqlite")
        let sample = ServerProcess.repositoryRoot.appendingPathComponent("Config/sample-content").path
        let imported = try FolioTool.run(["import", "--database", store.path, sample], currentDirectory: dir)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(!FileManager.default.fileExists(atPath: store.path + "-wal"), "the import left its WAL behind")
        chmod(store.path, 0o444)
        chmod(dir.path, place == .readOnlyFile ? 0o777 : 0o555)

        let check = try FolioTool.run(["check", "--database", store.path], asNobody: true, currentDirectory: dir)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("ok: Config/folio.json and 4 articles"), "\(check.output)")
        #expect(!check.output.contains("out of step"), "\(check.output)")
        #expect(check.output.contains("note: read-only store"), "\(check.output)")

        let export = try FolioTool.run(["export", "--database", store.path], asNobody: true, currentDirectory: dir)
        #expect(export.status == 0, "\(export.output)")
        #expect(export.output.contains(SampleContent.turkiyeSlug))

        let server = try ServerProcess(config: ["access_log": false], database: store, asNobody: true)
        let printed = server.printed
        let c = try RawClient(port: server.port)
        c.send("GET /api/v1/articles?fields=slug HTTP/1.1\r\nHost: t\r\n\r\n")
        let list = try c.readResponse()
        c.send("GET /api/v1/search?q=elections HTTP/1.1\r\nHost: t\r\n\r\n")
        let search = try c.readResponse()
        c.send("GET /api/v1/articles/\(SampleContent.electionsSlug) HTTP/1.1\r\nHost: t\r\n\r\n")
        let article = try c.readResponse()
        let (status, _) = server.stop()
        #expect(printed.contains("read-only store \(store.path): serving it, writes are off"), "\(printed)")
        #expect(list.status == 200)
        #expect((list.json?["data"] as? [Any])?.count == 4)
        #expect(search.status == 200 && search.text.contains("<mark>"))
        #expect(article.status == 200)
        #expect(((article.json?["data"] as? [String: Any])?["html"] as? String)?.isEmpty == false, "\(article.text.prefix(300))")
        #expect(status == 0)
    }

    // MARK: 7. Small things

    @Test func versionNamesTheReleaseAndTheCommit() throws {
        let run = try FolioTool.run(["--version"])
        #expect(run.status == 0)
        let line = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("folio 0."), "\(line)")
        let commit = try #require(line.split(separator: "(commit ").last.map { String($0.dropLast()) })
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", ServerProcess.repositoryRoot.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            git.waitUntilExit()
            let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if git.terminationStatus == 0 { #expect(commit == head) }
        }
        #expect(commit.count == 12 && commit.allSatisfy(\.isHexDigit), "\(line)")
    }

    @Test func usageMistakesExit64AndRunTimeFailuresExit1() throws {
        let usage = try FolioTool.run(["serve", "--port", "70000"])
        #expect(usage.status == 64)
        #expect(usage.output.contains("Usage:"))
        let missing = try FolioTool.run(["export", "--database", "/nonexistent/folio.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("no database at /nonexistent/folio.sqlite"))
        #expect(!missing.output.contains("Usage:"))
        let help = try FolioTool.run(["check", "--help"])
        let words = help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("check and export need it to exist"), "\(help.output)")
    }

    @Test func anIPv6HostIsPrintedInBrackets() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("out.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = ServerProcess.binary
        p.arguments = ["serve", "--host", "::1", "--port", "0", "--database", dir.appendingPathComponent("v6.sqlite").path]
        p.currentDirectoryURL = dir
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        defer {
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        func printed() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(FolioTool.eventually { printed().contains("listening on") || !p.isRunning }, "\(printed())")
        #expect(printed().contains("listening on http://[::1]:"), "\(printed())")
        kill(p.processIdentifier, SIGTERM)
        #expect(FolioTool.eventually { !p.isRunning })
        #expect(p.terminationStatus == 0)
    }

    @Test func theDefaultConfigurationListensOnLoopback() throws {
        let config = try String(contentsOf: ServerProcess.repositoryRoot.appendingPathComponent("Config/folio.json"), encoding: .utf8)
        #expect(config.contains("\"host\": \"127.0.0.1\""))
        let dockerfile = try String(contentsOf: ServerProcess.repositoryRoot.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("FOLIO_HOST=0.0.0.0"))
    }
}

/// A keep-alive client with a `get` that returns the response (status asserted by callers).
struct APIServerClient {
    let client: RawClient

    init(port: Int) throws { client = try RawClient(port: port) }

    func get(_ path: String, headers: [String: String] = [:]) throws -> Response {
        var head = "GET \(path) HTTP/1.1\r\nHost: t\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        client.send(head + "\r\n")
        return try client.readResponse()
    }
}

/// The `<link>` elements of an Atom feed (the feed's own, and each entry's) and the `<link>`
/// texts of an RSS feed's items, read with FoundationXML's parser (libxml2).
final class FeedLinks: NSObject, XMLParserDelegate {
    var feed: [[String: String]] = []
    var entries: [[[String: String]]] = []
    var itemLinks: [String] = []
    private var inEntry = false
    private var inItem = false
    private var text: String?

    static func parse(_ bytes: [UInt8]) throws -> FeedLinks {
        let parser = XMLParser(data: Data(bytes))
        let links = FeedLinks()
        parser.delegate = links
        guard parser.parse() else { throw XMLFailure(message: "\(parser.parserError.map { "\($0)" } ?? "not XML")") }
        return links
    }

    struct XMLFailure: Error { let message: String }

    /// The href of the first link with `rel` (and `type`, when given).
    static func href(_ links: [[String: String]], rel: String, type: String?) -> String? {
        for link in links where link["rel"] == rel && (type == nil || link["type"] == type) { return link["href"] }
        return nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "entry": inEntry = true; entries.append([])
        case "item": inItem = true
        case "link" where inEntry: entries[entries.count - 1].append(attributes)
        case "link" where inItem: text = ""
        case "link": feed.append(attributes)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "entry": inEntry = false
        case "item": inItem = false
        case "link" where inItem:
            if let text { itemLinks.append(text) }
            text = nil
        default: break
        }
    }
}
