import Foundation
import Testing

/// Issue 19's smaller points against the real binary: CORS with an origin list varies on
/// Origin everywhere, nosniff on every kind of response, and expensive searches refused at
/// once (503 with Retry-After) when their share of the search threads is zero.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    @Test func anOriginListVariesOnOriginEverywhere() throws {
        let server = try ServerProcess(config: ["access_log": false, "cors_origins": ["https://a.example"]])
        defer { server.stop() }
        let f = try APIServerClient(port: server.port)
        for path in ["/api/v1/articles?per_page=1", "/api/v1/articles/no-such-article", "/api/v1/articles?pgae=1", "/api/v1/site"] {
            let listed = try f.get(path, headers: ["Origin": "https://a.example"])
            let other = try f.get(path, headers: ["Origin": "https://b.example"])
            #expect(listed.header("Access-Control-Allow-Origin") == "https://a.example", "\(path)")
            #expect(other.header("Access-Control-Allow-Origin") == nil, "\(path)")
            for r in [listed, other] {
                let vary = r.headers.filter { $0.0.lowercased() == "vary" }.map(\.1).joined(separator: ", ")
                #expect(vary.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("Origin"),
                        "\(path) \(r.status): Vary is \(vary)")
            }
        }
    }

    @Test func everyResponseSaysNoSniff() throws {
        let server = try ServerProcess(config: ["access_log": false]) { dir in
            try "<p>hi</p>".write(to: dir.appendingPathComponent("Public/index.html"), atomically: true, encoding: .utf8)
        }
        defer { server.stop() }
        let f = try APIServerClient(port: server.port)
        for path in ["/api/v1/articles", "/api/v1/nope", "/api/v1/articles?pgae=1", "/", "/feed.atom", "/api/v1/search?q=elections"] {
            let r = try f.get(path)
            #expect(r.header("X-Content-Type-Options") == "nosniff", "\(path) \(r.status)")
        }
    }

    @Test func expensiveSearchesSwitchedOffAre503sAtOnce() throws {
        let server = try ServerProcess(config: ["access_log": false, "search": ["expensive_workers": 0]])
        defer { server.stop() }
        let f = try APIServerClient(port: server.port)
        let refused = try f.get("/api/v1/search?q=elect*")
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(refused.text.contains("expensive searches"))
        #expect(try f.get("/api/v1/search?q=elections").status == 200)
        let metrics = try f.get("/metrics").text
        #expect(metrics.contains("folio_searches_refused_total 1\n"), "\(metrics)")
    }

    @Test func searchSettingsAreValidated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-search-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (text, message) in [
            ("{\"search\": {\"workers\": 2, \"expensive_workers\": 2}}", "must be below search.workers"),
            ("{\"search\": {\"cpu_budget\": 1}}", "unknown key \"search.cpu_budget\""),
            ("{\"search\": {\"min_prefix_length\": 0}}", "\"search.min_prefix_length\" must be an integer in 1...100"),
            ("{\"gzip_level\": 0}", "\"gzip_level\" must be an integer in 1...9"),
        ] {
            try text.write(to: dir.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
            let run = try FolioTool.run(["check", "--config", "c.json", "--database", "none.sqlite"], currentDirectory: dir)
            #expect(run.status == 1)
            #expect(run.output.contains(message), "\(run.output)")
        }
    }
}
